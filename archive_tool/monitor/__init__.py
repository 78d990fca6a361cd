"""Monitoring and 整改 (第十一条, 第十条（四）): the national inspection indicators run on the group.

Owns the monthly inspection the 政务公开办 runs on its own 网站群 and the 自查 each unit
runs on its site, as of a date, either on the built output folder or on the live sites
over HTTP(S):

- reading what a site publishes: fetching (``fetch``: the output folder, or HTTP with a
  15-second visit limit), parsing pages (``pages``) and a bounded crawl (``crawl``);
- the indicators of 国办秘函〔2019〕19号, one family per module: availability and the
  visit log (``availability``), 首页/栏目 freshness and undated pages (``freshness``),
  严重表述错误 and 敏感词 on published pages (``wording``), 互动回应 (``interaction``),
  办事服务 (``services``), dead links and broken images (``deadlinks``), 找错 handling
  times in working hours (``jiucuo``, ``workhours``); the catalogue of indicators and
  the ``Finding`` they produce (``indicators``), and what each check reads about a site
  (``context``);
- the 整改清单 with stable numbers and 销号 (``ledger``), kept in
  ``content/_monitoring/``;
- one run over the group or a site (``run``) and its report as HTML, JSON and CSV
  (``report``, ``htmlreport``).

Reads content only through ``content.loader`` and ``group.rules.check.check_content``, and its
own ``content/_monitoring/`` files with ``content.yamlfile``. May import: ``content``,
``group``, ``lifecycle``, ``safety`` and the shared leaves; never click, Pelican or the CLI.
"""
