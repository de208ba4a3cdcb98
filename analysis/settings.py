"""Defaults for the analysis stages, in one place, and the reading of the reference data.

`build(settings=...)` overrides the defaults with a dict passed to `load_settings` (the tests
do); the command line has no option for them. Pelican's settings are another file,
pelicanconf.py, which `--settings` names.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"  # the reference data: place names, vocabularies, word lists


class ReferenceDataError(Exception):
    """A file of the reference data that will not load; the message names the file and what is wrong."""


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn what goes wrong while a data file is read or checked into a ReferenceDataError
    naming the file: a typo in metrics.toml or gazetteer.csv ended the build in a traceback
    that named neither."""
    try:
        yield
    except ReferenceDataError:
        raise
    except KeyError as error:
        raise ReferenceDataError(f"{shown_path(path)}: missing key {error}") from error
    except OSError as error:  # a file gone or unreadable
        raise ReferenceDataError(f"{shown_path(path)}: {error.strerror or error}") from error
    except (ValueError, TypeError, UnicodeDecodeError) as error:  # tomllib.TOMLDecodeError is a ValueError
        raise ReferenceDataError(f"{shown_path(path)}: {error}") from error


def shown_path(path: Path) -> str:
    """analysis/data/metrics.toml, as a maintainer finds it from the project's folder."""
    try:
        return Path(path).resolve().relative_to(DATA_DIR.resolve().parent.parent).as_posix()
    except ValueError:
        return str(path)


def parse_word_list(lines: Iterable[str]) -> frozenset[str]:
    """Words separated by spaces or lines; '#' starts a comment, on a line of its own or after words."""
    return frozenset(word for line in lines for word in line.split("#", 1)[0].split())


@lru_cache(maxsize=None)
def data_table(name: str) -> dict:
    """One of the data folder's TOML files (page_furniture.toml …), read once."""
    with reading(DATA_DIR / name):
        return tomllib.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def word_list(name: str) -> frozenset[str]:
    """The words of one of the data folder's word lists (stopwords.txt, surnames.txt …)."""
    with reading(DATA_DIR / name):
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
