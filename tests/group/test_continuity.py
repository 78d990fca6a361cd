"""Web continuity (第八条（四）, issue 18): after a redesign every old address still answers.

The demo group's county site 谯城区 is built, then redesigned: one column renamed (zcjd →
zhengcejiedu, one of its articles naming its old address in ``aliases``) and two articles
removed. A real nginx on loopback serves the new build with the configuration the build
wrote; every address of the old version answers 200, 301 to the new address, or 301 to
its archived copy, and none answers 404.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from conftest import DEMO_CONTENT, archive_tool, run_pelican
from csp import policy_problems
from lxml import html
from test_lifecycle_pages import NGINX, get, start_nginx

from archive_tool.lifecycle.serving import continuity_maps, maps_header, nginx_path_ok

DOMAIN = "www.qcq.gov.cn"
ALIASED = "qcq-zhongyaocai-jidi-2026-jiedu"  # moved with the renamed column, names its old URL
REMOVED = ("2025-01-15-qcq-gaoxiao-banchengyijianshi", "2025-09-05-qcq-zhaoshang-tuijie")
NEVER = "/zwdt/199901/never-was-here.html"


def old_addresses(site: Path) -> list[str]:
    """Every address of a published site: pages, feeds, sitemap, attachments, styles."""
    found = []
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if path.is_file() and not relative.startswith(("pagefind/", "archive/")):
            found.append("/" + relative.removesuffix("index.html"))
    return found


@pytest.fixture(scope="module")
def redesigned(tmp_path_factory):
    root = tmp_path_factory.mktemp("continuity")
    content, output = root / "content", root / "output"
    shutil.copytree(DEMO_CONTENT, content)
    first = run_pelican(content, output, "-e", 'BUILD_DATE="2026-11-25"')
    assert first.returncode == 0, first.stderr
    site = output / DOMAIN
    old = old_addresses(site)
    shutil.copy(site / "sitemap.xml", root / "old-sitemap.xml")
    aliased_old = next(p for p in old if p.endswith(f"/{ALIASED}.html"))
    assert aliased_old.startswith("/zcjd/")

    qcq = content / "qcq"
    yaml = (qcq / "site.yaml").read_text(encoding="utf-8")
    yaml = yaml.replace("{id: zcjd, name: 政策解读", "{id: zhengcejiedu, name: 政策解读")
    (qcq / "site.yaml").write_text(yaml + "archive:\n  redesign: 2026-11-26\n", encoding="utf-8")
    (qcq / "zcjd").rename(qcq / "zhengcejiedu")
    article = qcq / "zhengcejiedu" / f"{ALIASED}.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(f"Aliases: {aliased_old}\n" + text, encoding="utf-8")
    for name in REMOVED:
        (qcq / "zwdt" / f"{name}.md").unlink()
    second = run_pelican(content, output, "-e", 'BUILD_DATE="2026-11-26"')
    assert second.returncode == 0, second.stderr
    return root, output, old, aliased_old


@pytest.fixture(scope="module")
def nginx(redesigned, tmp_path_factory):
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed")
    _, output, _, _ = redesigned
    servers = f"""
  server {{ listen 127.0.0.1:PORT; server_name {DOMAIN}; root {output / DOMAIN};
           include {output}/nginx/{DOMAIN}.conf; }}"""
    process, port = start_nginx(
        tmp_path_factory.mktemp("nginx"), servers, f"include {output}/nginx/maps.conf;"
    )
    yield port
    process.terminate()
    process.wait(timeout=10)


def test_every_old_address_answers_and_none_404(redesigned, nginx):
    _, output, old, aliased_old = redesigned
    new_article = next((output / DOMAIN / "zhengcejiedu").rglob(f"{ALIASED}.html"))
    new_path = "/" + new_article.relative_to(output / DOMAIN).as_posix()
    seen = {200: 0, "moved": 0, "archived": 0}
    for address in old:
        response = get(nginx, DOMAIN, quote(address))
        assert response.status in (200, 301), (address, response.status)
        if response.status == 200:
            seen[200] += 1
            continue
        target = unquote(urlsplit(response.getheader("Location")).path)
        if address == aliased_old:
            assert target == new_path
            seen["moved"] += 1
            continue
        assert target.startswith("/archive/"), (address, target)
        copy = get(nginx, DOMAIN, quote(target))
        assert copy.status == 200, (address, target)
        if target.endswith(".html"):
            assert "已归档" in copy.body and "归档时间：" in copy.body, target
        seen["archived"] += 1
    assert seen["moved"] == 1
    assert seen[200] > 50, seen
    # The renamed column's list and the removed articles answer from the archive.
    for address in ["/zcjd/", "/zcjd"] + [a for a in old if a.endswith(REMOVED[0] + ".html")]:
        response = get(nginx, DOMAIN, address)
        assert response.status == 301, address
        assert urlsplit(response.getheader("Location")).path.startswith("/archive/"), address


def test_an_aliased_address_also_works_without_nginx(redesigned):
    _, output, _, aliased_old = redesigned
    page = output / DOMAIN / aliased_old.lstrip("/")
    document = html.fromstring(page.read_bytes())
    refresh = document.xpath("string(//meta[@http-equiv='refresh']/@content)")
    assert refresh.startswith("0; url=../../zhengcejiedu/")
    canonical = document.xpath("string(//link[@rel='canonical']/@href)")
    assert canonical.startswith(f"https://{DOMAIN}/zhengcejiedu/")
    assert document.xpath("//a[contains(@href, 'zhengcejiedu/')]"), "a visible link"
    assert not document.xpath("//script"), "the CSP forbids inline script"


def test_every_page_of_the_redesigned_group_carries_a_policy(redesigned):
    """Redirect pages, the archive's 归档目录 and its copies included (for hosts without
    the nginx configuration, which sends the policy as a header too)."""
    _, output, _, aliased_old = redesigned
    assert (output / DOMAIN / aliased_old.lstrip("/")).is_file()
    assert len(list((output / DOMAIN / "archive").rglob("*.html"))) > 10
    assert policy_problems(output) == []


def test_an_archived_copy_is_served_with_its_own_policy(redesigned, nginx):
    _, output, _, _ = redesigned
    copy = next((output / DOMAIN / "archive").glob("*/index.html"))
    document = html.fromstring(copy.read_bytes())
    (policy,) = document.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    response = get(nginx, DOMAIN, "/" + copy.relative_to(output / DOMAIN).as_posix())
    assert response.status == 200
    assert response.getheader("Content-Security-Policy") == f"{policy}; frame-ancestors 'self'"
    assert "script-src 'none'" in policy
    assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_an_address_never_published_answers_the_sites_404_page(redesigned, nginx):
    response = get(nginx, DOMAIN, NEVER)
    assert response.status == 404
    page = html.fromstring(response.body)
    assert page.xpath("string(//header//a[@class='site-name'])") == "亳州市谯城区人民政府"
    assert "网站标识码：3416020001" in page.xpath("string(//footer)")
    assert page.xpath("//main//form[@role='search']/@action") == ["/search.html"]
    assert page.xpath("//main//a[.='归档目录']/@href") == ["/archive/index.html"]
    for asset in page.xpath("//link[@rel='stylesheet']/@href | //img/@src"):
        assert get(nginx, DOMAIN, asset).status == 200, asset


def test_the_build_report_counts_old_addresses_answering_404(redesigned):
    _, output, _, _ = redesigned
    report = (output / "build-report.txt").read_text(encoding="utf-8")
    assert "旧网址将返回 404：0 个" in report


def test_the_continuity_check_finds_no_404(redesigned):
    root, output, _, aliased_old = redesigned
    site = output / DOMAIN
    warc = next((root / "content" / "qcq" / "archive").glob("*.warc.gz"))
    for sources in ([], [root / "old-sitemap.xml"], [warc]):
        result = archive_tool("continuity", site, *sources)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "\n404\t" not in "\n" + result.stdout
        assert "404 0 个" in result.stderr
    lines = archive_tool("continuity", site).stdout.splitlines()
    assert any(line.startswith(f"已迁移\t{aliased_old} → /zhengcejiedu/") for line in lines)
    assert any(line.startswith("归档副本\t/zcjd/ → /archive/") for line in lines)


def test_the_continuity_check_names_what_would_answer_404(redesigned, tmp_path):
    _, output, _, _ = redesigned
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>https://{DOMAIN}/</loc></url><url><loc>https://{DOMAIN}{NEVER}</loc></url>"
        "<url><loc>https://elsewhere.example/a.html</loc></url></urlset>",
        encoding="utf-8",
    )
    result = archive_tool("continuity", output / DOMAIN, sitemap)
    assert result.returncode == 1
    assert f"404\t{NEVER}" in result.stdout and "相同页面\t/" in result.stdout
    assert "1 个旧网址在新版中将返回 404" in result.stderr and "Traceback" not in result.stderr
    assert "另有 1 个网址不在本站" in result.stderr


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("missing.xml", "不存在"),
        ("notes.txt", "无法识别旧网址来源"),
        ("broken.xml", "无法读取"),
        ("index.xml", "站点地图索引"),
        ("bad.warc.gz", "无法读取"),
    ],
)
def test_a_bad_old_address_list_is_refused_with_a_message(redesigned, tmp_path, source, message):
    _, output, _, _ = redesigned
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "broken.xml").write_text("<urlset><url>", encoding="utf-8")
    (tmp_path / "index.xml").write_text("<sitemapindex/>", encoding="utf-8")
    (tmp_path / "bad.warc.gz").write_bytes(b"not a warc at all")
    result = archive_tool("continuity", output / DOMAIN, tmp_path / source)
    assert result.returncode == 1
    assert message in result.stderr and source in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


HOSTILE = ["../../etc", "http://evil/", "/a b.html", "/x;y", "/x{y}", "/a%0Aroot", "/a/../b"]


def test_hostile_aliases_are_refused_naming_file_and_field(group_copy, tmp_path):
    article = next((group_copy / "qcq" / "zwdt").glob("*.md"))
    text = article.read_text(encoding="utf-8")
    article.write_text(f"Aliases: {', '.join(HOSTILE)}\n" + text, encoding="utf-8")
    output = tmp_path / "output"
    result = run_pelican(group_copy, output)
    assert result.returncode == 1
    for alias in HOSTILE:
        assert f"旧网址「{alias}」" in result.stderr, alias
    assert f"content/qcq/zwdt/{article.name}" in result.stderr
    assert "字段「aliases」" in result.stderr and "Traceback" not in result.stderr
    assert not output.exists(), "nothing is written"


def test_two_articles_cannot_claim_one_old_address(group_copy, tmp_path):
    for article in sorted((group_copy / "qcq" / "zwdt").glob("*.md"))[:2]:
        text = article.read_text(encoding="utf-8")
        article.write_text("Aliases: /old/notice.html\n" + text, encoding="utf-8")
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode == 1
    assert "旧网址「/old/notice.html」已由" in result.stderr


def test_an_alias_over_a_page_of_the_build_is_refused(group_copy, tmp_path):
    article = next((group_copy / "qcq" / "zwdt").glob("*.md"))
    text = article.read_text(encoding="utf-8")
    article.write_text("Aliases: /sitemap.html\n" + text, encoding="utf-8")
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode == 1
    assert "与本站现有页面 sitemap.html 相同" in result.stderr
    assert "Traceback" not in result.stderr


def test_hostile_archived_addresses_never_break_the_nginx_configuration(tmp_path):
    """Keys come from WARCs (hostile): what nginx accepts as a key is quoted, the rest is
    left out (it answers 404); values are percent-encoded. nginx -t checks the result."""
    keys = ["/a b;{c}.html", "/x'#y", "/新闻/1.html", '/a"b', "/a$b", "/a\nb", "/a\\b"]
    safe = {key: "/archive/1/copy" for key in keys if nginx_path_ok(key)}
    assert set(safe) == {"/a b;{c}.html", "/x'#y", "/新闻/1.html"}
    with pytest.raises(ValueError):
        continuity_maps("www.qcq.gov.cn", {}, {'/a"b': "/x"})
    maps = continuity_maps("www.qcq.gov.cn", {"/old.html": '/new"$x;.html'}, safe)
    assert '"/new%22%24x;.html"' in maps
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed")
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"error_log {tmp_path}/error.log;\npid {tmp_path}/nginx.pid;\nevents {{}}\n"
        f"http {{\n{maps_header(list(safe))}{maps}\n}}\n",
        encoding="utf-8",
    )
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr


def test_an_article_removed_without_archive_is_listed_in_the_build_report(group_copy, tmp_path):
    output = tmp_path / "output"
    assert run_pelican(group_copy, output, "-e", 'BUILD_DATE="2026-11-25"').returncode == 0
    removed = group_copy / "qcq" / "zwdt" / f"{REMOVED[0]}.md"
    removed.unlink()
    result = run_pelican(group_copy, output, "-e", 'BUILD_DATE="2026-11-26"')
    assert result.returncode == 0, result.stderr
    assert "旧网址在新版中将返回 404" in result.stderr
    report = (output / "build-report.txt").read_text(encoding="utf-8")
    lost = report.split("旧网址将返回 404：")[1]
    assert not lost.startswith("0 个")
    assert f"亳州市谯城区人民政府（{DOMAIN}）" in lost
    assert f"/zwdt/202501/{REMOVED[0]}.html" in lost
    assert "aliases" in lost, "the report says what to do"
