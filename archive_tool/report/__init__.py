"""The 政府网站年度工作报表 (第十条（五）): each site's annual report and the group's summary.

Owns the national form's field list as data (``fields``: sections, field names, which
figures are counted from content, read from site.yaml or supplied by the webmaster, and
which names are still unconfirmed); counting (``counts``: an item, a count made from its
items, one site's year) and what each figure counts (``counters``), so that every figure
comes with the list of items behind it; the per-site, per-year file of figures content
cannot know, ``content/<site-id>/annual/<YEAR>.yaml`` (``figures``); the assembled reports
(``model``, ``annual``); the 1月31日 deadline check (``due``); and the output: HTML for print
and for the site (``page``, ``style``), JSON, CSV and .xlsx (``tables``), and the files the
CLI writes (``output``).

May import: ``content``, ``group`` (the checked ``GroupReport``: service items, 互动交流,
library copies), ``lifecycle`` (which sites were online) and the shared leaves. Never
``cli``, click, Pelican or the plugin: the CLI and the build call ``annual`` and ``due``.
"""
