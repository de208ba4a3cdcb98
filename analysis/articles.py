"""Segmented items -> article records: stable ids and URLs, publication, date, places.

Ids depend only on the page's file name and the item's headline, so adding or
reordering pages never changes an existing article's id or URL.
"""
from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections import Counter
from functools import lru_cache

from pypinyin import lazy_pinyin

from .model import Article, Page
from .settings import DATA_DIR, data_table, reading
from .text import date_parts
from .places import Gazetteer, article_places, load_gazetteer
from .segment import ArticleDraft

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")
_FULL_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_DAY_ONLY = re.compile(r"^(上月|本月)?(\d{1,2})日")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def article_id(page_name: str, title: str, ordinal: int) -> str:
    key = f"{page_name}\n{title}\n{ordinal}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def slug_for(title: str, ident: str, syllables: int) -> str:
    """Readable ASCII slug: the headline's first pinyin syllables plus the id's head."""
    words = [_SLUG_JUNK.sub("", w.lower()) for w in lazy_pinyin(title)]
    words = [w for w in words if w][:syllables]
    return "-".join([*words, ident[:6]])


@lru_cache(maxsize=4096)  # every listing links its places: the same few names, over and over
def place_slug(name: str) -> str:
    """巫山县 -> "wu-shan-xian": the place page's file name, pinyin of the name unless the
    gazetteer gives one (陕西省 -> "shaan-xi-sheng", since 山西省 is "shan-xi-sheng")."""
    gazetteer = load_gazetteer()
    if name in gazetteer and gazetteer.place(name).slug:
        return gazetteer.place(name).slug
    return name_slug(name)


_SLUG_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=4096)  # Pelican asks for each article's source and topics: the same few names
def name_slug(name: str) -> str:
    """重庆日报 -> "chong-qing-ri-bao": a name's pinyin, each character read as in its word (重庆
    is chong-qing; read one character at a time, 重 is zhong), letters and digits kept as words
    ("China Daily" -> "china-daily", full-width ones too); empty for a name with none of these."""
    name = unicodedata.normalize("NFKC", name)
    return "-".join(w for piece in lazy_pinyin(name) for w in _SLUG_WORD.findall(piece.lower()))


def place_url(name: str) -> str:
    return f"places/{place_slug(name)}.html"


def page_date(page: Page) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of the issue, as far as known: sources.toml first, else years in the text."""
    source = page.source
    parts = date_parts(source["date"]) if source.get("date") else None  # checked as it was read
    if parts:
        return tuple(int(p) if p else None for p in parts)  # type: ignore[return-value]
    if source.get("year"):
        return int(source["year"]), None, None
    years = Counter(int(y) for y in _YEAR.findall(page.text))
    if not years:
        return None, None, None
    best = max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return best, None, None


def article_date(lead: str, dateline: str, issue: tuple[int | None, int | None, int | None]) -> str:
    """ISO date, as precise as the dateline allows: "2023-06-14", "2022-01", "2023" or "".
    A date no calendar has (an OCR slip like 6月31日, or 上月31日 in March) keeps its month only."""
    year, month, day = issue
    after = lead[len(dateline) :].lstrip() if dateline and lead.startswith(dateline) else lead
    after = re.sub(r"^“[^“”]*”", "", after)  # a lead opening with a quotation: the date follows it
    head = dateline + after[:16]
    full = _FULL_DATE.search(head)
    if full and 1 <= int(full.group(2)) <= 12:
        year = int(full.group(1)) if full.group(1) else year
        month, day = int(full.group(2)), int(full.group(3))
    elif (relative := _DAY_ONLY.match(after)) and month:
        day = int(relative.group(2))
        if relative.group(1) == "上月":
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return iso_date(year, month, day)


def iso_date(year: int | None, month: int | None, day: int | None) -> str:
    """The most precise real date the parts give: "2023-06-14", "2023-06", "2023" or ""."""
    if year is None:
        return ""
    if month is None or not 1 <= month <= 12:
        return f"{year:04d}"
    try:
        datetime.date(year, month, day or 1)
    except ValueError:
        day = None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


with reading(DATA_DIR / "page_furniture.toml"):
    _REPRINT_MARKERS = "|".join(map(re.escape, sorted(data_table("page_furniture.toml")["reprint"]["markers"], key=len, reverse=True)))
# The whole last paragraph: the marker and where, in brackets (（原载于《瞭望》新闻周刊）), or
# without them naming a publication (摘自《人民日报》): 原载客量为30人的公交车 is a sentence.
_REPRINT = re.compile(rf"^(?:[（(]\s*(?:{_REPRINT_MARKERS})\s*(?P<bracketed>[^（）()]{{2,40}}?)\s*[）)]"
                      rf"|(?:{_REPRINT_MARKERS})\s*(?P<named>《[^（）()]{{1,39}}?))[。；，.;,]?$")


def first_published(paragraphs: list[str]) -> str:
    """Where a reprinted story first appeared, from its last paragraph's （原载于《瞭望》新闻周刊）:
    "《瞭望》新闻周刊"; "" for a story the page's paper printed first."""
    found = _REPRINT.match(paragraphs[-1].strip()) if paragraphs else None
    return (found.group("bracketed") or found.group("named")).rstrip("。；，.;,") if found else ""


def make_articles(page: Page, drafts: list[ArticleDraft], gazetteer: Gazetteer, settings: dict) -> list[Article]:
    issue = page_date(page)
    seen: Counter = Counter()
    articles = []
    for draft in drafts:
        ordinal = seen[draft.title]
        seen[draft.title] += 1
        ident = article_id(page.name, draft.title, ordinal)
        slug = slug_for(draft.title, ident, settings["SLUG_SYLLABLES"])
        paragraphs = draft.summary + [p for s in draft.sections for p in s.paragraphs]
        lead = paragraphs[0] if paragraphs else ""
        places = article_places(
            " ".join([draft.kicker, draft.title, draft.subtitle]),
            paragraphs + draft.captions,
            gazetteer,
            dateline=draft.dateline,
            home_place=page.source.get("place"),
        )
        articles.append(
            Article(
                id=ident,
                page=page.name,
                title=draft.title,
                title_generated=draft.title_generated,
                kind=draft.kind,
                subtitle=draft.subtitle,
                kicker=draft.kicker,
                byline=draft.byline,
                dateline=draft.dateline,
                continued_from=draft.continued_from,
                publication=page.source.get("publication", ""),
                first_published=first_published(paragraphs),
                date=article_date(lead, draft.dateline, issue),
                url=settings["ARTICLE_URL"].format(slug=slug),
                slug=slug,
                places=places,
                summary=draft.summary,
                summary_label=draft.summary_label,
                sections=draft.sections,
                captions=draft.captions,
                reattached=draft.reattached,
                cut_at_start=draft.cut_at_start,
                cut_at_end=draft.cut_at_end,
            )
        )
    return articles
