"""The ``archive-tool`` command line: click commands only, one module per command group.

Each command parses its arguments, calls one core function and shows the result; errors
raised in the core (``ToolkitError``) become a Chinese message and an exit code in
``base.user_errors``. Nothing in the core imports this package.
"""

from __future__ import annotations

from . import check, notice, republish, warc  # noqa: F401  (each registers its commands)
from .base import cli


def main() -> None:
    cli()
