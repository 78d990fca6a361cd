"""report.html: the monitoring report as a person reads it, on screen or printed.

One self-contained page: Simplified Chinese, no script, nothing loaded from anywhere (a
Content-Security-Policy allows only its own style block, by hash), readable at 375 px
(tables turn into labelled blocks on narrow screens, long URLs wrap) and printable.
Everything shown is escaped: evidence may quote a page or a citizen's letter title.
"""

from __future__ import annotations

import base64
import hashlib

import jinja2
from markupsafe import Markup

STYLE = """
:root { color: #1a1a1a; background: #fff; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
  line-height: 1.6; margin: 0 auto; max-width: 72rem; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 2px solid #1f4e79; }
h3 { font-size: 1.1rem; }
a { color: #0b4f8a; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding: .25rem 0; }
th, td { border: 1px solid #8c8c8c; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #e8eef5; }
.url, td { overflow-wrap: anywhere; word-break: break-word; }
.fail { color: #a4001d; font-weight: bold; }
.pass { color: #1b5e20; font-weight: bold; }
.none { color: #4d4d4d; }
.veto { color: #a4001d; font-weight: bold; }
.verdict { font-size: 1.15rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.note { color: #4d4d4d; }
@media (max-width: 40rem) {
  body { padding: .5rem; }
  table.stack, table.stack caption, table.stack tbody, table.stack tr, table.stack td {
    display: block; width: auto; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; }
  table.stack tr { border: 1px solid #8c8c8c; margin-bottom: .75rem; }
  table.stack td { border: 0; border-bottom: 1px solid #d9d9d9; }
  table.stack td::before { content: attr(data-label) "："; font-weight: bold; }
  dl.meta { grid-template-columns: 1fr; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  a { color: inherit; text-decoration: none; }
  tr, .site-head { break-inside: avoid; }
  section.site { break-before: page; }
}
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src '{{ style_hash }}'">
<title>{{ data.title }}（{{ data.date }}）</title>
<style>{{ style|safe }}</style>
</head>
<body>
<main>
<h1>{{ data.title }}</h1>
<dl class="meta">
  <dt>监测日期</dt><dd>{{ data.date }}</dd>
  <dt>监测方式</dt><dd>{{ data.mode_label }}（{{ data.source }}）</dd>
  <dt>生成时间</dt><dd>{{ data.generated[:16]|replace("T", " ") }}（北京时间）</dd>
  <dt>依据</dt><dd>《亳州市政府网站群管理办法（暂行）》第十条（四）、第十一条；国办秘函〔2019〕19号</dd>
</dl>

<section aria-labelledby="summary-title">
<h2 id="summary-title">监测结论</h2>
<p class="verdict">共监测 {{ data.summary.sites }} 个网站，
{% if data.summary.failed %}<span class="fail">{{ data.summary.failed }} 个不合格</span>{% else %}<span class="pass">均未发现单项否决问题</span>{% endif %}；
单项否决问题 {{ data.summary.veto }} 个，扣分问题 {{ data.summary.deduction }} 个。</p>
<table class="stack">
<caption>各网站结论</caption>
<thead><tr><th scope="col">网站</th><th scope="col">结论</th><th scope="col">单项否决</th><th scope="col">扣分问题</th><th scope="col">整改清单</th></tr></thead>
<tbody>
{% for site in data.sites %}
<tr>
  <td data-label="网站"><a href="#site-{{ site.id }}">{{ site.name }}</a></td>
  <td data-label="结论">{{ verdict(site.verdict) }}</td>
  <td data-label="单项否决">{{ site.veto }}</td>
  <td data-label="扣分问题">{{ site.deduction }}</td>
  <td data-label="整改清单">{% for item in site.rectification %}{{ item.number }}（{{ item.status }}）{% if not loop.last %}、{% endif %}{% else %}无{% endfor %}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% if data.ledger.file %}
<p>整改清单：{{ data.ledger.file }}{% if data.ledger.updated %}，本次新下发 {{ data.ledger.issued|length }} 项、销号 {{ data.ledger.fixed|length }} 项、逾期 {{ data.ledger.overdue|length }} 项{% else %}（自查不改变整改清单，销号以市政府办公室复核为准）{% endif %}。</p>
{% endif %}
{% for note in data.notes %}<p class="note">{{ note }}</p>{% endfor %}
</section>

{% for site in data.sites %}
<section class="site" id="site-{{ site.id }}" aria-labelledby="title-{{ site.id }}">
<div class="site-head">
<h2 id="title-{{ site.id }}">{{ site.name }}：{{ verdict(site.verdict) }}</h2>
<dl class="meta">
  <dt>网址</dt><dd>{{ link(site.home) }}</dd>
  <dt>主办单位</dt><dd>{{ site.unit }}</dd>
  <dt>检查页面</dt><dd>{{ site.pages }} 个</dd>
  {% if site.visits %}<dt>访问监测</dt><dd>{{ site.visits.from }} 至 {{ site.visits.to }} 访问 {{ site.visits.visits }} 次，失败 {{ site.visits.failures }} 次（{{ "%.1f"|format(site.visits.share * 100) }}%）</dd>{% endif %}
</dl>
</div>
{% if site.problems %}
<table class="stack">
<caption>问题清单（{{ site.problems|length }} 个）</caption>
<thead><tr><th scope="col">序号</th><th scope="col">指标</th><th scope="col">页面</th><th scope="col">证据</th><th scope="col">整改要求</th><th scope="col">整改编号</th></tr></thead>
<tbody>
{% for problem in site.problems %}
<tr>
  <td data-label="序号">{{ loop.index }}</td>
  <td data-label="指标">{% if problem.category == "单项否决" %}<span class="veto">{{ problem.indicator }}（单项否决）</span>{% else %}{{ problem.indicator }}（扣分）{% endif %}</td>
  <td data-label="页面" class="url">{{ link(problem.page) }}</td>
  <td data-label="证据">{{ problem.evidence }}</td>
  <td data-label="整改要求">{{ problem.action }}</td>
  <td data-label="整改编号">{% if problem.number %}{{ problem.number }}，{{ problem.deadline }} 前{% else %}—{% endif %}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% else %}
<p>未发现问题。</p>
{% endif %}
{% if site.rectification %}
<table class="stack">
<caption>政府网站问题整改清单</caption>
<thead><tr><th scope="col">编号</th><th scope="col">指标</th><th scope="col">页面</th><th scope="col">下发日期</th><th scope="col">整改期限</th><th scope="col">状态</th></tr></thead>
<tbody>
{% for item in site.rectification %}
<tr>
  <td data-label="编号">{{ item.number }}</td>
  <td data-label="指标">{{ item.indicator }}</td>
  <td data-label="页面" class="url">{{ item.page }}</td>
  <td data-label="下发日期">{{ item.issued }}</td>
  <td data-label="整改期限">{{ item.deadline }}</td>
  <td data-label="状态">{{ item.status }}{% if item.closed %}（{{ item.closed }} 销号）{% endif %}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% endif %}
{% for note in site.notes %}<p class="note">说明：{{ note }}</p>{% endfor %}
</section>
{% endfor %}

<section aria-labelledby="indicators-title">
<h2 id="indicators-title">监测指标与判定标准</h2>
<table class="stack">
<caption>指标</caption>
<thead><tr><th scope="col">指标</th><th scope="col">类别</th><th scope="col">判定标准</th><th scope="col">依据</th></tr></thead>
<tbody>
{% for indicator in data.indicators %}
<tr>
  <td data-label="指标">{{ indicator.name }}</td>
  <td data-label="类别">{{ indicator.category }}</td>
  <td data-label="判定标准">{{ indicator.threshold }}</td>
  <td data-label="依据">{{ indicator.basis }}</td>
</tr>
{% endfor %}
</tbody>
</table>
<p class="note">任一单项否决问题即判定该网站不合格；扣分问题只列出个数，不计算分数。
严重问题登记整改编号，整改时限 3 个工作日，复核确认问题消失后销号。</p>
</section>
</main>
</body>
</html>
"""

_ENVIRONMENT = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)


def _verdict(value: str):
    css = {"不合格": "fail", "合格": "pass"}.get(value, "none")
    return Markup('<span class="{}">{}</span>').format(css, value)


def _link(url: str):
    """A URL as a link when it is a web address, else as text."""
    if str(url).startswith(("https://", "http://")):
        return Markup('<a href="{0}">{0}</a>').format(url)
    return url


def style_hash(style: str = STYLE) -> str:
    digest = hashlib.sha256(style.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_html(data: dict) -> str:
    template = _ENVIRONMENT.from_string(TEMPLATE)
    return template.render(
        data=data, style=STYLE, style_hash=style_hash(), verdict=_verdict, link=_link
    )
