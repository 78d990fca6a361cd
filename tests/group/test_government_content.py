"""办事指南, 互动交流, the 信息资源库, 政策解读 and 索引号 as a user sees them in the build.

Expected values are read from the demo content itself (the YAML records), never typed in.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import yaml
from conftest import DEMO_CONTENT, run_pelican
from lxml import html as lxml_html

PORTAL = "www.bozhou.gov.cn"
QCQ = "www.qcq.gov.cn"
INDEX_NO = re.compile(r"^11341600MB\d{8}/\d{4}-\d{5}$")


def records(content: Path, site: str, folder: str) -> dict[str, dict]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((content / site / folder).glob("*.yaml"))
    }


def page(path: Path):
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


def text_of(path: Path) -> str:
    return " ".join(page(path).text_content().split())


def domain_of(content: Path, site: str) -> str:
    return yaml.safe_load((content / site / "site.yaml").read_text(encoding="utf-8"))["domain"]


# -- 办事服务 ---------------------------------------------------------------------------------


def test_service_guides_show_every_key_element_and_their_downloads(demo_build):
    content = DEMO_CONTENT
    sites = [s for s in ("bozhou", "qcq", "fgw") if (content / s / "services").is_dir()]
    total = 0
    for site in sites:
        root = demo_build.output / domain_of(content, site)
        for slug, item in records(content, site, "services").items():
            total += 1
            guide = root / "services" / f"{slug}.html"
            shown = text_of(guide)
            for key in ("事项名称", "设定依据", "办理地点", "办理时间", "联系电话", "收费标准"):
                assert key in shown and " ".join(str(item[key]).split()) in shown, (slug, key)
            assert item["网上可办理程度"] in shown
            for material in item["办理材料"]:
                assert material["名称"] in shown
            links = page(guide).xpath("//a[@download]/@href")
            named = [m for m in item["办理材料"] if m.get("规范表格")]
            assert len(links) == 3 * len(named)
            for href in links:
                assert (guide.parent / href).resolve().is_file(), href
            listing = text_of(root / "services" / "index.html")
            assert item["事项名称"] in listing
    assert total >= 8


def test_portal_lists_the_group_service_catalogue(demo_build):
    content = DEMO_CONTENT
    catalogue = page(demo_build.output / PORTAL / "services" / "index.html")
    rows = catalogue.xpath("//h2[@id='catalogue']/following-sibling::table[1]//tbody/tr")
    expected = {
        item["事项名称"]
        for site in ("bozhou", "qcq", "fgw")
        for item in records(content, site, "services").values()
    }
    assert {row.xpath("string(td[1])").strip() for row in rows} == expected
    fgw_links = catalogue.xpath("//a[starts-with(@href, 'https://fgw.bozhou.gov.cn/services/')]")
    assert len(fgw_links) == len(records(content, "fgw", "services"))


def test_a_service_item_missing_a_key_element_fails_naming_file_and_field(group_copy, tmp_path):
    item = next((group_copy / "qcq" / "services").glob("*.yaml"))
    data = yaml.safe_load(item.read_text(encoding="utf-8"))
    del data["设定依据"]
    data["办理材料"][0]["必要性"] = "看情况"
    item.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode == 1
    assert f"content/qcq/services/{item.name}" in result.stderr
    assert "字段「设定依据」：缺少「设定依据」" in result.stderr
    assert "字段「办理材料[1].必要性」" in result.stderr
    assert "第七条（四）" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


def test_a_named_form_file_must_exist(group_copy, tmp_path):
    with_forms = [
        path
        for path in sorted((group_copy / "bozhou" / "services").glob("*.yaml"))
        if "规范表格" in path.read_text(encoding="utf-8")
    ]
    data = yaml.safe_load(with_forms[0].read_text(encoding="utf-8"))
    material = next(m for m in data["办理材料"] if m.get("规范表格"))
    (group_copy / "bozhou" / material["规范表格"]).unlink()
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode == 1
    assert "规范表格」：文件不存在" in result.stderr


# -- 互动交流 ---------------------------------------------------------------------------------


def test_letters_page_lists_every_letter_with_statistics(demo_build):
    content = DEMO_CONTENT
    for site in ("bozhou", "qcq"):
        letters = records(content, site, "letters")
        answered = [l for l in letters.values() if l.get("答复时间")]
        root = demo_build.output / domain_of(content, site)
        listing = root / "letters" / "index.html"
        stats = {
            dt.text_content(): dd.text_content()
            for dt, dd in zip(
                page(listing).xpath("//dl[@class='stats']//dt"),
                page(listing).xpath("//dl[@class='stats']//dd"),
                strict=True,
            )
        }
        assert stats["收到留言"] == f"{len(letters)} 件"
        assert stats["已答复"] == f"{len(answered)} 件"
        assert stats["办理中"] == f"{len(letters) - len(answered)} 件"
        assert stats["平均答复用时"].endswith("个工作日")
        # Ten a page: letters/index.html, letters/index_2.html, …
        rows = [
            row
            for listed in sorted(root.glob("letters/index*.html"))
            for row in page(listed).xpath("//table[contains(@class,'letter-table')]/tbody/tr")
        ]
        assert len(rows) == len(letters)
        for slug, letter in letters.items():
            shown = text_of(root / "letters" / f"{slug}.html")
            assert " ".join(letter["留言内容"].split()) in shown
            if letter.get("答复内容"):
                assert letter["答复单位"] in shown
                assert " ".join(letter["答复内容"].split()) in shown


def test_letters_unanswered_for_three_months_are_flagged_and_reported(demo_build):
    content = DEMO_CONTENT
    letters = records(content, "bozhou", "letters")
    overdue = [
        slug
        for slug, letter in letters.items()
        if not letter.get("答复时间")
        and datetime.strptime(str(letter["留言时间"])[:10], "%Y-%m-%d") < datetime(2026, 8, 25)
    ]
    assert overdue, "the demo has a letter unanswered for over three months"
    listing = page(demo_build.output / PORTAL / "letters" / "index.html")
    flagged = listing.xpath("//tr[@class='overdue']//a/@href")
    assert sorted(Path(h).stem for h in flagged) == sorted(overdue)
    report = (demo_build.output / "build-report.txt").read_text(encoding="utf-8")
    for slug in overdue:
        assert f"content/bozhou/letters/{slug}.yaml" in report
    assert "超过 3 个月未答复" in report


def test_letter_text_is_escaped(group_copy, tmp_path):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> & <b>粗体</b>'
    (group_copy / "qcq" / "letters" / "2026-9999.yaml").write_text(
        yaml.safe_dump(
            {
                "标题": "<i>标题里的标签</i>",
                "类型": "建议",
                "留言时间": "2026-11-24 10:00",
                "留言内容": hostile,
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode == 0, result.stderr
    root = tmp_path / "output" / domain_of(group_copy, "qcq")
    raw = (root / "letters" / "2026-9999.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "<img src=x" not in raw and "<b>粗体" not in raw
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in raw
    tree = page(root / "letters" / "2026-9999.html")
    assert tree.xpath("//script[contains(., 'alert')]") == []
    assert hostile in tree.text_content()
    assert "<i>标题里的标签</i>" in page(root / "letters" / "index.html").text_content()


def test_consultations_and_interviews(demo_build):
    content = DEMO_CONTENT
    consultations = records(content, "bozhou", "consultations")
    listing = text_of(demo_build.output / PORTAL / "consultations" / "index.html")
    for slug, item in consultations.items():
        assert item["标题"] in listing
        shown = text_of(demo_build.output / PORTAL / "consultations" / f"{slug}.html")
        if item.get("征集结果"):
            assert "已公布结果" in shown and "征集结果" in shown
        else:
            assert "征集中" in shown
    for slug, item in records(content, "bozhou", "interviews").items():
        shown = text_of(demo_build.output / PORTAL / "interviews" / f"{slug}.html")
        for turn in item["实录"]:
            assert " ".join(turn["内容"].split()) in shown


# -- 信息资源库, 政策解读, 辟谣 ----------------------------------------------------------------


def test_library_items_are_reposted_with_source_and_canonical(demo_build):
    content = DEMO_CONTENT
    items = sorted((content / "_library").glob("*.md"))
    assert len(items) >= 2
    reposting_sites = set()
    for item in items:
        meta = dict(
            line.split(": ", 1)
            for line in item.read_text(encoding="utf-8").split("\n\n")[0].splitlines()
        )
        origin_site, origin_column = meta["Origin"].split("/")
        originals = list(
            (demo_build.output / domain_of(content, origin_site) / origin_column).glob(
                f"*/{item.stem}.html"
            )
        )
        assert len(originals) == 1, item.name
        origin_url = (
            f"https://{domain_of(content, origin_site)}/"
            + originals[0]
            .relative_to(demo_build.output / domain_of(content, origin_site))
            .as_posix()
        )
        for entry in meta["Reposts"].split(";"):
            target, when = entry.strip().split(" ", 1)
            site, column = target.split("/")
            reposting_sites.add(site)
            copy = next(
                (demo_build.output / domain_of(content, site) / column).glob(f"*/{item.stem}.html")
            )
            tree = page(copy)
            assert tree.xpath("//link[@rel='canonical']/@href") == [origin_url]
            meta_text = " ".join(tree.xpath("string(//p[@class='article-meta'])").split())
            assert f"转载时间：{when.strip()}" in meta_text
            assert "来源：亳州市人民政府" in meta_text
    assert len(reposting_sites) >= 2
    report = (demo_build.output / "build-report.txt").read_text(encoding="utf-8")
    assert "超过 12 小时" in report and "第十二条（二）" in report


def test_policy_lists_its_interpretations_and_important_policy_without_one_is_reported(
    demo_build,
):
    policy = next((demo_build.output / PORTAL / "zcwj").glob("*/bozhou-zfwzqglbf-2019.html"))
    links = page(policy).xpath("//section[@class='interpretations']//a/@href")
    assert len(links) >= 2
    for href in links:
        back = page((policy.parent / href).resolve())
        assert back.xpath("//p[@class='policy-link']/a/@href")
    report = (demo_build.output / "build-report.txt").read_text(encoding="utf-8")
    assert "重要政策文件应同步发布政策解读" in report
    assert "bozhou-zfwzqglbf-2019" not in report


def test_rumour_rebuttals_have_their_own_list(demo_build):
    listing = page(demo_build.output / PORTAL / "piyao" / "index.html")
    titles = listing.xpath("//ul[@class='article-list']//a")
    assert titles and all("辟谣" in a.text_content() for a in titles)


# -- 索引号 -----------------------------------------------------------------------------------


def _index_numbers(site_root: Path) -> dict[str, str]:
    numbers = {}
    for path in site_root.glob("*/*/*.html"):
        cells = page(path).xpath(
            "//table[@class='gk-meta']//th[.='索引号']/following-sibling::td[1]"
        )
        if cells:
            numbers[path.stem] = cells[0].text_content()
    return numbers


def test_every_published_article_has_a_stable_index_number(group_copy, tmp_path):
    first = run_pelican(group_copy, tmp_path / "one")
    assert first.returncode == 0, first.stderr
    root = tmp_path / "one" / PORTAL
    before = _index_numbers(root)
    assert before and all(INDEX_NO.match(number) for number in before.values()), before
    assert len(set(before.values())) == len(before)
    # A back-dated article added later gets a new number; no existing number moves.
    (group_copy / "bozhou" / "zwdt" / "late-entry.md").write_text(
        "Title: 补录的一条动态\nDate: 2024-01-05\ndisclosure: 主动公开\n\n正文。\n",
        encoding="utf-8",
    )
    second = run_pelican(group_copy, tmp_path / "two")
    assert second.returncode == 0, second.stderr
    after = _index_numbers(tmp_path / "two" / PORTAL)
    assert {k: after[k] for k in before} == before
    assert after["late-entry"] not in before.values()
    assert after["late-entry"].split("/")[1].startswith("2024-")
    ledger = yaml.safe_load((group_copy / "bozhou" / "index-numbers.yaml").read_text("utf-8"))
    assert ledger["late-entry"] == after["late-entry"]


def test_demo_ledgers_are_complete(demo_build):
    """The committed ledgers already number every demo article: building writes nothing."""
    assert "生成索引号" not in demo_build.stdout


# -- mistakes in records, checked without Pelican ------------------------------------------


def _problems(content: Path, today=None):
    from datetime import date

    from archive_tool.group.rules.check import check_group

    report = check_group(content, today or date(2026, 11, 25))
    return report.errors, report.warnings


def test_library_mistakes_name_the_entry(group_copy):
    item = next((group_copy / "_library").glob("*.md"))
    text = item.read_text(encoding="utf-8")
    reposts = next(line for line in text.splitlines() if line.startswith("Reposts:"))
    text = text.replace(reposts, "Reposts: nosuch/zwdt 2026-11-19 15:20; qcq/zwdt")
    item.write_text(text, encoding="utf-8")
    errors, _ = _problems(group_copy)
    fields = {(e.file, e.field) for e in errors}
    shown = f"content/_library/{item.name}"
    assert (shown, "Reposts[1]") in fields and (shown, "Reposts[2]") in fields
    assert any("转载时间" in e.message for e in errors if e.field == "Reposts[2]")


def test_an_answered_letter_needs_its_reply_unit(group_copy):
    path = next(
        p
        for p in sorted((group_copy / "qcq" / "letters").glob("*.yaml"))
        if "答复单位" in p.read_text(encoding="utf-8")
    )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["答复单位"]
    data["类型"] = "表扬"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    errors, _ = _problems(group_copy)
    mine = {e.field for e in errors if e.file == f"content/qcq/letters/{path.name}"}
    assert mine == {"答复单位", "类型"}


def test_a_closed_consultation_without_results_is_reported(group_copy):
    path = group_copy / "bozhou" / "consultations" / "minsheng-shishi-2027.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["截止日期"] = "2026-11-22"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    errors, warnings = _problems(group_copy)
    assert not errors
    assert any(w.field == "征集结果" and "尚未公布征集结果" in w.message for w in warnings)


def test_a_repost_from_above_shows_its_source_and_is_reported_when_late(group_copy, tmp_path):
    demo = next((group_copy / "qcq" / "tzgg").glob("*zhuanzai*.md"))
    errors, warnings = _problems(group_copy)
    assert not errors and not [w for w in warnings if w.file.endswith(demo.name)]
    text = demo.read_text(encoding="utf-8").replace(
        "Date: 2026-11-24 16:30", "Date: 2026-11-25 08:00"
    )
    demo.write_text(text, encoding="utf-8")
    _, warnings = _problems(group_copy)
    late = [w for w in warnings if w.file.endswith(demo.name)]
    assert [(w.field, w.article) for w in late] == [("Date", "第十二条（二）")]
    assert "用时 23 小时，超过 12 小时" in late[0].message
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode == 0, result.stderr
    assert demo.name in (tmp_path / "output" / "build-report.txt").read_text("utf-8")
    built = next((tmp_path / "output" / QCQ / "tzgg").glob(f"*/{demo.stem}.html"))
    meta = " ".join(page(built).xpath("string(//p[@class='article-meta'])").split())
    assert "来源：安徽省人民政府" in meta and "原文发布时间：2026-11-24 09:00" in meta
    assert "转载时间：2026-11-25 08:00" in meta
