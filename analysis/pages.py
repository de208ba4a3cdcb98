"""Stage: records -> generated Markdown for Pelican, and the data files readers download.

Article bodies are written as HTML blocks inside the Markdown file, with every
piece of page text HTML-escaped: whatever a page holds (tags, Markdown syntax,
Jinja braces, "Title:" lines) reaches the reader as the text it is. Each
sentence gets a stable anchor so facts can link to the sentence they came from.
"""
from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from .aggregate import format_value
from .extract import Fact, load_vocab
from .model import Article, Page
from .segment import BULLET
from .text import OUTER_QUOTES, cut_at_clauses, date_label, date_parts, dot_ends_line, quotable, sentence_anchor, sentence_anchor_at, split_sentences

UNKNOWN_PUBLICATION = "来源不详"  # the paper of a page neither sources.toml nor its text names
KIND_NAMES = {
    "news": "消息",
    "commentary": "评论",
    "photo": "图片新闻",
    "advert": "广告",
    "list": "名单",
    "continuation": "转版续稿",
}


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def metadata_value(text: str) -> str:
    """Metadata is one line of HTML for Pelican: escape it and keep it on one line."""
    return escape(" ".join(text.split()))


def sentence_spans(paragraph: str, taken: set[str]) -> str:
    return "".join(
        f'<span class="sentence" id="{sentence_anchor(s, taken)}">{escape(s)}</span>' for s in split_sentences(paragraph)
    )


def key_point_html(point: str, taken: set[str]) -> str:
    """A key point's sentences, its mark (●) drawn by the theme from an attribute, not text:
    in excerpts, the page's description and search results "…得到解决 ●“十四五”期间" read as
    a stray character. The sentence's anchor is still made from its text as printed, mark and
    all, as its facts' are."""
    spans = sentence_spans(point, taken)
    mark = BULLET.match(point)
    if not mark:
        return spans
    start = spans.index(">") + 1  # the first sentence's text, which the mark begins
    printed = escape(mark.group())
    return f'{spans[:start]}<span class="key-mark" data-mark="{printed.strip()}"></span>{spans[start + len(printed):]}'


# Where a story's text runs off the page (lost by the OCR, or printed on another page)
CUT_AT_START = "……（前文不在本版）"
CUT_AT_END = "（后文不在本版）……"


def part_paragraph(article: Article, starts: str) -> str | None:
    """The paragraph or caption a reattached part begins in, by its first characters."""
    texts = [*(p for section in article.sections for p in section.paragraphs), *article.captions]
    return next((t for t in texts if starts and starts in t), None)


def part_anchor(article: Article, starts: str) -> str:
    """The id of the sentence a reattached part begins in, for the note on them to link to,
    highlighted there: a reader could not tell where 从“…”起的 7 段 began, and a link to its
    paragraph landed sentences before a part joined inside one."""
    paragraph = part_paragraph(article, starts)
    return sentence_anchor_at(paragraph, paragraph.find(starts)) if paragraph else ""


def fragment_opening(article: Article, starts: str) -> str:
    """The words a reader finds where a reattached part begins (`starts`, its first characters),
    quoted from the clause it begins in and to a clause's edge: a part joined inside a
    sentence began 后，路更平了, which the article reads as 老旧小区改造后，路更平了."""
    text = part_paragraph(article, starts) or starts
    at = text.find(starts)
    start, end = cut_at_clauses(text, at, at + len(starts), (at, at))
    words = quotable(text[start:end])
    # A quotation's lone closing mark between the clause's start and the part's ends the words
    # before the part (…都说要有担当”后，路更平了): then they begin where the part does.
    if quotable(starts)[:4] not in words.translate(OUTER_QUOTES):
        words = quotable(text[at:end]) or quotable(starts)
    # Words that are one whole quotation are quoted without its marks, as a reader searching
    # the page types them: ‘在抗疫的关键时刻…担当。’ was found by no search for its words.
    if words[:1] == "‘" and words.find("’") == len(words) - 1:
        words = quotable(words[1:-1])
    return words


def article_body_html(article: Article) -> str:
    taken: set[str] = set()
    parts: list[str] = []

    if article.continued_from:
        # not indexed: a search excerpt from the page's start is the article's own text, begun with "…"
        parts.append(f'<p class="continued" data-pagefind-ignore>{escape(article.continued_from)}</p>')
    if article.cut_at_start:
        parts.append(f'<p class="cut" data-pagefind-ignore>{CUT_AT_START}</p>')
    if article.summary:
        items = "".join(f"<li>{key_point_html(s, taken)}</li>" for s in article.summary)
        summary = f'<ul class="summary">{items}</ul>'
        if article.summary_label:  # the paper's own box, under its own label
            label = escape(article.summary_label)
            summary = (f'<aside class="summary-box" aria-labelledby="summary-label"><p class="summary-box__label" id="summary-label" '
                       f'data-pagefind-ignore>{label}</p>{summary}</aside>')
        parts.append(summary)
    for section in article.sections:
        if section.heading:
            # an id as a sentence's: a search result whose first match is the heading opens there
            parts.append(f'<h2 id="{sentence_anchor(section.heading, taken)}">{escape(section.heading)}</h2>')
        parts.extend(f"<p>{sentence_spans(p, taken)}</p>" for p in section.paragraphs)
    if article.cut_at_end:
        parts.append(f'<p class="cut" data-pagefind-ignore>{CUT_AT_END}</p>')
    for caption in article.captions:
        parts.append(f'<p class="caption">图片说明：{sentence_spans(caption, taken)}</p>')
    if article.reattached:
        notes = ""
        for record in article.reattached:
            # the opening words in quotation marks of our own, linking to where the part begins
            said = f"从“{escape(fragment_opening(article, record['starts']))}…”起的 {record['paragraphs']} 段"
            anchor = part_anchor(article, record["starts"])
            notes += f'<li><a href="#{anchor}">{said}</a></li>' if anchor else f"<li>{said}</li>"
        parts.append(
            '<aside class="reattached"><p>版面识别时本文有段落被排在别处，以下部分已按语句衔接和内容相似度接回：</p>'
            f"<ul>{notes}</ul></aside>"
        )
    return "\n\n".join(parts)


def fact_figure_parts(fact: Fact) -> tuple[str, str]:
    """("改造小区", "10个"): the metric and its value as a reader checks it against the sentence."""
    return load_vocab().metric(fact.metric).label, format_value(fact.value, fact.metric, fact.qualifier, printed=fact.printed)


def fact_context(fact: Fact) -> list[str]:
    """When and in what state: ["2022年", "已完成"], ["累计", "中央补助"]."""
    vocab = load_vocab()
    parts = [vocab.year_label(fact.year)]
    parts += [vocab.status_label(fact.status), vocab.funding_label(fact.funding_source)]
    return [p for p in parts if p]


def fact_label_html(fact: Fact) -> str:
    """"改造小区 10个 · 巫山县 · 2022年 · 已完成": one line a reader can check against the sentence."""
    label, figure = fact_figure_parts(fact)
    return labelled_figure_html(escape(figure), [escape(part) for part in [fact.place, *fact_context(fact)]], escape(label))


def amount_html(figure_html: str) -> str:
    """A figure with its unit, which the theme keeps on one line (its `amount` class)."""
    return f'<span class="amount">{figure_html}</span>'


def year_html(label_html: str) -> str:
    """A year or span of years kept whole but for the break a span allows after its dash:
    2021—|2025年, where 2021—2025|年 and a line beginning with — read badly. (On a desktop
    the theme keeps a table's span on one line.)"""
    first, dash, rest = label_html.partition("—")
    return amount_html(first + dash) + amount_html(rest) if dash and rest else amount_html(label_html)


def pieces_as_html(text_html: str, pieces: dict[str, str]) -> str:
    """`text_html` with each key of `pieces` (plain text) it holds replaced by the key's HTML:
    a caption's 3.7亿元 and 2021—2025年 kept whole as the table beside it keeps them. Longest
    first (4.3181亿元, not 1亿元 inside it), and never from inside a number or an entity (5个
    in 15个, 27 in &#x27;)."""
    wanted = {escape(text): marked for text, marked in pieces.items() if text}
    if not wanted:
        return text_html
    pattern = r"(?<![\d.#])(?:" + "|".join(map(re.escape, sorted(wanted, key=len, reverse=True))) + ")"
    return re.sub(pattern, lambda m: wanted[m.group(0)], text_html)


def labelled_figure_html(figure_html: str, parts_html: list[str], label_html: str = "") -> str:
    """A figure after what it counts and before what qualifies it ("资金 4.3181亿元 · 巫山县 ·
    累计"), its lines breaking after the label or a dot, which a no-break space holds to the
    piece before it: a separator does not begin a line in Chinese typesetting. The theme keeps
    the label, the figure (`amount`) and each part (`term`) whole, each apart: label and figure
    as one piece ran past a phone's edge at large text. The pieces come escaped for where they
    go (HTML, Markdown)."""
    terms = terms_html(parts_html)
    label = f'<span class="term">{label_html}</span> ' if label_html else ""
    return label + amount_html(figure_html) + (f"\u00a0· {terms}" if terms else "")


def terms_html(parts_html: list[str]) -> str:
    """Names or qualifiers, each whole on its line (`term`), the dot between two ending a line
    rather than beginning one; empty ones are left out. They come escaped."""
    return "\u00a0· ".join(f'<span class="term">{part}</span>' for part in parts_html if part)


FACTS_BOX_ID = "facts"  # the box follows the text; the article's details link to it


def facts_box_html(facts: list[Fact]) -> str:
    """The article's renovation figures, each linking to the sentence it came from (one line of HTML)."""
    if not facts:
        return ""
    items = "".join(f'<li><a href="#{f.anchor}">{fact_label_html(f)}</a>{printed_note(f)}</li>' for f in facts)
    return (f'<section class="facts-box" id="{FACTS_BOX_ID}" aria-label="本文中的改造数据">'
            f"<h2>本文中的改造数据（{len(facts)} 条）</h2><ul>{items}</ul></section>")


PAGE_TEXTS = "pages"  # the folder of the data files that holds each page's text


def page_text_url(page: str) -> str:
    """Where a page's text is on the site: data/pages/000_697f09e09f9696df.txt."""
    return f"data/{PAGE_TEXTS}/{quote(page)}"


def page_view_name(page: str) -> str:
    """The file of a page's text as a web page, beside its text: 000_697f09e09f9696df.html."""
    return PurePosixPath(page).with_suffix(".html").as_posix()


def page_view_url(page: str) -> str:
    """Where a page's text reads as a web page: what an article's 版面 links to."""
    return f"data/{PAGE_TEXTS}/{quote(page_view_name(page))}"


def page_heading_parts(page: Page, articles: list[Article]) -> tuple[str, str]:
    """(paper, issue date) of a page as far as known (巫山报, 2023年), "" for either unknown:
    sources.toml first, else its articles' paper."""
    issue = page.source.get("date") or page.source.get("year") or ""
    paper = page.source.get("publication") or next((a.publication for a in articles if a.publication), "")
    return paper, date_label(issue) if issue else ""


def page_view_html(page: Page, articles: list[Article], site: Mapping | None = None) -> str:
    """A page's text, line by line, as a page a phone shows at its own width (a .txt opens at
    a desktop's, its characters a few pixels high), under its paper and date and the articles
    cut from it; the text file stays beside it. A data file, written here and not by the
    theme, it wears the theme's stylesheet, masthead and navigation from `site`, the Pelican
    settings (SITENAME, SITE_NAV, THEME_STATIC_DIR): plain, it read as another site's page."""
    site = site or {}
    home = "../" * (2 + page.name.count("/"))
    paper, issue = page_heading_parts(page, articles)
    heading = " ".join(filter(None, (paper, issue))) or page.name
    # the date whole on its line (2022年1|月 broke it)
    heading_html = " ".join(filter(None, (escape(paper), f'<span class="term">{escape(issue)}</span>' if issue else ""))) or escape(page.name)
    listed = "".join(f'<li><a href="{home}{quote(a.url)}">{escape(a.title)}</a></li>' for a in articles)
    lines = "".join(f"<p>{escape(line)}</p>\n" for line in page.text.splitlines() if line.strip())
    # under 数据下载, whose page lists the pages' texts, as the theme marks a section
    here = ' aria-current="true"'
    nav = "".join(f'<li><a href="{home}{quote(href)}"{here if key == "data" else ""}>{escape(label)}</a></li>'
                  for key, label, href in site.get("SITE_NAV", ()))
    name = escape(dot_ends_line(site.get("SITENAME", "首页")))
    static = home + quote(site.get("THEME_STATIC_DIR", "theme"))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(heading)} · 版面识别文字 · {escape(site.get('SITENAME', ''))}</title>\n"
        f'<link rel="icon" href="{static}/favicon.svg" type="image/svg+xml">\n'
        f'<link rel="stylesheet" href="{static}/css/main.css">\n</head>\n<body>\n'
        '<a class="skip-link" href="#main">跳到正文</a>\n'
        f'<header class="site-header">\n  <div class="site-header__inner">\n'
        f'    <p class="site-name"><a href="{home}index.html">{name}</a></p>\n'
        + (f'    <nav class="site-nav" aria-label="网站导航"><ul>{nav}</ul></nav>\n' if nav else "")
        + "  </div>\n</header>\n"
        f'<main id="main" class="site-main" tabindex="-1">\n<h1>{heading_html} · 版面识别文字</h1>\n'
        f'<div class="note">\n<p>文件 {escape(page.name)}：一个报纸版面经 OCR 识别的全部文字，照原样，未经整理。'
        f'<a href="{quote(PurePosixPath(page.name).name)}">纯文本（UTF-8）</a></p>\n'
        + (f'<p>本站由此切分、接回的 {len(articles)} 篇文章：</p>\n<ul>{listed}</ul>\n' if articles else "")
        + f'</div>\n<div class="page-text__lines">\n{lines}</div>\n</main>\n'
        f'<footer class="site-footer">\n  <div class="site-footer__inner">\n    <p class="site-footer__name">{name}</p>\n'
        f'    <nav aria-label="页脚导航"><ul><li><a href="{home}data.html">数据下载</a></li><li><a href="{home}about.html">关于</a></li></ul></nav>\n'
        "  </div>\n</footer>\n</body>\n</html>\n"
    )


def printed_note(fact: Fact, shown: str | None = None) -> str:
    """（原文作“25.4万老旧小区居民”）where the figure is printed otherwise than it is `shown`
    (25.4万人; by default as the box writes it); nothing where the two read the same (57个)."""
    if shown is None:
        shown = format_value(fact.value, fact.metric, fact.qualifier, printed=fact.printed)
    if fact.printed == shown:
        return ""
    return f' <span class="unit">（原文作“{escape(fact.printed)}”）</span>'


HTML_METADATA = frozenset({"Facts_html", "Title_html"})  # made as HTML here, escaped piece by piece


def headline_html(words: list[str]) -> str:
    """The title as HTML a line breaks only between `words` (the theme's `wordwise` class
    keeps each whole); nothing for a title of one piece, which needs no more than the title."""
    return " ".join("<wbr>".join(escape(w) for w in words).split()) if len(words) > 1 else ""


def article_markdown(article: Article, tags: list[str], facts: list[Fact] | None = None, same_page: Sequence[str] = ()) -> str:
    """The article as Pelican reads it; `same_page`: the ids of the other articles of its
    newspaper page, in the page's order, which its page lists."""
    meta = {
        "Title": article.title,
        "Title_html": headline_html(article.title_words),
        "Date": pelican_date(article.date),
        "Slug": article.slug,
        "Save_as": article.url,
        "Url": article.url,
        "Category": article.publication or UNKNOWN_PUBLICATION,
        "First_published": article.first_published,
        "Tags": ", ".join(tags),
        "Article_id": article.id,
        "Kind": article.kind,
        "Kind_name": KIND_NAMES.get(article.kind, article.kind),
        "Kicker": article.kicker,
        "Subtitle": article.subtitle,
        "Byline": article.byline,
        "Places": ", ".join(article.places),
        "Source_page": article.page,
        "Source_page_url": page_view_url(article.page),
        "Keywords": ", ".join(article.keywords),
        "Related": ", ".join(article.related),
        "Same_page": ", ".join(same_page),
        "Facts_html": facts_box_html(facts or []),
        "Facts_count": str(len(facts or [])),
        "Facts_anchor": FACTS_BOX_ID if facts else "",  # the article's details link to the box
        "Date_text": article.date or "日期不详",
        "Summary": "",
    }
    header = "\n".join(f"{k}: {v if k in HTML_METADATA else metadata_value(v)}" for k, v in meta.items() if v)
    return f"{header}\n\n{article_body_html(article)}\n"


def pelican_date(date: str) -> str:
    """Pelican needs a full date to sort; a partial one is padded and the page shows the partial text."""
    year, month, day = date_parts(date) or ("1970", "", "")
    return f"{year}-{month or '01'}-{day or '01'}"


ARTICLE_COLUMNS = [
    "id", "page", "url", "publication", "first_published", "date", "title", "subtitle", "kicker", "byline",
    "kind", "places", "topics", "keywords", "paragraphs", "reattached",
]


def article_row(article: Article) -> dict:
    return {
        "id": article.id,
        "page": article.page,
        "url": article.url,
        "publication": article.publication,
        "first_published": article.first_published,
        "date": article.date,
        "title": article.title,
        "subtitle": article.subtitle,
        "kicker": article.kicker,
        "byline": article.byline,
        "kind": article.kind,
        "places": "|".join(article.places),
        "topics": "|".join(article.topics),
        "keywords": "|".join(article.keywords),
        "paragraphs": len(article.paragraphs),
        "reattached": len(article.reattached),
    }


def articles_csv(articles: list[Article]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ARTICLE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(article_row(a) for a in articles)
    return buffer.getvalue()


def json_records(records: list[dict]) -> str:
    """A JSON array with one record a line: a changed record is a changed line in a diff, and
    each line is encoded by json's C encoder, which indenting would switch off."""
    return "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n"


# How the site breaks a headline: presentation, not part of the article's record.
NOT_IN_RECORDS = ("title_words",)


def articles_json(articles: list[Article]) -> str:
    return json_records([{k: v for k, v in a.to_dict().items() if k not in NOT_IN_RECORDS} for a in articles])


FACT_COLUMNS = [
    "article_id", "article_url", "page", "publication", "first_published", "article_date", "place", "province", "metric", "value",
    "unit", "printed", "qualifier", "status", "year", "funding_source", "sentence", "anchor",
]


def facts_csv(facts: list[Fact]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FACT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(f.to_dict() for f in facts)
    return buffer.getvalue()


def facts_json(facts: list[Fact]) -> str:
    return json_records([{column: record[column] for column in FACT_COLUMNS} for record in (f.to_dict() for f in facts)])


def table_csv(table) -> str:
    """A DataFrame as CSV text with fixed float formatting, so rebuilds are byte-identical.

    The text `table.to_csv(index=False, lineterminator="\\n", float_format=csv_float)` gives, made
    with the csv module (which pandas also writes through): pandas formats each cell through
    several layers, twice as slow, and the build writes a table more than once."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    columns = [_csv_cells(table[name]) for name in table.columns]
    writer.writerows(zip(*columns))
    return buffer.getvalue()


def csv_float(value: float) -> str:
    """A whole number in full (a column of figures turns float when one figure has decimals, and
    431810000 yuan must not become 4.3181e+08); other floats, all statistics, to six digits."""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return "%.6g" % value


def _csv_cells(column) -> list:
    """A column's cells as to_csv writes them: floats through csv_float, missing cells empty."""
    missing = column.isna().tolist()
    values = column.tolist()
    if column.dtype.kind == "f":
        return ["" if gap else csv_float(value) for value, gap in zip(values, missing)]
    return ["" if gap else value for value, gap in zip(values, missing)]


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_marked_text(path: Path, text: str) -> None:
    """A file readers download or open as it is (CSV, a page's text): UTF-8 with a byte order
    mark, without which Excel, and browsers given .txt with no charset, take Chinese text for
    the system's legacy encoding and show mojibake."""
    write_bytes(path, text.encode("utf-8-sig"))


def write_bytes(path: Path, data: bytes) -> None:
    """Written aside and renamed into place, so no reader, and no later build after a killed
    one, ever sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
