"""Pelican settings of the 亳州市人民政府 网站群.

`pelican` (from this folder, no arguments) builds every site under content/<site-id>/
into output/<domain>/, plus output/index.html listing the sites. Each site gets its own
Pelican run, with the settings in archive_tool/group/settings.py (SITE_DEFAULTS) derived
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

# Overrides for every site's own run (see archive_tool/group/settings.py: SITE_DEFAULTS).
SITE_SETTINGS = {}

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
