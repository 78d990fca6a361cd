"""WARCs republished as static pages marked 「已归档」 with 归档时间 (第八条（四）).

Owns the static archive (``static``), the first pass over the WARCs (``captures``), the
index of captures it reads (``captureindex``),
HTML rewriting and the banner (``rewrite``), each page's banner element
(``bannerparts``), the templates of the banner and of the archive's own pages, a group's
first (``templating``, ``templates/``), those pages (``ownpages``), style sheets
(``css``), SVG files (``svg``), XML files (``inertxml``), where a reference points once
archived, for all three (``references``), removing nodes and keeping text XML can hold
(``nodes``), the one policy on what is active content (``active``), what a document may
cost to parse (``bounds``), safe archive paths (``paths``), records left out
(``skipped``) and the checks of a republished folder and of what the templates render
(``check``). A WARC is untrusted input throughout. May import: ``warc`` and the shared
leaves; knows nothing of the site group.
"""
