"""What keeps forged, automated and flooding submissions out, with no outside service.

CSRF: a signed double-submit token. The form page sets a random value in a cookie
(``SameSite=Strict``, ``HttpOnly``) and puts the same value, signed with the service's
secret and the time (itsdangerous ``TimestampSigner``), in a hidden field; a submission
must carry both, matching. The signed time is also the spam trap's clock: a form sent back
sooner than ``min_fill`` seconds after it was served was not filled in by a person, nor
was one whose hidden ``website`` field holds anything. ``RateLimit`` counts the requests of
each address in a sliding window, in the process's memory.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from .forms import Refused

COOKIE = "intake_csrf"
TOKEN_MAX_AGE = 2 * 60 * 60  # a form left open longer is served again
MAX_TRACKED = 100_000  # addresses remembered at once; the oldest are forgotten first


class Tokens:
    def __init__(self, secret: str, min_fill: float):
        self.signer = TimestampSigner(secret, salt="archive-tool intake form")
        self.min_fill = min_fill

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(18)

    def issue(self, cookie: str) -> str:
        return self.signer.sign(cookie).decode("ascii")

    def check(self, token: str, cookie: str | None, trap: str) -> None:
        """Refuse a submission without a valid token for its cookie, or filled in by a robot."""
        if not cookie or not token:
            raise Refused(
                403,
                "缺少安全校验信息（可能浏览器禁用了 Cookie 或页面已过期），请返回表单页面刷新后重新提交",
            )
        try:
            value, signed_at = self.signer.unsign(
                token, max_age=TOKEN_MAX_AGE, return_timestamp=True
            )
        except SignatureExpired:
            raise Refused(403, "表单已打开超过 2 小时，为安全起见请刷新页面后重新提交") from None
        except BadSignature:
            raise Refused(403, "安全校验未通过，请返回表单页面刷新后重新提交") from None
        if not secrets.compare_digest(value.decode("ascii", "replace"), cookie):
            raise Refused(403, "安全校验未通过，请返回表单页面刷新后重新提交")
        if trap:
            raise Refused(
                400, "提交被识别为自动程序填写，未予接收；如您是本人填写，请刷新页面后重新提交"
            )
        if time.time() - signed_at.timestamp() < self.min_fill:
            raise Refused(400, f"填写时间过短（少于 {self.min_fill:g} 秒），请核对内容后再次提交")


class RateLimit:
    """At most ``limit`` requests per address in any ``window`` seconds (0 turns it off)."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, address: str, now: float | None = None) -> None:
        """Count one request; ``Refused`` (429) once the address is over its limit."""
        if self.limit <= 0:
            return
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._seen.pop(address, None) or deque()
            while times and times[0] <= now - self.window:
                times.popleft()
            self._seen[address] = times  # most recently seen last: forgotten last
            if len(self._seen) > MAX_TRACKED:
                del self._seen[next(iter(self._seen))]
            if len(times) >= self.limit:
                wait = int(times[0] + self.window - now) + 1
                raise Refused(
                    429,
                    f"提交过于频繁：同一网络地址 {self.window / 60:g} 分钟内最多提交 "
                    f"{self.limit} 次，请 {wait} 秒后再试",
                )
            times.append(now)
