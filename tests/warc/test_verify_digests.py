"""archive-tool verify is at least as strict as `warcio check` on every form of digest.

One WARC per form of `WARC-Block-Digest` / `WARC-Payload-Digest` (base32, hexadecimal,
base64, sha1/sha-1/sha256/md5/sha512, wrong lengths, invalid characters, unknown
algorithms): verify's exit code is the expected one, and verify never passes a file that
`warcio check` rejects. Where the standard is broken and warcio does not look (a revisit's
unreadable payload digest) verify is stricter.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import archive_tool

WARCIO = Path(sys.executable).with_name("warcio")
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
BODY = "<p>页面 · 数字摘要</p>".encode() * 20
BLOCK = HEAD + BODY


def b32(name: str, data: bytes = BLOCK) -> str:
    return base64.b32encode(hashlib.new(name, data).digest()).decode()


def b16(name: str, data: bytes = BLOCK) -> str:
    return hashlib.new(name, data).hexdigest()


def b64(name: str, data: bytes = BLOCK, urlsafe: bool = False) -> str:
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    return encode(hashlib.new(name, data).digest()).decode()


def urlsafe_sha1() -> str:
    """A sha1 whose base64 holds '-' or '_' (so the URL-safe alphabet really is used)."""
    n = 0
    while "-" not in (text := b64("sha1", b"%d" % n, urlsafe=True)) and "_" not in text:
        n += 1
    return text, b"%d" % n


URLSAFE, URLSAFE_BLOCK = urlsafe_sha1()

# form → (block digest, whether verify passes); the block is BLOCK unless the form says.
FORMS = {
    "sha1 base32": ("sha1:" + b32("sha1"), True),
    "sha1 hex lower case": ("sha1:" + b16("sha1"), True),
    "sha1 hex upper case": ("sha1:" + b16("sha1").upper(), True),
    "sha1 base64": ("sha1:" + b64("sha1"), True),
    "sha-1 spelling": ("sha-1:" + b32("sha1"), True),
    "SHA1 in capitals": ("SHA1:" + b32("sha1"), True),
    "sha256 base32": ("sha256:" + b32("sha256"), True),
    "sha256 hex": ("sha256:" + b16("sha256"), True),
    "sha256 base64": ("sha256:" + b64("sha256"), True),
    "md5 base32": ("md5:" + b32("md5"), True),
    "md5 base64": ("md5:" + b64("md5"), True),
    "sha512 hex": ("sha512:" + b16("sha512"), True),
    # broken: warcio rejects (or crashes on) every one of these
    "sha1 base32 in lower case": ("sha1:" + b32("sha1").lower(), False),
    "sha1 invalid base32": ("sha1:" + "0" * 32, False),
    "sha1 not a digest": ("sha1:not-a-digest", False),
    "sha1 base32 one short": ("sha1:" + b32("sha1")[:-1], False),
    "sha1 hex two short": ("sha1:" + b16("sha1")[:-2], False),
    "sha1 hex of a sha256": ("sha1:" + b16("sha256"), False),
    "sha1 hex with a non-hex letter": ("sha1:" + "g" + b16("sha1")[1:], False),
    "sha1 base64 without padding": ("sha1:" + b64("sha1").rstrip("="), False),
    "sha256 base32 without padding": ("sha256:" + b32("sha256").rstrip("="), False),
    "md5 hex (as long as its base32)": ("md5:" + b16("md5"), False),
    "sha1 of other bytes": ("sha1:" + b32("sha1", b"other"), False),
    "sha256 value labelled sha1": ("sha1:" + b32("sha256"), False),
    "unknown algorithm": ("nosuchhash:" + b32("sha1"), False),
    "no algorithm": (b32("sha1"), False),
    "variable-length algorithm": ("shake_128:" + b32("sha1"), False),
}


def warc(path: Path, block_digest: str, payload_digest: str | None = None, block=BLOCK,
         kind: str = "response") -> Path:
    headers = [
        "WARC/1.1",
        f"WARC-Type: {kind}",
        "WARC-Record-ID: <urn:uuid:12345678-1234-5678-1234-567812345678>",
        "WARC-Date: 2026-11-24T02:00:00Z",
        "WARC-Target-URI: http://a.example/page.html",
        "Content-Type: application/http; msgtype=response",
        f"WARC-Block-Digest: {block_digest}",
    ]
    if payload_digest is not None:
        headers.append(f"WARC-Payload-Digest: {payload_digest}")
    headers.append(f"Content-Length: {len(block)}")
    path.write_bytes("\r\n".join(headers).encode() + b"\r\n\r\n" + block + b"\r\n\r\n")
    return path


def warcio_check(path: Path) -> int:
    return subprocess.run(
        [str(WARCIO), "check", str(path)], capture_output=True, timeout=120, check=False
    ).returncode


def verdict(path: Path):
    result = archive_tool("verify", path)
    assert "Traceback" not in result.stderr
    return result


@pytest.mark.parametrize("form", FORMS)
def test_each_block_digest_form_gets_warcio_s_verdict_or_a_stricter_one(form, tmp_path):
    digest, passes = FORMS[form]
    path = warc(tmp_path / "form.warc", digest)
    result = verdict(path)
    if passes:
        assert result.returncode == 0, result.stderr
        assert "结论：通过" in result.stdout
    else:
        assert result.returncode == 1, result.stdout
        assert "偏移 0：response 记录 http://a.example/page.html：" in result.stderr
        assert "块摘要不符" in result.stderr or "WARC-Block-Digest 无法校验" in result.stderr
    assert (warcio_check(path) == 0) == passes, "warcio check gives the same verdict"


@pytest.mark.parametrize("form", FORMS)
def test_each_payload_digest_form_gets_warcio_s_verdict_or_a_stricter_one(form, tmp_path):
    digest, passes = FORMS[form]
    # the same forms over the payload: the body's digest in place of the block's
    payload = digest
    for name in ("sha1", "sha256", "md5", "sha512"):
        for encode in (b32, b16, b64):
            payload = payload.replace(encode(name), encode(name, BODY))
            payload = payload.replace(encode(name).lower(), encode(name, BODY).lower())
    payload = payload.replace(b16("sha1").upper(), b16("sha1", BODY).upper())
    payload = payload.replace(b32("sha1")[:-1], b32("sha1", BODY)[:-1])
    payload = payload.replace(b16("sha1")[:-2], b16("sha1", BODY)[:-2])
    payload = payload.replace("g" + b16("sha1")[1:], "g" + b16("sha1", BODY)[1:])
    payload = payload.replace(b64("sha1").rstrip("="), b64("sha1", BODY).rstrip("="))
    payload = payload.replace(b32("sha256").rstrip("="), b32("sha256", BODY).rstrip("="))
    path = warc(tmp_path / "form.warc", "sha1:" + b32("sha1"), payload)
    result = verdict(path)
    if passes:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 1, result.stdout
        assert "载荷摘要不符" in result.stderr or "WARC-Payload-Digest 无法校验" in result.stderr
    if warcio_check(path) != 0:
        assert result.returncode != 0, "verify passed what warcio check rejects"


def test_the_url_safe_base64_alphabet_is_accepted_as_by_warcio(tmp_path):
    path = warc(tmp_path / "urlsafe.warc", "sha1:" + URLSAFE, block=URLSAFE_BLOCK,
                kind="resource")
    assert verdict(path).returncode == 0 and warcio_check(path) == 0


def test_an_invalid_base32_sha1_fails_with_a_clear_message(tmp_path):
    """The case from issue 28: only a hint, then 「结论：通过」 and exit 0."""
    path = warc(tmp_path / "bad.warc", "sha1:" + b32("sha1"), "sha1:" + "1" * 32)
    result = verdict(path)
    assert result.returncode == 1 and "结论：通过" not in result.stdout
    assert "WARC-Payload-Digest 无法校验：不是有效的 base32" in result.stderr
    assert warcio_check(path) == 1


def test_a_revisit_s_unreadable_payload_digest_fails_though_warcio_skips_it(tmp_path):
    head = HEAD.replace(b"\r\n\r\n", b"\r\nContent-Length: 0\r\n\r\n")
    path = warc(tmp_path / "revisit.warc", "sha1:" + b32("sha1", head), "sha1:zz", head,
                kind="revisit")
    result = verdict(path)
    assert result.returncode == 1 and "WARC-Payload-Digest 无法校验" in result.stderr
    assert warcio_check(path) == 0, "warcio does not read a revisit's digests"
