"""Pelican settings of the 亳州市人民政府 网站群.

`pelican` (from this folder, no arguments) builds every site under content/<site-id>/
into output/<domain>/, plus output/index.html listing the sites. Each site gets its own
Pelican run, with the settings in archive_tool/group/build/settings.py (SITE_DEFAULTS) derived
from its site.yaml; SITE_SETTINGS below overrides any of them for every site.
"""

SITENAME = "亳州市人民政府网站群"
PATH = "content"
OUTPUT_PATH = "output"
THEME = "themes/gov"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["sitegroup"]

TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
DEFAULT_PAGINATION = 15

# Overrides for every site's own run (see archive_tool/group/build/settings.py: SITE_DEFAULTS).
# READERS cannot be overridden: every site reads Markdown articles only (第十条（二）).
SITE_SETTINGS = {}

# Each site is built in a worker process of its own, BUILD_WORKERS at a time (default: one
# per core). BUILD_SCHEDULER = "tcp://host:8786" builds them on a Dask cluster instead
# (archive_tool/group/build/executor.py says what the workers need). A rebuild keeps the sites
# whose inputs did not change (archive_tool/group/build/manifest.py); INCREMENTAL_BUILD = False
# (`pelican -e INCREMENTAL_BUILD=false`) builds every site anew.
BUILD_WORKERS = None
BUILD_SCHEDULER = None
INCREMENTAL_BUILD = True

# Local preview: links between sites of the group go to the sibling folder in output/
# instead of https://<domain>/. Use `pelican -e GROUP_PREVIEW=true` then `pelican --listen`.
GROUP_PREVIEW = False

# The group run itself reads and writes nothing but output/index.html: the sitegroup
# plugin gives every site its own run. These keep Pelican's own generators idle here.
ARTICLE_PATHS = []
PAGE_PATHS = []
STATIC_PATHS = []
THEME_STATIC_PATHS = []
DIRECT_TEMPLATES = []
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
DELETE_OUTPUT_DIRECTORY = False
