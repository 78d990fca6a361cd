"""Check a whole site group: load its content once, run every rule, collect every violation.

Besides the verdict, the report carries what the checks read and the build renders:
service items, letters and other 互动交流 records, library copies and 索引号 ledgers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ...compliance import Violation, errors, rules_of, run_rules, warnings
from ...content.loader import load_content
from ...content.registry import Group
from ...lifecycle import rules  # noqa: F401  (registers the notice rules)
from ...lifecycle.kinds import OFFLINE, OPENED, RETIRED, notices_of
from ...lifecycle.serving import SiteState, domain_on, site_state
from ...safety.numbers import mask_personal_numbers
from ...safety.scan import Waiver, scan_group
from . import channels, plausible, sitefiles, siterules  # noqa: F401  (registers the registry rules)
from .articlerules import SiteArticles, published_articles
from .deadlines import ReplyLimits, reply_limits, tally
from .indexnumbers import Ledger, assign_numbers
from .interaction import Interaction, site_interaction
from .library import Placement, library_articles, library_placements
from .services import ServiceItem, service_items


@dataclass
class GroupReport:
    group: Group
    violations: list[Violation]
    services: dict[str, list[ServiceItem]] = field(default_factory=dict)
    interaction: dict[str, Interaction] = field(default_factory=dict)
    library: list[Placement] = field(default_factory=list)
    ledgers: dict[str, Ledger] = field(default_factory=dict)
    states: dict[str, SiteState] = field(default_factory=dict)  # lifecycle.serving
    waivers: list[Waiver] = field(default_factory=list)  # findings accepted by 保密审查
    # Each site's letters counted against its reply limits (deadlines.tally), as of the date.
    deadlines: dict[str, tuple[ReplyLimits, dict[str, int]]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Violation]:
        return errors(self.violations)

    @property
    def warnings(self) -> list[Violation]:
        return warnings(self.violations)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_group(content_root: Path, today: date | None = None) -> GroupReport:
    """Every violation of every site of the group under content_root, as of ``today``."""
    return check_content(load_content(Path(content_root)), today)


def check_content(group: Group, today: date | None = None) -> GroupReport:
    """Every rule over a loaded group (content.loader.load_content), as of ``today``."""
    today = today or date.today()
    report = GroupReport(group, list(group.load_violations))
    violations = report.violations
    # Lifecycle records decide which sites are built today, before any rule runs: an
    # 开通 record publishes a pending site on its online date (第五条（二）).
    notices, unreadable = notices_of(group)
    # A 域名变更 moves the site to its new domain on the change date (第六条（二）).
    for site_id, site in group.sites.items():
        own = [n for n in notices if n.site == site_id]
        report.states[site_id] = site_state(own, today)
        site.opened = report.states[site_id].state == OPENED
        site.moved_to = domain_on(own, today)
    group.offline = {sid for sid, s in report.states.items() if s.state == OFFLINE}
    group.retired = {sid for sid, s in report.states.items() if s.state == RETIRED}
    # Every rule is registered in compliance.RULES by scope; this runs each scope over its
    # items, in the order of the report.
    for site in group.sites.values():
        for rule in rules_of("site"):
            violations += rule.check(site, group)
    for rule in rules_of("group"):
        violations += rule.check(group)
    for site in group.sites.values():
        seen = SiteArticles(site, today)
        for article in site.articles:
            violations += run_rules("article", seen.entry(article))
            seen.add(article)
        violations += run_rules("articles", site, seen)
    violations += unreadable
    for notice in notices:
        siblings = [other for other in notices if other.site == notice.site]
        site = group.sites[notice.site]
        violations += run_rules("notice", notice, siblings, site, today, applies_to=notice.kind)
    # The builders below run the ``library`` and ``record`` rules on what they read.
    report.library, found = library_placements(group, today)
    violations += found
    for site in group.sites.values():
        report.services[site.id], found = service_items(site, today)
        violations += found
        report.interaction[site.id], found = site_interaction(site, today)
        violations += found
        letters, limits = report.interaction[site.id].letters, reply_limits(site, group.portal)
        violations += run_rules("letters", site, letters, limits, today)
        report.deadlines[site.id] = (limits, tally(letters, limits, today))
        articles = list(published_articles(site))
        copies = [copy for copy in report.library if copy.site == site.id]
        violations += run_rules("copies", site, articles, copies)
        articles += library_articles(articles, copies)
        report.ledgers[site.id], found = assign_numbers(group, site, articles)
        violations += found
    # 第十条（二）（三）: nothing secret or personal in what this build publishes.
    found, report.waivers = scan_group(group)
    violations += found
    report.violations = [masked_violation(violation) for violation in violations]
    return report


def without_texts(report: GroupReport) -> GroupReport:
    """The report as the build keeps it once every rule has run: the articles' texts
    released (content.articles.ArticleFile.release_text), their metadata kept."""
    for article in report.group.library:
        article.release_text()
    for site in report.group.sites.values():
        for article in site.articles:
            article.release_text()
    return report


def masked_violation(violation: Violation) -> Violation:
    """A violation with any personal number in its path, field or message masked: a file
    named after an ID number is named by every rule on it, never in full (第十条（三））."""
    texts = {name: getattr(violation, name) for name in ("file", "field", "message")}
    masked = {name: mask_personal_numbers(text) for name, text in texts.items()}
    return violation if masked == texts else replace(violation, **masked)
