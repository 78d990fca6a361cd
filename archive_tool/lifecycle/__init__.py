"""A site's lifecycle (第五条–第八条): notice records, their rules, and how a site is served.

Owns the lifecycle records (``notices``: 开通, 临时下线, 恢复上线, 永久下线/迁移,
域名变更), the rules they must follow as of a date (``rules``), where and how long each
notice stands (``placement``), the PRC working-day calendar (``workdays``), and serving a
site that is offline or retired (``serving``: maintenance page, nginx snippets), and
the making of a new record (``recording``, for ``archive-tool notice``). May
import: ``content`` and the shared leaves.
"""
