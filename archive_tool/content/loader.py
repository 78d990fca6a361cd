"""Read a group's content folder once into the model (registry.Group), as Pelican's readers do.

The layout it reads::

    content/<site-id>/site.yaml              the site's registration (registry.py)
    content/<site-id>/**/*.md                articles: their metadata blocks (articles.py)
    content/<site-id>/<record folder>/*.yaml 办事指南, 互动交流 and lifecycle records
    content/<site-id>/index-numbers.yaml     the site's 索引号 ledger
    content/<site-id>/files/**               attachments: their names only
    content/_library/**/*.md                 the shared 信息资源库

Each file is opened once; rules, the build and the CLI are passes over the result. A
folder whose site.yaml cannot be read is reported and its other files are not read.
"""

from __future__ import annotations

from pathlib import Path

from ..compliance import Violation
from .articles import ARTICLE_SUFFIXES, iter_article_files, read_article
from .registry import SITE_FILE, SITE_ID, Group, Site, display_path, load_site
from .yamlfile import read_yaml_file

SERVICE_FOLDER = "services"  # 办事指南 (第七条（四）)
LETTER_FOLDER = "letters"  # 网民留言 (第七条（三）、第十条（四）)
CONSULTATION_FOLDER = "consultations"  # 意见征集
INTERVIEW_FOLDER = "interviews"  # 在线访谈
NOTICE_FOLDER = "notices"  # lifecycle records (第五条–第八条)
RECORD_FOLDERS = (
    SERVICE_FOLDER,
    LETTER_FOLDER,
    CONSULTATION_FOLDER,
    INTERVIEW_FOLDER,
    NOTICE_FOLDER,
)
LEDGER_FILE = "index-numbers.yaml"
ATTACHMENT_FOLDER = "files"  # downloads published as they are (办事指南 forms, documents)
LIBRARY_FOLDER = "_library"


def load_content(content_root: Path) -> Group:
    """Every site folder under content_root (folders starting with _ or . are shared data)
    and the shared library, read into a Group with every reading problem in
    ``load_violations``."""
    content_root = Path(content_root)
    group = Group(root=content_root)
    if not content_root.is_dir():
        group.load_violations.append(
            Violation("-", str(content_root), "-", "内容目录不存在", "网站群目录结构")
        )
        return group
    for folder in sorted(p for p in content_root.iterdir() if p.is_dir()):
        if folder.name.startswith(("_", ".")):
            continue
        site, problems = _load_site_folder(folder, content_root)
        group.load_violations += problems
        if site is not None:
            group.sites[site.id] = site
    if not group.sites and not group.load_violations:
        group.load_violations.append(
            Violation(
                "-",
                display_path(content_root, content_root),
                "-",
                "未找到任何站点：每个站点应为 content/<站点ID>/site.yaml",
                "网站群目录结构",
            )
        )
    library = content_root / LIBRARY_FOLDER
    if library.is_dir():
        group.library = [
            read_article(path, library, display_path(path, content_root))
            for path in iter_article_files(library)
        ]
    return group


def _load_site_folder(folder: Path, content_root: Path) -> tuple[Site | None, list[Violation]]:
    path = folder / SITE_FILE
    shown = display_path(path, content_root)

    def problem(field_name: str, message: str) -> Violation:
        return Violation(folder.name, shown, field_name, message, "site.yaml 格式")

    if not SITE_ID.match(folder.name):
        return None, [problem("(目录名)", "站点目录名只能由小写字母、数字和连字符组成")]
    if not path.is_file():
        return None, [problem("(文件)", "缺少 site.yaml：每个站点目录都要有站点登记信息")]
    site, problems = load_site(read_yaml_file(folder.name, path, shown))
    if site is None:
        return None, problems
    files = _files_below(folder)
    site.articles = [
        read_article(path, folder, display_path(path, content_root))
        for path, parts in files
        if path.suffix in ARTICLE_SUFFIXES
    ]
    site.attachments = frozenset(
        "/".join(parts) for _, parts in files if parts[0] == ATTACHMENT_FOLDER
    )
    for name in RECORD_FOLDERS:
        site.records[name] = [
            read_yaml_file(site.id, path, display_path(path, content_root))
            for path, parts in files
            if len(parts) == 2 and parts[0] == name and path.suffix == ".yaml"
        ]
    ledger = folder / LEDGER_FILE
    if ledger.is_file():
        site.ledger = read_yaml_file(site.id, ledger, display_path(ledger, content_root))
    return site, problems


def _files_below(folder: Path) -> list[tuple[Path, tuple[str, ...]]]:
    """Every file below ``folder`` in path order, with its parts relative to the folder: the
    site folder is walked once."""
    return [
        (path, path.relative_to(folder).parts)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]
