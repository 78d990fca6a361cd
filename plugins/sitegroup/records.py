"""In a site's own run: the pages of its structured records, its 辟谣 list, its 政府信息公开
pages, its maintenance and 404 pages and its articles' former addresses — all from what the
group run checked and handed over as settings (group.build.pipeline, group.build.settings)."""

from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from archive_tool.group.continuity.addresses import NOT_FOUND_PAGE
from archive_tool.group.continuity.redesign import ARCHIVE_FOLDER
from archive_tool.group.rules.aliases import write_alias_pages
from archive_tool.group.rules.articlerules import RUMOUR
from archive_tool.group.search.facets import catalogue


class RecordPagesGenerator(Generator):
    """In a site's own run: the pages of its structured records (办事指南, 互动交流) and of
    its 辟谣 articles. The records were loaded and checked by the group run (group.rules.check)."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        def write(name, template, relative_urls=None, **values):
            relative = self.settings["RELATIVE_URLS"] if relative_urls is None else relative_urls
            writer.write_file(
                name,
                self.get_template(template),
                self.context,
                relative_urls=relative,
                **values,
            )

        def write_pages(folder, template, items, **values):
            """A list of records in pages: <folder>/index.html, <folder>/index_2.html, …"""
            size = self.settings.get("RECORD_PAGINATION") or 10
            chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
            urls = [record_list_url(folder, number) for number in range(1, len(chunks) + 1)]
            for number, chunk in enumerate(chunks, 1):
                page = {"number": number, "count": len(chunks), "urls": urls}
                write(urls[number - 1], template, items=chunk, page=page, **values)

        services = self.settings.get("SERVICES") or []
        if services or self.settings.get("SERVICE_CATALOGUE"):
            write_pages("services", "services", services)
        for item in services:
            write(item.url, "service", item=item)
        interaction = self.settings.get("INTERACTION")
        if interaction:
            write_pages(
                "letters",
                "letters",
                interaction.published_letters,
                statistics=interaction.statistics(),
            )
            for letter in interaction.published_letters:
                write(letter.url, "letter", letter=letter)
            for folder, template, items in (
                ("consultations", "consultation", interaction.consultations),
                ("interviews", "interview", interaction.interviews),
            ):
                if items:
                    write_pages(folder, folder, items)
                for item in items:
                    write(item["url"], template, item=item)
        annual = self.settings.get("ANNUAL_REPORT")  # 第十条（五）: last year's 年度工作报表
        if annual:
            write(annual.path, "annual_report", annual=annual)
            for name, data in annual.downloads.items():
                (Path(self.output_path) / name).write_bytes(data)
        rumours = [a for a in self.context["articles"] if getattr(a, "type", "") == RUMOUR]
        if rumours:
            write_pages("piyao", "rumours", rumours)
        # 政府信息公开 (条例第十二条、第二十条): the statutory list and how to apply.
        disclosure = self.settings.get("DISCLOSURE_COLUMN")
        if disclosure:
            public = [
                a for a in self.context["articles"] if getattr(a, "disclosure", "") == "主动公开"
            ]
            write(f"{disclosure}/fdzdgknr.html", "disclosure_list", disclosed=public)
            facets = catalogue(
                public, self.settings.get("COLUMN_NAMES") or {}, self.settings["SITE"]["sponsor"]
            )
            write(
                f"{disclosure}/gkml.html", "disclosure_catalogue", disclosed=public, facets=facets
            )
            write(f"{disclosure}/ysqgk.html", "disclosure_request")
        # 第八条（四）: the site's 归档目录 in its theme, over republish's plain overview.
        if self.settings.get("ARCHIVES"):
            write(f"{ARCHIVE_FOLDER}/index.html", "site_archives")
        # 第八条（二）: nginx serves these for every path, so their links start at the root.
        for window in self.settings.get("MAINTENANCE_WINDOWS") or []:
            write(window["page"], "maintenance", relative_urls=False, SITEURL="", **window)
        # 第八条（四）: nginx answers an address in neither the site nor its archives with
        # this page (group.continuity.addresses); an article's former addresses lead to it.
        write(NOT_FOUND_PAGE, "404", relative_urls=False, SITEURL="")
        articles = self.context["articles"] + self.context.get("hidden_articles", [])
        write_alias_pages(Path(self.output_path), articles, self.settings["SITEURL"])
        # Browsers ask every site for /favicon.ico: a 404 there is a console error on each page.
        favicon = Path(self.theme) / "static" / "img" / "favicon.ico"
        (Path(self.output_path) / "favicon.ico").write_bytes(favicon.read_bytes())


def record_list_url(folder: str, number: int) -> str:
    """Page ``number`` of a list of records, as categories are paginated.

    >>> record_list_url("letters", 1), record_list_url("letters", 2)
    ('letters/index.html', 'letters/index_2.html')
    """
    return f"{folder}/index.html" if number == 1 else f"{folder}/index_{number}.html"
