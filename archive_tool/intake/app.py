"""The intake's web pages (Starlette): 写信, 意见征集, the acknowledgement and 办理查询.

Every page is plain HTML that works without JavaScript, styled by the theme's own CSS and
served under the theme's Content-Security-Policy. A submission is stored and committed
before the page that acknowledges it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import headers
from ..regions import SHANGHAI
from .forms import (
    LETTER_FIELDS,
    LETTER_TYPES,
    MAX_BODY,
    OPINION_FIELDS,
    TOKEN_FIELD,
    TRAP_FIELD,
    Refused,
    clean,
    letter_type,
    parse_body,
)
from .guard import COOKIE, RateLimit, Tokens
from .sites import SiteView
from .store import LETTER, OPINION, Store

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": headers.header_policy(headers.PAGE_POLICY),
    "X-Content-Type-Options": headers.CONTENT_TYPE_OPTIONS,
    "X-Frame-Options": headers.FRAME_OPTIONS,
    "Referrer-Policy": headers.REFERRER_POLICY,
    "Permissions-Policy": headers.PERMISSIONS_POLICY,
    "Cache-Control": "no-store",  # forms carry tokens, answers carry query codes
}


@dataclass
class Settings:
    store: Store
    sites: dict[str, SiteView]
    theme: Path  # the theme's static folder (themes/gov/static)
    min_fill: float = 3.0
    per_address: int = 10  # submissions (and 查询) per address in a window
    window: float = 600.0


def now() -> datetime:
    """北京时间, as the letter records write it."""
    return datetime.now(SHANGHAI).replace(tzinfo=None)


class Intake:
    """The pages, over one store; a method per route."""

    def __init__(self, settings: Settings):
        self.s = settings
        self.tokens = Tokens(settings.store.secret(), settings.min_fill)
        self.submissions = RateLimit(settings.per_address, settings.window)
        self.lookups = RateLimit(settings.per_address * 3, settings.window)
        self.portal = next(iter(settings.sites.values()))
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self.env.globals.update(policy_meta=headers.policy_meta(), letter_types=LETTER_TYPES)

    # -- pages --------------------------------------------------------------------------

    def render(self, request: Request, name: str, status: int = 200, **context) -> Response:
        cookie = request.cookies.get(COOKIE) or Tokens.new_cookie()
        context.setdefault("site", self.portal)
        page = self.env.get_template(name).render(
            token=self.tokens.issue(cookie), sites=self.s.sites, **context
        )
        response = HTMLResponse(page, status, headers=SECURITY_HEADERS)
        if request.cookies.get(COOKIE) != cookie:
            response.set_cookie(
                COOKIE,
                cookie,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
                path="/",
            )
        return response

    def refusal(self, request: Request, refused: Refused, site: SiteView | None = None):
        return self.render(
            request,
            "refused.html",
            refused.status,
            message=refused.message,
            site=site or self.portal,
        )

    def site_of(self, request: Request) -> SiteView:
        site = self.s.sites.get(request.path_params.get("site", ""))
        if site is None:
            raise Refused(404, "没有这个网站，请从网站的「互动交流」栏目进入")
        return site

    async def index(self, request: Request) -> Response:
        return self.render(request, "index.html", today=now().date())

    async def letter(self, request: Request) -> Response:
        try:
            site = self.site_of(request)
            values = {"type": request.query_params.get("type", "建议")}
            if request.method == "GET":
                return self.render(request, "letter.html", site=site, values=values, problems=[])
            fields = await self.submission(request)
            kind, problems = letter_type(fields)
            values, found = clean(fields, LETTER_FIELDS)
            values["type"] = kind
            if problems + found:
                return self.render(
                    request, "letter.html", 400, site=site, values=values, problems=problems + found
                )
            record = {"kind": LETTER, "site": site.id, **values}
            return await self.received(request, site, record, "留言")
        except Refused as refused:
            return self.refusal(request, refused, self.s.sites.get(request.path_params["site"]))

    async def opinion(self, request: Request) -> Response:
        try:
            site = self.site_of(request)
            item = site.consultations.get(request.path_params["slug"])
            if item is None:
                raise Refused(404, "没有这项意见征集，请从网站的「意见征集」栏目进入")
            if not item.open_on(now().date()):
                raise Refused(
                    403, f"这项意见征集的时间为 {item.opens} 至 {item.closes}，现在不接收意见"
                )
            if request.method == "GET":
                return self.render(
                    request, "opinion.html", site=site, item=item, values={}, problems=[]
                )
            fields = await self.submission(request)
            values, problems = clean(fields, OPINION_FIELDS)
            if problems:
                return self.render(
                    request,
                    "opinion.html",
                    400,
                    site=site,
                    item=item,
                    values=values,
                    problems=problems,
                )
            record = {
                "kind": OPINION,
                "site": site.id,
                "type": "意见",
                "consultation": item.slug,
                "title": item.title,
                **values,
            }
            return await self.received(request, site, record, "意见")
        except Refused as refused:
            return self.refusal(request, refused, self.s.sites.get(request.path_params["site"]))

    async def received(self, request: Request, site: SiteView, record: dict, what: str):
        """Store the submission (committed) and only then acknowledge it."""
        number, code = await run_in_threadpool(self.s.store.submit, record, now())
        return self.render(request, "received.html", site=site, number=number, code=code, what=what)

    async def status(self, request: Request) -> Response:
        site = self.s.sites.get(request.query_params.get("site", ""), self.portal)
        if request.method == "GET":
            return self.render(request, "status.html", site=site, values={}, found=None)
        try:
            fields = await self.submission(request, self.lookups)
            number, code = fields.get("number", "").strip(), fields.get("code", "").strip()
            if not number or not code:
                raise Refused(400, "请填写受理编号和查询码")
            found = await run_in_threadpool(self.s.store.lookup, number[:40], code[:40])
            if found is None:
                return self.render(
                    request,
                    "status.html",
                    404,
                    site=site,
                    values={"number": number},
                    found=None,
                    problems=["受理编号或查询码不正确，请核对后再查询"],
                )
            return self.render(request, "status.html", site=site, values={}, found=found)
        except Refused as refused:
            return self.refusal(request, refused, site)

    async def submission(self, request: Request, limit: RateLimit | None = None) -> dict[str, str]:
        """The fields of a POST, once it passed the rate limit, size limit, CSRF and trap."""
        address = request.client.host if request.client else "unknown"
        (limit or self.submissions).hit(address)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            raise Refused(413, f"提交的内容超过 {MAX_BODY // 1024} KB，请精简后再提交")
        raw = bytearray()
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY:
                raise Refused(413, f"提交的内容超过 {MAX_BODY // 1024} KB，请精简后再提交")
        fields = parse_body(bytes(raw), request.headers.get("content-type", ""))
        self.tokens.check(
            fields.get(TOKEN_FIELD, ""), request.cookies.get(COOKIE), fields.get(TRAP_FIELD, "")
        )
        return fields


def make_app(settings: Settings) -> Starlette:
    intake = Intake(settings)

    async def not_found(request, exc):
        return intake.refusal(request, Refused(exc.status_code, "没有这个页面"))

    routes = [
        Route("/", intake.index),
        Route("/status", intake.status, methods=["GET", "POST"]),
        Route("/{site}/letter", intake.letter, methods=["GET", "POST"]),
        Route("/{site}/opinion/{slug}", intake.opinion, methods=["GET", "POST"]),
        Route(
            "/{site}/", lambda request: RedirectResponse(f"/{request.path_params['site']}/letter")
        ),
        Mount("/theme", StaticFiles(directory=settings.theme, check_dir=False), name="theme"),
        Mount("/intake", StaticFiles(directory=HERE / "static"), name="intake"),
    ]
    return Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})
