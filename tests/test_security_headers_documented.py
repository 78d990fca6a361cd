"""docs/security-headers.md shows the headers exactly as archive_tool.headers defines them,
for every server it describes."""

from __future__ import annotations

import re

from conftest import REPO

from archive_tool import headers

DOC = (REPO / "docs" / "security-headers.md").read_text(encoding="utf-8")
SERVERS = ("## nginx", "## Apache", "## IIS", "## Caddy", "## A CDN")


def sections() -> dict[str, str]:
    parts = re.split(r"^(## .+)$", DOC, flags=re.MULTILINE)
    return {title: body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_every_policy_is_shown_as_sent():
    for policy in (headers.PAGE_POLICY, headers.ARCHIVE_POLICY, headers.ATTACHMENT_POLICY):
        assert headers.header_policy(policy) in DOC, policy
    assert headers.PERMISSIONS_POLICY in DOC
    assert headers.REFERRER_POLICY in DOC


def test_each_other_server_sends_every_header():
    found = sections()
    assert [t for t in found if t.startswith(SERVERS)] and all(
        any(t.startswith(s) for t in found) for s in SERVERS
    )
    for title, body in found.items():
        if not title.startswith(("## Apache", "## IIS", "## Caddy")):
            continue
        for value in (
            headers.header_policy(headers.PAGE_POLICY),
            headers.header_policy(headers.ARCHIVE_POLICY),
            headers.header_policy(headers.ATTACHMENT_POLICY),
            headers.PERMISSIONS_POLICY,
            headers.REFERRER_POLICY,
            headers.CONTENT_TYPE_OPTIONS,
            headers.FRAME_OPTIONS,
            headers.ATTACHMENT_DISPOSITION,
        ):
            assert value in body, (title, value)
