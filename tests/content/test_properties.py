"""Property-based tests (hypothesis) of the record loaders: whatever an editor or an attacker
writes, reading and checking it ends in data or a message, never in an exception."""

from __future__ import annotations

from datetime import date, datetime

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive_tool.content.records import Record
from archive_tool.content.values import parse_day, parse_moment
from archive_tool.content.yamlfile import ContentError, load_yaml
from archive_tool.group.rules import interaction, services

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# YAML-ish text: the characters that build mappings, lists, anchors, tags and dates.
yaml_text = st.lists(
    st.sampled_from(list("ab:-[]{}&*!|>'\"#,.0123456789 \n\t留言时间日期") + ["2026-02-30 "]),
    max_size=120,
).map("".join)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


@SETTINGS
@given(yaml_text)
def test_yaml_is_data_or_a_yaml_error(text):
    try:
        load_yaml(text)
    except yaml.YAMLError:
        pass  # ContentError is one: shown as a message naming the file


@SETTINGS
@given(st.text(max_size=40) | st.dates() | st.datetimes(timezones=st.timezones()) | values)
def test_a_moment_is_a_naive_time_or_none_and_reading_it_again_changes_nothing(value):
    moment = parse_moment(value)
    assert moment is None or (isinstance(moment, datetime) and moment.tzinfo is None)
    if moment is not None:
        assert parse_moment(moment) == moment
        assert parse_moment(moment.isoformat(" ")) == moment
        assert parse_day(value) == moment.date()


KEYS = st.sampled_from(
    [*services.KEYS, *interaction.LETTER_KEYS, *interaction.CONSULTATION_KEYS, "x", "办理材料"]
)


@SETTINGS
@given(st.dictionaries(KEYS, values, max_size=12), st.dates())
def test_any_record_is_checked_without_an_exception(data, today):
    record = Record("bozhou", "content/bozhou/letters/x.yaml", "x", data, "第七条（三）")
    problems = services.check_service(record, frozenset({"files/a.txt"}))
    for make in (interaction._letter, interaction._consultation, interaction._interview):
        item, found = make(record, today)
        assert item is None or not [v for v in found if v.severity == "error"]
        problems += found
    for violation in problems:
        assert len(violation.message) <= 620 and violation.file.endswith("x.yaml")


def test_an_alias_is_refused_and_a_date_stays_text():
    try:
        load_yaml("a: &x [1]\nb: *x\n")
    except ContentError as error:
        assert "别名" in str(error)
    else:
        raise AssertionError("an alias was accepted")
    assert load_yaml("d: 2026-11-20") == {"d": "2026-11-20"}
    assert parse_day(load_yaml("d: 2026-11-20")["d"]) == date(2026, 11, 20)
