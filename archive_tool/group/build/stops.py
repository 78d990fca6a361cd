"""A build stopped by Ctrl-C or SIGTERM ends cleanly: exit status 128 + the signal (130,
143), output/ untouched.

The handler raises ``SystemExit`` wherever the build is; the staging build
(group.build.staging) removes its folder and its workers on the way out. A second signal
does not interrupt that cleanup.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable

STOP_SIGNALS = {signal.SIGINT: "Ctrl-C（SIGINT）", signal.SIGTERM: "SIGTERM"}
STOPPED = "构建已中断（{}）：未替换 output 目录，原有输出保持不变。"


def _stop(signum: int, frame) -> None:
    for other in STOP_SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    print(STOPPED.format(STOP_SIGNALS[signum]), file=sys.stderr, flush=True)
    raise SystemExit(128 + signum)


def stop_on_signals() -> dict[int, Callable]:
    """Make Ctrl-C and SIGTERM end the build with 128 + the signal; returns the previous
    handlers, for ``restore``."""
    return {signum: signal.signal(signum, _stop) for signum in STOP_SIGNALS}


def restore(previous: dict[int, Callable]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)

