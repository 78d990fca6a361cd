"""Web continuity after a redesign (第八条（四）): old sites archived, old addresses answered.

Owns archiving a redesigned site into its WARC and republishing it (``redesign``) and what
each old address answers — moved, archived or gone — with its nginx maps and the
continuity report (``addresses``). May import: ``group.rules``, ``content``,
``lifecycle``, ``warc``, ``republish`` and the shared leaves.
"""
