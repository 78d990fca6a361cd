"""A site's lifecycle (第五条–第八条): notice records, their kinds, their rules, and how a site is served.

Owns the lifecycle records (``notices``), the registry of their kinds (``kinds``: 开通,
临时下线, 恢复上线, 永久下线/迁移, 域名变更; for each its fields, where its notice stands,
what it does to serving, its rules), the rules they must follow as of a date (``rules``),
where and how long each notice stands and what it says that day (``placement``), the PRC
working-day calendar (``workdays``), and serving a site that is offline, retired or moved
to a new domain (``serving``: maintenance page, nginx snippets), and the making of a new
record (``recording``, for ``archive-tool notice``). May import: ``content`` and the
shared leaves.
"""
