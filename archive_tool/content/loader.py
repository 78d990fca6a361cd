"""Read a group's content folder once into the model (registry.Group), as Pelican's readers do.

The layout it reads::

    content/<site-id>/site.yaml              the site's registration (registry.py)
    content/<site-id>/**/*.md                articles: their metadata blocks (articles.py)
    content/<site-id>/<record folder>/*.yaml 办事指南, 互动交流, lifecycle records and the
                                             年度工作报表 figures (annual/<YEAR>.yaml)
    content/<site-id>/index-numbers.yaml     the site's 索引号 ledger
    content/<site-id>/files/**, images/**    attachments (static files): their names only
    content/<site-id>/files/<name>.保密审查.yaml  the 保密审查 of an attachment (not published)
    content/<site-id>/images/**              static files published as they are
    content/<site-id>/archive/               the WARCs of a redesigned site (group/continuity/redesign.py)
    content/_library/**/*.md                 the shared 信息资源库
    content/_policy/*.txt                    the group's lexicons (敏感词, 严重表述错误)

Each file is opened once; rules, the build and the CLI are passes over the result. A
folder whose site.yaml cannot be read is reported and its other files are not read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..compliance import Violation
from .articles import ARTICLE_SUFFIXES, read_article
from .registry import SITE_FILE, SITE_ID, Group, Site, display_path, load_site
from .yamlfile import MAX_LEDGER_BYTES, read_yaml_file

SERVICE_FOLDER = "services"  # 办事指南 (第七条（四）)
LETTER_FOLDER = "letters"  # 网民留言 (第七条（三）、第十条（四）)
CONSULTATION_FOLDER = "consultations"  # 意见征集
INTERVIEW_FOLDER = "interviews"  # 在线访谈
NOTICE_FOLDER = "notices"  # lifecycle records (第五条–第八条)
ANNUAL_FOLDER = "annual"  # 年度工作报表 figures, one file a year (report/figures.py)
RECORD_FOLDERS = (
    SERVICE_FOLDER,
    LETTER_FOLDER,
    CONSULTATION_FOLDER,
    INTERVIEW_FOLDER,
    NOTICE_FOLDER,
    ANNUAL_FOLDER,
)
LEDGER_FILE = "index-numbers.yaml"
ATTACHMENT_FOLDER = "files"  # downloads published as they are (办事指南 forms, documents)
# Every folder whose files Pelican copies as they are (settings.py STATIC_PATHS).
STATIC_FOLDERS = (ATTACHMENT_FOLDER, "images")
ARCHIVE_FOLDER = "archive"  # a redesigned site's WARCs, republished under /archive/
LIBRARY_FOLDER = "_library"
POLICY_FOLDER = "_policy"
REVIEW_SUFFIX = ".保密审查.yaml"  # beside an attachment: its 保密审查 record
LINK_ARTICLE = "第十条（二）"


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
        files, problems = _files_below(library, content_root, LIBRARY_FOLDER)
        group.load_violations += problems
        group.library = [
            read_article(path, library, display_path(path, content_root))
            for path, _ in files
            if path.suffix in ARTICLE_SUFFIXES
        ]
    policy = content_root / POLICY_FOLDER
    if policy.is_dir():
        files, problems = _files_below(policy, content_root, POLICY_FOLDER)
        group.load_violations += problems
        for path, parts in files:
            if len(parts) == 1 and path.suffix == ".txt":
                group.policy[path.stem], found = _read_lines(path, content_root)
                group.load_violations += found
    return group


def _read_lines(path: Path, content_root: Path) -> tuple[list[str], list[Violation]]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines(), []
    except UnicodeDecodeError:
        shown = display_path(path, content_root)
        return [], [Violation(POLICY_FOLDER, shown, "(文件)", "文件不是 UTF-8 编码", "词库格式")]


def _load_site_folder(folder: Path, content_root: Path) -> tuple[Site | None, list[Violation]]:
    path = folder / SITE_FILE
    shown = display_path(path, content_root)

    def problem(field_name: str, message: str) -> Violation:
        return Violation(folder.name, shown, field_name, message, "site.yaml 格式")

    if not SITE_ID.match(folder.name):
        return None, [problem("(目录名)", "站点目录名只能由小写字母、数字和连字符组成")]
    try:
        with os.scandir(folder):
            pass
    except OSError as error:
        return None, [unread(folder.name, folder, content_root, os_reason(error))]
    if not path.is_file():
        return None, [problem("(文件)", "缺少 site.yaml：每个站点目录都要有站点登记信息")]
    site, problems = load_site(read_yaml_file(folder.name, path, shown))
    if site is None:
        return None, problems
    files, links = _files_below(folder, content_root, site.id)
    problems += links
    site.articles = [
        read_article(path, folder, display_path(path, content_root))
        for path, parts in files
        if path.suffix in ARTICLE_SUFFIXES
    ]
    for path, parts in files:
        # Markdown under a static folder is an article (read above), not a copied file;
        # Pelican skips hidden files and folders (IGNORE_FILES).
        if (
            parts[0] not in STATIC_FOLDERS
            or path.suffix in ARTICLE_SUFFIXES
            or any(part.startswith(".") for part in parts)
        ):
            continue
        name = "/".join(parts)
        if name.endswith(REVIEW_SUFFIX):
            site.reviews[name.removesuffix(REVIEW_SUFFIX)] = read_yaml_file(
                site.id, path, display_path(path, content_root)
            )
        else:
            site.attachments = site.attachments | {name}
    for name in RECORD_FOLDERS:
        site.records[name] = [
            read_yaml_file(site.id, path, display_path(path, content_root))
            for path, parts in files
            if len(parts) == 2 and parts[0] == name and path.suffix == ".yaml"
        ]
    site.files = tuple(parts for _, parts in files if not _hidden(parts))
    site.unread = tuple(parts for parts in site.files if not _known(parts))
    ledger = folder / LEDGER_FILE
    if ledger.is_file():
        shown = display_path(ledger, content_root)
        site.ledger = read_yaml_file(site.id, ledger, shown, MAX_LEDGER_BYTES)
    return site, problems


def _hidden(parts: tuple[str, ...]) -> bool:
    """A file Pelican ignores (IGNORE_FILES: dot files) and never publishes."""
    return any(part.startswith(".") for part in parts)


def _known(parts: tuple[str, ...]) -> bool:
    """Whether a file of a site folder is one the loader reads or the build copies: an
    article, a record, site.yaml, the ledger, or a file of a static or archive folder."""
    suffix = Path(parts[-1]).suffix
    if len(parts) == 1:
        return parts[0] in (SITE_FILE, LEDGER_FILE) or suffix in ARTICLE_SUFFIXES
    if parts[0] in (*STATIC_FOLDERS, ARCHIVE_FOLDER):
        return True
    if parts[0] in RECORD_FOLDERS:
        return len(parts) == 2 and suffix == ".yaml" or suffix in ARTICLE_SUFFIXES
    return suffix in ARTICLE_SUFFIXES


def _files_below(
    folder: Path, content_root: Path, owner: str
) -> tuple[list[tuple[Path, tuple[str, ...]]], list[Violation]]:
    """Every file below ``folder`` with its parts relative to the folder, and a violation for
    each symbolic link that leads out of the content folder: what it points to would be
    published (第十条（二）)."""
    files, escaping, unreadable = walk_files(folder, content_root)
    problems = [
        Violation(
            owner,
            display_path(path, content_root),
            "(链接)",
            "符号链接指向内容目录之外，链接的文件不能发布；请改为复制需要发布的文件",
            LINK_ARTICLE,
        )
        for path in escaping
    ]
    problems += [unread(owner, path, content_root, why) for path, why in unreadable]
    return files, problems


def unread(owner: str, path: Path, content_root: Path, why: str) -> Violation:
    """A folder that could not be listed or a link that leads nowhere, and why."""
    if path.is_symlink():
        return Violation(owner, display_path(path, content_root), "(链接)", why, "网站群目录结构")
    return Violation(
        owner,
        display_path(path, content_root) + "/",
        "(目录)",
        f"无法读取目录（{why}），其中的文件都未读取；请检查目录权限",
        "网站群目录结构",
    )


BROKEN_LINK = (
    "符号链接无法解析（指向的文件不存在，或链接形成循环），未读取；请删除该链接或改为复制文件"
)
FOLDER_LINK = (
    "符号链接指向内容目录中的另一个目录，构建时其中的文件会被重复读取（链接形成循环时反复读取），"
    "未读取；请删除该链接或改为复制文件"
)


def walk_files(
    folder: Path, root: Path
) -> tuple[list[tuple[Path, tuple[str, ...]]], list[Path], list[tuple[Path, str]]]:
    """One walk of ``folder``: every file in path order with its parts relative to the
    folder, every symbolic link whose target lies outside ``root`` (not followed), and
    every folder that could not be listed and every link that leads nowhere, with why (an
    unreadable column folder must not look like an empty column)."""
    files, escaping, unreadable = [], [], []
    inside = root.resolve()
    folder = Path(folder)

    def not_listed(error: OSError) -> None:
        unreadable.append((Path(error.filename), os_reason(error)))

    for directory, subfolders, names in os.walk(folder, onerror=not_listed):
        here = Path(directory)
        below = here.relative_to(folder).parts
        links = set()
        for name in sorted(subfolders) + sorted(names):
            # One lstat a name (the walk's own listing does not say whether a name is a
            # link to a folder): a link is followed only to see where it leads.
            path = here / name
            try:
                mode = os.lstat(path).st_mode
            except OSError:  # gone since the listing
                continue
            if stat.S_ISLNK(mode):
                links.add(name)
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
                    unreadable.append((path, BROKEN_LINK))
                    continue
                if inside not in target.parents:
                    escaping.append(path)
                    continue
                if name in subfolders:  # Pelican follows it: read twice, or round a loop
                    unreadable.append((path, FOLDER_LINK))
                    continue
                regular = path.is_file()
            else:
                regular = stat.S_ISREG(mode)
            if regular and name in names:
                files.append((path, (*below, name)))
        subfolders[:] = [d for d in subfolders if d not in links]
    files.sort()
    return files, sorted(escaping), sorted(unreadable)


def os_reason(error: OSError) -> str:
    """Why the system refused, in words a user reads (the system's words for the rest)."""
    if error.errno in (errno.EACCES, errno.EPERM):
        return "权限不足"
    return error.strerror or str(error)
