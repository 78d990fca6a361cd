"""The standalone report pages' style: the theme's colours and tables, readable at 375 px
(tables become one card per row) and on paper. On the site the theme's own stylesheet
applies instead; the classes are the same."""

CSS = """
:root { --main: #b2191c; --text: #222; --muted: #5c5c5c; --line: #ddd; --bg-soft: #f7f4ef; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--text); background: #fff; line-height: 1.7;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
a { color: #1a4c8b; }
.wrap { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; line-height: 1.4; text-align: center; color: var(--main); }
h2 { font-size: 1.2rem; border-bottom: 2px solid var(--main); padding-bottom: .25rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: .25rem; }
.report-period { text-align: center; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.note { color: var(--muted); font-size: .9rem; }
.data-table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
.data-table caption { text-align: left; font-weight: 700; padding: .25rem 0; }
.data-table th, .data-table td { border: 1px solid var(--line); padding: .4rem .6rem;
  text-align: left; vertical-align: top; overflow-wrap: break-word; }
.data-table thead th { background: var(--bg-soft); }
.data-table tbody th { font-weight: normal; }
.report-table { table-layout: fixed; }
.report-table thead th:first-child { width: 42%; }
.report-table thead th:last-child { width: 9em; }
.count-list ol { padding-left: 2rem; margin: .25rem 0; }
.count-list li, .report-appendix p { overflow-wrap: anywhere; }
.downloads a { margin-right: 1rem; }
@media (max-width: 40rem) {
  .data-table, .data-table tbody, .data-table tr, .data-table td, .data-table th {
    display: block; width: auto; }
  .report-table thead th:first-child, .report-table thead th:last-child { width: auto; }
  .data-table caption { display: block; }
  .data-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  .data-table td[data-label]::before { content: attr(data-label) "："; font-weight: 700;
    color: var(--muted); }
  .data-table tr { border: 1px solid var(--line); border-top: 2px solid var(--main);
    margin-bottom: .75rem; padding: .25rem 0; }
  .data-table th, .data-table td { border: 0; padding: .15rem .6rem; overflow-wrap: anywhere; }
  .data-table tbody th { font-weight: 700; }
  .report-table td[data-label="数据来源"] { color: var(--muted); font-size: .9rem; }
}
@media print {
  body { font-size: 11pt; }
  a { color: #000; text-decoration: none; }
  .back, .downloads { display: none; }
  .data-table tr, .count-list li { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
""".strip()
