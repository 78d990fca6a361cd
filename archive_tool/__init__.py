"""Build, check and archive a Chinese government website group (政府网站群)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bozhou-govsite")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
