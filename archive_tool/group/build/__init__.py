"""The group's build: from the checked group to the swapped ``output/``.

Owns each site's Pelican settings (``settings``), the whole build as a plain-Python
pipeline (``pipeline``), the staging build, the last gate and the swap (``staging``),
the group's own files beside the sites' — retired sites' archives, nginx snippets, the
group search, the index page and the build report (``groupfiles``), where sites are
built (``executor``), what a site's build depends on (``manifest``), what the build day
decides for it and which day a build stands for (``buildday``), each site's parsed
articles kept between builds (``contentcache``), the render key of each page, by which
an unchanged page is linked from the published output instead of rendered
(``renderkeys``), the rule check's report kept while its inputs are unchanged
(``checkcache``) and a clean stop on Ctrl-C or SIGTERM (``stops``). May import: the rest
of ``group``, ``content``, ``lifecycle``, ``safety``, ``warc``, ``republish`` and the
leaves.
"""
