"""The site-group build: rules over the content model, and each site's Pelican settings.

Owns the registry rules (``siterules``), what a site's folder may hold (``sitefiles``),
the article rules (``articlerules``), 办事指南 (``services``), 互动交流 (``interaction``),
the 信息资源库 (``library``), 索引号 (``indexnumbers``), the whole-group check
(``check``), the settings of each site's Pelican run (``settings``), the whole build from
the checked group to the swapped output (``pipeline``), the staging build (``build``), the
group's own files beside the sites' (``groupfiles``), where sites are built
(``executor``), what a site's build depends on (``manifest``), the archiving of a redesigned site (``redesign``), an article's former
addresses (``aliases``), what each old address answers after a redesign
(``continuity``) and the search index's copy of the pages (``searchindex``). May import:
``content``, ``lifecycle``, ``safety``, ``warc``, ``republish`` and the shared leaves;
never ``cli`` or the Pelican plugin, and never Pelican itself.
"""
