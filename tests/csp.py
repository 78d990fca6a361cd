"""Reading Content-Security-Policy meta tags of built output, for the CSP and header tests."""

from __future__ import annotations

import lxml.html


def parse_policy(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        if part.strip():
            directives[name.lower()] = sources
    return directives


def csp_metas(root) -> list:
    """The page's Content-Security-Policy meta elements (the attribute in any case)."""
    return root.xpath(
        "//meta[translate(@http-equiv, 'CONTENT-SECURITY-POLICY', 'content-security-policy')"
        " = 'content-security-policy']"
    )


def policy_problems(output) -> list[str]:
    """Every .html file under ``output`` (pages, redirect pages, the group index, archives,
    404 and maintenance pages: whatever wrote it) has one policy meta that allows no inline
    or foreign script, as the first thing of its head that could load or run anything."""
    problems = []
    for path in sorted(output.rglob("*")):
        if path.suffix.lower() not in (".html", ".htm") or not path.is_file():
            continue
        name = path.relative_to(output).as_posix()
        root = lxml.html.parse(str(path)).getroot()
        metas = csp_metas(root)
        if len(metas) != 1:
            problems.append(f"{name}: {len(metas)} CSP metas")
            continue
        head = root.find("head")
        if metas[0].getparent() is not head:
            problems.append(f"{name}: the CSP meta is not in <head>")
            continue
        active = [e for e in head if e.tag in ("script", "link", "style")]
        if active and head.index(active[0]) < head.index(metas[0]):
            problems.append(f"{name}: <{active[0].tag}> comes before the CSP meta")
        policy = parse_policy(metas[0].get("content", ""))
        script_src = policy.get("script-src", policy.get("default-src"))
        if not script_src or not set(script_src) <= {"'self'", "'none'", "'wasm-unsafe-eval'"}:
            problems.append(f"{name}: script-src allows more than the site's own files: {policy}")
        if policy.get("object-src", policy.get("default-src")) != ["'none'"]:
            problems.append(f"{name}: object-src is not 'none'")
    return problems
