"""WARC capture, checking and packaging, for any site: knows nothing of the site group.

Owns WARC record writing (``names``, ``record``, ``writer``), what a capture holds
(``capture``), fetching over HTTP (``httpfetch``), the crawl and its scope (``crawl``,
``scope``), the pages a CMS paginates by script (``pagination``), the crawl in headless
Chromium (``browser``) and when its pages have settled (``settle``), parallel workers
(``parallel``), an ordered pool of processes that cannot wait on a dead one
(``orderedpool``), capture from a built folder (``fromdir``),
the snapshot command's core (``snapshot``), verification (``verify``, ``gzipmembers``;
header blocks parsed as warcio parses them, faster: ``heads``),
the bounds every command reads a WARC within (``bounds``), bounded payload decoding
(``payload``), warcio's reading of ARC files and of what cdxj-indexer and wacz re-read
within those bounds (``warcioread``) and CDXJ/WACZ (``packaging``). May import: the shared leaves only (``errors``,
``links``, ``urls``).
"""
