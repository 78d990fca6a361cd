"""Every rule over the content model (第五条–第十条), and what the checked group hands on.

Owns the registry rules (``siterules``), what a site's folder may hold and which folders
columns may not take (``sitefiles``), the article rules and the keys that decide where a
page is written (``articlerules``), an article's former addresses and their redirect pages
(``aliases``), 办事指南 (``services``), 互动交流 (``interaction``), the reply limits for
letters (``deadlines``), the 互动 channels every site offers (``channels``), the 信息资源库
(``library``), 索引号 (``indexnumbers``), values that parse but make no sense (dates out
of range, counts, repeated keys, control characters, nesting, parent cycles: ``plausible``)
and the whole check that runs them all
(``check``). May import: ``content``, ``lifecycle``, ``safety`` and the shared leaves;
nothing else in ``group``.
"""
