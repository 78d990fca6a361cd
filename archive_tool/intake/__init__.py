"""The intake: a small 互动交流 service for a group without a platform of its own
(第七条（三）、第十条（四）) — citizens write letters (咨询 / 投诉 / 建议) and give 意见征集
opinions on forms in the group's theme, get a 受理编号 and a query code, and look up the
handling; handlers 受理, 转办 and 答复 from the command line; letters taken on are exported
as the group's letter records, masked, for the next build to publish.

Modules: ``store`` (the database: SQLite in WAL mode or PostgreSQL, committed before any
acknowledgement), ``forms`` (the form body read strictly, each field checked), ``guard``
(CSRF token, spam trap and per-address rate limit), ``sites`` (the group's sites and open
意见征集 as the pages show them), ``app`` (the pages, Starlette), ``serve`` (uvicorn),
``export`` (the letter records), ``errors`` (``IntakeError``).

May import: ``content`` (the sites, the record folders), ``safety`` (how a letter is
masked) and the shared leaves; nothing imports it but the CLI.
"""
