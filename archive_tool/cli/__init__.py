"""The ``archive-tool`` command line: click commands only, one module per command group.

``base`` holds the click group, the error wrapper and the options commands share; the
commands are ``check``, ``build``, ``warc`` (snapshot, verify, index, wacz),
``republish``, ``notice``, ``monitor``, ``annual_report``, ``continuity``, ``intake``,
``letters``, ``stats`` and ``serve`` (the live preview).

Each command parses its arguments, calls one core function and shows the result; errors
raised in the core (``ToolkitError``) become a Chinese message and an exit code in
``base.user_errors``. Nothing in the core imports this package.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import cli

# Every module of this package but base registers its commands on ``cli`` when imported;
# a new command group is a new module here, nothing else to wire.
for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")


def main() -> None:
    cli()
