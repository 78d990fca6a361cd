"""The group's static search (pagefind): what the index reads of each page.

Owns the search index's tokenized copy of the pages (``searchindex``) and the index
built per year in shards, each re-indexed only when its pages change (``shards``). May import: ``group.rules``, ``content``, ``warc`` (a worker's
pagefind dies with it) and the shared leaves.
"""
