"""Render keys (group.build.renderkeys): what a page's key covers, what makes it unkeyable,
and when a published page may be linked instead of rendered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from archive_tool.group.build.renderkeys import RenderKeys, TemplateNames, Unkeyable, page_key

TEMPLATES = {
    "base.html": "<title>{{ SITE.name }}</title>{% include '_nav.html' %}{% block body %}{% endblock %}",
    "_nav.html": "{% for c in COLUMNS %}{{ c.name }}{% endfor %}",
    "article.html": (
        "{% extends 'base.html' %}{% block body %}{{ article.title }} {{ index_no(article) }}"
        "{% if article.policy %}{{ article.policy.title }}{% endif %}{% endblock %}"
    ),
    "home.html": "{% extends 'base.html' %}{% block body %}{{ NOTICE_LIST }}{% endblock %}",
    "list.html": "{% for a in articles %}{{ a.title }}{% endfor %}",
    "dynamic.html": "{% include page_template %}",
    "unknown.html": "{{ secret_function() }}",
}


class Doc:
    """A content object as Pelican's: address, metadata, body."""

    def __init__(self, slug: str, title: str, policy=None):
        self.url = self.save_as = f"{slug}.html"
        self.title, self.slug, self.policy = title, slug, policy
        self.metadata = {"title": title}
        self._content = self.content = self.summary = f"<p>{title}</p>"


def environment() -> Environment:
    env = Environment(loader=DictLoader(TEMPLATES))
    env.globals.update(index_no=lambda article: f"NO-{article.slug}", secret_function=lambda: "")
    return env


CONTEXT = {"SITE": {"name": "谯城区"}, "COLUMNS": [{"name": "政务动态"}], "NOTICE_LIST": ["公告"]}


def key(template: str, page: dict, context: dict = CONTEXT) -> str:
    env = environment()
    tpl = env.get_template(template)
    names = TemplateNames().of(tpl)
    article = page.get("article")
    return page_key(
        "base",
        template,
        "a/p.html",
        names,
        page,
        context,
        env.globals,
        lambda name: env.globals[name](article),
    )


def test_the_names_a_template_tree_reads():
    names = TemplateNames().of(environment().get_template("article.html"))
    assert {"SITE", "COLUMNS", "article", "index_no"} <= names and "NOTICE_LIST" not in names
    assert TemplateNames().of(environment().get_template("dynamic.html")) is None


def test_a_key_changes_with_what_the_page_shows_and_only_with_that():
    policy = Doc("policy", "办法")
    page = {"article": Doc("jiedu", "解读", policy)}
    first = key("article.html", page)
    assert key("article.html", page) == first
    assert key("article.html", page, {**CONTEXT, "NOTICE_LIST": ["新公告"]}) == first  # unread
    assert key("article.html", page, {**CONTEXT, "COLUMNS": [{"name": "工作动态"}]}) != first
    policy.title = "办法（修订）"  # a linked article's title, shown on this page
    policy.metadata["title"] = policy.title
    assert key("article.html", page) != first
    assert key("home.html", {}) != key("home.html", {}, {**CONTEXT, "NOTICE_LIST": []})


def test_a_page_that_reads_what_a_key_cannot_describe_is_unkeyable():
    with pytest.raises(Unkeyable):
        key("list.html", {}, {**CONTEXT, "articles": [Doc("a", "一")]})
    with pytest.raises(Unkeyable):
        key("unknown.html", {})
    with pytest.raises(Unkeyable):
        key("article.html", {"article": object()})


def test_a_published_page_is_linked_only_if_it_is_the_file_recorded(tmp_path: Path):
    published, cache = tmp_path / "published", tmp_path / "cache"
    (published / "a").mkdir(parents=True)
    page = published / "a" / "p.html"
    page.write_text("旧", encoding="utf-8")
    recorded = RenderKeys(cache, published, "base")
    assert not recorded.reuse("a/p.html", "K", str(tmp_path / "x.html"))  # nothing recorded yet
    recorded.save(published)  # as if this run had written the published file
    keys = RenderKeys(cache, published, "base")
    target = tmp_path / "staging" / "a" / "p.html"
    assert not keys.reuse("a/p.html", "other key", str(target)) and not target.exists()
    assert keys.reuse("a/p.html", "K", str(target))
    assert os.path.samefile(target, page)
    page.unlink()
    page.write_text("旧", encoding="utf-8")  # same bytes, another file: not the one recorded
    again = RenderKeys(cache, published, "base")
    assert not again.reuse("a/p.html", "K", str(tmp_path / "other.html"))
    assert RenderKeys(cache, published, "another base").before == {}
