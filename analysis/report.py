"""Stage: analysis -> the report's Markdown pages.

统计报告 (overview, coverage, scale and funding, charts, terms, method), one page
per place (its facts linked to their sentences, its terms, its articles), the
places index, and 数据下载 (every data file with its data dictionary). Pure
functions returning Markdown text; page text is escaped for Markdown and HTML.
Links to articles use Pelican's `{filename}` syntax, so they work under any
sub-path.
"""
from __future__ import annotations

import dataclasses
import functools
import heapq
import html
import itertools
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from pypinyin import lazy_pinyin

from .aggregate import format_value
from .articles import place_slug
from .extract import Fact, load_vocab
from .model import Article
from .segment import BULLET
from .numbers import find_quantities
from .pages import KIND_NAMES, UNKNOWN_PUBLICATION, amount_html, fact_context, fact_figure_parts, headline_html, labelled_figure_html, page_text_url, page_view_url, pieces_as_html, printed_note, terms_html, year_html
from .places import Gazetteer, address_note, address_of, filed_under, main_place, places_above, with_address
from .settings import DATA_DIR, reading
from .terms import headline_words
from .text import INNER_QUOTES, cut_at_clauses, cut_outside_figures, date_label
from .topics import load_topics

TOP_TERMS = 15
# Page sizes: beyond these a page summarises and links on, so it stays readable on a phone.
FACTS_LISTED = 200  # figures listed one by one on a page
SOURCES_LINKED = 4  # articles linked from one cell of a scale table
PLACELESS_LINKED = 5  # articles linked from the report's line on articles without a place
SCALE_ROWS_LISTED = 200  # rows of the report's scale table; beyond, only provinces' and cities' are
SCALE_LEVELS_LISTED = ("province", "city")  # the rows a long scale table keeps on the report
PLACE_ARTICLES_PER_PAGE = 100  # articles on one page of a place's article list
DATA_FILES = ["articles.csv", "articles.json", "facts.csv", "facts.json", "scale_by_place.csv", "terms_by_place.csv", "terms_by_topic.csv"]

_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]{}|#!<>"})


def md(text: str) -> str:
    """Page text inside Markdown: HTML-escaped, Markdown syntax neutralised, on one line."""
    return html.escape(" ".join(str(text).split()), quote=False).translate(_MARKDOWN_SPECIAL)


def article_link(article_id: str, text: str, anchor: str = "", unseen: str = "") -> str:
    """A link to an article's page (and sentence); `unseen`: words after `text` that only a
    screen reader says, where `text` alone names no article (24 links read 原文)."""
    target = f"{{filename}}/articles/{article_id}.md" + (f"#{anchor}" if anchor else "")
    said = f'<span class="visually-hidden">{md(unseen)}</span>' if unseen else ""
    return f"[{md(text)}{said}]({target})"


PLACES_INDEX_LINK = "[全部地区]({filename}/pages/places.md)"


def place_link(place: str) -> str:
    return f"[{md(place)}]({{filename}}/pages/places/{place_slug(place)}.md)"


NUMBER_CELL = re.compile(r"-?\d[\d,]*(?:\.\d+)?|—")  # a cell of a plain number, or of nothing


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; a column of plain numbers after the first (which names the row, as
    a year may) is set right, so that its digits line up."""
    numeric = [i > 0 and all(NUMBER_CELL.fullmatch(row[i]) for row in rows) and any(row[i] != "—" for row in rows)
               for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "".join("---:|" if n else "---|" for n in numeric)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def page_header(title: str, slug: str, **extra: str) -> str:
    lines = [f"Title: {title}", f"Slug: {slug}", *(f"{k}: {v}" for k, v in extra.items())]
    return "\n".join(lines) + "\n\n"


@dataclass
class ChartFiles:
    """A chart as the pages show it: image, alt text, data table and CSV."""

    slug: str
    title: str
    alt: str  # the chart's finding, in words
    table: pd.DataFrame  # what the CSV holds
    svg: str
    csv: str
    places: frozenset[str] = frozenset()  # the places it draws
    shown: tuple[str, ...] = ()  # the table's columns a page shows; all when empty
    figures: tuple[str, ...] = ()  # its columns of figures with their units, each kept on one line
    years: tuple[str, ...] = ()  # its columns of years, each kept on one line but after a span's dash
    names: tuple[str, ...] = ()  # its columns of names, each broken only between its words
    size: tuple[int, int] = (0, 0)  # the image's width and height in CSS pixels, (0, 0) unknown
    cells: pd.DataFrame | None = None  # the scale table's cells behind the table's rows, row for row


def chart_anchor(chart: ChartFiles) -> str:
    """The id of a chart's heading in the report, from its file's name."""
    return "chart-" + chart.svg.removesuffix(".svg")


def chart_block(chart: ChartFiles, facts: Sequence[Fact] = ()) -> str:
    """A figure whose caption states its finding, a CSV link, and its data table below it.
    The page's table leaves out columns only the CSV needs and columns with nothing in them,
    so it fits a phone; the image's alt text names the chart, as the caption states the finding.
    With the `facts`, each figure of a scale or funding chart's table links the sentence
    stating it, as the report's own table does, and so does the caption's where the figure
    is the only one of its words in the table."""
    shown = chart.table[list(chart.shown or chart.table.columns)].apply(same_decimals).astype(str)
    shown = shown[[c for c in shown.columns if (shown[c] != "").any()]]
    cell = {**{c: amount_html for c in chart.figures}, **{c: year_html for c in chart.years}, **{c: words_html for c in chart.names}}
    marks = [cell.get(column) for column in shown.columns]
    links = figure_links(chart.cells, facts) if chart.cells is not None and facts else [None] * len(shown)
    figure_at = next((i for i, c in enumerate(shown.columns) if c in chart.figures), None)
    year_at = next((i for i, c in enumerate(shown.columns) if c in chart.years), None)

    # A scale or funding chart's place with its address, as the report's table names it: 西工区（河南省洛阳市）
    provinces = chart.cells["province"].astype(str).tolist() if chart.cells is not None else [""] * len(shown)

    def row_html(row: list) -> list[str]:
        *values, link, province = row
        # An empty cell shows "—", as the report's own tables do.
        marked = [mark(md(v)) if mark and v else md(v) or "—" for v, mark in zip(values, marks)]
        if province and "、" not in values[0]:  # not for places listed together
            marked[0] = place_with_address(values[0], province, linked=False)

        if link and figure_at is not None:
            marked[figure_at] = amount_html(article_link(link[0], values[figure_at], link[1]))
        if link and year_at is not None and not values[year_at]:  # 西工区's 约450个: 2023年报道, as the report's table says
            marked[year_at] = reported_when(link[2])
        return marked

    # Each row's link goes with it into the blocks: places are listed together only where
    # their figures link the same sentences.
    blocks = same_blocks_once([[*row, link, province] for row, link, province in zip(shown.values.tolist(), links, provinces)])
    # the name kept out of sight on a place's later rows is the one its first row shows
    rows = place_once_per_block([row_html(row) for row in blocks],
                                [with_address(row[0], row[-1]) if row[-1] and "、" not in row[0] else row[0] for row in blocks])
    # The caption names the table's figures and years (白驹社区3.7亿元, 2021—2025年计划): kept as there.
    pieces = {v: cell[c](html.escape(v)) for c in (*chart.figures, *chart.years) if c in chart.table for v in chart.table[c].astype(str)}
    for column in chart.figures:
        figures = chart.table[column].astype(str).tolist()
        for figure, link in zip(figures, links):
            if link and figures.count(figure) == 1:  # which of two rows' 100个 a caption means is not known
                pieces[figure] = f'<a href="{{filename}}/articles/{link[0]}.md{"#" + link[1] if link[1] else ""}">{pieces[figure]}</a>'
    shared = next((row[0] for row in blocks if "、" in row[0]), "")  # no place's own name holds 、
    shared_note = [f"几个地方列在一起（如“{md(shared)}”），是因为它们的各行完全相同。", ""] if shared else []
    # The file keeps a row for each place where the table lists places together: say so, as
    # its count differs from the table's (48 行 here, 80 in the file).
    csv_rows = f"，{len(chart.table)} 行，每个地方各自成行" if len(chart.table) != len(rows) else ""
    # which chart's, for a screen reader listing the page's links: two read alike
    of_chart = f'<span class="visually-hidden">：{html.escape(chart.title)}</span>'
    size = f' width="{chart.size[0]}" height="{chart.size[1]}"' if all(chart.size) else ""
    return "\n".join([
        f'<h3 id="{chart_anchor(chart)}">{html.escape(chart.title)}</h3>',  # place pages link here
        "",
        # its size given, the page does not move as a lazy image loads (a focused link went off screen)
        f'<figure class="chart"><img src="{{static}}/charts/{chart.svg}" alt="{html.escape("图表：" + chart.title)}"{size} loading="lazy">'
        f"<figcaption>{pieces_as_html(html.escape(chart.alt), pieces)}</figcaption></figure>",
        "",
        f"[下载数据（CSV{csv_rows}）{of_chart}]({{static}}/charts/{chart.csv})",
        "",
        # Folded: the charts' tables took a phone 5,000 px of a report of 18,000, the scale
        # chart's repeating the table of figures above it.
        f'<details class="chart-data" markdown="1"><summary>图表数据（{len(rows)} 行）{of_chart}</summary>',
        "",
        table([md(c) for c in shown.columns], rows),
        "",
        *shared_note,
        "</details>",
        "",
    ])


def same_decimals(column: pd.Series) -> pd.Series:
    """A column of decimals as text, each with as many places as the most precise: 4.1 among
    4.93 and 4.82 read as another kind of number, and the column's points did not line up."""
    if not pd.api.types.is_float_dtype(column):
        return column
    places = max((len(repr(round(float(v), 6)).partition(".")[2]) for v in column.dropna()), default=0)
    return column.map(lambda v: "" if pd.isna(v) else f"{v:.{places}f}")


@functools.lru_cache(maxsize=None)
def words_html(text_html: str) -> str:
    """A name a line breaks only between its words (养老托幼|设施), as a headline: 改造面|积 broke.
    Metric names are few and repeat on every row: each is cut once."""
    return f'<span class="wordwise">{headline_html(headline_words(html.unescape(text_html))) or text_html}</span>'


def same_blocks_once(rows: list[list[str]]) -> list[list[str]]:
    """Table rows with each place's block (its consecutive rows, the place first) given once
    for all the places whose blocks are the same but for the place: a city and its only
    reporting district share their articles, so their word counts are the same lines."""
    blocks: dict[tuple, list[str]] = {}  # the block's rows without the place -> its places
    for place, group in itertools.groupby(rows, key=lambda row: row[0]):
        blocks.setdefault(tuple(tuple(row[1:]) for row in group), []).append(place)
    return [["、".join(places), *row] for block, places in blocks.items() for row in block]


def place_with_address(place: str, province: str, linked: bool = True) -> str:
    """`places.with_address` as a table cell: 九龙坡区（重庆市）, the place a link to its page
    unless not `linked`, the address whole on its line."""
    note = address_note(place, province)
    return (place_link(place) if linked else md(place)) + (f'<span class="term">{md(note)}</span>' if note else "")


def place_once_per_block(rows: list[list[str]], places: list[str]) -> list[list[str]]:
    """The place (`places[i]`, row i's place as text) shown on the first of its consecutive rows
    only: "江苏省、南通市、崇川区" eight times over, or 重庆市 nine, made a long column of the same
    name on a phone. The later rows keep the name for screen readers and for a copy into a
    spreadsheet, out of sight; as text, for a link out of sight would still take the focus."""
    return [[f'<span class="same-place visually-hidden">{md(place)}</span>', *row[1:]] if i and place == places[i - 1] else row
            for i, (row, place) in enumerate(zip(rows, places))]


# ---------------------------------------------------------------------------- facts


def fact_item(fact: Fact, show_place: bool = True) -> str:
    """One figure as a list item: what, how much, when, status — and a link to its sentence."""
    label, figure = fact_figure_parts(fact)
    what = labelled_figure_html(f"**{md(figure)}**", [md(c) for c in fact_context(fact)], f"**{md(label)}**")
    where = f'<span class="term">（{place_link(fact.place)}）</span>' if show_place else ""  # a name in brackets, whole
    return f"- {what}{where}：{article_link(fact.article_id, f'“{quoted_around(fact)}”', fact.anchor)}"


def quoted_around(fact: Fact, before: int = 16, after: int = 14) -> str:
    """The sentence around the figure as printed ("…国家补助资金43181万元，业主自筹…"): a quote
    cut from the sentence's start could stop short of the very number it vouches for. It
    begins and ends at a clause's edge where one is near (`cut_at_clauses`), and its own
    quotations take the inner marks ‘’, as a quotation inside “” does in Chinese. A key point's
    mark (●) is no part of what it says."""
    sentence = BULLET.sub("", fact.sentence)
    at = sentence.find(fact.printed) if fact.printed else -1
    if len(sentence) <= before + after + len(fact.printed) or at < 0:
        quoted = sentence if len(sentence) <= 40 else sentence[: cut_outside_figures(sentence, 0, 40)[1]] + "…"
    else:
        start, end = max(0, at - before), min(len(sentence), at + len(fact.printed) + after)
        start, end = cut_outside_figures(sentence, *cut_at_clauses(sentence, start, end, keep=(at, at + len(fact.printed))))
        start = load_vocab().qualifiers.hedge_start(sentence, start)  # a figure's hedge goes with it
        quoted = ("…" if start else "") + sentence[start:end] + ("…" if end < len(sentence) else "")
    return quoted.translate(INNER_QUOTES)



def facts_by_cell(facts: list[Fact]) -> dict[tuple, list[Fact]]:
    """(article, place, metric, year, status, source) -> the article's facts of that cell, whose
    sentences a table cell links."""
    cells: dict[tuple, list[Fact]] = {}
    for f in facts:
        cells.setdefault((f.article_id, f.place, f.metric, f.year, f.status, f.funding_source), []).append(f)
    return cells


def stating(candidates: list[Fact] | None, value, qualifier: str) -> Fact | None:
    """Of an article's facts of a cell, one stating the cell's figure, else its first."""
    candidates = candidates or []
    return next((f for f in candidates if f.value == value and f.qualifier == qualifier), candidates[0] if candidates else None)


def reported_label(article_date: str) -> str:
    """When an article reported a figure whose sentence gives no year: 2023年报道, as of which
    date a 累计 or 截至目前 figure holds; "" when the article's date is unknown too."""
    return f"{load_vocab().year_label(article_date[:4])}报道" if article_date[:4] else ""


def reported_when(article_date: str) -> str:
    """`reported_label` as a year cell: whole on its line (2023年报|道 broke in a narrow column), or "—"."""
    label = reported_label(article_date)
    return f'<span class="unit term">{md(label)}</span>' if label else "—"


def cell_sources(cell, by_cell: dict[tuple, list[Fact]]) -> tuple[list[str], list[Fact | None]]:
    """A scale cell's source articles, and for each the fact whose sentence states the cell's figure."""
    sources = [s for s in str(cell.sources).split(",") if s]
    key = (cell.place, cell.metric, cell.year, cell.status, cell.funding_source)
    return sources, [stating(by_cell.get((s, *key)), cell.value, cell.qualifier) for s in sources]


def figure_links(cells: pd.DataFrame, facts: Sequence[Fact]) -> list[tuple[str, str, str] | None]:
    """(article, sentence anchor, article's date) of each scale cell's figure, as the report's
    table links it."""
    by_cell = facts_by_cell(list(facts))
    links = []
    for cell in cells.itertuples(index=False):
        sources, linked = cell_sources(cell, by_cell)
        first = linked[0] if linked else None
        links.append((sources[0], first.anchor if first else "", first.article_date if first else "") if sources else None)
    return links


def facts_list(facts: list[Fact], show_place: bool = True) -> str:
    if not facts:
        return "没有抽取到老旧小区改造数据。\n"
    return "\n".join(fact_item(f, show_place) for f in facts) + "\n"


def facts_by_place(facts: list[Fact]) -> str:
    """Every figure when there are few; else how many each place has, linking to its page (which
    lists them), so a page stays readable on a phone however large the archive grows."""
    if len(facts) <= FACTS_LISTED:
        return facts_list(facts)
    intro = f"共 {len(facts)} 条，按地方列出条数；各地的数字在地方页上，全部数据连同原句和链接见[数据下载]({{filename}}/pages/data.md)中的 facts.csv。"
    return intro + "\n\n" + place_counts(Counter(f.place for f in facts), "条")


def place_counts(counts: Counter, unit: str) -> str:
    """A list of places, most first, each linking to its page, with how many `unit` it has there."""
    return "".join(f"- {place_link(p)}：{n} {unit}\n" for p, n in sorted(counts.items(), key=lambda pn: (-pn[1], place_slug(pn[0]))))


def scale_rows(scale: pd.DataFrame, facts: list[Fact], show_place: bool = True) -> list[list[str]]:
    vocab = load_vocab()
    by_cell = facts_by_cell(facts)
    rows = []
    for r in scale.itertuples(index=False):
        status = vocab.status_cell(r.status)
        if r.funding_source:
            status += f"（{vocab.funding_label(r.funding_source)}）"
        # A status breaks only between words (签约或授|信（银行|信贷）, 累计（中|央补助） broke).
        status = words_html(md(status))
        sources, linked = cell_sources(r, by_cell)
        # The figure itself links to the sentence it came from; further sources follow it.
        first = linked[0] if linked else None
        value = article_link(sources[0], r.display, first.anchor if first else "") if sources else md(r.display)
        value = amount_html(value)  # 4.3181亿元 is one word: no line break inside it
        if first and first.printed:  # 25.4万人 is printed 25.4万老旧小区居民: say so, as the article does
            value += printed_note(first, r.display)
        shown = list(zip(sources, linked))[1:SOURCES_LINKED]
        # a further source by its number, and for a screen reader by the words it says them in
        more = "".join(f" {article_link(s, f'[{i + 2}]', f.anchor if f else '', unseen=f'：“{quoted_around(f)}”' if f else '')}"
                       for i, (s, f) in enumerate(shown))
        if len(sources) > SOURCES_LINKED:
            more += f" 等 {len(sources)} 篇"  # every source is in scale_by_place.csv
        if r.other_figures:  # sources that disagree: the figure most of them state, and the others'
            more += f"（另有文章作{md('、'.join(str(r.other_figures).split('; ')))}）"
        year = vocab.year_label(r.year)
        row = [words_html(md(vocab.metric(r.metric).label)), value + more, year_html(md(year)) if year else reported_when(first.article_date if first else ""), status]
        rows.append([place_with_address(r.place, r.province), *row] if show_place else row)
    return rows


def scale_table(scale: pd.DataFrame | None, facts: list[Fact], show_place: bool = True) -> str:
    if scale is None or scale.empty:
        return "没有抽取到改造规模与资金数据。\n"
    # The figure right after its metric: on a phone the first columns are what shows unscrolled.
    header = ["指标", "数字", "年份", "进度"]  # the names and order of the charts' tables
    rows = scale_rows(scale, facts, show_place)
    if show_place:
        names = [with_address(place, province) for place, province in zip(scale["place"], scale["province"])]
        rows = place_once_per_block(rows, names)  # as the first row shows it: 九龙坡区（重庆市）
    return "点击数字可查看它所在的原句。\n\n" + table(["地方", *header] if show_place else header, rows) + "\n"


def in_place_tree_order(scale: pd.DataFrame, gazetteer: Gazetteer) -> pd.DataFrame:
    """Rows of places in the order of the place tree: each province, then each of its cities
    with the places under it, siblings by pinyin (then name); places the gazetteer lacks after
    the rest. A place's own rows keep their order. The table was in the order of the names'
    characters (九龙坡区, 巫山县, 望霞路35号小区, 白驹社区, 西工区, 重庆市)."""
    def key(place: str) -> tuple:
        chain = list(reversed(gazetteer.hierarchy(place))) if place in gazetteer else [place]
        return (place not in gazetteer, [(lazy_pinyin(name), name) for name in chain])

    order = {place: rank for rank, place in enumerate(sorted(set(scale["place"]), key=key))}
    return scale.iloc[sorted(range(len(scale)), key=lambda i: order[scale["place"].iat[i]])]


def report_scale(scale: pd.DataFrame | None, facts: list[Fact], gazetteer: Gazetteer) -> str:
    """The report's scale table, in the place tree's order: every row when there are few; else
    the provinces' and cities' rows, and for each place below them how many rows its place page
    holds."""
    if scale is not None and not scale.empty:
        scale = in_place_tree_order(scale, gazetteer)
    if scale is None or scale.empty or len(scale) <= SCALE_ROWS_LISTED:
        return scale_table(scale, facts)
    listed = scale["place"].map(lambda p: p in gazetteer and gazetteer.level(p) in SCALE_LEVELS_LISTED)
    counted = Counter(scale.loc[~listed, "place"])
    intro = (f"共 {len(scale)} 行。下表列出省和地级市的数字；其下各地的 {sum(counted.values())} 行在地方页上，"
             f"按地方列出行数。全部数字连同来源见[数据下载]({{filename}}/pages/data.md)中的 scale_by_place.csv。\n")
    table_part = scale_table(scale[listed], facts) + "\n" if listed.any() else ""
    return intro + "\n" + table_part + place_counts(counted, "行")


# ---------------------------------------------------------------------------- coverage


def count_rows(counts: Counter, unknown: str) -> list[list[str]]:
    """Table rows of names and counts: most first, names of one count in pinyin order, `unknown` last."""
    ordered = sorted(counts.items(), key=lambda item: (item[0] == unknown, -item[1], lazy_pinyin(item[0])))
    return [[md(name), str(count)] for name, count in ordered]


def years_of_a_page_note(articles: list[Article]) -> list[str]:
    """Why one page's articles are counted under two years, where some are: each is dated by its
    own dateline, often a day or two before the paper's date (江海晚报's page of 1 January 2022
    reports 上月31日's meeting)."""
    years: dict[str, set[str]] = {}
    for a in articles:
        if a.date:
            years.setdefault(a.page, set()).add(a.date[:4])
    split = {page: "、".join(sorted(ys)) for page, ys in years.items() if len(ys) > 1}
    if not split:
        return []
    publication = {a.page: a.publication or UNKNOWN_PUBLICATION for a in articles}
    counted = Counter((publication[page], ys) for page, ys in split.items())
    cases = "；".join(f"{md(paper)}的{n}个版面分属{ys}年" for (paper, ys), n in sorted(counted.items()))
    return [f"年份按各篇文章自己的日期计：日期取自电头或导语，多为发稿或事发之日，常比出版日早一两天，"
            f"同一版面的文章因此可能分属不同年份（{cases}）。", ""]


def coverage(articles: list[Article], gazetteer: Gazetteer, problems: list) -> str:
    by_publication = Counter(a.publication or UNKNOWN_PUBLICATION for a in articles)
    by_year = Counter((a.date or "不详")[:4] for a in articles)
    by_province = Counter(gazetteer.province_of(p) if p else "不详" for p in (main_place(a.places, gazetteer) for a in articles))
    undated = sorted({a.page for a in articles if not a.date})
    placeless = [a for a in articles if not a.places]
    # Every piece of a page is an article of the archive, an advert too: the kinds say so.
    by_kind = sorted(Counter(KIND_NAMES.get(a.kind, "其他") for a in articles).items(), key=lambda kv: (-kv[1], lazy_pinyin(kv[0])))
    out = [
        f"本报告依据 {len({a.page for a in articles})} 个报纸版面中的 {len(articles)} 篇文章"
        + (f"，按体裁：{'、'.join(f'{md(kind)} {n} 篇' for kind, n in by_kind)}。" if by_kind else "。"),
        "",
        table(["报纸", "文章数"], count_rows(by_publication, unknown=UNKNOWN_PUBLICATION)),
        "",
        table(["年份", "文章数"], [[md(k), str(v)] for k, v in sorted(by_year.items())]),  # digits sort before 不详
        "",
        *years_of_a_page_note(articles),
        table(["省级行政区", "文章数"], count_rows(by_province, unknown="不详")),
        "",
        # places.html counts every place an article names: 四川省 may be there and not here.
        f"每篇文章按其主要地方计入一个省级行政区；{PLACES_INDEX_LINK}页按文章提到的每个地方计数，一篇文章可计入几个地方。",
        "",
    ]
    if undated:
        out += [f"无法确定年份的版面：{md('、'.join(undated))}。", ""]
    if len(placeless) > PLACELESS_LINKED:
        shown = "、".join(article_link(a.id, a.title) for a in placeless[:PLACELESS_LINKED])
        out += [f"未能识别地方的文章共 {len(placeless)} 篇，如{shown}等；全部见[数据下载]({{filename}}/pages/data.md)中 "
                "articles.csv 里 places 为空的行。", ""]
    elif placeless:
        out += ["未能识别地方的文章：" + "、".join(article_link(a.id, a.title) for a in placeless) + "。", ""]
    skipped = [p for p in problems if p.skipped]
    if skipped:
        out += ["未能收录的文件：" + "；".join(md(str(p)) for p in skipped) + "。", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------- terms


def rows_of_each(table: pd.DataFrame | None, column: str = "place") -> dict[str, pd.DataFrame]:
    """The rows of a table for each place (or topic), split in one pass: selecting them
    place by place scanned the whole table once for every place."""
    if table is None or table.empty:
        return {}
    return {name: rows for name, rows in table.groupby(column, sort=False)}


def term_rows_of_each(table: pd.DataFrame | None, column: str = "place") -> dict[str, list[tuple]]:
    """The rows of a term table for each place (or topic), as named tuples, split in one pass:
    picking a place's top terms from a short list is quicker than a pandas sort per place."""
    rows: dict[str, list[tuple]] = {}
    if table is not None and not table.empty:
        for row in table.itertuples(index=False):
            rows.setdefault(getattr(row, column), []).append(row)
    return rows


def top_terms(rows: list[tuple] | None, by: str, n: int = TOP_TERMS) -> list[tuple]:
    """The n rows of one place's terms highest by `by`, ties by term (positive z only, for
    log_odds_z). A place has one row per term, so the order is total."""
    if by == "log_odds_z":
        rows = [r for r in rows or () if r.log_odds_z > 0]
    return heapq.nsmallest(n, rows or (), key=lambda r: (-getattr(r, by), r.term))


def terms_tables(rows: list[tuple] | None, peers: str = "地方", without: str = "文章太少，没有词频统计。") -> str:
    """The frequent and the distinctive words of one place (or, with `peers` 话题, one topic),
    from its rows of a term table; the distinctive words are against the other `peers`.
    `without`: what to say when it has no rows."""
    frequent = top_terms(rows, "count")
    # Only the significant: a list headed "大于 1.96 为显著" had z = 1.90, 1.79 under it.
    significant = load_vocab().report["significant_z"]
    distinctive = [r for r in top_terms(rows, "log_odds_z") if r.log_odds_z > significant]
    if not frequent:
        return without + "\n"
    # Each table under a heading of its own, so a reader's outline and a screen reader's list of
    # tables name them (both tables once shared the heading 词语).
    rows = [[md(r.term), str(r.count), f"{r.per_10k:.1f}"] for r in frequent]
    note = load_vocab().report["place_names_note"]
    out = ["### 高频词", "", f"出现最多的实词，{note}：", "", table(["词语", "次数", "每万词"], rows), "", "### 特征词", ""]
    if distinctive:
        rows = [[md(r.term), str(r.count), f"{r.log_odds_z:.2f}"] for r in distinctive]
        out += [f"与其他{peers}相比显著的特征词（z 值大于 {significant}，越大越突出；{note}）：", "", table(["词语", "次数", "z 值"], rows), ""]
    else:
        out += [f"与其他{peers}相比，没有显著的特征词（z 值大于 {significant}）。", ""]
    return "\n".join(out)


KWIC_TERMS = 6  # leading terms shown in context on the report
KWIC_LINES = 8  # lines per term
KWIC_WIDTH = 20  # characters of context either side


def leading_terms(terms_by_topic: pd.DataFrame | None, topic_name: str, n: int = KWIC_TERMS) -> list[str]:
    """The most frequent content words of a topic's articles."""
    if terms_by_topic is None or terms_by_topic.empty:
        return []
    rows = terms_by_topic[terms_by_topic["topic"] == topic_name]
    return rows.sort_values(["count", "term"], ascending=[False, True], kind="mergesort")["term"].head(n).tolist()


def concordance_section(terms: list[str], articles: list[Article], lines: int = KWIC_LINES) -> str:
    """Keyword in context: each line shows a leading term with the KWIC_WIDTH characters of its
    paragraph either side, and links to the article."""
    from .terms import concordance  # jieba is loaded only when a concordance is asked for

    out = []
    vocab = load_vocab()
    titles = {a.id: a.title for a in articles}
    shown: dict[str, list[str]] = {}  # each article's lines shown so far, under any term
    for term in terms:
        # Cheap substring filter first: segmenting every article for every term would be slow.
        # The body only: a headline in context is the whole headline, the same for every term.
        candidates = [dataclasses.replace(a, kicker="", title="", subtitle="") for a in [a for a in articles if term in a.body_text][: lines * 2]]
        found = concordance(term, candidates, KWIC_WIDTH, qualifiers=vocab.qualifiers)
        # One line an article, and none a line above shows: 改造, 老旧小区 and 居民 showed
        # the same sentence three times over.
        fresh = (line for line in found if not any(_in_sight(line, seen) for seen in shown.get(line.article_id, ())))
        kwic = list(first_per_article(fresh))[:lines]
        for line in kwic:
            shown.setdefault(line.article_id, []).append(line.left + line.term + line.right)
        if not kwic:
            continue
        out += [f"### {md(term)}", ""]
        for line in kwic:
            # "…" only where the context is cut: a paragraph's start or end shows as it is.
            before, after = "…" * line.cut_left, "…" * line.cut_right
            # Its figures whole on their lines, as everywhere in the report (约4.35|万栋 broke).
            said = line.left + line.term + line.right
            figures = {said[q.start : q.end]: amount_html(md(said[q.start : q.end])) for q in find_quantities(said, vocab.qualifiers, vocab.units)
                       if any(c.isdigit() for c in said[q.start : q.end])}  # digits: 一 of 一些 is no figure
            left, right = (pieces_as_html(md(part), figures) for part in (line.left, line.right))
            context = f"{before}{left}**{md(line.term)}**{right}{after}"
            # to the line's sentence, highlighted there; 原文 never broken (原|文 on a phone)
            # which article's sentence, of which word: one line an article a word
            link = article_link(line.article_id, "原文", line.anchor, unseen=f"：{titles.get(line.article_id, '')}中含“{line.term}”的一句")
            out.append(f"- {context} <span class=\"term\">{link}</span>")
        out.append("")
    return "\n".join(out)


SHOWN_RUN = 8  # characters a line may share with one above: more, and it shows the same words again


def _in_sight(line, shown: str) -> bool:
    """Whether a line shares a run of SHOWN_RUN characters with a line already shown: 居民's
    …惠及居民68万多户，让一些老旧小区… and 小区's …让一些老旧小区变成了宜居、网红小区… were one sentence."""
    context = line.left + line.term + line.right
    return any(context[i : i + SHOWN_RUN] in shown for i in range(max(1, len(context) - SHOWN_RUN + 1)))


def first_per_article(lines: Iterable) -> Iterator:
    """Each article's first line, in order."""
    seen = set()
    for line in lines:
        if line.article_id not in seen:
            seen.add(line.article_id)
            yield line


def topic_notes(terms_by_topic: pd.DataFrame | None, topic_names: dict[str, str]) -> dict[str, str]:
    """For each topic page: its most frequent and most distinctive words, as Markdown."""
    notes = {}
    if terms_by_topic is None or terms_by_topic.empty:
        return notes
    rows = term_rows_of_each(terms_by_topic, "topic")
    for name in topic_names.values():
        text = terms_tables(rows.get(name), peers="话题")
        if "文章太少" not in text:
            notes[name] = "## 话题词语\n\n" + text
    return notes


# ---------------------------------------------------------------------------- pages


METHOD = """- **什么算一条数据。** 只收录关于老旧小区改造规模和资金的数字：改造小区、楼栋、户数、居民、面积、资金、加装电梯、停车位、配套设施、党支部等（各指标及其单位见[数据下载]({filename}/pages/data.md)中 facts.csv 的 metric 列）。同一版面上的其他数字——宣传资料份数、供水工程投资、会议届次、日期、电话号码、年龄、比例——不收录。宁缺毋滥：错误的数字比缺失的数字更糟。
- **约数。** 原文的“余、多、超过”等都归为“多于”：表中照原文写作“2600多个”“330余个”，原文作“超过300个”的写作“300余个”；“约、大约、左右”等写作“约”；“近、将近、接近”写作“近”；“不超过、不到、不足”等写作“不超过”（全部说法见[数据下载]({filename}/pages/data.md)中 facts.csv 的 qualifier 列）。
- **进度与年份。** {statuses}分列，从不相加；只有{done}的数字算作已改造或已投入（图中画作实心）；首页列出各指标最大的一个{highlight}数字。年份取原句所指的年份或时期（如“十四五”期间为 2021—2025年）；原句没有写年份的，写作文章的报道年份（如“2023年报道”），数字说的是报道时的情况。
- **资金来源。** 按原句中金额之前、同一分句里最近的说法归类，照其类名列出：{sources}；没有这些说法的写作“{unknown}”。
- **不重复计算。** 数字只记在原文所说的地方：小区的数字不加到所在区县，区县的合计只来自关于区县本身的数字；多篇文章给出同一格的数字时只列一个，其后链接其余出处；各篇数字不一时，列出多数文章所作的数字，并注明另有文章所作的数字。
- **核对。** 每个数字都链接到它所在的原句；文章页中该句会被高亮。
- **词语统计。** jieba 分词（另加老旧小区改造等领域的专有词语），按词典词性只保留实词，去除停用词，也不计由职务引出的人名（“区委书记胡拥军”中的“拥军”）。特征词用带信息先验的对数优势比（Monroe、Colaresi、Quinn 2008），把一地与其余语料比较，给出 z 值。词表不计本站地名表中的地名：文章因提到某地及其上下级地名而归入该地，这些地名在该地的词表中往往居首，却说明不了报道的内容；各话题的词表也同样不计。
"""


def method_text(vocab) -> str:
    """The method section, naming the statuses as metrics.toml does."""
    statuses = "".join(f"“{c.label}”" for c in vocab.statuses)
    done = "和".join(f"“{vocab.status_label(key)}”" for key in vocab.done_statuses)
    highlight = "、".join(f"“{vocab.status_label(key)}”" for key in vocab.highlight_statuses)
    # each source with the words filed under it: 国家补助资金 is counted as 中央补助
    sources = "；".join(f"“{c.label}”含原文的{'、'.join(c.cues)}" for c in vocab.funding_sources)
    return (METHOD.replace("{statuses}", statuses).replace("{done}", done).replace("{highlight}", highlight)
            .replace("{sources}", sources).replace("{unknown}", vocab.report["funding_unknown"]))


# The report's sections, in order: their ids (for links from other pages and a reader's own)
# and headings, which the page's contents lists. A phone scrolls 20-odd screens of it.
REPORT_SECTIONS = {"overview": "概览", "coverage": "数据依据", "scale": "改造规模与资金", "charts": "图表",
                   "context": "关键词语境", "facts": "全部改造数据", "method": "方法说明"}


CONTENTS_ID = "contents"
# Ends a section the contents lists: on a phone the contents were 16 screens up from the method.
BACK_TO_CONTENTS = f'<p class="to-contents"><a href="#{CONTENTS_ID}">回到目录</a></p>\n'


def section_heading(key: str, back: bool = True) -> str:
    """The section's heading; `back`: after a link back to the contents, which ends the section
    before it (the contents themselves end the overview's)."""
    return f'{BACK_TO_CONTENTS if back else ""}<h2 id="{key}">{REPORT_SECTIONS[key]}</h2>\n'


def report_contents() -> str:
    """The report's sections as a list of links, under its overview."""
    items = "".join(f'<li><a href="#{key}">{name}</a></li>' for key, name in REPORT_SECTIONS.items() if key != "overview")
    return f'<nav class="page-contents" id="{CONTENTS_ID}" aria-label="本页目录"><ol>{items}</ol></nav>\n'


def report_page(analysis, gazetteer: Gazetteer, charts: list[ChartFiles]) -> str:
    focus = load_topics().focus  # the focus topic: renovation, as topics.toml says
    renovation = [a for a in analysis.articles if focus in a.topics]
    overview = (f"档案收录 {len(analysis.articles)} 篇文章，其中 {len(renovation)} 篇涉及老旧小区改造，"
                f"从中抽取改造数据 {len(analysis.facts)} 条。每个改造数据都可点击查看原句。")
    parts = [
        # A page's description is otherwise its opening words, which run on into the tables below.
        page_header("统计报告", "report", Description=overview),
        section_heading("overview", back=False),
        overview + "\n",
        report_contents(),
        section_heading("coverage", back=False),
        coverage(analysis.articles, gazetteer, analysis.problems),
        section_heading("scale"),
        "同一地方、指标、年份和进度只列一个数字；计划与完成分列，小区和社区的数字不计入所在区县。\n",
        report_scale(analysis.scale, analysis.facts, gazetteer),
        section_heading("charts"),
        *(chart_block(c, analysis.facts) for c in charts),
        section_heading("context"),
        "老旧小区改造报道中最常用的词，在原文中的样子（每行链接到文章中的原句）：\n",
        concordance_section(leading_terms(analysis.terms_by_topic, analysis.topic_names.get(focus, "")), renovation),
        section_heading("facts"),
        facts_by_place(analysis.facts),
        section_heading("method"),
        method_text(load_vocab()),
        "数据文件见[数据下载]({filename}/pages/data.md)。\n",
        BACK_TO_CONTENTS,
    ]
    return "\n".join(parts)


def place_names(analysis, gazetteer: Gazetteer) -> list[str]:
    """Every place an article or fact names, with the places above it, so the index can nest."""
    names = {p for a in analysis.articles for p in a.places} | {f.place for f in analysis.facts}
    names = {n for n in names if n in gazetteer}
    return sorted({a for n in names for a in gazetteer.hierarchy(n)})


@dataclass
class PlaceContents:
    """For each place: the articles naming it or a place inside it (newest first), and the facts
    at or inside it.

    Built in one pass over the corpus, so writing every place page stays linear in its size."""

    articles: dict[str, list[Article]]
    facts: dict[str, list[Fact]]
    scale: dict[str, pd.DataFrame]  # each place's rows of the scale table
    terms: dict[str, list[tuple]]  # each place's rows of the term table
    below: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # the places with a page directly within each


def place_contents(analysis, gazetteer: Gazetteer) -> PlaceContents:
    articles: dict[str, list[Article]] = {}
    for article in sorted(analysis.articles, key=lambda a: (a.date, a.id), reverse=True):
        for place in (*(p for p in article.places if p in gazetteer), *places_above(article.places, gazetteer)):
            articles.setdefault(place, []).append(article)
    facts: dict[str, list[Fact]] = {}
    for fact in analysis.facts:
        for ancestor in gazetteer.hierarchy(fact.place) if fact.place in gazetteer else [fact.place]:
            facts.setdefault(ancestor, []).append(fact)
    below: dict[str, list[str]] = {}
    for place in sorted(articles.keys() | facts.keys(), key=place_slug):
        if place in gazetteer and len(chain := gazetteer.hierarchy(place)) > 1:
            below.setdefault(chain[1], []).append(place)
    return PlaceContents(articles, facts, rows_of_each(analysis.scale), term_rows_of_each(analysis.terms_by_place), below)


def whole_parts(*parts: str) -> str:
    """Parts joined by ， in brackets, kept whole on one line (the theme's `term`): （北碚报，|
    2021年10月20日） parted a paper from its date."""
    return f'<span class="term">（{"，".join(html.escape(part) for part in parts if part)}）</span>'


def article_list_html(articles: list[Article]) -> str:
    """One HTML block: Markdown would parse each of a long list's lines for inline syntax. A
    kicker leads its title, as in the theme's lists: 倾听居民想法 alone does not say it is 洛阳's."""
    items = "".join(f"<li>{list_kicker(a)}{title_link(a)}{whole_parts(a.publication, date_label(a.date))}</li>" for a in articles)
    return f"<ul>{items}</ul>\n"


def list_kicker(article: Article) -> str:
    return f'<span class="list-kicker">{html.escape(article.kicker)}</span>' if article.kicker else ""


def title_link(article: Article) -> str:
    """A link to the article by its title, which a line breaks only between words, as the
    article's own headline (总经理陈|涛 split a name on a phone)."""
    words = headline_html(article.title_words)
    wordwise = ' class="wordwise"' if words else ""
    return f'<a href="{{filename}}/articles/{article.id}.md"{wordwise}>{words or html.escape(article.title)}</a>'


def place_article_file(place: str, number: int) -> str:
    """Page 1 of a place's article list is the place page itself; later pages follow it."""
    return f"places/{place_slug(place)}" + (f"-{number}" if number > 1 else "")


# Pages either side of the current one that a pager links, besides the first and the last: the
# rule of the theme's pagination macro (theme/templates/_macros.html), so both pagers look alike.
PAGER_NEIGHBOURS = 2


def pager_numbers(number: int, count: int) -> list[int | None]:
    """The page numbers a pager on page `number` of `count` shows, None where a gap is marked.

    A pager with every page on every page grows with the square of a place's articles (and
    Python-Markdown's inline links with the square of a line's length)."""
    # One further page each side of the neighbours is where a gap, if any, is marked.
    near = range(max(1, number - PAGER_NEIGHBOURS - 1), min(count, number + PAGER_NEIGHBOURS + 1) + 1)
    return [n if n in (1, count) or abs(n - number) <= PAGER_NEIGHBOURS else None for n in sorted({1, count, *near})]


def article_pages_nav(place: str, number: int, count: int, total: int) -> str:
    """The pager of a place's article list: an HTML block like the theme's listing pagers."""
    if count < 2:
        return ""

    def link(n: int, text: str, attributes: str = "") -> str:
        return f'<li><a href="{{filename}}/pages/{place_article_file(place, n)}.md"{attributes}>{text}</a></li>'

    items = [link(number - 1, "上一页", ' rel="prev"')] if number > 1 else []
    for n in pager_numbers(number, count):
        if n is None:
            items.append('<li class="pagination__gap" aria-hidden="true">…</li>')
        else:
            items.append(link(n, f"第 {n} 页", ' aria-current="page"' if n == number else ""))
    if number < count:
        items.append(link(number + 1, "下一页", ' rel="next"'))
    status = f'<p class="pagination__status">共 {total} 篇，第 {number} / {count} 页</p>'
    return f'<nav class="pagination" aria-label="{html.escape(place)}的文章分页"><ul>{"".join(items)}</ul>{status}</nav>\n'


def place_article_pages(place: str, contents: PlaceContents) -> dict[str, str]:
    """Pages 2, 3, ... of a place's article list (file under content/pages -> Markdown), newest first."""
    articles = contents.articles.get(place, [])
    size = PLACE_ARTICLES_PER_PAGE
    count = -(-len(articles) // size)
    pages = {}
    for number in range(2, count + 1):
        name = place_article_file(place, number)
        header = page_header(
            f"{html.escape(place)} · 文章（第 {number} 页）", f"place-{place_slug(place)}-{number}", Save_as=f"{name}.html", Url=f"{name}.html", Section="places",
            Description=f"{html.escape(place)}的文章，共 {len(articles)} 篇，按日期从新到旧，第 {number} / {count} 页。",
        )
        nav = article_pages_nav(place, number, count, len(articles))  # above and below the list
        body = [
            f"{place_link(place)}的文章，共 {len(articles)} 篇，按日期从新到旧。\n",
            nav,
            article_list_html(articles[(number - 1) * size : number * size]),
            nav,
        ]
        pages[name] = header + "\n".join(body)
    return pages


def place_page(place: str, analysis, gazetteer: Gazetteer, charts: list[ChartFiles], contents: PlaceContents | None = None) -> str:
    contents = contents or place_contents(analysis, gazetteer)
    chain = gazetteer.hierarchy(place)
    articles = contents.articles.get(place, [])
    facts = [f for f in contents.facts.get(place, []) if f.place == place]
    nearby = [f for f in contents.facts.get(place, []) if f.place != place]
    scale = contents.scale.get(place)
    parts = [
        page_header(
            html.escape(place), f"place-{place_slug(place)}", Save_as=f"places/{place_slug(place)}.html", Url=f"places/{place_slug(place)}.html", Section="places",
            Description=place_description(place, len(articles), len(facts), len(nearby)),
        ),
        # The breadcrumb of a province-level place leads to the index of all places.
        # a navigation of its own, its › unsaid (a screen reader read out each)
        # a province has none: the index of places is no 上级, and is not named so
        ('<nav class="breadcrumb" aria-label="上级地区" markdown="1">\n\n上级：'
         + '<span aria-hidden="true"> › </span>'.join(place_link(p) for p in reversed(chain[1:])) if len(chain) > 1
         else f'<nav class="breadcrumb" aria-label="全部地区" markdown="1">\n\n{PLACES_INDEX_LINK}')
        + "\n\n</nav>\n",
        # and the way down: 南通市's page led up to 江苏省 only, never to 崇川区; each name whole on its line
        *(['<nav class="breadcrumb" aria-label="下级地区" markdown="1">\n\n下级：'
           + "、".join(f'<span class="term">{place_link(p)}</span>' for p in contents.below[place]) + "\n\n</nav>\n"]
          if contents.below.get(place) else []),
        f"## {md(place)}的改造数据\n",
    ]
    own = scale is not None and not scale.empty
    if own or facts or not nearby:
        parts.append(scale_table(scale, facts, show_place=False) if own else facts_list(facts, show_place=False))
    else:  # "none extracted" and then a list of figures read as a contradiction
        parts.append(f"文章没有报道{md(place)}本级的数字，只报道了辖区内更具体的地方。\n")
    if nearby:
        parts += ["### 辖区内更具体地方的数据\n", "这些数字不计入上表。\n" if own or facts else "", facts_by_place(nearby)]
    # The articles come before the words and the links to the charts: they are what a reader
    # came for.
    count = -(-len(articles) // PLACE_ARTICLES_PER_PAGE)
    parts += [f"## 文章（{len(articles)} 篇）\n", article_list_html(articles[:PLACE_ARTICLES_PER_PAGE]), article_pages_nav(place, 1, count, len(articles))]
    # Words are counted under an article's main place only (places.filed_under): 渝北区, named
    # by two articles about other places, has none, which is not for too few articles.
    terms = contents.terms.get(place)
    filed = sum(place in filed_under(a.places, gazetteer) for a in articles)
    without = (f"词语按每篇文章的主要地方统计；本页的文章都以别的地方为主，所以{md(place)}没有自己的词频统计。"
               if not terms and articles and not filed else "文章太少，没有词频统计。")
    parts.append(f"## 词语\n")
    if terms and filed < len(articles):  # the chart says 北碚区（5篇） above a list of 6
        parts.append(f"词语按每篇文章的主要地方统计：依据以{md(place)}为主的 {filed} 篇文章，"
                     f"上列另外 {len(articles) - filed} 篇以别的地方为主，不计。\n")
    parts.append(terms_tables(terms, without=without))
    # The report's charts that draw the place, linked rather than shown again: each draws every
    # place, and the page's own sections above hold this place's rows.
    if charts:
        parts += ["## 图表\n", f"[统计报告]({{filename}}/pages/report.md)中的这些图表把{md(place)}与其他地方画在一起：\n",
                  *(f"- [{md(c.title)}]({{filename}}/pages/report.md#{chart_anchor(c)})" for c in charts), ""]
    return "\n".join(parts) + "\n"


def place_description(place: str, articles: int, facts: int, nearby: int) -> str:
    """A place page's summary for search engines and link previews: what the page holds.
    Its opening lines are a breadcrumb and a table header, which make a poor description."""
    text = f"{html.escape(place)}：{articles} 篇文章，改造数据 {facts} 条"
    return text + (f"，辖区内更具体地方的数据 {nearby} 条。" if nearby else "。")


def places_index(names: list[str], analysis, gazetteer: Gazetteer) -> str:
    """地区: provinces, then the places under them, nested by the gazetteer's hierarchy."""
    counts = Counter(p for a in analysis.articles for p in {x for q in a.places if q in gazetteer for x in gazetteer.hierarchy(q)})
    children: dict[str, list[str]] = {}
    for name in names:
        chain = gazetteer.hierarchy(name)
        parent = chain[1] if len(chain) > 1 else ""
        children.setdefault(parent, []).append(name)

    def lines(parent: str, depth: int) -> list[str]:
        out = []
        for name in sorted(children.get(parent, []), key=lambda n: (-counts[n], place_slug(n))):
            out.append("    " * depth + f"- {place_link(name)}（{counts[name]} 篇）")
            out.extend(lines(name, depth + 1))
        return out

    intro = "按省、市、区县、街道和社区浏览文章与改造数据。"
    return page_header("地区", "places", Description=intro) + intro + "\n\n" + "\n".join(lines("", 0)) + "\n"


@lru_cache(maxsize=1)
def data_dictionary() -> dict:
    """What each data file and column holds (data_dictionary.toml), for 数据下载."""
    with reading(DATA_DIR / "data_dictionary.toml"), (DATA_DIR / "data_dictionary.toml").open("rb") as fh:
        return tomllib.load(fh)


def data_page(present: list[str], page_texts: Sequence[tuple[str, str]] = (), charts: Sequence[ChartFiles] = ()) -> str:
    """数据下载: every data file, what each column means, the charts' data, the pages' texts
    (`page_texts`: file name, paper and date of each), and how to cite."""
    dictionary = data_dictionary()
    intro = "本站全部数据都由报纸版面的识别文字自动生成（每个版面一个文件），可自由下载核对。"
    parts = [page_header("数据下载", "data", Description=intro), intro + "每篇文章页上的“版面”一项链接到它所在版面的整版识别文字。"
             "CSV 文件是带 BOM 的 UTF-8 编码，Excel 可以直接打开；用程序读取时请选 `utf-8-sig` 编码。\n"]
    for name in DATA_FILES:
        if name not in present:
            continue
        parts.append(f"## [{name}](data/{name})\n")  # written beside the site by the build, not by Pelican
        entry = (dictionary.get(name) or [{}])[0]
        if entry.get("about"):
            parts.append(entry["about"] + "\n")
        columns = entry.get("column", [])
        if columns:
            parts.append(column_list(columns) + "\n")
    if charts:  # linked from the report beside each chart too; listed here with the rest
        parts.append("## 图表数据\n\n[统计报告]({filename}/pages/report.md)中每幅图表所画的数据（CSV，列名为中文）：\n\n"
                     + "".join(f"- [{md(c.title)}]({{static}}/charts/{c.csv})\n" for c in charts))
    if page_texts:
        # Hosts list no folder: each file is linked, in a list a reader opens only when wanted.
        # Each page by its paper and date, as a web page; its text file, by the name a reader may cite.
        links = "".join(f'<li><a href="{html.escape(page_view_url(name))}">{html.escape(heading or name)}</a>'
                        f'（<a href="{html.escape(page_text_url(name))}">纯文本</a>，<code class="filename">{html.escape(name)}</code>）</li>'
                        for name, heading in page_texts)
        parts.append(f"## 版面文字\n\n<details><summary>全部 {len(page_texts)} 个版面的识别文字（网页，及带 BOM 的 UTF-8 纯文本）</summary>"
                     f'<ul class="page-texts">{links}</ul></details>\n')
    parts.append(
        "## 如何引用\n\n引用某个数字时，请同时注明报纸名称、日期和原句，例如：“据《巫山报》2023年报道，"
        "2022年巫山县完成10个老旧小区改造（地方报纸档案，数据文件 facts.csv）。”每条数据的 `article_url` 和 `anchor` 两列给出原句所在的网页位置。"
        "转载的文章（articles.csv 的 first_published 不为空，文章页的“来源”一项也会注明）请同时注明原载报刊。\n"
    )
    return "\n".join(parts)


def column_values(column: dict) -> str:
    """A column's values as the dictionary gives them, or, for `values_from`, the keys and names of
    that table of metrics.toml ("committed 签约或授信、started 已启动、…"; a metric with its unit,
    "buildings 楼栋（栋）") or of topics.toml, so the two never differ."""
    if "values_from" not in column:
        return column.get("values", "")
    vocab = load_vocab()
    if column["values_from"] == "topic":  # "renovation 老旧小区改造、…": the codes the column holds, with their names
        values = "、".join(f"{key} {name}" for key, name in load_topics().names().items())
    elif column["values_from"] == "metric":
        values = "、".join(f"{m.key} {m.label}（{m.display_unit}）" for m in vocab.metrics_in_reading_order)
    elif column["values_from"] == "qualifier":  # "nearly 将近/接近/近（写作“近2600个”）"
        q = vocab.qualifiers
        words = lambda name: "/".join(w for w, n in (*q.prefix, *q.infix, *q.suffix) if n == name) or "确数"
        values = "、".join(f"{name} {words(name)}（写作“{format_value(2600, 'communities', name, vocab)}”）"
                          for name in vocab.qualifier_display)
    else:
        table = {"status": vocab.statuses, "funding_source": vocab.funding_sources}[column["values_from"]]
        values = "、".join(f"{c.key} {c.label}" for c in table)
    return values + (f"；{column['values_note']}" if column.get("values_note") else "")


def column_list(columns: list[dict]) -> str:
    """A data file's columns as a list of terms and meanings (HTML): a table of four columns of
    prose squeezed each to a few characters a line on a phone."""
    significant = str(load_vocab().report["significant_z"])  # the dictionary's {significant_z}
    items = []
    for c in columns:
        notes = [html.escape(c["meaning"].replace("{significant_z}", significant))]
        notes += [f"{label}：{html.escape(value)}" for value, label in ((c.get("unit", ""), "单位"), (column_values(c), "取值")) if value]
        items.append(f'<dt><code>{html.escape(c["name"])}</code></dt><dd>{"<br>".join(notes)}</dd>')
    return f'<dl class="data-columns">{"".join(items)}</dl>'


def home_highlights(scale: pd.DataFrame | None, facts: list[Fact], articles: list[Article]) -> str:
    """The renovation story at a glance for the home page: the largest figure of work begun or
    done (or money obtained) of a few metrics, each linking to the sentence it came from (HTML
    for the theme)."""
    if scale is None or scale.empty:
        return ""
    vocab = load_vocab()
    urls = {a.id: a.url for a in articles}
    by_cell = facts_by_cell(facts)
    items = []
    for metric in vocab.report["highlights"]:
        eligible = scale[(scale["metric"] == metric) & scale["status"].isin(vocab.highlight_statuses)]
        if eligible.empty:
            continue
        r = eligible.sort_values(["value", "place"], ascending=[False, True], kind="mergesort").iloc[0]
        source = str(r["sources"]).split(",")[0]
        fact = stating(by_cell.get((source, r["place"], metric, r["year"], r["status"], r["funding_source"])), r["value"], r["qualifier"])
        anchor = fact.anchor if fact else ""
        # A key figure over what it counts, then where and when: 5532户 / 惠及户数 / 巫山县 · 2022年已完成
        # a figure whose sentence gives no year holds as of its report: 3000余部 · 累计 · 2022年报道
        reported = reported_label(fact.article_date) if fact and not r["year"] else ""
        # the place as an address writes it: 巫山县（重庆市）'s bracket let a line begin with the dot after it
        where = terms_html([html.escape(name) for name in (address_of(r["place"], r["province"]), vocab.when(r["status"], r["year"]),
                                                           vocab.funding_label(r["funding_source"]), reported) if name])
        items.append(
            f'<li><a href="{html.escape(urls.get(source, ""))}#{anchor}"><strong>{html.escape(r["display"])}</strong>'
            f'<span class="highlight__what">{html.escape(vocab.metric(metric).label)}</span>'
            f'<span class="highlight__where">{where}</span></a></li>'
        )
    if not items:
        return ""
    labels = [vocab.status_label(s) for s in vocab.highlight_statuses]
    note = vocab.report["highlights_note"].format(statuses="、".join(labels))
    return (f'<h2>改造数据一览</h2><p class="highlights__note">{html.escape(note)}</p>'
            '<ul class="highlight-list">' + "".join(items) + '</ul><p><a href="report.html">查看统计报告</a></p>')
