"""Defaults for the analysis stages, in one place.

The command line and tests override these by passing a dict to `load_settings`.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"  # the reference data: place names, vocabularies, word lists


def parse_word_list(lines: Iterable[str]) -> frozenset[str]:
    """Words separated by spaces or lines; '#' starts a comment, on a line of its own or after words."""
    return frozenset(word for line in lines for word in line.split("#", 1)[0].split())


@lru_cache(maxsize=None)
def data_table(name: str) -> dict:
    """One of the data folder's TOML files (page_furniture.toml …), read once."""
    return tomllib.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def word_list(name: str) -> frozenset[str]:
    """The words of one of the data folder's word lists (stopwords.txt, surnames.txt …)."""
    return parse_word_list((DATA_DIR / name).read_text(encoding="utf-8").splitlines())


DEFAULTS: dict = {
    # A newspaper page is tens of kilobytes; anything far larger is not a page and
    # is refused before it is read, so memory stays bounded.
    "MAX_PAGE_BYTES": 2_000_000,
    "PAGE_SUFFIX": ".txt",
    "SOURCES_FILE": "sources.toml",  # per-page metadata inside the seeds folder
    "ARTICLE_URL": "articles/{slug}.html",
    "SLUG_SYLLABLES": 6,  # pinyin syllables of the headline kept in an article's URL
    "KEYWORDS_PER_ARTICLE": 5,  # TF-IDF keywords shown as secondary tags
    "MIN_TERM_COUNT": 2,  # terms seen once in a place are left out of the term tables
    "RELATED_ARTICLES": 3,  # similar articles listed under each article
    # How alike (cosine of their heaviest words) a related article must be: below it, two
    # articles share only words common to many (创新, 会议), and a meeting's report listed a
    # think tank's interview and an advert as related.
    "RELATED_MIN_SIMILARITY": 0.1,
    "WORKERS": 0,  # processes for page analysis; 0 means one per core
    "PARALLEL_MIN_PAGES": 40,  # below this, starting worker processes costs more than it saves
    # Articles per Pagefind run (0: one run for all). Pagefind holds a run in memory, about
    # 0.25 GB and 0.33 GB per 1,000 pages, and an unchanged part keeps its last index, so a new
    # page costs one part. The search page asks every part and merges their answers: each
    # finds exactly its pages holding the query; the order can differ from one index's, as
    # each part scores against its own pages.
    "SEARCH_SHARD_PAGES": 1250,
    # The search index is made beside Pelican (on the other core) when it has at most this
    # many pages: Pagefind then needs about 0.6 GB next to Pelican's process. A larger index
    # is made after Pelican (search.SearchIndexing says why).
    "SEARCH_BESIDE_PELICAN_PAGES": 1000,
}


def load_settings(overrides: dict | None = None) -> dict:
    settings = dict(DEFAULTS)
    settings.update(overrides or {})
    return settings
