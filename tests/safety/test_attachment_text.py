"""Text a reader of an attachment sees besides its body: each place, planted, is found and
labelled where a webmaster finds it in the office program or PDF reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from attachment_files import (
    docx_places,
    image_bytes,
    json_bytes,
    ofd_bytes,
    pdf_places,
    rtf_places,
    xlsx_places,
)

from archive_tool.safety.extract import ExtractionError, Limits, extract_text

ID = "341623199001011234"


def places_found(path: Path) -> list[str]:
    """The labels of the parts holding the ID (a formula's joined literals count)."""
    return [part.where for part in extract_text(path) if ID in part.text.replace("\n", "")]


def cases(made: dict[str, bytes], suffix: str) -> list:
    return [
        pytest.param(suffix, label, data, id=f"{suffix}-{label}") for label, data in made.items()
    ]


PLACES = [
    *cases(docx_places(ID), ".docx"),
    *cases(xlsx_places(ID), ".xlsx"),
    *cases(xlsx_places(ID), ".xlsm"),
    *cases(pdf_places(ID), ".pdf"),
    *cases(rtf_places(ID), ".rtf"),
]


@pytest.mark.parametrize(("suffix", "label", "data"), PLACES)
def test_each_place_is_read_and_labelled(tmp_path: Path, suffix, label, data) -> None:
    path = tmp_path / f"a{suffix}"
    path.write_bytes(data)
    found = places_found(path)
    if label == "工作表名称":  # the name is in the text, masked in the labels
        assert found == ["工作表名称"]
        assert all(ID not in part.where for part in extract_text(path))
    else:
        assert label in found


def test_a_formula_without_a_cached_value_is_read_joined(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx_places(ID)["工作表「名单」B2 公式"])
    (part,) = [p for p in extract_text(path) if "公式" in p.where]
    assert part.text.splitlines() == [f'"{ID[:9]}"&"{ID[9:]}"', ID]


def test_print_header_codes_do_not_glue_digits(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx_places(ID)["工作表「名单」页眉"])
    (part,) = [p for p in extract_text(path) if p.where.endswith("页眉")]
    assert part.text.split() == ["名单", ID]  # "&12" is gone, not glued to the number


def test_rtf_body_in_gbk_escapes(tmp_path: Path) -> None:
    path = tmp_path / "a.rtf"
    path.write_bytes(rtf_places(ID)["第 1 行"])
    assert [part.text for part in extract_text(path)] == [f"身份证号{ID}"]


@pytest.mark.parametrize("where", ["page", "info"])
def test_ofd_pages_and_document_information(tmp_path: Path, where: str) -> None:
    path = tmp_path / "a.ofd"
    path.write_bytes(ofd_bytes(ID, where))
    assert places_found(path) == ["第 1 页" if where == "page" else "文档信息"]


def test_ofd_without_its_entry_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.ofd"
    path.write_bytes(xlsx_places(ID)["文档属性：作者"])
    with pytest.raises(ExtractionError, match="不是有效的 ofd 文件"):
        list(extract_text(path))


def test_json_escapes_and_exponents_are_decoded(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(json_bytes(ID))
    assert places_found(path) == ["JSON 第 3 个值（转义或数字写法解码后）"]
    plain = tmp_path / "b.json"
    plain.write_text(f'{{"a": [1, "{ID}", 3.41623199001011e17]}}', "utf-8")
    parts = list(extract_text(plain))
    assert [p.where for p in parts if ID in p.text] == ["第 1 行"]  # found once, on its line
    assert "341623199001011000" in [p.text for p in parts]


def test_json_nesting_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("[" * 300 + "]" * 300, "utf-8")
    with pytest.raises(ExtractionError, match="JSON 嵌套过深"):
        list(extract_text(path))
    path.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    with pytest.raises(ExtractionError, match="JSON 嵌套过深"):
        list(extract_text(path, Limits(max_depth=10**6)))


@pytest.mark.parametrize(
    ("suffix", "where", "label"),
    [
        (".png", "", "图片元数据：备注"),
        (".png", "itxt", "图片元数据：图片说明"),
        (".jpg", "", "图片元数据：作者"),
        (".jpg", "xmp", "图片元数据：XMP"),
        (".jpg", "comment", "图片元数据：备注"),
        (".jpeg", "usercomment", "图片元数据：用户注释"),
        (".jpg", "xpcomment", "图片元数据：备注"),
        (".gif", "", "图片元数据：备注"),
        (".webp", "", "图片元数据：作者"),
    ],
)
def test_image_metadata(tmp_path: Path, suffix: str, where: str, label: str) -> None:
    path = tmp_path / f"a{suffix}"
    path.write_bytes(image_bytes(suffix, ID, where))
    assert places_found(path) == [label]


def test_png_text_is_inflated_within_bounds(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(image_bytes(".png", ID * 100, "itxt"))
    with pytest.raises(ExtractionError, match="压缩炸弹"):
        list(extract_text(path, Limits(max_text_chars=1000)))


@pytest.mark.parametrize(
    ("suffix", "data", "reason"),
    [
        (".json", b'{"a": ', "不是有效的 JSON 文件"),
        (".ofd", ofd_bytes(ID)[:200], "不是有效的 OFD 文件"),
        (".png", image_bytes(".png", ID)[:60], "不是有效的 png 文件"),
        (".jpg", b"\xff\xd8\xff" + bytes(10), "不是有效的 jpg 文件"),
        (".xlsm", b"PK\x03\x04garbage", "不是有效的 xlsm 文件"),
    ],
)
def test_malformed_files_are_refused_quoting_nothing(tmp_path: Path, suffix, data, reason):
    path = tmp_path / f"a{suffix}"
    path.write_bytes(data)
    with pytest.raises(ExtractionError) as caught:
        list(extract_text(path))
    assert str(caught.value) == reason


def test_xml_entities_are_not_expanded(tmp_path: Path) -> None:
    import io
    import zipfile

    entity = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", entity + b'<a xmlns="http://www.ofdspec.org/2016">&x;</a>')
    path = tmp_path / "a.ofd"
    path.write_bytes(buffer.getvalue())
    assert not any("root:" in part.text for part in extract_text(path))
