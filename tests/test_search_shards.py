"""Search in shards: which pages go together, what counts as a change, and reuse of unchanged bundles."""
from __future__ import annotations

import filecmp
import gzip
import html
import json
import math
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import assume, given, strategies as st

import analysis.search as search_module
from analysis.build import Progress, build
from analysis.search import (
    PAGE_FILTERS,
    SEARCH_MANIFEST,
    SPACE_MARK,
    build_search_index,
    page_search_digest,
    search_bundle,
    search_bundles,
    search_shards,
    unreferenced_files,
)
from tests.corpus import ROOT, SEEDS

CONF = ROOT / "pelicanconf.py"
SHARD_PAGES = 10  # the 29 articles of seeds/ then make three shards

urls = st.from_regex(r"articles/[a-z0-9-]{1,20}\.html", fullmatch=True)


# --- which pages go together ---------------------------------------------------------------


@given(st.sets(urls, max_size=150), st.integers(1, 40))
def test_every_page_lands_in_exactly_one_of_enough_shards(pages, per_shard):
    shards = search_shards(sorted(pages), per_shard)
    assert len(shards) == max(1, math.ceil(len(pages) / per_shard))
    assert sorted(u for shard in shards for u in shard) == sorted(pages)
    assert all(shard == sorted(shard) for shard in shards)


@given(st.sets(urls, min_size=1, max_size=150), st.integers(1, 40), urls)
def test_adding_a_page_moves_no_other_page_while_the_number_of_shards_stays(pages, per_shard, new):
    before = search_shards(sorted(pages), per_shard)
    after = search_shards(sorted(pages | {new}), per_shard)
    assume(len(after) == len(before))
    assert all(set(old) - {new} <= set(now) for old, now in zip(before, after))


def test_the_order_pages_arrive_in_does_not_matter():
    pages = [f"articles/page-{i}.html" for i in range(50)]
    assert search_shards(pages, 7) == search_shards(list(reversed(pages)), 7)


def test_empty_shards_get_no_bundle():
    assert search_shards([], 10) == [[]]
    assert search_bundles([[]]) == []
    assert search_bundles([["articles/a.html"], [], ["articles/b.html"]]) == [search_bundle(0), search_bundle(2)]


# --- what counts as a change --------------------------------------------------------------

ARTICLE = """<!DOCTYPE html>
<html lang="zh-CN"><head><title>{title} · 档案</title><script>var built = "{stamp}";</script></head>
<body><header class="site"><a href="../index.html">档案</a></header>
<main>
<article class="article" data-pagefind-body>
  <h1 data-pagefind-meta="title">{title}</h1>
  <dl data-pagefind-ignore>
    <dd><a href="../places/{place}.html" data-pagefind-filter="地区">{place}</a></dd>
    <dd><time datetime="2023-05-01" data-pagefind-filter="年份:{year}">2023年5月1日</time></dd>
    <dd><ul><li><a href="../search.html?q={keyword}">{keyword}</a></li></ul></dd>
    <dd data-pagefind-ignore="all"><span data-pagefind-filter="内部">{internal}</span></dd>
  </dl>
  <div class="prose"><p><span class="sentence" id="s-1">{body}</span></p><!-- {note} --></div>
</article>
<section class="related"><h2>相关文章</h2><a href="other.html">{related}</a></section>
<nav class="article-nav"><a href="newer.html">较新一篇 {newer}</a></nav>
</main>
<footer>{stamp}</footer>
</body></html>
"""
PARTS = dict(
    title="加装电梯进小区", place="南通市", year="2023", keyword="电梯", internal="甲", body="今年全市加装电梯120部。",
    note="排版说明", related="老旧小区改造提速", newer="物业进小区", stamp="v0.1.0 · 1a2b3c",
)


def digest(url="articles/elevator.html", **changes):
    return page_search_digest(url, ARTICLE.format(**{**PARTS, **changes}))


@pytest.mark.parametrize(
    "change",
    [
        {"keyword": "加装"},  # keyword list, inside data-pagefind-ignore
        {"related": "别的文章"},  # outside the body
        {"newer": "另一篇"},
        {"stamp": "v0.1.0 · ffffff"},  # footer and script
        {"note": "另一条说明"},  # a comment
        {"internal": "乙"},  # a filter inside data-pagefind-ignore="all"
    ],
)
def test_what_pagefind_does_not_read_leaves_the_digest_alone(change):
    assert digest(**change) == digest()


@pytest.mark.parametrize(
    "change",
    [
        {"body": "今年全市加装电梯130部。"},  # indexed text
        {"title": "加装电梯进社区"},  # title metadata
        {"place": "崇川区"},  # a filter inside data-pagefind-ignore is still read
        {"year": "2024"},  # a filter's value given in the attribute
    ],
)
def test_what_pagefind_reads_changes_the_digest(change):
    assert digest(**change) != digest()


def test_the_url_is_part_of_the_digest():
    assert digest("articles/other.html") != digest()


def test_a_page_without_a_marked_body_counts_whole():
    page = ARTICLE.replace(" data-pagefind-body", "")
    assert page_search_digest("a.html", page.format(**PARTS)) != page_search_digest("a.html", page.format(**{**PARTS, "related": "别的"}))


# --- what Pagefind is given ------------------------------------------------------------------


def test_pagefind_is_given_the_text_cut_into_search_words_and_the_values_as_they_are():
    from analysis.search import indexed_page, search_words

    body = "今年全市加装电梯120部，&lt;b&gt;“党建+市场”&amp;"
    given = indexed_page(ARTICLE.format(**{**PARTS, "body": body}))
    sentence = re.search(r'<span class="sentence" id="s-1">(.*?)</span>', given).group(1)
    # the paragraph's first word follows a line break of the page: it carries the space mark
    assert sentence.split()[0] == SPACE_MARK + "今" and SPACE_MARK not in " ".join(sentence.split()[1:])
    sentence = sentence.replace(SPACE_MARK, "")
    assert sentence.split() == [html.escape(w, quote=False) for w in search_words(html.unescape(body))]
    assert sentence.split()[:4] == ["今", "年", "全", "市"] and "建+" in sentence.split() and "&amp;" in sentence
    # Values keep their text; the title's text, marked ignored, follows it cut into words.
    assert '<a data-pagefind-ignore href="../places/南通市.html" data-pagefind-filter="地区">南通市</a>' in given
    # (its first word marked: it is a block of its own, after whatever the page had before it)
    assert f'<h1 data-pagefind-ignore data-pagefind-meta="title">加装电梯进小区</h1><span> {SPACE_MARK}加 装 电 梯 进 小 区 </span>' in given
    assert 'data-pagefind-filter="年份:2023">2023年5月1日</time>' in given
    # Tags, attributes, scripts and comments are untouched; only text between tags changes.
    assert re.findall(r"<[^>]+>", given.replace("<span>", "").replace("</span>", "").replace("data-pagefind-ignore ", "")) == \
        [t for t in re.findall(r"<[^>]+>", ARTICLE.format(**{**PARTS, "body": body})) if t not in ("<span>", "</span>")]
    assert '<script>var built = "v0.1.0 · 1a2b3c";</script>' in given and "<!-- 排版说明 -->" in given


def test_a_space_of_the_page_is_marked_on_the_word_after_it_so_excerpts_can_show_it():
    from analysis.search import indexed_page

    given = indexed_page("<p>《瞭望》新闻周刊记者 李勇 韩振</p>\n<p>●全市680余个社区</p><p>Old estates<span>甲</span><b>乙</b></p>"
                         '<p class="byline">本报记者 毕京津</p><p data-pagefind-ignore>核心阅读</p><ul><li>河南省</li></ul>')
    words = re.sub(r"<[^>]+>", " ", given).split()
    marked = [w for w in words if w.startswith(SPACE_MARK)]
    assert marked == [SPACE_MARK + w for w in ["《瞭", "李", "韩", "●全", "Old", "estates", "本", "毕", "核", "河"]]
    # Where a block ends the reader sees a break, as at a space: "社区</p><p>Old", and 毕京津
    # then 河南省, with the ignored label between them. Inline elements run on: 甲乙.
    assert "甲" in words and "乙" in words


def test_an_ignored_element_that_is_never_closed_hides_nothing():
    page = ARTICLE.replace('<div class="prose">', '<div data-pagefind-ignore><div class="prose">')
    assert page_search_digest("a.html", page.format(**PARTS)) != page_search_digest("a.html", page.format(**{**PARTS, "body": "别的正文"}))


# --- the built site ---------------------------------------------------------------------------


def run(seeds, out, work):
    return build(seeds, out, work, CONF, settings={"SEARCH_SHARD_PAGES": SHARD_PAGES}, progress=Progress(quiet=True))


def article_urls(out) -> list[str]:
    return [a["url"] for a in json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))]


def article_pages(out) -> dict[str, str]:
    """URL -> newspaper page of each article: what the build shards by."""
    return {a["url"]: a["page"] for a in json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))}


def indexed_pages(bundle) -> list[str]:
    """The URLs of the pages a bundle holds, read from its fragment files (gzip, then Pagefind's
    signature, then JSON)."""
    found = []
    for fragment in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        found.append(json.loads(data)["url"])
    return found


def page_counts(bundle) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sharded")
    run(SEEDS, tmp / "out", tmp / "work")
    return tmp / "out"


def test_each_shard_has_a_bundle_and_together_they_index_every_article_once(sharded):
    shards = search_shards(article_urls(sharded), SHARD_PAGES, article_pages(sharded))
    assert len(shards) == 3
    manifest = json.loads((sharded / SEARCH_MANIFEST).read_text(encoding="utf-8"))
    assert [entry["bundle"] for entry in manifest["shards"]] == search_bundles(shards)
    indexed = []
    for entry, urls in zip(manifest["shards"], (s for s in shards if s)):
        bundle = sharded / entry["bundle"]
        assert page_counts(bundle) == entry["pages"] == len(urls)
        assert sorted(indexed_pages(bundle)) == ["/" + u for u in urls]  # same result URLs as one run over the site
        indexed += indexed_pages(bundle)
    assert sorted(indexed) == sorted("/" + u for u in article_urls(sharded))
    for entry in manifest["shards"]:  # the search page imports each bundle's own pagefind.js
        assert (sharded / entry["bundle"] / "pagefind.js").is_file()


def test_each_bundle_lists_every_pages_filter_values_under_the_id_of_its_results(sharded):
    """The search page counts a query of several terms from this list, so it must give each page
    the values Pagefind holds for it (and Pagefind's counts for one term come from)."""
    for bundle in search_bundles(search_shards(article_urls(sharded), SHARD_PAGES, article_pages(sharded))):
        listed = json.loads((sharded / bundle / PAGE_FILTERS).read_text(encoding="utf-8"))
        fragments = sorted((sharded / bundle / "fragment").glob("*.pf_fragment"))
        assert sorted(listed["pages"]) == [f.name.removesuffix(".pf_fragment") for f in fragments]
        for fragment in fragments:
            held = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))["filters"]
            pairs = [tuple(listed["values"][i]) for i in listed["pages"][fragment.name.removesuffix(".pf_fragment")]]
            assert sorted(pairs) == sorted((facet, value) for facet, values in held.items() for value in values)
            assert "来源" in {facet for facet, _ in pairs}, fragment.name


def test_the_search_page_lists_every_bundle(sharded):
    page = (sharded / "search.html").read_text(encoding="utf-8")
    bundles = search_bundles(search_shards(article_urls(sharded), SHARD_PAGES, article_pages(sharded)))
    assert f"data-bundles='{json.dumps(bundles)}'" in page


def test_an_unchanged_site_reuses_every_bundle_and_a_changed_body_reruns_only_its_shard(sharded, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(sharded, site)
    shutil.rmtree(site / "pagefind")
    shards = search_shards(article_urls(sharded), SHARD_PAGES, article_pages(sharded))
    run_ = build_search_index(site, shards, previous=sharded)
    assert run_.built == [] and run_.reused == search_bundles(shards)
    for bundle in run_.reused:
        assert not filecmp.dircmp(sharded / bundle, site / bundle).diff_files

    # One article's text changes, another article's keyword list changes.
    changed = shards[0][0]
    touched = next(u for u in shards[1] if "search.html?q=" in (site / u).read_text(encoding="utf-8"))
    prose = '<div class="prose article__body">'
    page = site / changed
    page.write_text(page.read_text(encoding="utf-8").replace(prose, prose + "<p>新增一句。</p>", 1), encoding="utf-8")
    page = site / touched
    page.write_text(page.read_text(encoding="utf-8").replace("search.html?q=", "search.html?q=%E6%96%B0", 1), encoding="utf-8")
    again = tmp_path / "again"
    shutil.copytree(site, again)
    run_ = build_search_index(again, shards, previous=site)
    assert run_.built == [search_bundle(0)]
    assert run_.reused == search_bundles(shards)[1:]
    assert "/" + changed in indexed_pages(again / search_bundle(0))


def changed_articles(before: list[dict], after: list[dict]) -> set[str]:
    """Articles whose searchable record changed; keywords and related articles are derived from
    the whole corpus and shown outside the indexed text."""
    def searchable(a):
        return {k: v for k, v in a.items() if k not in ("keywords", "related")}

    old = {a["url"]: searchable(a) for a in before}
    return {a["url"] for a in after if old.get(a["url"]) != searchable(a)}


def test_rebuilding_after_one_page_changed_reruns_only_the_shards_of_its_articles(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out, work = tmp_path / "out", tmp_path / "work"
    run(seeds, out, work)
    before = json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))
    manifest = json.loads((out / SEARCH_MANIFEST).read_text(encoding="utf-8"))
    bundles = [entry["bundle"] for entry in manifest["shards"]]
    written = {b: (out / b / "pagefind-entry.json").stat().st_mtime_ns for b in bundles}
    pages = {u: (out / u).read_bytes() for u in article_urls(out)}
    kept = tmp_path / "first"
    shutil.copytree(out, kept)

    page = sorted(seeds.glob("*.txt"))[1]
    text = page.read_text(encoding="utf-8")
    assert "城乡供水一体化惠及30余万群众" in text
    page.write_text(text.replace("城乡供水一体化惠及30余万群众", "城乡供水一体化惠及40余万群众"), encoding="utf-8")
    run(seeds, out, work)

    after = json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))
    shards = search_shards(article_urls(out), SHARD_PAGES, article_pages(out))
    assert search_bundles(shards) == bundles
    changed = changed_articles(before, after)
    rerun = {search_bundle(i) for i, urls in enumerate(shards) if set(urls) & changed}
    assert changed and rerun and rerun != set(bundles)
    for bundle in bundles:
        rewritten = (out / bundle / "pagefind-entry.json").stat().st_mtime_ns != written[bundle]
        assert rewritten == (bundle in rerun), bundle
        if bundle not in rerun:
            assert not filecmp.dircmp(kept / bundle, out / bundle).diff_files
    # The reused shards' pages did change (build stamp, keywords, neighbours), just not their search entries.
    reused_pages = [u for i, urls in enumerate(shards) if search_bundle(i) not in rerun for u in urls]
    assert any((out / u).read_bytes() != pages[u] for u in reused_pages)


def test_zero_pages_per_shard_means_one_index_for_the_whole_site():
    urls = [f"articles/{i}.html" for i in range(5000)]
    assert search_shards(urls, 0) == [sorted(urls)]


def test_the_articles_of_one_newspaper_page_share_a_shard():
    groups = {f"articles/{page}-{n}.html": f"page-{page}.txt" for page in range(40) for n in range(6)}
    shards = search_shards(list(groups), 50, groups)
    assert len(shards) == 5 and sum(map(len, shards)) == len(groups)
    for page in range(40):
        holding = [i for i, urls in enumerate(shards) if f"articles/{page}-0.html" in urls]
        assert all(f"articles/{page}-{n}.html" in shards[holding[0]] for n in range(6))


def hashed_files(bundle) -> dict[str, bytes]:
    """A bundle's page fragments and word lists, which Pagefind names by their content."""
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for folder in ("fragment", "index") for p in (bundle / folder).iterdir()}


def test_a_changed_shard_indexed_from_its_last_bundle_holds_what_a_run_from_nothing_writes(sharded, tmp_path, monkeypatch):
    seeded = []  # fragments already in place when Pagefind starts
    real_run = search_module.run_pagefind

    def run_pagefind(binary, pages, bundle, meanwhile=None):
        seeded.append(len(list(bundle.glob("fragment/*"))))
        real_run(binary, pages, bundle, meanwhile)

    monkeypatch.setattr(search_module, "run_pagefind", run_pagefind)
    site = tmp_path / "site"
    shutil.copytree(sharded, site)
    shards = search_shards(article_urls(sharded), SHARD_PAGES, article_pages(sharded))
    page = site / shards[0][0]
    prose = '<div class="prose article__body">'
    page.write_text(page.read_text(encoding="utf-8").replace(prose, prose + "<p>新增一句。</p>", 1), encoding="utf-8")
    last = hashed_files(sharded / search_bundle(0))
    written = {p: p.stat().st_mtime_ns for p in (sharded / search_bundle(0)).rglob("*") if p.is_file()}
    (sharded / search_bundle(0) / "fragment" / "zh-cn_0rphan.pf_fragment").write_bytes(b"left by an older run")
    try:
        shutil.rmtree(site / "pagefind")
        run_ = build_search_index(site, shards, previous=sharded)
    finally:
        (sharded / search_bundle(0) / "fragment" / "zh-cn_0rphan.pf_fragment").unlink()
    assert run_.built == [search_bundle(0)] and seeded == [len(shards[0]) + 1]
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh)
    build_search_index(fresh, shards)
    assert hashed_files(site / search_bundle(0)) == hashed_files(fresh / search_bundle(0))
    assert (site / search_bundle(0) / PAGE_FILTERS).read_bytes() == (fresh / search_bundle(0) / PAGE_FILTERS).read_bytes()
    assert unreferenced_files(site / search_bundle(0)) == []
    assert hashed_files(sharded / search_bundle(0)) == last  # the last site's bundle is untouched,
    assert {p: p.stat().st_mtime_ns for p in (sharded / search_bundle(0)).rglob("*") if p.is_file()} == written  # not even rewritten


def test_the_build_log_says_how_many_search_parts_were_kept(tmp_path):
    import io

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    run(seeds, tmp_path / "out", tmp_path / "work")
    page = sorted(seeds.glob("*.txt"))[1]
    page.write_text(page.read_text(encoding="utf-8").replace("城乡供水一体化惠及30余万群众", "城乡供水一体化惠及40余万群众"), encoding="utf-8")
    log = io.StringIO()
    build(seeds, tmp_path / "out", tmp_path / "work", CONF, settings={"SEARCH_SHARD_PAGES": SHARD_PAGES}, progress=Progress(stream=log))
    manifest = json.loads((tmp_path / "out" / SEARCH_MANIFEST).read_text(encoding="utf-8"))
    kept = re.search(r"Pagefind indexed the site for search; (\d+) of its (\d+) parts were unchanged and kept", log.getvalue())
    assert kept and int(kept.group(2)) == len(manifest["shards"]) and 0 < int(kept.group(1)) < len(manifest["shards"])


def when_the_search_index_starts(tmp_path, monkeypatch, settings) -> list[tuple[bool, bool]]:
    """For each time a build starts its search index: (every article page written, Pelican done)."""
    seen = []
    real = search_module.build_search_index

    def build_search_index(site, shards, *args, **kwargs):
        articles = all((site / url).is_file() for urls in shards for url in urls)
        seen.append((articles, any(site.glob("theme/css/*.css"))))  # the theme's styles are Pelican's last step
        return real(site, shards, *args, **kwargs)

    monkeypatch.setattr(search_module, "build_search_index", build_search_index)
    build(SEEDS, tmp_path / "out", tmp_path / "work", CONF, settings=settings, progress=Progress(quiet=True))
    assert len(list((tmp_path / "out" / "pagefind").glob("shard-*/pagefind-entry.json"))) >= 1
    return seen


def test_a_small_search_index_starts_once_the_article_pages_are_written_while_pelican_renders_the_rest(tmp_path, monkeypatch):
    assert when_the_search_index_starts(tmp_path, monkeypatch, {}) == [(True, False)]


def test_a_search_index_larger_than_may_be_made_beside_pelican_waits_for_pelican(tmp_path, monkeypatch):
    assert when_the_search_index_starts(tmp_path, monkeypatch, {"SEARCH_BESIDE_PELICAN_PAGES": 20}) == [(True, True)]


def test_a_build_that_fails_in_pelican_stops_the_search_index_and_leaves_the_last_site(tmp_path, monkeypatch):
    import threading

    import analysis.build as build_module

    out = tmp_path / "out"
    build(SEEDS, out, tmp_path / "work", CONF, progress=Progress(quiet=True))
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    real_run_pelican = build_module.run_pelican

    def fails_after_the_articles(settings, reuse=None, after_articles=None):
        real_run_pelican(settings, reuse, after_articles)
        raise RuntimeError("a template failed")

    monkeypatch.setattr(build_module, "run_pelican", fails_after_the_articles)
    page = tmp_path / "seeds"
    shutil.copytree(SEEDS, page)
    first = sorted(page.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace("仙桥小学", "仙桥中心小学"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="a template failed"):
        build(page, out, tmp_path / "work", CONF, progress=Progress(quiet=True))
    assert not any(t.name == "search-index" for t in threading.enumerate())
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not (tmp_path / ".out.building").exists()


def test_pages_staged_for_pagefind_are_kept_so_a_rebuild_cuts_only_the_changed_page(sharded, tmp_path, monkeypatch):
    shards = search_shards(article_urls(sharded), SHARD_PAGES, article_pages(sharded))
    kept = tmp_path / "kept"
    kept.mkdir()
    cut = []
    real_cut = search_module.indexed_page
    monkeypatch.setattr(search_module, "indexed_page", lambda page: cut.append(1) or real_cut(page))
    first = tmp_path / "first"
    shutil.copytree(sharded, first, ignore=shutil.ignore_patterns("pagefind"))
    build_search_index(first, shards, kept=kept)
    assert len(cut) == sum(map(len, shards)) == len(list(kept.glob("*.html")))
    second = tmp_path / "second"
    shutil.copytree(sharded, second, ignore=shutil.ignore_patterns("pagefind"))
    page = second / shards[0][0]
    prose = '<div class="prose article__body">'
    page.write_text(page.read_text(encoding="utf-8").replace(prose, prose + "<p>新增一句。</p>", 1), encoding="utf-8")
    cut.clear()
    run_ = build_search_index(second, shards, previous=first, kept=kept)
    assert len(cut) == 1 and run_.built == [search_bundle(0)]
    assert len(list(kept.glob("*.html"))) == sum(map(len, shards))  # the old form of the page is gone
    # What Pagefind wrote is what it writes from pages cut afresh.
    fresh = tmp_path / "fresh"
    shutil.copytree(second, fresh, ignore=shutil.ignore_patterns("pagefind"))
    build_search_index(fresh, shards)
    assert hashed_files(second / search_bundle(0)) == hashed_files(fresh / search_bundle(0))


def test_meanwhile_work_and_the_next_shards_pages_are_done_while_pagefind_indexes(sharded, tmp_path, monkeypatch):
    import subprocess

    shards = search_shards(article_urls(sharded), SHARD_PAGES, article_pages(sharded))
    events = []

    class Pagefind(subprocess.Popen):  # logs the indexing runs (not `pagefind --version`)
        def __init__(self, command, *args, **kwargs):
            super().__init__(command, *args, **kwargs)
            self.indexing = "--site" in command
            if self.indexing:
                events.append("pagefind started")

        def communicate(self, *args, **kwargs):
            out = super().communicate(*args, **kwargs)
            if self.indexing:
                events.append("pagefind ended")
            return out

    real_stage = search_module.stage_pages

    def stage_pages(*args):
        events.append("staged")
        return real_stage(*args)

    monkeypatch.setattr(search_module.subprocess, "Popen", Pagefind)
    monkeypatch.setattr(search_module, "stage_pages", stage_pages)
    site = tmp_path / "site"
    shutil.copytree(sharded, site, ignore=shutil.ignore_patterns("pagefind"))
    assert len(build_search_index(site, shards, meanwhile=lambda: events.append("meanwhile")).built) == 3
    # Each shard's pages but the first are staged while Pagefind indexes the one before.
    assert events == ["staged", "pagefind started", "meanwhile", "staged", "pagefind ended",
                      "pagefind started", "staged", "pagefind ended", "pagefind started", "pagefind ended"]
    assert not list(tmp_path.glob(".site.pagefind-*"))  # every staged folder is gone
    again = tmp_path / "again"
    shutil.copytree(sharded, again, ignore=shutil.ignore_patterns("pagefind"))
    events.clear()
    assert len(build_search_index(again, shards, previous=site, meanwhile=lambda: events.append("meanwhile")).reused) == 3
    assert events == ["meanwhile"]  # nothing staged, nothing indexed


def test_a_page_whose_search_entry_holds_the_build_stamp_is_not_recorded_and_a_known_digest_is_not_read_again(sharded, tmp_path):
    shards = search_shards(article_urls(sharded), SHARD_PAGES, article_pages(sharded))
    site = tmp_path / "site"
    shutil.copytree(sharded, site, ignore=shutil.ignore_patterns("pagefind"))
    stamped, known = shards[0][0], shards[1][0]
    prose = '<div class="prose article__body">'
    page = site / stamped
    page.write_text(page.read_text(encoding="utf-8").replace(prose, prose + "<p>源版本 0123abc</p>", 1), encoding="utf-8")
    digest = search_module.page_search_digest(known, (site / known).read_text(encoding="utf-8"))
    (site / known).write_text("<html><body>a page that must not be read</body></html>", encoding="utf-8")
    run_ = build_search_index(site, [shards[0]], known={known: digest}, stamp="源版本 0123abc")
    assert stamped not in run_.page_digests and len(run_.page_digests) == len(shards[0]) - 1
    # The known digest stands for the page: its shard is the one the last site indexed, and is kept.
    kept = build_search_index(site, [[], shards[1]], previous=sharded, known={known: digest}, stamp="源版本 0123abc")
    assert kept.reused == [search_bundle(1)] and kept.page_digests[known] == digest


def test_a_site_left_read_only_is_replaced_by_one_whose_folders_can_be_written(tmp_path):
    """Copied folders keep their modes: seeded from a read-only bundle, Pagefind could not add
    its files (it hung), and the next build could not remove the folders it copied."""
    import os
    import stat

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out, work = tmp_path / "out", tmp_path / "work"
    run(seeds, out, work)
    for folder, _, _ in os.walk(out):
        os.chmod(folder, 0o555)
    page = sorted(seeds.glob("*.txt"))[1]
    page.write_text(page.read_text(encoding="utf-8").replace("30余万群众", "40余万群众"), encoding="utf-8")
    run(seeds, out, work)
    folders = [Path(f) for f, _, _ in os.walk(out)]
    assert any(f.name == "fragment" for f in folders)  # the bundles seeded and copied from the last site
    assert all(stat.S_IMODE(f.stat().st_mode) & 0o700 == 0o700 for f in folders if f.is_relative_to(out / "pagefind"))
    assert not list(tmp_path.glob(".out.*"))


def test_a_cancelled_index_ends_the_pagefind_run_under_way(tmp_path):
    import subprocess

    from analysis.search import RUNNING, SearchIndexing

    running = subprocess.Popen(["sleep", "60"])  # stands for a Pagefind run the build waits on
    RUNNING.add(running)
    try:
        SearchIndexing(tmp_path, [], None, beside_pelican=0).cancel()
        assert running.wait(timeout=5) != 0  # killed, not left to run on
    finally:
        RUNNING.discard(running)
        running.kill()
