"""The per-page stage is a pure, cacheable map; the corpus statistics are the reduce."""
from __future__ import annotations

import subprocess
import sys

from analysis.ingest import read_corpus
from analysis.pipeline import PageCache, analyse, analyse_pages, cache_key, combine, map_pages
from analysis.settings import load_settings
from tests.corpus import ROOT, SEEDS


def corpus():
    return read_corpus(SEEDS, load_settings())


def test_cached_results_equal_fresh_results_and_are_used(tmp_path):
    settings = load_settings()
    pages = corpus().pages
    fresh = map_pages(pages, settings, PageCache(tmp_path), workers=1)
    cache = PageCache(tmp_path)
    again = map_pages(pages, settings, cache, workers=1)
    assert cache.hits == len(pages)
    assert [a.to_dict() for r in again for a in r.articles] == [a.to_dict() for r in fresh for a in r.articles]
    assert [r.tokens for r in again] == [r.tokens for r in fresh]


def test_a_changed_page_or_setting_gets_a_new_cache_key():
    settings = load_settings()
    page = corpus().pages[0]
    other = type(page)(page.name, page.text + "\n", "0" * 64, page.encoding, page.source)
    assert cache_key(page, settings) != cache_key(other, settings)
    assert cache_key(page, settings) != cache_key(page, load_settings({"SLUG_SYLLABLES": 3}))


def test_parallel_map_gives_the_same_articles_as_serial(tmp_path):
    pages = corpus().pages
    serial = map_pages(pages, load_settings(), PageCache(None), workers=1)
    parallel = map_pages(pages, load_settings({"PARALLEL_MIN_PAGES": 1}), PageCache(None), workers=2)
    assert [a.to_dict() for r in parallel for a in r.articles] == [a.to_dict() for r in serial for a in r.articles]


def test_the_map_runs_unchanged_on_a_local_dask_cluster():
    from dask.distributed import Client, LocalCluster

    c = corpus()
    settings = load_settings()
    batches = [c.pages[:2], c.pages[2:]]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        futures = client.map(analyse_pages, batches, settings=settings)
        results = [r for batch in client.gather(futures) for r in batch]
    on_dask = combine(results, c.problems, settings)
    local = analyse(c, settings)
    assert [a.to_dict() for a in on_dask.articles] == [a.to_dict() for a in local.articles]
    assert on_dask.terms_by_place.equals(local.terms_by_place)


def test_the_page_cache_key_follows_the_page_analysis_code_but_not_the_build_code():
    from analysis.pipeline import page_analysis_modules

    names = {p.name for p in page_analysis_modules()}
    assert not names & {"build.py", "site.py", "search.py", "cli.py", "report.py", "charts.py"}
    # Every module a page's analysis loads, `from . import x` ones included, is in the key.
    probe = (
        "import sys, pathlib; from analysis.model import Page; from analysis.pipeline import analyse_page; "
        "from analysis.settings import load_settings; "
        f"text = pathlib.Path({str(SEEDS / '000_697f09e09f9696df.txt')!r}).read_text(encoding='utf-8'); "
        "analyse_page(Page(name='p.txt', text=text, sha256='', encoding='utf-8', source={}), load_settings()); "
        "print(' '.join(m.split('.')[1] for m in sys.modules if m.startswith('analysis.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert "lexicon" in loaded and "segment" in loaded
    assert {f"{m}.py" for m in loaded} <= names


def test_scheduling_settings_do_not_change_the_page_cache_key():
    page = corpus().pages[0]
    assert cache_key(page, load_settings({"WORKERS": 7, "PARALLEL_MIN_PAGES": 1})) == cache_key(page, load_settings())


def test_parallel_workers_writing_to_the_cache_give_the_serial_results(tmp_path):
    pages = corpus().pages
    serial = map_pages(pages, load_settings(), PageCache(None), workers=1)
    cache = PageCache(tmp_path)
    parallel = map_pages(pages, load_settings({"PARALLEL_MIN_PAGES": 1}), cache, workers=2)
    assert cache.hits == 0 and len(list(tmp_path.glob("*.pickle"))) == len(pages)
    assert [a.to_dict() for r in parallel for a in r.articles] == [a.to_dict() for r in serial for a in r.articles]
    assert [r.tokens for r in parallel] == [r.tokens for r in serial]
    again = PageCache(tmp_path)
    map_pages(pages, load_settings({"PARALLEL_MIN_PAGES": 1}), again, workers=2)
    assert again.hits == len(pages)


def test_an_article_as_a_dict_is_what_dataclasses_asdict_gives_and_shares_no_list():
    from dataclasses import asdict

    analysis = analyse(corpus(), load_settings())
    articles = analysis.articles
    assert any(a.reattached for a in articles) and any(a.sections for a in articles)
    for article in articles:
        record = article.to_dict()
        assert record == asdict(article) and list(record) == list(asdict(article))
        record["places"].append("别处")  # a caller changing the record leaves the article alone
        for section in record["sections"]:
            section["paragraphs"].append("另一段")
        for fragment in record["reattached"]:
            fragment["paragraphs"] = -1
        assert article.to_dict() == asdict(article) and "别处" not in article.places
