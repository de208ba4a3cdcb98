"""A public record: builds are reproducible, interrupted builds lose nothing, links stay stable."""
from __future__ import annotations

import errno
import filecmp
import gc
import hashlib
import io
import json
import re
import shutil

import pytest

import analysis.build as build_module
from analysis.bench import change_one_page as bench_change_one_page
from analysis.build import Progress, build
from analysis.cli import main
from analysis.text import normalise_paragraph, split_sentences
from tests.corpus import ROOT, SEEDS

from hypothesis import example, given, strategies as st

CONF = ROOT / "pelicanconf.py"


def run(seeds, out, work, **kw):
    return build(seeds, out, work, CONF, progress=Progress(quiet=True), **kw)


def tree(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("first")
    run(SEEDS, tmp / "out", tmp / "work")
    return tmp / "out"


def pagefind_index_file(path: str) -> bool:
    """Pagefind writes its filter and metadata indexes from a hash map in arbitrary order, so
    their bytes (and the hashed names the entry file lists) vary between runs; the maintainer
    confirms it upstream (Pagefind issue 638). The page fragments it indexes are stable.
    Each shard's bundle (pagefind/shard-N/) has its own such files."""
    parts = path.split("/")
    return parts[0] == "pagefind" and ("filter" in parts[:-1] or path.endswith(".pf_meta") or parts[-1] == "pagefind-entry.json")


def test_two_builds_of_the_same_pages_are_byte_identical(first_build, tmp_path):
    run(SEEDS, tmp_path / "again", tmp_path / "other-work")
    ours = [p for p in tree(first_build) if not pagefind_index_file(p)]
    assert ours == [p for p in tree(tmp_path / "again") if not pagefind_index_file(p)]
    assert any(p.startswith("pagefind/") and "/fragment/" in p for p in ours)
    _, mismatch, errors = filecmp.cmpfiles(first_build, tmp_path / "again", ours, shallow=False)
    assert mismatch == [] and errors == []


def test_builds_in_processes_with_different_hash_seeds_are_byte_identical(tmp_path):
    """Pelican finds the content files as a set, in an order that changes with the hash seed
    of each run; nothing of the site may follow that order (articles of one date, say)."""
    import os
    import subprocess
    import sys

    sites = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        args = ["build", "--seeds", str(SEEDS), "--output", str(out), "--work", str(tmp_path / f"work-{seed}"), "--quiet"]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "analysis", *args], check=True, env=env, capture_output=True, timeout=300)
        sites.append(out)
    ours = [p for p in tree(sites[0]) if not pagefind_index_file(p)]
    assert ours == [p for p in tree(sites[1]) if not pagefind_index_file(p)]
    _, mismatch, errors = filecmp.cmpfiles(sites[0], sites[1], ours, shallow=False)
    assert mismatch == [] and errors == []


def test_footer_carries_a_reproducible_build_stamp(first_build):
    index = (first_build / "index.html").read_text(encoding="utf-8")
    stamp = build_module.build_stamp(build_module.read_corpus(SEEDS, build_module.load_settings()).pages, first_build / "data")
    assert stamp.startswith("v0.1.0 · ") and stamp in index


def copy_site(src, dst):
    shutil.copytree(src, dst)
    return {p: (dst / p).read_bytes() for p in tree(dst)}


@pytest.mark.parametrize(
    "failure",
    [RuntimeError("a later stage failed"), KeyboardInterrupt(), OSError(errno.ENOSPC, "No space left on device")],
    ids=["exception", "ctrl-c", "disk-full"],
)
def test_a_build_that_fails_half_way_leaves_the_previous_site_whole(first_build, tmp_path, monkeypatch, failure):
    out = tmp_path / "out"
    before = copy_site(first_build, out)

    def fail(*args, **kwargs):
        raise failure

    target = "write_data_files" if isinstance(failure, OSError) else "run_pelican"
    monkeypatch.setattr(build_module, target, fail)
    with pytest.raises(type(failure)):
        run(SEEDS, out, tmp_path / "work")
    assert {p: (out / p).read_bytes() for p in tree(out)} == before
    assert not list(tmp_path.glob(".out.building"))
    assert gc.get_freeze_count() == 0  # nothing is left out of garbage collection


def test_adding_and_reordering_pages_keeps_every_id_url_and_anchor(first_build, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for i, page in enumerate(reversed(sorted(SEEDS.glob("*.txt")))):
        shutil.copy(page, seeds / page.name)
    shutil.copy(SEEDS / "sources.toml", seeds / "sources.toml")
    (seeds / "000_new_page.txt").write_text(
        "新增版面的头条新闻\n\n本报讯（记者 李四）3月1日，我市完成老旧小区改造20个，惠及居民800户。\n", encoding="utf-8"
    )
    run(seeds, tmp_path / "out", tmp_path / "work")
    old = {a["id"]: a for a in json.loads((first_build / "data" / "articles.json").read_text(encoding="utf-8"))}
    new = {a["id"]: a for a in json.loads((tmp_path / "out" / "data" / "articles.json").read_text(encoding="utf-8"))}
    assert set(old) < set(new) and len(new) == len(old) + 1
    for ident, article in old.items():
        assert new[ident]["url"] == article["url"]
        page = (tmp_path / "out" / article["url"]).read_text(encoding="utf-8")
        first = (first_build / article["url"]).read_text(encoding="utf-8")
        anchors = sorted(set(__import__("re").findall(r'id="(s-[0-9a-f]+(?:-\d+)?)"', first)))
        assert anchors and all(f'id="{a}"' in page for a in anchors)


def test_strict_builds_fail_on_a_fifty_megabyte_page_without_reading_it(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    with (seeds / "huge.txt").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (seeds / "one-line.txt").write_text("长" * (10 * 1024 * 1024 // 3), encoding="utf-8")
    args = ["build", "--seeds", str(seeds), "--output", str(tmp_path / "o"), "--work", str(tmp_path / "w"), "--quiet", "--strict"]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert "huge.txt: skipped: too large" in err and "one-line.txt: skipped: too large" in err
    assert "built 29 articles from 5 pages; skipped 2 file(s)" in err


@given(st.text())
def test_normalising_never_crashes_and_keeps_every_chinese_character(text):
    result = normalise_paragraph(text)
    cjk = lambda s: [c for c in s if "\u4e00" <= c <= "\u9fff"]
    assert cjk(result) == cjk(text.strip())


@given(st.text())
@example(":,㐀")  # a run of marks turns as a whole: the colon once turned only on a second pass
@example("((中))")  # and nested brackets: the outer pair turned only once the inner one had
def test_normalising_is_idempotent(text):
    once = normalise_paragraph(text)
    assert normalise_paragraph(once) == once


@given(st.text())
def test_sentence_split_round_trips(text):
    assert "".join(split_sentences(text)) == text


def test_a_rebuild_with_nothing_changed_keeps_the_site_and_a_changed_page_rebuilds_it(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out, work = tmp_path / "out", tmp_path / "work"
    run(seeds, out, work)
    index = out / "index.html"
    before = index.stat().st_mtime_ns
    progress = Progress(quiet=True)
    build(seeds, out, work, CONF, progress=progress)
    assert "pelican" not in progress.timings and index.stat().st_mtime_ns == before
    page = sorted(seeds.glob("*.txt"))[1]
    page.write_text(page.read_text(encoding="utf-8").replace("城乡供水一体化惠及30余万群众", "城乡供水一体化惠及40余万群众"), encoding="utf-8")
    progress = Progress(quiet=True)
    build(seeds, out, work, CONF, progress=progress)
    assert "pelican" in progress.timings
    assert "城乡供水一体化惠及40余万群众" in (out / "data" / "articles.json").read_text(encoding="utf-8")


def test_an_unchanged_rebuild_skips_the_analysis_but_still_reports_every_problem(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "empty.txt").write_bytes(b"")
    out, work = tmp_path / "out", tmp_path / "work"
    first = run(seeds, out, work)
    progress = Progress(quiet=True)
    again = build(seeds, out, work, CONF, progress=progress)
    assert "analysis" not in progress.timings and "pelican" not in progress.timings
    assert again.summary() == first.summary() and "empty.txt" in again.summary()
    assert [str(p) for p in again.analysis.problems] == [str(p) for p in first.analysis.problems]


def test_two_names_of_a_paper_that_would_share_one_source_page_are_named_in_a_warning(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    sources = seeds / "sources.toml"
    sources.write_text(sources.read_text(encoding="utf-8").replace('publication = "北碚报"', 'publication = "人民日報"'), encoding="utf-8")
    outcome = run(seeds, tmp_path / "out", tmp_path / "work")
    assert [str(p) for p in outcome.problems] == [
        "sources.toml: warning: the publications 人民日報、人民日报 share one source page, sources/ren-min-ri-bao.html, "
        "under one of their names: the page's address is made from the name's pinyin"]
    assert not outcome.skipped
    listed = (tmp_path / "out" / "sources" / "ren-min-ri-bao.html").read_text(encoding="utf-8")  # 11 articles: one page
    records = json.loads((tmp_path / "out" / "data" / "articles.json").read_text(encoding="utf-8"))
    both = [a for a in records if a["publication"] in ("人民日报", "人民日報")]
    assert {a["publication"] for a in both} == {"人民日报", "人民日報"}  # each article keeps its own paper's name
    assert all(a["url"] in listed for a in both)  # and the one page lists them all


@pytest.mark.parametrize("change", ["settings", "theme", "template", "content"])
def test_a_change_to_settings_theme_or_hand_written_content_rebuilds_the_site(tmp_path, monkeypatch, change):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out, work = tmp_path / "out", tmp_path / "work"
    project = tmp_path / "project"
    shutil.copytree(ROOT / "content", project / "content")
    shutil.copytree(ROOT / "theme", project / "theme", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build_module, "PROJECT_ROOT", project)
    overrides = {"THEME": str(project / "theme")}
    run(seeds, out, work, pelican_overrides=overrides)
    if change == "settings":
        overrides = {**overrides, "SITESUBTITLE": "换了副标题"}
    elif change == "theme":
        css = next((project / "theme" / "static").rglob("*.css"))
        css.write_text(css.read_text(encoding="utf-8") + "\n/* 换了样式 */\n", encoding="utf-8")
    elif change == "template":
        template = project / "theme" / "templates" / "article.html"
        template.write_text(template.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}<!-- 换了模板 -->"), encoding="utf-8")
    else:
        about = project / "content" / "pages" / "about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\n换了说明。\n", encoding="utf-8")
    progress = Progress(quiet=True)
    build(seeds, out, work, CONF, progress=progress, pelican_overrides=overrides)
    assert "pelican" in progress.timings
    built = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.suffix in (".html", ".css"))
    assert {"settings": "换了副标题", "theme": "换了样式", "template": "换了模板", "content": "换了说明"}[change] in built
    if change == "template":  # no article page may be copied from the build before
        assert all("换了模板" in page.read_text(encoding="utf-8") for page in (out / "articles").glob("*.html"))


def test_a_change_to_the_code_that_runs_pelican_renders_the_site_again(tmp_path, monkeypatch):
    """site.py hooks into Pelican's rendering: a change there changes pages whose content did not."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out, work = tmp_path / "out", tmp_path / "work"
    code = tmp_path / "analysis"
    shutil.copytree(build_module.CODE, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build_module, "CODE", code)  # the code the build's fingerprints read
    run(seeds, out, work)
    progress = Progress(quiet=True)
    build(seeds, out, work, CONF, progress=progress)
    assert "pelican" not in progress.timings  # nothing changed
    pelican_cache = {p.name for p in (work / "cache" / "pelican").iterdir()}
    site_code = code / "site.py"
    site_code.write_text(site_code.read_text(encoding="utf-8") + "\n# a change to how pages are rendered\n", encoding="utf-8")
    log = io.StringIO()
    build(seeds, out, work, CONF, progress=Progress(stream=log))
    assert "Pelican built the site" in log.getvalue() and copied_article_pages(log.getvalue()) == 0
    # nor does Pelican take what site.py's reader made of the files from its cache
    assert {p.name for p in (work / "cache" / "pelican").iterdir()}.isdisjoint(pelican_cache)


def change_one_page(seeds):
    page = sorted(seeds.glob("*.txt"))[1]
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("城乡供水一体化惠及30余万群众", "城乡供水一体化惠及40余万群众"), encoding="utf-8")


def assert_same_site(cold, out):
    ours = [p for p in tree(cold) if not pagefind_index_file(p)]
    assert ours == [p for p in tree(out) if not pagefind_index_file(p)]
    _, mismatch, errors = filecmp.cmpfiles(cold, out, ours, shallow=False)
    assert mismatch == [] and errors == []


def copied_article_pages(log: str) -> int:
    found = re.search(r"; (\d+) unchanged article pages copied from the last build", log)
    return int(found.group(1)) if found else 0


def remove_one_page(seeds):
    sorted(seeds.glob("*.txt"))[2].unlink()


def copied_other_pages(log: str) -> int:
    found = re.search(r"; (\d+) other unchanged pages copied", log)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize(
    "change, copies", [(change_one_page, True), (bench_change_one_page, True), (remove_one_page, False)],
    ids=["a headline", "a date", "a page removed"],
)
def test_a_rebuild_after_one_page_changed_equals_a_cold_build_of_the_same_pages(tmp_path, change, copies):
    """A changed date also moves its articles in the archive, so their neighbours' pages change.
    Removing a page changes the corpus statistics, so every article's keywords, and with them
    every page: nothing can be copied then, and the rebuild must still be right."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    run(seeds, tmp_path / "out", tmp_path / "work")
    readers = list((tmp_path / "work" / "cache" / "pelican").rglob("*-Readers"))
    assert readers and all(path.read_bytes()[:2] != b"\x1f\x8b" for path in readers)  # kept unzipped: quicker
    articles = len(list((tmp_path / "out" / "articles").glob("*.html")))
    change(seeds)
    log = io.StringIO()
    # Pelican reads unchanged files from its cache, and copies unchanged article pages and others.
    build(seeds, tmp_path / "out", tmp_path / "work", CONF, progress=Progress(stream=log))
    if copies:
        assert 0 < copied_article_pages(log.getvalue()) < articles
        assert copied_other_pages(log.getvalue()) > 0
    run(seeds, tmp_path / "cold", tmp_path / "cold-work")
    assert_same_site(tmp_path / "cold", tmp_path / "out")


def test_a_third_build_copies_again_what_the_second_copied_and_equals_a_cold_build(tmp_path):
    seeds, out, work = tmp_path / "seeds", tmp_path / "out", tmp_path / "work"
    shutil.copytree(SEEDS, seeds)
    run(seeds, out, work)
    change_one_page(seeds)
    run(seeds, out, work)
    recorded = build_module.last_rendered(work, out)["pages"]
    assert recorded and all(entry[1] == hashlib.sha256((out / name).read_bytes()).hexdigest() for name, entry in recorded.items())

    bench_change_one_page(seeds)
    log = io.StringIO()
    build(seeds, out, work, CONF, progress=Progress(stream=log))
    assert copied_article_pages(log.getvalue()) > len([name for name in recorded if name.startswith("articles/")]) / 2
    assert copied_other_pages(log.getvalue()) > 0
    run(seeds, tmp_path / "cold", tmp_path / "cold-work")
    assert_same_site(tmp_path / "cold", out)


def test_a_rebuild_reads_for_the_search_index_only_the_pages_it_rendered_and_records_true_digests(tmp_path, monkeypatch):
    import analysis.search as search_module

    seeds, out, work = tmp_path / "seeds", tmp_path / "out", tmp_path / "work"
    shutil.copytree(SEEDS, seeds)
    run(seeds, out, work)
    change_one_page(seeds)
    read = []
    real_search_input = search_module.search_input
    monkeypatch.setattr(search_module, "search_input", lambda page: read.append(1) or real_search_input(page))
    log = io.StringIO()
    build(seeds, out, work, CONF, progress=Progress(stream=log))
    articles = len(list((out / "articles").glob("*.html")))
    assert len(read) == articles - copied_article_pages(log.getvalue()) < articles
    recorded = {name: entry for name, entry in build_module.last_rendered(work, out)["pages"].items() if name.startswith("articles/")}
    assert all(len(entry) == 3 for entry in recorded.values()) and len(recorded) == articles
    for name, (_, _, digest) in recorded.items():
        assert digest == search_module.page_search_digest(name, (out / name).read_text(encoding="utf-8")), name


def test_a_page_edited_by_hand_in_the_site_is_rendered_again_not_copied(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out, work = tmp_path / "out", tmp_path / "work"
    run(seeds, out, work)
    for page in out.rglob("*.html"):  # article pages, listings and the report alike
        page.write_text(page.read_text(encoding="utf-8").replace("</main>", "<p>手改</p></main>"), encoding="utf-8")
    change_one_page(seeds)
    log = io.StringIO()
    build(seeds, out, work, CONF, progress=Progress(stream=log))
    assert copied_article_pages(log.getvalue()) == 0 and copied_other_pages(log.getvalue()) == 0
    assert not any("手改" in page.read_text(encoding="utf-8") for page in out.rglob("*.html"))


def test_a_build_killed_while_pelican_saves_its_cache_does_not_stop_the_next_build(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out, work = tmp_path / "out", tmp_path / "work"
    run(seeds, out, work)
    change_one_page(seeds)
    real_run_pelican = build_module.run_pelican

    def killed_while_saving(settings, reuse=None, after_articles=None):
        for cache_file in build_module.Path(settings["CACHE_PATH"]).iterdir():
            cache_file.write_bytes(cache_file.read_bytes()[:100])  # half-written, as a kill leaves it
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "run_pelican", killed_while_saving)
    with pytest.raises(KeyboardInterrupt):
        run(seeds, out, work)
    monkeypatch.setattr(build_module, "run_pelican", real_run_pelican)
    run(seeds, out, work)
    assert "城乡供水一体化惠及40余万群众" in "".join(p.read_text(encoding="utf-8") for p in (out / "articles").glob("*.html"))


def test_the_chart_cache_key_changes_with_any_module_of_the_package(tmp_path, monkeypatch):
    analysis = build_module.Analysis()
    key = build_module.chart_inputs_key(analysis, build_module.Counter())
    package = tmp_path / "analysis"
    shutil.copytree(ROOT / "analysis", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build_module, "CODE", package)
    assert build_module.chart_inputs_key(analysis, build_module.Counter()) == key
    (package / "report.py").write_text((package / "report.py").read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert build_module.chart_inputs_key(analysis, build_module.Counter()) != key


def test_a_build_lets_go_of_every_article_pelican_rendered(tmp_path):
    from pelican.contents import Content

    run(SEEDS, tmp_path / "out", tmp_path / "work")
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert [o for o in gc.get_objects() if isinstance(o, Content)] == []


def test_the_analysis_is_gone_from_memory_before_pelican_runs(tmp_path, monkeypatch):
    import weakref

    real_analyse, real_run_pelican = build_module.analyse, build_module.run_pelican
    articles, alive = [], []

    def analyse(*args, **kwargs):
        result = real_analyse(*args, **kwargs)
        articles.extend(weakref.ref(a) for a in result.articles)
        return result

    def run_pelican(*args, **kwargs):
        alive.append(sum(ref() is not None for ref in articles))
        return real_run_pelican(*args, **kwargs)

    monkeypatch.setattr(build_module, "analyse", analyse)
    monkeypatch.setattr(build_module, "run_pelican", run_pelican)
    run(SEEDS, tmp_path / "out", tmp_path / "work")
    assert len(articles) > 20 and alive == [0]


def test_syncing_generated_content_rewrites_only_what_changed(tmp_path):
    target = tmp_path / "content"
    build_module.sync_content({"articles/a.md": "甲", "articles/b.md": "乙", "pages/old.md": "旧"}, target)
    before = {p.name: p.stat().st_mtime_ns for p in target.rglob("*.md")}
    build_module.sync_content({"articles/a.md": "甲", "articles/b.md": "乙乙", "charts/c.svg": b"<svg/>"}, target)
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == ["articles/a.md", "articles/b.md", "charts/c.svg"]
    assert (target / "articles" / "a.md").stat().st_mtime_ns == before["a.md"]  # Pelican's cache still holds it
    assert (target / "articles" / "b.md").read_text(encoding="utf-8") == "乙乙"
    assert (target / "charts" / "c.svg").read_bytes() == b"<svg/>"


def test_a_copied_page_gets_the_new_stamp_only_where_the_old_one_is_found_exactly_once(tmp_path):
    import hashlib

    from analysis.site import RenderedPages

    def reuse_of(text, old="v1 · aaa", new="v1 · bbb"):
        (tmp_path / "a.html").write_text(text, encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return RenderedPages(tmp_path, {"stamp": old, "pages": {"a.html": ["k", digest]}}, "base", new)

    assert reuse_of("<p>甲</p><p>v1 · aaa</p>").copy_of("a.html", "k") == "<p>甲</p><p>v1 · bbb</p>"
    assert reuse_of("<p>甲</p><p>v1 · aaa</p>").copy_of("a.html", "another key") is None
    assert reuse_of("<p>v1 · aaa</p><p>v1 · aaa</p>").copy_of("a.html", "k") is None
    assert reuse_of("<p>v1 · a&amp;b</p>", old="v1 · a&b").copy_of("a.html", "k") is None
    changed = reuse_of("<p>甲</p><p>v1 · aaa</p>")
    (tmp_path / "a.html").write_text("<p>乙</p><p>v1 · aaa</p>", encoding="utf-8")  # not the bytes recorded
    assert changed.copy_of("a.html", "k") is None


def test_where_folders_cannot_be_exchanged_a_failed_swap_puts_the_old_site_back(tmp_path, monkeypatch):
    import os

    import analysis.site as site_module

    output, staging = tmp_path / "out", tmp_path / ".out.building"
    output.mkdir()
    (output / "index.html").write_text("old", encoding="utf-8")
    staging.mkdir()
    (staging / "index.html").write_text("new", encoding="utf-8")
    monkeypatch.setattr(site_module, "_exchange", lambda a, b: False)  # a file system without renameat2's exchange
    rename = os.rename

    def failing(source, target):
        if str(source) == str(staging):
            raise OSError(errno.EXDEV, "cannot move the new site in")
        rename(source, target)

    monkeypatch.setattr(site_module.os, "rename", failing)
    with pytest.raises(OSError):
        site_module.swap_in(staging, output)
    assert (output / "index.html").read_text(encoding="utf-8") == "old"
    monkeypatch.setattr(site_module.os, "rename", rename)
    site_module.swap_in(staging, output)
    assert (output / "index.html").read_text(encoding="utf-8") == "new" and not staging.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no .out.previous left


def test_the_publishing_settings_load_from_any_folder(tmp_path, monkeypatch):
    """publishconf.py found pelicanconf.py only when run from the project's folder."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", "from pelican.settings import read_settings; import sys; "
                          f"s = read_settings({str(ROOT / 'publishconf.py')!r}); print(s['SITENAME'], s['RELATIVE_URLS'])"],
                         cwd=tmp_path, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "SITEURL": "https://example.org/x"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["老旧小区改造", "·", "地方报纸档案", "False"]
