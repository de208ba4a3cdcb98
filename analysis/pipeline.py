"""The analysis as map and reduce.

`analyse_page` is everything that can be computed from one page alone
(segmentation, records, places, topics, tokens, facts): a pure function of the
page and the data files, so its result is cached by content hash and can run
in parallel — in worker processes here, or as the map step of Dask or Spark for
an archive of millions of pages (`analyse_pages` takes a batch). `combine` is the
reduce: corpus-wide keywords and term tables need every page.
"""
from __future__ import annotations

import ast
import hashlib
import os
import pickle
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import lexicon
from .aggregate import scale_by_place
from .articles import make_articles
from .extract import Fact, extract_facts
from .model import Article, Page, PageProblem
from .places import Gazetteer, filed_under, load_gazetteer
from .segment import segment
from .settings import DATA_DIR
from .terms import (
    article_text, corpus_counts, document_frequencies, headline_words, similar_documents, sort_terms, term_counts, tokenize, top_keywords, without_person_names,
)
from .topics import assign_topics, load_topics

CACHE_FORMAT = 6  # bump when PageResult changes shape

# Settings that decide how the work is scheduled, not what it finds: they stay out of the cache key.
SCHEDULING_SETTINGS = frozenset({"WORKERS", "PARALLEL_MIN_PAGES", "SEARCH_SHARD_PAGES", "SEARCH_BESIDE_PELICAN_PAGES"})


@dataclass
class PageResult:
    """What one page yields; picklable, so it can be cached and sent between processes."""

    page: str
    articles: list[Article] = field(default_factory=list)
    # Content words of each article with their counts: every statistic downstream is a
    # bag-of-words one, and a bag is far smaller to keep, cache and send between processes.
    tokens: list[Counter] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    problem: PageProblem | None = None  # why the page gave no article
    notes: list[PageProblem] = field(default_factory=list)  # warnings about a page that gave articles


@dataclass
class Analysis:
    articles: list[Article] = field(default_factory=list)
    problems: list[PageProblem] = field(default_factory=list)
    furniture: dict[str, list[str]] = field(default_factory=dict)  # page -> lines that are not articles
    pages: int = 0
    topic_names: dict[str, str] = field(default_factory=dict)  # topic slug -> Chinese name
    terms_by_place: pd.DataFrame | None = None
    terms_by_topic: pd.DataFrame | None = None
    facts: list[Fact] = field(default_factory=list)
    scale: pd.DataFrame | None = None  # renovation scale and funding by place, never double counted


def analyse_page(page: Page, settings: dict) -> PageResult:
    segmented = segment(page)
    if not segmented.items:
        if segmented.headlines_alone:
            return PageResult(page.name, problem=PageProblem(page.name, f"no text under its headline(s) ({'; '.join(segmented.headlines_alone)}); no article could be found"))
        return PageResult(page.name, problem=PageProblem(page.name, "no recognisable headline; no article could be found"))
    # A headline with nothing under it is no article (a page cut off after it): say which.
    notes = [PageProblem(page.name, f"headline without text, left out: {title}", skipped=False) for title in segmented.headlines_alone]
    articles = make_articles(page, segmented.items, load_gazetteer(), settings)
    rules = load_topics()
    for article in articles:
        article.topics = assign_topics(article, rules)
        article.title_words = headline_words(article.title)
    tokens = [Counter(tokenize(without_person_names(article_text(a)))) for a in articles]
    facts = [fact for article in articles for fact in extract_facts(article, load_gazetteer())]
    return PageResult(page.name, articles, tokens, segmented.furniture, facts, notes=notes)


def analyse_pages(pages: list[Page], settings: dict) -> list[PageResult]:
    """The map step over a batch of pages: what a Dask or Spark task runs unchanged."""
    return [analyse_page(page, settings) for page in pages]


def page_analysis_modules() -> list[Path]:
    """This module and the analysis modules it imports, transitively: the code a page's result
    depends on. Build, site and command-line code can change without invalidating the cache."""
    package = Path(__file__).parent
    seen: set[Path] = set()
    todo = [Path(__file__)]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                # `from .terms import x` names the module; `from . import lexicon` names it in x.
                modules = [node.module] if node.module else [alias.name for alias in node.names]
                todo += [package / f"{m}.py" for m in modules]
    return sorted(seen)


@lru_cache(maxsize=1)
def code_and_data_fingerprint() -> str:
    """Changes when the page analysis code or any data file changes, invalidating every cached page."""
    digest = hashlib.sha256(str(CACHE_FORMAT).encode())
    for path in [*page_analysis_modules(), *sorted(DATA_DIR.rglob("*"))]:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def cache_key(page: Page, settings: dict) -> str:
    relevant = sorted((k, v) for k, v in settings.items() if k not in SCHEDULING_SETTINGS)
    parts = [code_and_data_fingerprint(), page.name, page.sha256, repr(sorted(page.source.items())), repr(relevant)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


class PageCache:
    """Page results on disk, one file per page, keyed by content hash."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self.hits = 0

    def get(self, key: str) -> PageResult | None:
        result = self.load(key)
        if result is not None:
            self.hits += 1
        return result

    def load(self, key: str) -> PageResult | None:
        if self.folder is None:
            return None
        path = self.folder / f"{key}.pickle"
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None

    def put(self, key: str, result: PageResult) -> None:
        if self.folder is None:
            return
        tmp = self.folder / f".{key}.{os.getpid()}.tmp"
        with tmp.open("wb") as fh:
            pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.folder / f"{key}.pickle")  # a reader never sees half a file

    def prune(self, keep: set[str]) -> None:
        """Forget pages that are no longer in the corpus, so the cache does not grow without bound."""
        if self.folder is None:
            return
        for path in self.folder.glob("*.pickle"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)


def _batches(items: list, n: int) -> list[list]:
    size = max(1, -(-len(items) // n))
    return [items[i : i + size] for i in range(0, len(items), size)]


def analyse_pages_into(folder: Path, pages: list[Page], keys: list[str], settings: dict) -> None:
    """The map step in a worker process, its results written straight into the page cache."""
    cache = PageCache(folder)
    for page, key in zip(pages, keys):
        cache.put(key, analyse_page(page, settings))


def map_pages(pages: list[Page], settings: dict, cache: PageCache, workers: int) -> list[PageResult]:
    """Cached pages come from disk; the rest are analysed, in worker processes when there are many."""
    keys = [cache_key(p, settings) for p in pages]
    results: list[PageResult | None] = [cache.get(k) for k in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    if len(todo) >= settings["PARALLEL_MIN_PAGES"] and workers > 1:
        batches = _batches(todo, workers * 4)
        # Each worker cuts many pages, for which loading the whole dictionary at once is quickest.
        with ProcessPoolExecutor(max_workers=workers, initializer=lexicon.load_whole) as pool:
            if cache.folder is not None:
                # Workers write their results to the cache and the parent reads them once the
                # workers are gone, so the two never hold the results at the same time.
                jobs = [pool.submit(analyse_pages_into, cache.folder, [pages[i] for i in b], [keys[i] for i in b], settings) for b in batches]
                for job in jobs:
                    job.result()
            else:
                outputs = pool.map(analyse_pages, [[pages[i] for i in b] for b in batches], [settings] * len(batches))
                for batch, output in zip(batches, outputs):
                    for i, result in zip(batch, output):
                        results[i] = result
        if cache.folder is not None:
            for i in todo:
                results[i] = cache.load(keys[i])
    else:
        for i in todo:
            results[i] = analyse_page(pages[i], settings)
            cache.put(keys[i], results[i])
    if any(r is None for r in results):  # a worker's file vanished under us
        raise RuntimeError(f"page cache in {cache.folder} lost results while the build ran")
    cache.prune(set(keys))
    return results  # type: ignore[return-value]


def combine(results: list[PageResult], problems: list[PageProblem], settings: dict) -> Analysis:
    """The reduce step: corpus-wide keywords and term tables by place and by topic."""
    analysis = Analysis(problems=list(problems), pages=len(results), topic_names=load_topics().names())
    tokens: list[Counter] = []
    for result in results:
        if result.problem is not None:
            analysis.problems.append(result.problem)
            continue
        analysis.problems.extend(result.notes)
        analysis.furniture[result.page] = result.furniture
        analysis.articles.extend(result.articles)
        analysis.facts.extend(result.facts)
        tokens.extend(result.tokens)
    stats = document_frequencies(tokens)
    gazetteer = load_gazetteer()
    # An article's keywords leave out place names, as the word tables do (`without_place_names`).
    place_names = {term for term in stats.df if gazetteer.resolve(term) is not None}
    for article, words in zip(analysis.articles, tokens):
        article.keywords = top_keywords(words, stats, settings["KEYWORDS_PER_ARTICLE"], leave_out=place_names)
    with_topics = [_with_topics(words, a.topics) for a, words in zip(analysis.articles, tokens)]
    neighbours = similar_documents(with_topics, k=settings["RELATED_ARTICLES"], min_score=settings["RELATED_MIN_SIMILARITY"])
    for article, similar in zip(analysis.articles, neighbours):
        article.related = [analysis.articles[j].id for j in similar]
    everything = corpus_counts(tokens)  # every article once: what a place or a topic is set against
    analysis.terms_by_place = terms_by_place(analysis.articles, tokens, settings, everything)
    analysis.scale = scale_by_place(analysis.facts)
    topic_docs = [(analysis.topic_names[t], words) for a, words in zip(analysis.articles, tokens) for t in a.topics]
    if topic_docs:
        table = term_counts(topic_docs, min_count=settings["MIN_TERM_COUNT"], corpus=everything)
        analysis.terms_by_topic = without_place_names(table, gazetteer).rename(columns={"place": "topic"})
    return analysis


def _with_topics(words: Counter, topics: list[str]) -> Counter:
    """An article's words and a pseudo-word per topic, so articles sharing topics count as alike.
    (A copy updated in place: `words + Counter(...)` would rebuild every entry in Python.)"""
    bag = words.copy()
    bag.update(f"话题:{t}" for t in topics)
    return bag


def terms_by_place(articles: list[Article], tokens: list[Counter], settings: dict, corpus: Counter) -> pd.DataFrame | None:
    """Term tables at each level (district/county, city, province): each place's words against
    the rest of the corpus (every article not filed under it), so 南通市 and 崇川区, filed with
    the same articles, get the same distinctive words; tf-idf against the places of its level.
    Place names are left out of the tables (`without_place_names`)."""
    gazetteer = load_gazetteer()
    by_level: dict[str, list] = {}
    for article, words in zip(articles, tokens):
        for place in filed_under(article.places, gazetteer):
            by_level.setdefault(gazetteer.level(place), []).append((place, words))
    tables = [term_counts(docs, min_count=settings["MIN_TERM_COUNT"], corpus=corpus) for _, docs in sorted(by_level.items())]
    if not tables:
        return None
    return without_place_names(sort_terms(pd.concat(tables, ignore_index=True)), gazetteer)


def without_place_names(table: pd.DataFrame, gazetteer: Gazetteer) -> pd.DataFrame:
    """A term table without the gazetteer's names (西工区, 重庆): articles are filed under a
    place because they name it and the places around it, so those names head its words and
    say nothing about what it reported; a topic's table leaves them out too, so that every
    list of words follows one rule. Left out after counting, so the other words' rates and z
    values are those of the whole text."""
    names = {term for term in table["term"].unique() if gazetteer.resolve(term) is not None}
    return table[~table["term"].isin(names)].reset_index(drop=True)


def analyse(corpus, settings: dict, cache_dir: Path | None = None) -> Analysis:
    workers = settings["WORKERS"] or os.cpu_count() or 1
    results = map_pages(corpus.pages, settings, PageCache(cache_dir), workers)
    return combine(results, corpus.problems, settings)
