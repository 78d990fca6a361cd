"""The intake behind nginx configured as docs/intake.md says: the service limits each
citizen's real address, and an X-Forwarded-For a citizen writes himself changes nothing."""

from __future__ import annotations

import re
import shutil
import sys

import pytest
import requests
from conftest import REPO
from intake_server import receipt, serving, submit_letter

# nginx on a free loopback port, as the lifecycle and security-header tests start it
sys.path.insert(0, str(REPO / "tests" / "group"))
from test_lifecycle_pages import NGINX, start_nginx

if not shutil.which(NGINX):
    pytest.skip("nginx is not installed", allow_module_level=True)


def documented(port: int) -> tuple[str, str]:
    """docs/intake.md's limit_req_zone and location block, the service on ``port``."""
    doc = (REPO / "docs" / "intake.md").read_text(encoding="utf-8")
    config = doc.split("```nginx")[1].split("```")[0]
    zone = re.search(r"limit_req_zone .*;", config).group(0)
    location = re.search(r"    location / \{.*?\n    \}", config, re.DOTALL).group(0)
    assert "proxy_pass http://127.0.0.1:8081;" in location
    return zone, location.replace("127.0.0.1:8081", f"127.0.0.1:{port}")


def test_a_flood_through_nginx_is_counted_by_the_real_address(tmp_path):
    options = ("--min-fill-seconds", "0", "--per-address", "3")
    with serving(tmp_path / "intake.sqlite3", *options) as service:
        port = int(service.url.rsplit(":", 1)[1].strip("/"))
        zone, location = documented(port)
        servers = (
            f"server {{\n  listen 127.0.0.1:PORT;\n  client_max_body_size 64k;\n{location}\n}}"
        )
        nginx, nginx_port = start_nginx(tmp_path / "nginx", servers, zone)
        try:
            base = f"http://127.0.0.1:{nginx_port}/"
            citizen = requests.Session()
            answers = []
            for n in range(4):  # each time pretending to be someone else
                citizen.headers["X-Forwarded-For"] = f"198.51.100.{n}"
                answers.append(submit_letter(citizen, base))
            assert [a.status_code for a in answers] == [200, 200, 200, 429]
            assert "提交过于频繁" in answers[3].text
            receipt(answers[0].text)
            big = citizen.post(base + "fgw/letter", data={"body": "长" * 30000}, timeout=10)
            assert big.status_code == 413  # nginx refuses it before the service reads it
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
