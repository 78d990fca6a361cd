"""The site group: its rules, build, web continuity, search and live preview, one folder each.

- ``rules``: every rule over the content model, and what the checked group hands the
  build (service items, letters, library copies, 索引号 ledgers);
- ``build``: each site's Pelican settings, the whole build from the checked group to the
  swapped output, the group's own files, where sites are built and what they depend on;
- ``continuity``: archiving a redesigned site and what each old address answers;
- ``search``: the search index's copy of the pages and its year shards;
- ``preview``: the live preview for editors (``archive-tool serve``), which runs the build
  as the ``pelican`` command and imports no other folder.

Inside the group, imports go ``build`` → ``continuity``, ``search`` → ``rules`` (never
back up; tests/test_architecture.py checks it). May import: ``content``, ``lifecycle``,
``safety``, ``warc``, ``republish`` and the shared leaves; never ``cli`` or the Pelican
plugin, and never Pelican itself.
"""
