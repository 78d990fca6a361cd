"""Build every published site of a group into a staging folder, then swap it into place.

A failed build leaves the previous output exactly as it was: nothing is written into the
output folder until every site has been built. Sites are built in parallel, one job per
site through an executor (group.build.executor); a site whose inputs did not change since the
published build (group.build.manifest) is copied from it instead of being built again.

A build stopped by a signal (KeyboardInterrupt, or the SystemExit the front end raises
for SIGTERM) kills its workers (group.build.executor.halt) before the staging folder is
removed, so nothing writes into it afterwards. An ``output/`` that is a symbolic link (to
a web server's root) is replaced where it points: the staging folder is made beside the
link's target, on the target's file system, so the swap stays two renames and the link
keeps pointing at the new output.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, as_completed, wait
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ...content.registry import Site
from ...errors import ToolkitError
from ...safety.gate import (
    Exposure,
    Gate,
    GatePolicy,
    gate_report,
    identities,
    locate_sources,
    tree_files,
)
from ..continuity.addresses import Served
from ..rules.check import GroupReport
from .contentcache import cache_root
from .executor import alive, halt
from .manifest import (
    Manifest,
    link_site,
    load_manifest,
    site_stamp,
    write_manifest,
    write_record,
)


def staging_dir(output_root: Path, purpose: str) -> Path:
    """A fresh sibling of output_root, on the same file system so that rename is atomic."""
    path = output_root.parent / f".{output_root.name}.{purpose}-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    return path


def remove_stale(output_root: Path) -> None:
    """Remove the staging folders that builds killed outright (kill -9, a power cut) left
    beside output_root: those whose process is gone; a running build's is kept."""
    for path in output_root.parent.glob(f".{output_root.name}.*-*"):
        purpose, _, pid = path.name[len(output_root.name) + 2 :].rpartition("-")
        if purpose in ("building", "previous") and pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def replace_tree(new: Path, target: Path) -> None:
    """Put the folder ``new`` where ``target`` is, with two renames."""
    if target.exists() and not target.is_dir():
        raise ToolkitError(f"输出路径 {target} 已存在且不是目录，请删除或改用其他输出目录")
    if target.exists():
        old = staging_dir(target, "previous")
        target.rename(old)
        new.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(target)


def swap_target(output_root: Path) -> Path:
    """Where the new output goes: the folder itself, or the folder a symbolic link names."""
    if output_root.is_symlink():
        return Path(os.path.realpath(output_root))
    return output_root


@dataclass
class SiteJob:
    """One site's build, as it travels to a worker process (group.build.executor): plain data."""

    site: Site
    content_root: Path
    published: Path  # the site's folder in the output now published (a redesign archives it)
    output: Path  # where to build it: its folder in the staging folder
    today: date
    settings: dict[str, Any]  # group.build.settings.site_settings: plain data
    fingerprint: str = ""
    gate: GatePolicy | None = None  # set by build_group: the worker gates what it wrote
    cache: Path | None = None  # its parsed articles between builds (group.build.contentcache)
    gated_before: Path | None = None  # published under the same gate: equal files not read


@dataclass
class SiteOutcome:
    """What a worker reports back: notes for the webmaster (warnings)."""

    site_id: str
    notes: list[str] = field(default_factory=list)
    exposures: list[Exposure] = field(default_factory=list)  # the gate's findings
    gated: set[tuple[int, int, int, int]] = field(default_factory=set)  # files it read


def gate_site(job: SiteJob, outcome: SiteOutcome) -> None:
    """第十条（二）（三）: the worker reads every file it wrote, in parallel with the others."""
    if job.gate is not None:
        gate = Gate(job.gate)
        result = gate.check_tree(job.output, job.output.parent, published=job.gated_before)
        outcome.exposures, outcome.gated = result.exposures, result.gated


@dataclass
class GroupBuild:
    """The sites a build wrote anew and those it kept from the published output."""

    built: list[Site] = field(default_factory=list)
    kept: list[Site] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Kept sites whose published folder has the tree stamp recorded when it was swapped in
    # (group.build.manifest.site_stamp): domain → that stamp.
    unchanged: dict[str, str] = field(default_factory=dict)
    # Of those, what the folder answers, recorded then (group.continuity.addresses).
    reusable: dict[str, Served] = field(default_factory=dict)
    # Site folders the group's files wrote into after they were built or kept (by domain).
    touched: set[str] = field(default_factory=set)
    served: dict[str, Served] = field(default_factory=dict)  # set by the group's files

    @property
    def sites(self) -> list[Site]:
        return self.built + self.kept


def build_group(
    report: GroupReport,
    output_root: Path,
    jobs: list[SiteJob],
    run_job: Callable[[SiteJob], SiteOutcome],
    write_index: Callable[[Path, GroupBuild], None],
    executor: Executor,
    incremental: bool = True,
    gate_inputs: str = "",
) -> GroupBuild:
    """Build each job's site into <output>/<domain>/ through ``executor``, keep (hard-link)
    the sites whose fingerprint equals the published one, write the group's own files, and
    only then replace the output folder. ``gate_inputs``: a digest of the gate's code and
    the group's policy folder (group.build.manifest.shared_stamp covers both); while it
    and the waivers are those the published output was gated under, a file equal to the
    published one is not read again."""
    if not report.ok:
        raise ToolkitError("网站群存在不合规问题，不能构建")
    cache = cache_root(Path(output_root))  # beside a link, as the site caches
    output_root = swap_target(Path(output_root))
    output_root.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(output_root)
    staging = staging_dir(output_root, "building")
    published = load_manifest(output_root, cache) if incremental else Manifest()
    result = GroupBuild()
    futures: dict[Future, SiteJob] = {}
    policy = GatePolicy.of(report.group, report.waivers)
    stamp = gate_stamp(gate_inputs, policy)
    trusted = bool(incremental and stamp and published.gate == stamp)
    exposures: list[Exposure] = []
    gated: set[tuple[int, int, int, int]] = set()
    try:
        staging.mkdir()
        for job in jobs:
            job.output = staging / str(job.site.domain)
            job.gate = policy
            job.gated_before = job.published if trusted else None
            if not keep_site(job, published, result):
                futures[executor.submit(run_job, job)] = job
        for future in as_completed(futures):
            outcome = future.result()  # a failed site fails the build
            result.built.append(futures[future].site)
            result.notes += outcome.notes
            exposures += outcome.exposures
            gated |= outcome.gated
        order = {job.site.id: number for number, job in enumerate(jobs)}
        result.built.sort(key=lambda site: order[site.id])
        write_index(staging, result)
        # Kept sites published as they are now, gated under this same gate: not read again.
        passed = [d for d in result.unchanged if d not in result.touched] if trusted else []
        gate_group(staging, output_root, policy, exposures, gated, report, trusted, passed)
        trees = {
            str(job.site.domain): tree_of(staging, str(job.site.domain), result) for job in jobs
        }
        served = {
            domain: {"tree": trees[domain], **answers.data()}
            for domain, answers in result.served.items()
            if domain in trees
        }
        fingerprints = {str(job.site.domain): job.fingerprint for job in jobs}
        write_manifest(staging, fingerprints, gate=stamp)
        check_complete(staging, passed)
        write_record(cache, staging, trees, served)
        replace_tree(staging, output_root)
    except OSError as error:
        _discard(futures, staging)
        raise ToolkitError(write_failure(error)) from error
    except BaseException as stop:
        if isinstance(stop, Exception):
            _discard(futures, staging)
        else:  # Ctrl-C, SIGTERM: stop now, not when the running sites finish
            halt(executor)
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def keep_site(job: SiteJob, published: Manifest, result: GroupBuild) -> bool:
    """Keep (hard-link) the job's published site if its fingerprint is the one recorded;
    False if it must be built. A published folder changed since it was swapped in (its
    tree stamp is not the recorded one) is built again, with a note."""
    domain = str(job.site.domain)
    if published.sites.get(domain) != job.fingerprint or not job.published.is_dir():
        return False
    found = link_site(job.published, job.output)
    recorded = published.trees.get(domain)
    if recorded is not None and recorded != found:
        shutil.rmtree(job.output)
        result.notes.append(f"已发布的 {domain} 目录在上次构建后被改动，已重新生成该站点")
        return False
    result.kept.append(job.site)
    if recorded is not None:  # an output of a version that did not record stamps: not trusted
        result.unchanged[domain] = found
        answers = Served.of(published.served.get(domain))
        if answers is not None and published.served[domain].get("tree") == found:
            result.reusable[domain] = answers
    return True


def tree_of(staging: Path, domain: str, result: GroupBuild) -> str:
    """The tree stamp of a site's folder as it will be published."""
    if domain in result.unchanged and domain not in result.touched:
        return result.unchanged[domain]
    return site_stamp(staging / domain)


def gate_group(
    staging: Path,
    output_root: Path,
    policy: GatePolicy,
    exposures: list[Exposure],
    gated: set[tuple[int, int, int, int]],
    report: GroupReport,
    trusted: bool = False,
    passed: Sequence[str] = (),
) -> None:
    """第十条（二）（三）: the last gate over the whole staging tree, before it replaces the
    output. Files the site workers read, and the published files a kept site links to
    (gated when they were published), are not read again, nor, when ``trusted`` (the
    output was gated under the same policy), files equal to the published ones; every name
    is, but for the site folders ``passed`` (kept and unchanged since this same gate passed
    them: group.build.manifest.site_stamp)."""
    if output_root.is_dir():
        gated = gated | identities(output_root, passed)
    published = output_root if trusted and output_root.is_dir() else None
    gate = Gate(policy)
    exposures = exposures + gate.check_tree(staging, staging, gated, published, passed).exposures
    if exposures:
        raise ToolkitError(gate_report(exposures, locate_sources(exposures, report.group, policy)))


def gate_stamp(gate_inputs: str, policy: GatePolicy) -> str:
    """What a build's files are gated under: the gate's code and inputs, and the policy;
    "" (never trusted) when the caller gives no inputs."""
    if not gate_inputs:
        return ""
    return hashlib.blake2b(f"{gate_inputs}\0{policy.stamp()}".encode(), digest_size=20).hexdigest()


def _discard(futures: dict[Future, SiteJob], staging: Path) -> None:
    """A site failed: the others not started are cancelled, the running ones finish into
    the staging folder, which is then removed."""
    for future in futures:
        future.cancel()
    wait(futures)
    shutil.rmtree(staging, ignore_errors=True)


# Files that are never empty when written whole: a zero-byte one means a write was cut
# short (pagefind, for one, exits 0 on a full disk and leaves empty index files).
NEVER_EMPTY = (".html", ".xml", ".js", ".css", ".txt", ".json", ".wasm", ".pagefind")
NEVER_EMPTY += (".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter")


def check_complete(staging: Path, passed: Sequence[str] = ()) -> None:
    """Refuse a build with a truncated file, before it replaces anything. ``passed``: site
    folders published as they are (gate_group), checked when they were published."""
    empty = [
        Path(path)
        for path in tree_files(os.fspath(staging), frozenset(passed))
        if os.path.splitext(path)[1] in NEVER_EMPTY
        and os.path.isfile(path)
        and os.stat(path).st_size == 0
    ]
    if empty:
        shown = "、".join(str(path.relative_to(staging)) for path in empty[:5])
        more = f" 等 {len(empty)} 个" if len(empty) > 5 else ""
        raise ToolkitError(
            f"构建结果不完整：{shown}{more}文件为空（磁盘空间可能不足），未替换原有输出"
        )


def write_failure(error: OSError) -> str:
    """A failed write as the webmaster needs it: what happened, where, what to do."""
    where = f"（{error.filename}）" if error.filename else ""
    if error.errno == errno.ENOSPC:
        return f"磁盘空间不足，构建结果无法写完{where}：请清理磁盘后重新构建"
    return f"写入构建结果失败{where}：{error.strerror or error}"
