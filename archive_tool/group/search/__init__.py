"""The group's static search (pagefind): what the index reads of each page.

Owns the search index's tokenized copy of the pages (``searchindex``), the index
built per year in shards, each re-indexed only when its pages change (``shards``), and
the 公开目录 facets (主题分类, 发布机构, 体裁, 年份) the copy filters by and the catalogue
page lists (``facets``). May import: ``group.rules``, ``content``, ``warc`` (a worker's
pagefind dies with it) and the shared leaves.
"""
