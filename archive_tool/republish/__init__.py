"""WARCs republished as static pages marked 「已归档」 with 归档时间 (第八条（四）).

Owns the static archive (``static``), HTML/CSS rewriting and the banner (``rewrite``),
safe archive paths (``paths``), the index of captures it reads (``captureindex``) and
the checks of a republished folder (``check``). May import: ``warc`` and the shared
leaves; knows nothing of the site group.
"""
