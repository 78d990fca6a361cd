"""The site-group build: rules over the content model, and each site's Pelican settings.

Owns the registry rules (``siterules``, ``sitefiles``), the article rules (``articlerules``), 办事指南
(``services``), 互动交流 (``interaction``), the 信息资源库 (``library``), 索引号
(``indexnumbers``), the whole-group check (``check``), the settings of each site's
Pelican run (``settings``), the staging build (``build``), the archiving of a
redesigned site (``redesign``) and the search index's copy of the pages (``searchindex``). May import: ``content``, ``lifecycle``, ``warc``,
``republish`` and the shared leaves; never ``cli`` or the Pelican plugin, and never
Pelican itself.
"""
