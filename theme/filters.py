"""Jinja filters for the archive theme; pelicanconf.py registers them as JINJA_FILTERS.

Everything here is a pure function of what Pelican hands the templates, so the
site stays byte-reproducible. Metadata values arrive HTML-escaped (see
analysis/pages.py): functions that look at the text unescape it first and
return escaped text again.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable

from pypinyin import lazy_pinyin

# --- places -------------------------------------------------------------------

_NOT_SLUG = re.compile(r"[^a-z0-9-]")


def place_slug(name: str) -> str:
    """巫山县 -> "wu-shan-xian": pypinyin's lazy_pinyin joined with "-", lowercased,
    everything outside [a-z0-9-] dropped. The places pages must use the same rule."""
    text = html.unescape(str(name)).strip()
    return _NOT_SLUG.sub("", "-".join(lazy_pinyin(text)).lower())


def place_url(name: str) -> str:
    """Site-relative URL of a place's page: "places/wu-shan-xian.html"."""
    return f"places/{place_slug(name)}.html"


def split_list(value) -> list[str]:
    """A comma-separated metadata value ("巫山县, 重庆市") or a list -> clean list of names."""
    if not value:
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


# --- dates --------------------------------------------------------------------

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _date_parts(date_text) -> tuple[str, str, str] | None:
    match = _ISO_PARTIAL.match(html.unescape(str(date_text or "")).strip())
    return match.groups(default="") if match else None  # type: ignore[return-value]


def date_label(date_text) -> str:
    """"2023-06-14" -> 2023年6月14日, "2022-01" -> 2022年1月, "2023" -> 2023年; anything else as it is."""
    parts = _date_parts(date_text)
    if not parts:
        return str(date_text or "日期不详")
    year, month, day = parts
    label = f"{year}年"
    if month:
        label += f"{int(month)}月"
    if day:
        label += f"{int(day)}日"
    return label


def date_attr(date_text) -> str:
    """The machine-readable form for <time datetime>, or "" when the date is not known."""
    return html.unescape(str(date_text or "")).strip() if _date_parts(date_text) else ""


def year_of(date_text) -> str:
    parts = _date_parts(date_text)
    return parts[0] if parts else ""


def _article_date_parts(article) -> tuple[str, str]:
    """(year, month) as far as the article's Date_text knows them; "" where unknown."""
    text = getattr(article, "date_text", None)
    if text is None and getattr(article, "date", None):
        return f"{article.date.year:04d}", f"{article.date.month:02d}"
    parts = _date_parts(text)
    return (parts[0], parts[1]) if parts else ("", "")


# --- the archive: grouping and previous/next ------------------------------------

UNKNOWN_YEAR = "日期不详"
UNKNOWN_MONTH = "月份不详"


def _archive_order(dates: Iterable) -> list:
    """Articles in archive order: newest year first, known months before "month unknown",
    and within one group in the order Pelican gave (date, then slug)."""
    indexed = list(enumerate(dates))

    def key(item):
        position, article = item
        year, month = _article_date_parts(article)
        return (0 if year else 1, -int(year or 0), 0 if month else 1, -int(month or 0), position)

    return [article for _, article in sorted(indexed, key=key)]


def archive_groups(dates: Iterable) -> list[dict]:
    """[{"year": "2023年", "key": "2023", "months": [{"label": "6月", "key": "2023-06", "articles": [...]}]}]"""
    groups: list[dict] = []
    for article in _archive_order(dates):
        year, month = _article_date_parts(article)
        year_key = year or "unknown"
        if not groups or groups[-1]["key"] != year_key:
            groups.append({"key": year_key, "year": f"{year}年" if year else UNKNOWN_YEAR, "months": []})
        months = groups[-1]["months"]
        month_key = f"{year_key}-{month or 'unknown'}"
        if not months or months[-1]["key"] != month_key:
            label = f"{int(month)}月" if month else UNKNOWN_MONTH
            months.append({"key": month_key, "label": label, "articles": []})
        months[-1]["articles"].append(article)
    return groups


class _NeighbourCache:
    """Archive order computed once per list of articles, not once per article page."""

    source = None
    index: dict = {}
    order: list = []


def archive_neighbours(article, dates) -> tuple:
    """(older, newer) neighbours of `article` in the archive order; None at either end."""
    cache = _NeighbourCache
    if cache.source is not dates:
        cache.source = dates  # holding the list keeps its id from being reused
        cache.order = _archive_order(dates)
        cache.index = {a.url: i for i, a in enumerate(cache.order)}
    position = cache.index.get(getattr(article, "url", None))
    if position is None:
        return None, None
    older = cache.order[position + 1] if position + 1 < len(cache.order) else None
    newer = cache.order[position - 1] if position > 0 else None
    return older, newer


# --- lists of topics, sources, related articles -----------------------------------


def pinyin_key(name) -> tuple:
    text = html.unescape(str(name))
    return ("".join(lazy_pinyin(text)).lower(), text)


def by_pinyin(pairs) -> list:
    """(tag, articles) pairs in pinyin order of the name."""
    return sorted(pairs, key=lambda pair: pinyin_key(pair[0]))


def by_count(pairs) -> list:
    """(tag, articles) pairs, most articles first, then in pinyin order."""
    return sorted(pairs, key=lambda pair: (-len(pair[1]), pinyin_key(pair[0])))


def related_articles(value, articles) -> list:
    """Related metadata (comma-separated article ids or slugs) -> the articles, in that order."""
    wanted = split_list(value)
    if not wanted:
        return []
    found = {}
    for article in articles:
        for key in (getattr(article, "article_id", None), getattr(article, "slug", None)):
            if key:
                found.setdefault(key, article)
    return [found[key] for key in wanted if key in found]


# --- body text ------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_DROP_FROM_EXCERPT = re.compile(
    r'<(p|aside) class="(continued|reattached|caption)">.*?</\1>|<h[1-6][^>]*>.*?</h[1-6]>', re.S
)


def excerpt(content, length: int = 80) -> str:
    """The first `length` characters of an article's text, for lists and <meta name=description>."""
    text = _DROP_FROM_EXCERPT.sub(" ", str(content or ""))
    text = html.unescape(_TAG.sub("", text))
    text = " ".join(text.split())
    if len(text) > length:
        text = text[:length].rstrip("，、；：,;: ") + "…"
    return html.escape(text, quote=True)


_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)


def wrap_tables(content) -> str:
    """Put every table in a keyboard-scrollable box so a wide table never widens the page."""
    return _TABLE.sub(
        lambda m: f'<div class="table-wrap" role="region" aria-label="表格" tabindex="0">{m.group(0)}</div>',
        str(content or ""),
    )


FILTERS = {
    "place_slug": place_slug,
    "place_url": place_url,
    "split_list": split_list,
    "date_label": date_label,
    "date_attr": date_attr,
    "year_of": year_of,
    "archive_groups": archive_groups,
    "archive_neighbours": archive_neighbours,
    "by_pinyin": by_pinyin,
    "by_count": by_count,
    "related_articles": related_articles,
    "excerpt": excerpt,
    "wrap_tables": wrap_tables,
}
