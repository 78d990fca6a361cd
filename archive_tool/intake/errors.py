"""The intake's one exception: a handler's or an operator's mistake, shown in Chinese."""

from __future__ import annotations

from ..errors import ToolkitError


class IntakeError(ToolkitError):
    """A command the database cannot carry out (unknown 受理编号, wrong state, no database)."""
