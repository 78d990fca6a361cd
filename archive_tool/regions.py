"""行政区划代码 of 亳州 and its counties (the first six digits of a 网站标识码), and its time zone."""

from zoneinfo import ZoneInfo

# 北京时间: how pages and records show times.
SHANGHAI = ZoneInfo("Asia/Shanghai")

CITY_NAME = "亳州市"
CITY_REGION_CODE = "341600"

# 县区名称 → 行政区划代码 (GB/T 2260).
COUNTY_REGION_CODES = {
    "谯城区": "341602",
    "涡阳县": "341621",
    "蒙城县": "341622",
    "利辛县": "341623",
}

PORTAL_NAME = "亳州市人民政府"
PORTAL_DOMAIN = "www.bozhou.gov.cn"
PORTAL_CN_DOMAIN = "亳州市人民政府.政务"


def county_of(site_name: str) -> str:
    """The county's own name inside a county portal's name.

    >>> county_of("亳州市谯城区人民政府")
    '谯城区'
    >>> county_of("蒙城县人民政府")
    '蒙城县'
    """
    name = site_name.removesuffix("人民政府")
    return name.removeprefix(CITY_NAME) or name
