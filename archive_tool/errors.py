"""The toolkit's exceptions: one base class whose message is meant for the user."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .compliance import Violation


class ToolkitError(Exception):
    """A user's mistake or an unusable input; shown as a Chinese message, never a traceback."""

    exit_code = 1


class ComplianceError(ToolkitError):
    """The site group breaks one or more rules; carries every violation found."""

    def __init__(self, violations: list[Violation]):
        from .compliance import format_report

        self.violations = violations
        super().__init__(format_report(violations))
