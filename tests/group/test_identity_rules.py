"""The 国徽 and the 党政机关网站标识 are image files the site supplies (issue 15): a government
portal without its 国徽 file, or a file that is not there, fails the build with the key and
the article; the keys are not reported as unknown."""

from __future__ import annotations

from test_registry_rules import assert_refused, edit_site


def test_a_portal_without_its_emblem_is_refused(group_copy, tmp_path):
    edit_site(group_copy, "bozhou", 国徽=None)
    assert_refused(group_copy, tmp_path, "content/bozhou/site.yaml", "字段「国徽」", "第七条（五）")


def test_a_county_portal_whose_emblem_file_is_missing_is_refused(group_copy, tmp_path):
    (group_copy / "qcq" / "files" / "identity" / "guohui-placeholder.png").unlink()
    assert_refused(
        group_copy,
        tmp_path,
        "content/qcq/site.yaml",
        "文件不存在：qcq/files/identity/guohui-placeholder.png",
        "第七条（五）",
    )


def test_an_emblem_outside_files_or_not_an_image_is_refused(group_copy, tmp_path):
    edit_site(group_copy, "bozhou", 国徽="../mcx/files/identity/guohui-placeholder.png")
    edit_site(group_copy, "qcq", 国徽="files/services/canjiren-liangxiang-butie/示范文本.txt")
    stderr = assert_refused(group_copy, tmp_path, "应为站点 files/ 目录下的图片文件")
    assert "应为图片文件" in stderr


def test_a_published_site_without_its_conac_image_is_refused(group_copy, tmp_path):
    edit_site(group_copy, "fgw", 党政机关网站标识图片=None)
    assert_refused(
        group_copy,
        tmp_path,
        "content/fgw/site.yaml",
        "字段「党政机关网站标识图片」",
        "第五条（三）",
    )
