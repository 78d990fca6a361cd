"""A fake legacy CMS site (TRS WCM style) whose links are partly made by script.

- ``/xwzx/index.html`` … ``index_2.html``: a list paginated by ``createPageHTML(3, …)``
  (its page links exist only once the script runs); each list page links two articles.
- the home page's menu is written by ``document.write`` (the link is split in the source):
  it leads to ``/zwgk/index.html``, whose list is filled from ``list.json`` by ``fetch()``
  and grows by ``more.json`` when 加载更多 is clicked; one more article is added 900 ms
  after the page ran (a deferred fill: no request marks it, only the page's timer).
- the home page runs a news ticker that re-arms its timer forever (the crawl must not wait
  for it).
"""

from __future__ import annotations

import json
from pathlib import Path

ARTICLES = [f"xwzx/t{n}.html" for n in range(1, 7)]
PATTERN_PAGES = ["xwzx/index_1.html", "xwzx/index_2.html"]
SCRIPT_PAGES = [
    "zwgk/index.html",
    "zwgk/art_json.html",
    "zwgk/art_more.html",
    "zwgk/art_timer.html",
]
HTTP_PAGES = ["", "xwzx/index.html", *PATTERN_PAGES, *ARTICLES]
ALL_PAGES = HTTP_PAGES + SCRIPT_PAGES

PAGE_JS = """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) return;
  for (var i = 0; i < _nPageCount; i++) {
    var name = i == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt;
    if (i == _nCurrIndex) document.write("<span>" + (i + 1) + "</span> ");
    else document.write('<a href="' + name + '">' + (i + 1) + "</a> ");
  }
}
"""

LIST_JS = """function fill(items) {
  var list = document.getElementById("list");
  items.forEach(function (item) {
    var li = document.createElement("li");
    li.innerHTML = '<a href="' + item.url + '">' + item.title + "</a>";
    list.appendChild(li);
  });
}
fetch("/zwgk/list.json").then(function (r) { return r.json(); }).then(fill);
document.getElementById("more").addEventListener("click", function () {
  fetch("/zwgk/more.json").then(function (r) { return r.json(); }).then(fill);
});
setTimeout(function () { fill([{ title: "延时加载的文章", url: "/zwgk/art_timer.html" }]); }, 900);
"""

TICKER_JS = """var ticks = 0;
function tick() { ticks++; document.title = document.title; setTimeout(tick, 100); }
setTimeout(tick, 100);
"""


def title(name: str) -> str:
    """The title of the page at name (a path of ALL_PAGES) in the built site."""
    if name in ("", "index.html"):
        return "某县人民政府（旧站）"
    if name.startswith("xwzx/index"):
        number = int(name.removeprefix("xwzx/index").removesuffix(".html").lstrip("_") or 0)
        return f"新闻中心 第{number + 1}页"
    if name.startswith("xwzx/t"):
        return f"新闻{name.removeprefix('xwzx/t').removesuffix('.html')}"
    return {
        "zwgk/index.html": "政务公开",
        "zwgk/art_json.html": "JSON 列表中的文章",
        "zwgk/art_more.html": "加载更多后的文章",
        "zwgk/art_timer.html": "延时加载的文章",
    }[name]


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<title>{title}</title><link rel="stylesheet" href="/css/site.css"></head>'
        f"<body><h1>{title}</h1>{body}</body></html>"
    )


def build(root: Path) -> Path:
    """Write the site into root; return root."""
    files = {
        "css/site.css": "body { color: #222; }\n",
        "js/page.js": PAGE_JS,
        "js/list.js": LIST_JS,
        "js/ticker.js": TICKER_JS,
        "index.html": page(
            "某县人民政府（旧站）",
            "<script>document.write('<a href=\"/zw' + 'gk/index.html\">政务公开</a>');</script>"
            '<a href="/xwzx/index.html">新闻中心</a><script src="/js/ticker.js"></script>',
        ),
        "zwgk/index.html": page(
            "政务公开",
            '<ul id="list"></ul><button id="more" type="button">加载更多</button>'
            '<script src="/js/list.js"></script>',
        ),
        "zwgk/list.json": json.dumps(
            [{"title": "JSON 列表中的文章", "url": "/zwgk/art_json.html"}]
        ),
        "zwgk/more.json": json.dumps([{"title": "加载更多后的文章", "url": "/zwgk/art_more.html"}]),
        "zwgk/art_json.html": page("JSON 列表中的文章", "<p>正文一</p>"),
        "zwgk/art_more.html": page("加载更多后的文章", "<p>正文二</p>"),
        "zwgk/art_timer.html": page("延时加载的文章", "<p>正文三</p>"),
    }
    for number in range(3):
        name = "index.html" if number == 0 else f"index_{number}.html"
        links = "".join(
            f'<li><a href="t{n}.html">新闻{n}</a></li>' for n in (2 * number + 1, 2 * number + 2)
        )
        files[f"xwzx/{name}"] = page(
            f"新闻中心 第{number + 1}页",
            f'<ul>{links}</ul><script src="/js/page.js"></script>'
            f'<div class="page"><script>createPageHTML(3, {number}, "index", "html");</script></div>',
        )
    for n in range(1, 7):
        files[f"xwzx/t{n}.html"] = page(f"新闻{n}", f"<p>新闻{n}正文</p>")
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root
