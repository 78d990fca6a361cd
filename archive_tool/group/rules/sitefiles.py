"""Rules on what a site's folder holds and where its pages land (第十条（二）).

Pelican publishes what its readers read and what its static folders hold; the rules and
the safety scan check what the content loader reads. These rules keep the two the same:
a file the loader does not read (an .rst or .html article, a stray file in a column or
record folder) fails the check, naming it, and no column may take a folder the build
writes itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ...compliance import Violation, site_rule
from ...content.articles import ARTICLE_SUFFIXES
from ...content.loader import (
    ARCHIVE_FOLDER,
    LEDGER_FILE,
    RECORD_FOLDERS,
    STATIC_FOLDERS,
)
from ...content.registry import SITE_FILE, Group, Site

ARTICLE = "第十条（二）"
MARKDOWN = "、".join(ARTICLE_SUFFIXES)

# Folders of a site's output the build writes itself (plugins/sitegroup, group/build/staging.py):
# a column of that id would write its pages over them, or they over its pages.
RESERVED_FOLDERS = (
    *STATIC_FOLDERS,
    *RECORD_FOLDERS,
    "feeds",  # Atom feeds
    "theme",  # the theme's CSS, scripts and images
    "pagefind",  # the site's search index
    "pagefind-group",  # the group's search (the portal)
    "piyao",  # 辟谣 list
    "ndbb",  # 年度工作报表 (report/model.PAGE_FOLDER)
)


@site_rule("站点目录中只有网站群能检查的文件", "第十条（二）")
def only_known_files(site: Site, group: Group) -> Iterator[Violation]:
    for parts in site.unread:
        shown = "/".join((group.root.name, site.id, *parts))
        yield Violation(site.id, shown, "(文件)", unread_message(parts), ARTICLE)


def unread_message(parts: tuple[str, ...]) -> str:
    """Why a file of a site folder is refused, and where it belongs.

    >>> "这里是「.rst」文件" in unread_message(("zwdt", "a.rst"))
    True
    """
    suffix = Path(parts[-1]).suffix or "无扩展名"
    if len(parts) == 1:
        return (
            f"站点目录下只能有 {SITE_FILE}、{LEDGER_FILE} 和栏目、记录、附件目录；"
            f"附件请放在 files/ 下，文章请放在栏目目录下"
        )
    if parts[0] in RECORD_FOLDERS:
        return (
            f"{parts[0]}/ 中只能放一条一个文件的 YAML 记录（{parts[0]}/<名称>.yaml），"
            f"不能有子目录或其他文件；附件请放在 files/ 下"
        )
    return (
        f"栏目目录中只能放 Markdown 文章（{MARKDOWN}），这里是「{suffix}」文件："
        f"其他格式不经网站群的规则和保密检查，不能发布；"
        f"文章请改写为 .md，附件和图片请放在 files/ 下并在文章中链接"
    )


@site_rule("栏目 id 不占用网站群生成的目录", "第十条（二）")
def reserved_column_ids(site: Site, group: Group) -> Iterator[Violation]:
    for number, column in enumerate(site.columns, 1):
        if column.id in RESERVED_FOLDERS:
            yield site.violation(
                f"columns[{number}].id",
                f"栏目 id「{column.id}」是网站群生成或保留的目录，栏目页面会与之互相覆盖，"
                f"请换一个（保留：{'、'.join(RESERVED_FOLDERS)}、{ARCHIVE_FOLDER}）",
                ARTICLE,
            )
