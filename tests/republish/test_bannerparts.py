"""Each page's banner, copied from one rendering of the shipped template, is the banner
rendering the template for that page would give: same element, same style, for any URL
(quotes, ampersands, Chinese, controls, line breaks, private-use characters) and time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from archive_tool.republish.bannerparts import banner_parts, page_banner_parts
from archive_tool.republish.templating import SHIPPED, Banner, Templates

SHANGHAI = timezone(timedelta(hours=8))
urls = st.text(
    alphabet=st.one_of(
        st.sampled_from("abc/:?#&;=\"'<> %\u00a0\u2028\ue000\x85\t\n\r\x00"),
        st.characters(),
    ),
    max_size=60,
).map(lambda tail: "https://a.example.gov.cn/" + tail)


def shown(parts) -> tuple[str, bytes]:
    style, element = parts
    return style, etree.tostring(element, encoding="utf-8", method="html")


@settings(max_examples=300, deadline=None)
@given(
    original=urls,
    live=st.one_of(st.none(), urls),
    seconds=st.integers(0, 2_000_000_000),
)
def test_a_copied_banner_is_the_rendered_one(original, live, seconds):
    captured = datetime.fromtimestamp(seconds, SHANGHAI)
    banner = Banner("a0123456789abcdef", captured, original, live)
    assert shown(page_banner_parts(banner)) == shown(banner_parts(SHIPPED.banner(banner)))


def test_a_group_s_own_banner_template_is_rendered_for_every_page(tmp_path):
    (tmp_path / "banner.html").write_text(
        SHIPPED.environment.loader.get_source(SHIPPED.environment, "banner.html")[0].replace(
            "{{ original_url }}</a>", "{{ original_url | upper }}</a>"
        ),
        encoding="utf-8",
    )
    banner = Banner("a1", datetime(2026, 11, 26, 8, tzinfo=SHANGHAI), "https://a.example/x", None)
    _, element = page_banner_parts(banner, Templates(tmp_path))
    assert "HTTPS://A.EXAMPLE/X" in etree.tostring(element, encoding="unicode")
