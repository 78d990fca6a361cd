"""The group's content folder, read once into a typed model.

``loader.load_content`` walks ``content/`` a single time and returns a ``Group``: its
sites (site.yaml) with their columns (``registry``) and the kinds of site with what each
requires (``sitetypes``), every article's metadata block (``articles``), every YAML record
(``yamlfile``, ``records``: 办事指南, 互动交流, lifecycle notices), each site's 索引号
ledger, the shared 信息资源库, and the 互动 platform a site names (``channels``); every date, time and key name goes through ``values``.
What reading a file produced may be kept between checks while it is unchanged (``filememo``).
Reading never raises for a user's mistake; what cannot be read is kept with its file so
that a rule can name it. Every other package reads content only through this model. May
import: the shared leaves (``compliance``, ``errors``) and nothing else of the toolkit.
"""
