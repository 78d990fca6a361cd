"""YAML of the content folder (content.yamlfile): libyaml's speed, the pure loader's limits."""

from __future__ import annotations

import pytest
import yaml
from conftest import DEMO_CONTENT

from archive_tool.content.yamlfile import BoundedLoader, ContentError, FastLoader, load_yaml

DEMO_YAML = sorted(DEMO_CONTENT.rglob("*.yaml"))


def test_libyaml_does_the_parsing_where_pyyaml_has_it():
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    assert FastLoader is not BoundedLoader
    assert "CParser" in [base.__name__ for base in FastLoader.__mro__]


@pytest.mark.parametrize("path", DEMO_YAML, ids=lambda p: str(p.relative_to(DEMO_CONTENT)))
def test_every_demo_file_reads_as_the_pure_python_loader_reads_it(path):
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.load(text, Loader=BoundedLoader)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1]\nb: *x\n",
        "a: &x {k: v}\nb: [*x, *x]\n",
        "a: &a [x]\nb: &b [*a, *a]\nc: [*b, *b]\n",  # the start of a billion laughs
    ],
)
def test_aliases_are_refused(text):
    with pytest.raises(ContentError, match="别名"):
        load_yaml(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 5000 + "]" * 5000,  # flow: libyaml's own limit
        "a: " + "{b: " * 3000 + "1" + "}" * 3000,
        "".join(" " * depth + "- \n" for depth in range(0, 6000, 2)) + " " * 6000 + "x\n",
    ],
    ids=["flow-sequence", "flow-mapping", "block"],
)
def test_deep_nesting_is_a_message_not_a_crash(text):
    with pytest.raises(ContentError, match="嵌套层次过深"):
        load_yaml(text)


def test_dates_and_times_stay_text():
    assert load_yaml("d: 2026-02-30\nt: 2026-01-01 08:00:00\nn: 3") == {
        "d": "2026-02-30",
        "t": "2026-01-01 08:00:00",
        "n": 3,
    }
