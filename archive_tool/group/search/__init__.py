"""The group's static search (pagefind): what the index reads of each page.

Owns the search index's tokenized copy of the pages and the index build
(``searchindex``). May import: ``group.rules``, ``content`` and the shared leaves.
"""
