"""Run the intake with uvicorn, announcing ``intake listening on http://HOST:PORT/`` once it
accepts connections (port 0 picks a free port; the line gives the real one)."""

from __future__ import annotations

import os
import socket
import sys

import uvicorn

from .app import Settings, make_app
from .errors import IntakeError


class _Server(uvicorn.Server):
    def __init__(self, config, announce):
        super().__init__(config)
        self.announce = announce

    async def startup(self, sockets=None):
        await super().startup(sockets=sockets)
        if self.started:
            self.announce()


def serve(settings: Settings, host: str, port: int, trusted_proxies: str) -> None:
    """Serve until interrupted; ``trusted_proxies`` are the addresses (nginx) whose
    X-Forwarded-For names the citizen's address for the rate limit."""
    os.umask(0o077)  # whatever the store creates is its owner's only
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        raise IntakeError(f"无法监听 {host}:{port}：{error.strerror}") from error
    sock.listen(1024)
    sock.set_inheritable(True)
    bound = sock.getsockname()[1]
    config = uvicorn.Config(
        make_app(settings),
        proxy_headers=True,
        forwarded_allow_ips=trusted_proxies,
        log_level="warning",
        access_log=False,  # an access log would keep citizens' addresses; nginx keeps its own
        server_header=False,
        limit_concurrency=512,
        timeout_keep_alive=5,
    )

    def announce():
        shown = f"[{host}]" if ":" in host else host
        print(f"intake listening on http://{shown}:{bound}/", flush=True)
        sys.stdout.flush()

    _Server(config, announce).run(sockets=[sock])
