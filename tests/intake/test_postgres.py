"""The intake on PostgreSQL: the same service and handling with ``--db postgresql://…``.

Uses the server named by INTAKE_TEST_POSTGRES, or starts a throwaway one with the
installed initdb/postgres (as the ``postgres`` user when the tests run as root); skipped
when neither is possible."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
import requests
from conftest import archive_tool
from intake_server import LETTER, look_up, receipt, serving, submit_letter
from servers import free_port

from archive_tool.intake.store import LETTER as KIND
from archive_tool.intake.store import Store

pytest.importorskip("psycopg")


@contextlib.contextmanager
def throwaway_postgres():
    # Debian's postgresql package keeps its server programs out of PATH.
    debian = os.pathsep.join(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True))
    search = os.pathsep.join(filter(None, [os.environ.get("PATH", ""), debian]))
    initdb, postgres = shutil.which("initdb", path=search), shutil.which("postgres", path=search)
    if not (initdb and postgres):
        pytest.skip("no PostgreSQL server available (initdb/postgres not installed)")
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="intake-pg-"))
    if as_user:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()
    made = subprocess.run(
        [*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if made.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"no PostgreSQL server available (initdb failed: {made.stderr[-200:]})")
    server = subprocess.Popen(
        [*as_user, postgres, "-D", str(data), "-p", str(port), "-h", "127.0.0.1",
         "-k", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        for line in server.stdout:  # wait for its own word that it is ready
            if "ready to accept connections" in line:
                break
        else:
            pytest.skip("no PostgreSQL server available (it did not start)")
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres_url():
    given = os.environ.get("INTAKE_TEST_POSTGRES")
    if given:
        yield given
        return
    with throwaway_postgres() as url:
        yield url


def test_the_store_on_postgresql(postgres_url):
    store = Store(postgres_url)
    number, code = store.submit(
        {"kind": KIND, "site": "fgw", **LETTER}, datetime(2026, 11, 2, 9, 30)
    )
    assert store.lookup(number, code)["title"] == LETTER["title"]
    assert store.lookup(number, "WRONGCOD") is None
    store.accept(number, datetime(2026, 11, 2, 10, 0))
    store.forward(number, "亳州市城市管理局", datetime(2026, 11, 3, 9, 0))
    store.reply(number, "亳州市城市管理局", "已修复。", datetime(2026, 11, 5, 16, 0))
    assert [row["number"] for row in store.for_export("fgw")][-1] == number
    assert store.secret() == Store(postgres_url).secret()


def test_the_service_on_postgresql_survives_kill_9(postgres_url):
    with serving(postgres_url, "--min-fill-seconds", "0") as server:
        answer = submit_letter(requests.Session(), server.url)
        number, code = receipt(answer.text)
        server.kill()
    with serving(postgres_url, "--min-fill-seconds", "0") as again:
        found = look_up(requests.Session(), again.url, number, code)
        assert '<td id="state">已收到</td>' in found.text
    listed = archive_tool("intake", "list", "--db", postgres_url)
    assert number in listed.stdout


def test_an_unreachable_postgresql_is_a_clear_error():
    refused = archive_tool(
        "intake", "list", "--db", f"postgresql://postgres@127.0.0.1:{free_port()}/x"
    )
    assert refused.returncode == 1 and "无法连接数据库" in refused.stderr
    assert "Traceback" not in refused.stderr
