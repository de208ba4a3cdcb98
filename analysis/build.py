"""The whole flow, seeds -> output, with progress on stderr.

`analyse` is pure (pages in, records out); `build` does the I/O around it:
generated Markdown and data files into a work folder, Pelican into a staging
folder, and the staging folder swapped in only when everything succeeded.
"""
from __future__ import annotations

import ctypes
import gc
import hashlib
import json
import logging
import os
import pickle
import shutil
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import markdown

from .diff import changes_json, changes_markdown, compare
from .extract import load_vocab
from .ingest import read_corpus
from .model import Article, PageProblem
from .articles import place_slug
from .pipeline import Analysis, analyse
from .places import filed_under, load_gazetteer
from .report import ChartFiles, data_dictionary, data_page, home_highlights, topic_notes, place_article_pages, place_contents, place_names, place_page, places_index, report_page
from .pages import PAGE_TEXTS, article_markdown, articles_csv, articles_json, facts_csv, facts_json, page_heading_parts, page_view_html, page_view_name, table_csv, write_bytes, write_marked_text, write_text
from .settings import load_settings
from .terms import unload_dictionaries
from .search import PAGE_FILTERS, SEARCH_MANIFEST, SearchIndexing, search_bundles, search_shards
from .site import RenderedPages, fresh_dir, pelican_settings, remove_tree, run_pelican, shared_source_pages, staging_dir, swap_in, write_sitemap
from .topics import load_topics

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CODE = Path(__file__).resolve().parent  # the analysis package: its code and data files


class Progress:
    """One line per stage on stderr, with the time it took."""

    def __init__(self, stream=None, quiet: bool = False):
        # sys.stderr as it is when the build runs, not when this module was imported
        self.stream, self.quiet = stream or sys.stderr, quiet
        self.started = self.last = time.perf_counter()
        self.timings: dict[str, float] = {}  # stage -> seconds, for benchmarks

    def step(self, message: str, stage: str = "") -> None:
        now = time.perf_counter()
        if stage:
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        if not self.quiet:
            print(f"[{now - self.started:6.1f}s] {message}", file=self.stream, flush=True)
        self.last = now

    def say(self, message: str) -> None:
        if not self.quiet:
            print(message, file=self.stream, flush=True)


def article_tags(article: Article, topic_names: dict[str, str]) -> list[str]:
    """Topics become Pelican tags, so each topic page lists and links its articles."""
    return [topic_names.get(t, t) for t in article.topics]


# Generated content is held in memory, as path under the content folder -> text or bytes, until
# `sync_content` writes what changed: creating ten thousand files costs seconds on every build.
ContentFiles = dict[str, "str | bytes"]


def articles_by_page(articles: list[Article]) -> dict[str, list[Article]]:
    """Each newspaper page's articles, in the page's order."""
    on_page: dict[str, list[Article]] = {}
    for article in articles:
        on_page.setdefault(article.page, []).append(article)
    return on_page


def article_files(analysis: Analysis, on_page: dict[str, list[Article]]) -> ContentFiles:
    """Each article's Markdown; `on_page`: `articles_by_page` of the analysis' articles."""
    facts_of: dict[str, list] = {}
    for fact in analysis.facts:
        facts_of.setdefault(fact.article_id, []).append(fact)
    return {
        f"articles/{article.id}.md": article_markdown(article, article_tags(article, analysis.topic_names), facts_of.get(article.id),
                                                      [other.id for other in on_page[article.page] if other is not article])
        for article in analysis.articles
    }


def folder_files(folder: Path, under: str = "", skip_suffixes: tuple[str, ...] = ()) -> ContentFiles:
    return {
        under + path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix not in skip_suffixes
    }


def chart_inputs_key(analysis: Analysis, counts: Counter) -> str:
    """Charts are redrawn only when what they show, or the code, changes. All the package's code
    counts, not only charts.py: the cache holds pickled records whose shape other modules define."""
    digest = hashlib.sha256(folder_digest(CODE))
    for table in (analysis.scale, analysis.terms_by_place):
        digest.update(b"\0" + (table_csv(table).encode("utf-8") if table is not None else b""))
    digest.update(repr(sorted(counts.items())).encode("utf-8"))
    return digest.hexdigest()


def draw_charts(facts_or_scale, terms, counts: Counter, folder: Path, *, beside: bool = False,
                close_in_copy: tuple[int, ...] = ()) -> list[ChartFiles]:
    """The report's charts into `folder`, from the scale table (or the facts, when there is
    none) and the term table by place. With `beside`, a forked copy of this process draws
    some of them (`share_out`, which the copy's `close_in_copy` go to): each chart takes a
    core for up to a second."""
    from . import charts  # matplotlib is imported only when something must be drawn

    def drawn(chart: "charts.Chart | None") -> ChartFiles | None:
        if chart is None:
            return None
        files = charts.write_chart(chart, folder)
        return ChartFiles(
            chart.slug, chart.title, chart.alt, chart.table, files["svg"], files["csv"],
            places=frozenset(chart.table[charts.PLACE_COLUMN]),
            shown=tuple(c for c in chart.table.columns if c not in charts.CSV_ONLY_COLUMNS),
            figures=tuple(c for c in chart.table.columns if c == charts.FIGURE_COLUMN),
            years=tuple(c for c in chart.table.columns if c == charts.YEAR_COLUMN),
            names=tuple(c for c in chart.table.columns if c in charts.NAME_COLUMNS),
            size=charts.css_pixels(chart.figure),
            cells=chart.cells,
        )

    tasks = [  # in the report's order
        lambda: drawn(charts.scale_chart(facts_or_scale)),
        lambda: drawn(charts.funding_chart(facts_or_scale)),
        lambda: drawn(charts.term_frequency_chart(terms, article_counts=counts) if terms is not None else None),
        lambda: drawn(charts.distinctive_terms_chart(terms, article_counts=counts) if terms is not None else None),
    ]
    # The term charts, the largest figures, are started first so that neither process is left
    # with a large one at the end.
    results = share_out(tasks, range(len(tasks) - 1, -1, -1), close_in_copy) if beside else [task() for task in tasks]
    return [chart for chart in results if chart is not None]


def share_out(tasks: list[Callable[[], object]], order, close_in_copy: tuple[int, ...] = ()) -> list:
    """Run `tasks` in this process and in one forked copy of it, each taking the next in
    `order` as soon as it is free; their results in the tasks' order. For a process that runs
    no threads (only the forking one is copied) and whose results pickle. An error in this
    process is raised as it is, the copy ended; else one in the copy is raised here, with the
    copy's traceback as a note. The copy closes the file descriptors `close_in_copy` (ends of
    pipes that must see their end when this process ends)."""
    order = list(order)
    if len(order) < 2:
        return [task() for task in tasks]
    todo_read, todo_write = os.pipe()
    os.write(todo_write, bytes(order))  # one byte a task (so at most 256): a pipe hands each byte to one reader
    os.close(todo_write)
    done_read, done_write = os.pipe()
    forker = os.getpid()
    try:
        pid = os.fork()
    except OSError:  # no room for another process: this one does it all
        for fd in (todo_read, done_read, done_write):
            os.close(fd)
        return [task() for task in tasks]
    if pid == 0:  # the copy: its results go back through the pipe, then it ends at once
        status = 1
        try:
            os.close(done_read)
            for fd in close_in_copy:
                os.close(fd)
            _die_with_parent(forker)
            try:
                reply = (True, _take_tasks(tasks, todo_read))
            except BaseException as error:
                reply = (False, error)
            with os.fdopen(done_write, "wb") as out:
                out.write(_pickled_reply(reply))
            status = 0
        finally:
            os._exit(status)  # nothing of the forking process's own clean-up runs twice
    os.close(done_write)
    with os.fdopen(done_read, "rb") as replies:
        try:
            results = _take_tasks(tasks, todo_read)
            reply = replies.read()
        except BaseException:
            os.kill(pid, signal.SIGKILL)  # what it is doing is not wanted any more
            raise
        finally:
            os.close(todo_read)
            _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not reply:
        raise RuntimeError(f"the forked process ended with status {os.waitstatus_to_exitcode(status)} before it replied")
    ok, value = pickle.loads(reply)
    if not ok:
        raise value
    results.update(value)
    return [results[i] for i in range(len(tasks))]


def _take_tasks(tasks: list, todo: int) -> dict:
    results = {}
    while taken := os.read(todo, 1):
        results[taken[0]] = tasks[taken[0]]()
    return results


_COPY_NOTE = "raised in the forked process:\n"


def _pickled_reply(reply: tuple) -> bytes:
    """(ok, value) pickled, an error with its traceback as a note; an error (or a value) that
    does not pickle, or does not unpickle, goes as its traceback."""
    ok, value = reply
    if not ok and not any(note.startswith(_COPY_NOTE) for note in getattr(value, "__notes__", ())):
        value.add_note(_COPY_NOTE + "".join(traceback.format_exception(value)).rstrip())
    try:
        data = pickle.dumps(reply)
        pickle.loads(data)  # an error whose arguments do not match its __init__ fails here, not in the reader
        return data
    except Exception:
        detail = traceback.format_exc() if ok else "".join(traceback.format_exception(value))
        return pickle.dumps((False, RuntimeError("drawing the charts failed:\n" + detail)))


def _die_with_parent(parent: int) -> None:
    """Linux ends this process when the one that forked it (`parent`) ends, however that ends."""
    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it ended before the request took effect
        os._exit(1)


class ChartDrawer:
    """Draws the report's charts in a process of its own, forked as the build begins:
    importing matplotlib and drawing take seconds, which this spends on the other core while
    the build reads and analyses the pages and writes the Markdown (`ChartFolder`). Forked
    before the pages are read and while the build runs no thread of its own, the child copies
    little. It ends once the charts are drawn, or are not needed, before Pelican and Pagefind run."""

    def __init__(self):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.conn, child_end = context.Pipe()
        self.process = context.Process(target=_draw_on_request, args=(child_end,), name="charts", daemon=True)
        self.process.start()
        child_end.close()

    def start(self, facts_or_scale, terms, counts: Counter, folder: Path) -> None:
        """Begin drawing (`draw_charts`' arguments); `result` waits for the charts."""
        try:
            self.conn.send((facts_or_scale, terms, counts, folder))
        except OSError:
            pass  # the process is gone: `result` says so

    def draw(self, facts_or_scale, terms, counts: Counter, folder: Path) -> list[ChartFiles]:
        self.start(facts_or_scale, terms, counts, folder)
        return self.result()

    def result(self) -> list[ChartFiles]:
        try:
            drawn, value = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(timeout=10)  # its status is known once it has ended
            raise RuntimeError(f"the process drawing the charts ended with status {self.process.exitcode} before it drew them") from None
        finally:
            self.process.join(timeout=10)  # it ends on its own once it has replied
            self.close()
        if not drawn:
            raise value
        return value

    def close(self) -> None:
        """End the process, drawing or not: it holds nothing but what it was drawing, into a
        folder of its own that the next drawing replaces."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _draw_on_request(conn) -> None:
    """The chart process: import what drawing needs at once, then draw the one request."""
    import multiprocessing
    from multiprocessing.connection import wait

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to report; the build ends this process
    from . import charts  # noqa: F401  (the slow part, done while the build analyses)

    # Waits for the request or the build's end: worker processes forked later hold the
    # build's end of the pipe too, so a build that was killed might never close it.
    if conn not in wait([conn, multiprocessing.parent_process().sentinel]):
        return
    try:
        request = conn.recv()
    except EOFError:  # the build ended first
        return
    try:
        reply = (True, draw_charts(*request, beside=True, close_in_copy=(conn.fileno(),)))
    except Exception as error:
        reply = (False, error)
    conn.send_bytes(_pickled_reply(reply))


class ChartFolder:
    """The report's charts as SVG and CSV in the chart cache, drawn only when what they show
    changed (`chart_inputs_key`): by `drawer` if given, which starts at once and is waited for
    in `files`, else in this process."""

    def __init__(self, analysis: Analysis, cache: Path, drawer: ChartDrawer | None = None):
        gazetteer = load_gazetteer()
        counts: Counter = Counter()
        for article in analysis.articles:
            counts.update(filed_under(article.places, gazetteer))
        self.cache, self.stored, self.drawer = cache, cache / chart_inputs_key(analysis, counts), drawer
        self.tmp = None
        if not (self.stored / "charts.pickle").exists():
            self.tmp = fresh_dir(cache / f".drawing-{os.getpid()}")
            self.inputs = (analysis.scale if analysis.scale is not None else analysis.facts, analysis.terms_by_place, counts, self.tmp)
            if drawer is not None:
                drawer.start(*self.inputs)

    def files(self) -> tuple[list[ChartFiles], ContentFiles]:
        """The charts' records, and their files as content under charts/."""
        if self.tmp is not None:
            written = self.drawer.result() if self.drawer is not None else draw_charts(*self.inputs)
            (self.tmp / "charts.pickle").write_bytes(pickle.dumps(written))
            for old in self.cache.iterdir():  # only the latest charts are kept
                if old != self.tmp:
                    shutil.rmtree(old, ignore_errors=True)
            os.replace(self.tmp, self.stored)
            self.tmp = None
        return pickle.loads((self.stored / "charts.pickle").read_bytes()), folder_files(self.stored, "charts/", (".pickle",))


def charts_about(all_charts: list[ChartFiles]):
    """place -> the report's charts that draw it (a row of the chart's table is that place's;
    a word of another place's naming it does not count)."""
    return lambda place: [c for c in all_charts if place in c.places]


def page_headings(pages: list, on_page: dict[str, list[Article]]) -> list[tuple[str, str]]:
    """(file name, paper and date) of each page, in name order, for 数据下载's list of pages."""
    return sorted((page.name, " ".join(filter(None, page_heading_parts(page, on_page.get(page.name, []))))) for page in pages)


def report_files(analysis: Analysis, data_files: list[str], all_charts: list[ChartFiles],
                 page_texts: list[tuple[str, str]] = ()) -> ContentFiles:
    """统计报告, 地区 and one page per place (with its further article-list pages), 数据下载."""
    gazetteer = load_gazetteer()
    files: ContentFiles = {"pages/report.md": report_page(analysis, gazetteer, charts=all_charts)}
    names = place_names(analysis, gazetteer)
    files["pages/places.md"] = places_index(names, analysis, gazetteer)
    contents = place_contents(analysis, gazetteer)
    charts_showing = charts_about(all_charts)
    for place in names:
        files[f"pages/places/{place_slug(place)}.md"] = place_page(place, analysis, gazetteer, charts=charts_showing(place), contents=contents)
        for name, more in place_article_pages(place, contents).items():
            files[f"pages/{name}.md"] = more
    files["pages/data.md"] = data_page(data_files, page_texts, all_charts)
    return files


def write_data_files(analysis: Analysis, data_dir: Path) -> None:
    write_text(data_dir / "articles.json", articles_json(analysis.articles))
    write_marked_text(data_dir / "articles.csv", articles_csv(analysis.articles))
    write_marked_text(data_dir / "facts.csv", facts_csv(analysis.facts))
    write_text(data_dir / "facts.json", facts_json(analysis.facts))
    if analysis.scale is not None:
        write_marked_text(data_dir / "scale_by_place.csv", table_csv(analysis.scale))
    if analysis.terms_by_place is not None:
        write_marked_text(data_dir / "terms_by_place.csv", table_csv(analysis.terms_by_place))
    if analysis.terms_by_topic is not None:
        write_marked_text(data_dir / "terms_by_topic.csv", table_csv(analysis.terms_by_topic))


def write_page_texts(pages: list, by_page: dict[str, list[Article]], folder: Path, pelican: dict) -> None:
    """Each page's text as read, and as a web page where an article's 版面 links: a reader
    can check an article, its reattached fragments and its figures against the whole page.
    `pelican`: the site's settings, whose name, navigation and stylesheet the web page wears."""
    for page in pages:
        write_marked_text(folder / page.name, page.text)
        write_text(folder / page_view_name(page.name), page_view_html(page, by_page.get(page.name, []), pelican))


def build_stamp(pages: list, data_dir: Path) -> str:
    """A reproducible stamp for the footer: the project's version and a hash of the pages and data."""
    digest = hashlib.sha256()
    for page in sorted(pages, key=lambda p: p.name):
        digest.update(page.name.encode("utf-8") + b"\0" + page.sha256.encode("ascii"))
    digest.update(folder_digest(data_dir))
    return f"v{project_version()} · {digest.hexdigest()[:12]}"


def project_version() -> str:
    try:
        return metadata.version("newspaper-archive")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def site_fingerprint(content: ContentFiles, data: Path, pelican: dict) -> str:
    """Everything the site is made from: generated content, data files, theme, settings, and the
    code that runs Pelican and Pagefind on them (site.py's hooks into Pelican, search.py).

    When it matches the last build's, Pelican and Pagefind would write the same site again."""
    settings = {k: v for k, v in pelican.items() if k not in ("PATH", "OUTPUT_PATH")}
    digest = hashlib.sha256(stable_repr(settings).encode("utf-8"))
    for rel, text in sorted(content.items()):
        digest.update(rel.encode() + b"\0" + (text.encode("utf-8") if isinstance(text, str) else text))
    for folder in (data, Path(pelican["THEME"]), CODE):
        digest.update(b"\0folder\0" + folder_digest(folder))
    return digest.hexdigest()


SITE_PACKAGES = ("pelican", "markdown", "jinja2", "jieba", "matplotlib", "pandas", "pypinyin", "mplfonts", "pagefind")


def inputs_fingerprint(corpus, settings: dict, pelican: dict, base: Path | None) -> str:
    """Everything a build reads: pages, analysis code and data files, settings, hand-written
    content, theme, the base build of a preview, and the versions of the packages doing the work.

    When it matches the last build's, the build would only write the same site again."""
    digest = hashlib.sha256(folder_digest(CODE))  # all analysis code and data files
    for page in sorted(corpus.pages, key=lambda p: p.name):
        digest.update(f"{page.name}\0{page.sha256}\0{sorted(page.source.items())!r}\n".encode("utf-8"))
    digest.update("\n".join(map(str, corpus.problems)).encode("utf-8"))
    digest.update(stable_repr(settings).encode("utf-8"))
    digest.update(stable_repr({k: v for k, v in pelican.items() if k not in ("PATH", "OUTPUT_PATH")}).encode("utf-8"))
    digest.update(" ".join(package_version(name) for name in SITE_PACKAGES).encode("utf-8"))
    folders = [PROJECT_ROOT / "content", Path(pelican["THEME"])] + ([base / "data"] if base is not None else [])
    for folder in folders:
        digest.update(b"\0folder\0" + str(folder).encode("utf-8"))
        digest.update(folder_digest(folder))
    return digest.hexdigest()


def folder_digest(folder: Path) -> bytes:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def package_version(name: str) -> str:
    try:
        return f"{name}={metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return f"{name}=?"


def stable_repr(value) -> str:
    """repr without memory addresses: functions by name, mappings in key order."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{k!r}:{stable_repr(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return "[" + ",".join(stable_repr(v) for v in items) + "]"
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"
    return repr(value)


# Values the build derives from the pages for the templates; Pelican's readers never use them,
# so a change to them must not throw away the content cache.
BUILD_DERIVED_SETTINGS = ("PATH", "OUTPUT_PATH", "CACHE_PATH", "BUILD_STAMP", "HOME_HIGHLIGHTS", "FOCUS_TOPIC", "TOPIC_NOTES", "SEARCH_BUNDLES", "SEARCH_PAGE_FILTERS")


class PelicanCache:
    """Pelican's content cache (what its readers made of each unchanged file), held safely.

    Pelican rewrites its cache files in place, and a run that fails or is killed while saving
    leaves a truncated file that stops the next run. So a run takes the cache out of its
    place and returns it only when Pelican finished and saved without complaint; otherwise
    the next build starts without one. Cached objects carry the settings they were read
    with, and what site.py's reader made of the files, so the cache is kept per settings and
    code."""

    # Pelican gzips its cache at the highest level by default: at 10,000 articles that took
    # 1.3 s of every build, for a file that stays in the work folder.
    SETTINGS = {"LOAD_CONTENT_CACHE": True, "CACHE_CONTENT": True, "GZIP_CACHE": False}

    def __init__(self, work: Path, settings: dict):
        kept = {k: v for k, v in {**settings, **self.SETTINGS}.items() if k not in BUILD_DERIVED_SETTINGS}
        key = hashlib.sha256((stable_repr(kept) + package_version("pelican")).encode("utf-8") + folder_digest(CODE)).hexdigest()[:16]
        self.folder = work / "cache" / "pelican"
        self.kept = self.folder / key
        self.running = self.folder / "running"

    def take(self) -> Path:
        shutil.rmtree(self.running, ignore_errors=True)  # left by a run that did not finish
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.kept.is_dir():
            os.rename(self.kept, self.running)
        for other in self.folder.iterdir():  # caches of other settings are not coming back
            if other != self.running:
                shutil.rmtree(other, ignore_errors=True)
        self.running.mkdir(parents=True, exist_ok=True)
        return self.running

    def give_back(self) -> None:
        os.rename(self.running, self.kept)


class _SaveFailures(logging.Handler):
    """Collects Pelican's "Could not save cache" warnings."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_pelican_cached(pelican: dict, cache: PelicanCache, reuse: RenderedPages | None = None,
                       after_articles: Callable[[], None] | None = None) -> None:
    failures = _SaveFailures()
    logger = logging.getLogger("pelican.cache")
    logger.addHandler(failures)
    try:
        run_pelican(pelican, reuse, after_articles)
    finally:
        logger.removeHandler(failures)
    if not failures.messages:
        cache.give_back()


def rendered_pages(work: Path, output: Path, pelican: dict, stamp: str) -> RenderedPages:
    """What the last build into `output` rendered, for this build to copy from (`RenderedPages`).

    The base of every page's key: settings (but those the build derives from the pages, which
    an article page does not show, and the stamp, which is replaced), the theme, the code that
    hooks into Pelican's rendering (site.py), and the versions of the packages that render."""
    kept = {k: v for k, v in pelican.items() if k not in BUILD_DERIVED_SETTINGS}
    base = hashlib.sha256(stable_repr(kept).encode("utf-8"))
    base.update(folder_digest(Path(pelican["THEME"])))
    base.update(folder_digest(CODE))
    base.update(" ".join(package_version(name) for name in SITE_PACKAGES).encode("utf-8"))
    previous, record = (output, last_rendered(work, output)) if output.is_dir() else (None, {})
    return RenderedPages(previous, record, base.hexdigest(), stamp, Path(pelican["PATH"]))


def read_record(path: Path, output: Path) -> dict:
    """A JSON record the last build into `output` left in the work folder; {} for another
    output folder, or none."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) and record.get("output") == str(output.resolve()) else {}


def write_record(path: Path, output: Path, record: dict) -> None:
    write_text(path, json.dumps({"output": str(output.resolve()), **record}, ensure_ascii=False) + "\n")


def last_rendered(work: Path, output: Path) -> dict:
    return read_record(work / "cache" / "rendered-pages.json", output)


def remember_rendered(work: Path, output: Path, reuse: RenderedPages) -> None:
    write_record(work / "cache" / "rendered-pages.json", output, reuse.to_record())


def last_build(work: Path, output: Path) -> dict:
    """What the last build into `output` recorded: its fingerprints."""
    return read_record(work / "last-build.json", output)


def analysis_file(work: Path, inputs: str) -> Path:
    """Where the analysis made from these inputs is kept: an unchanged rebuild reports it without
    redoing it, and the build itself drops it from memory while Pelican and Pagefind run."""
    return work / "cache" / "analysis" / f"{inputs[:24]}.pickle"


def store_analysis(analysis: Analysis, path: Path) -> Path:
    for old in path.parent.glob("*.pickle"):  # only the latest analysis is kept
        old.unlink()
    write_bytes(path, pickle.dumps(analysis, protocol=pickle.HIGHEST_PROTOCOL))
    return path


def load_analysis(path: Path) -> Analysis | None:
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None


def remember_build(work: Path, output: Path, fingerprint: str, inputs: str) -> None:
    write_record(work / "last-build.json", output, {"fingerprint": fingerprint, "inputs": inputs})


def unchanged_analysis(work: Path, output: Path, inputs: str) -> Analysis | None:
    """The last build's analysis when nothing it read has changed and its site is still there."""
    if not output.is_dir() or last_build(work, output).get("inputs") != inputs:
        return None
    return load_analysis(analysis_file(work, inputs))


def release_memory(thaw: bool = True) -> None:
    """Hand memory freed by Python back to the system, so Pelican and Pagefind, which run after the
    analysis is dropped, do not stack their peaks on top of it (glibc keeps freed heap otherwise).

    `thaw=False` collects only what was made since the last `gc.freeze()`: walking the frozen
    objects too costs a pass over everything alive (0.06 s for the imported modules alone), and
    is needed only once frozen objects may have become garbage in cycles."""
    if thaw:
        gc.unfreeze()  # objects frozen while they were in use are collected like any others again
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused, just not returned
        pass


def changes_files(base: Path, data: Path) -> ContentFiles:
    """For pull-request previews: what this build changes in the data, against a base build
    (the page, and changes.json beside the other data files)."""
    changes = compare(base / "data", data)
    write_text(data / "changes.json", changes_json(changes))
    return {"pages/changes.md": changes_markdown(changes, base.name)}


def sync_content(files: ContentFiles, target: Path) -> Path:
    """Make `target` hold exactly these files, writing only those that changed.

    Unchanged files keep their modification time, so Pelican's content cache can skip them;
    a changed file is written aside and renamed (`write_bytes`), so no reader sees half of it."""
    wanted = {rel: data.encode("utf-8") if isinstance(data, str) else data for rel, data in files.items()}
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        if path.relative_to(target).as_posix() not in wanted:
            path.unlink()
    for rel, data in sorted(wanted.items()):
        path = target / rel
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                continue
        except FileNotFoundError:
            pass
        write_bytes(path, data)
    return target


@dataclass
class BuildOutcome:
    """What a build made. The full analysis stays on disk until someone asks for it."""

    output: Path
    problems: list[PageProblem]
    articles: int
    pages: int  # pages that yielded articles
    analysis_path: Path
    _analysis: Analysis | None = field(default=None, repr=False)

    @classmethod
    def of(cls, analysis: Analysis, output: Path, analysis_path: Path) -> "BuildOutcome":
        pages = len({a.page for a in analysis.articles})
        return cls(output, list(analysis.problems), len(analysis.articles), pages, analysis_path)

    @property
    def analysis(self) -> Analysis:
        if self._analysis is None:
            self._analysis = load_analysis(self.analysis_path)
            if self._analysis is None:
                raise FileNotFoundError(f"{self.analysis_path}: the analysis of this build is no longer kept")
        return self._analysis

    @property
    def skipped(self) -> list[PageProblem]:
        return [p for p in self.problems if p.skipped]

    def summary(self) -> str:
        """The build's last line: what was built and what was skipped."""
        line = f"built {self.articles} articles from {self.pages} pages; skipped {len(self.skipped)} file(s)"
        return line + (": " + ", ".join(p.page for p in self.skipped) if self.skipped else "")


class BuildRefused(ValueError):
    """A build that would lose what is already there: the message says what and why."""


def check_folders(seeds: Path, output: Path, work: Path, conf: Path) -> None:
    """Refuse folders that would make the build delete its own input or someone else's files:
    the new site replaces OUTPUT whole, so OUTPUT must hold none of the pages, the work folder,
    the settings or the project, must not lie among the pages (which are read with their
    subfolders), and must be missing, empty or a site this build made (`SITE_MARKS`)."""
    if not seeds.is_dir():
        raise BuildRefused(f"{seeds}: no such folder of pages")
    if not conf.is_file():
        raise BuildRefused(f"{conf}: no such settings file")
    out = output.resolve()
    inputs = {"the pages (--seeds)": seeds, "the work folder (--work)": work, "the settings": conf, "the project": PROJECT_ROOT}
    for what, path in inputs.items():
        inside = path.resolve()
        if inside == out or out in inside.parents:
            raise BuildRefused(f"{output}: the output folder would hold {what} ({path}), which replacing it would delete; choose another --output")
    if seeds.resolve() in out.parents:
        raise BuildRefused(f"{output}: the output folder lies among the pages ({seeds}), whose subfolders are read as pages; choose another --output")
    if output.exists() and not output.is_dir():
        raise BuildRefused(f"{output}: the output folder is a file, which replacing it would delete; choose another --output")
    if output.is_dir() and not all((output / mark).is_file() for mark in SITE_MARKS):
        other = next(iter(sorted(p.name for p in output.iterdir())), None)
        if other is not None:  # an empty folder is there to be filled
            raise BuildRefused(f"{output}: the output folder holds files that are not a site this build made (such as {other}), "
                               "which replacing it would delete; choose another --output, or empty it first")


# Files every site this build makes holds, written by the build itself rather than by Pelican
# (whose settings may put its pages elsewhere): a folder without them is someone else's, and is
# never replaced (--output pointed at a folder of documents deleted them).
SITE_MARKS = ("data/articles.json", SEARCH_MANIFEST)


def check_reference_data() -> None:
    """Load the reference data every build needs, so that a file that will not load stops the
    build before it starts (settings.ReferenceDataError, naming the file)."""
    load_vocab()
    load_gazetteer()
    load_topics()
    data_dictionary()


def readable_settings(conf: Path, content: Path, output: Path, overrides: dict | None) -> dict:
    """Pelican's settings from `conf`; a file that will not run refuses the build in one line
    naming the file and where, not in the interpreter's traceback."""
    try:
        return pelican_settings(conf, content, output, overrides)
    except SyntaxError as error:  # in the file, or in one it imports (publishconf.py imports pelicanconf.py)
        where = error.filename or conf
        raise BuildRefused(f"{where}: line {error.lineno}: {error.msg}; the settings file {conf} does not run") from error
    except Exception as error:
        raise BuildRefused(f"{conf}: {type(error).__name__}: {error}; the settings file does not run") from error


def build(
    seeds: Path,
    output: Path,
    work: Path,
    conf: Path,
    *,
    pelican_overrides: dict | None = None,
    settings: dict | None = None,
    base: Path | None = None,
    progress: Progress | None = None,
) -> BuildOutcome:
    progress = progress or Progress()
    check_folders(seeds, output, work, conf)
    if base is not None and not (base / "data").is_dir():  # a typo in a preview's BASE compared with nothing
        raise BuildRefused(f"{base}: no data/ folder of a built site to compare with (--base); build that site first")
    check_reference_data()  # before the charts' process forks, which would meet a bad file again
    drawer = ChartDrawer()  # ends once the charts are drawn or found drawn, and in any case with the build
    try:
        return _build(seeds, output, work, conf, drawer, progress, pelican_overrides, settings, base)
    finally:
        drawer.close()


def _build(seeds: Path, output: Path, work: Path, conf: Path, drawer: ChartDrawer, progress: Progress,
           pelican_overrides: dict | None, settings: dict | None, base: Path | None) -> BuildOutcome:
    settings = load_settings(settings)
    corpus = read_corpus(seeds, settings)
    pelican_read = readable_settings(conf, seeds, output, pelican_overrides)
    inputs = inputs_fingerprint(corpus, settings, pelican_read, base)
    progress.step(f"read {len(corpus.pages)} pages from {seeds}", "ingest")
    unchanged = unchanged_analysis(work, output, inputs)
    if unchanged is not None:
        progress.step(f"nothing changed since the last build; {output} kept as it is", "swap")
        return BuildOutcome.of(unchanged, output, analysis_file(work, inputs))
    analysis = analyse(corpus, settings, cache_dir=work / "cache" / "pages")
    for address, names in shared_source_pages({a.publication for a in analysis.articles if a.publication}, pelican_read).items():
        analysis.problems.append(PageProblem(settings["SOURCES_FILE"], f"the publications {'、'.join(names)} share one source page, {address}, "
                                             "under one of their names: the page's address is made from the name's pinyin", skipped=False))
    progress.step(f"analysed {analysis.pages} pages: {len(analysis.articles)} articles", "analysis")
    if not analysis.articles and (output / "index.html").is_file():
        # An emptied or unreadable folder of pages must not wipe the archive built from it.
        reasons = "".join(f"\n  {p}" for p in analysis.problems)
        raise BuildRefused(f"{seeds}: no page gave an article, so the site in {output} is kept as it is{reasons}")

    staging = fresh_dir(staging_dir(output))
    indexing = None
    try:
        gc.freeze()  # the analysis lives until Pelican runs; the collector need not walk it over and over
        charts_drawn = ChartFolder(analysis, work / "cache" / "charts", drawer)  # drawn while the Markdown is made
        on_page = articles_by_page(analysis.articles)
        files = {**folder_files(PROJECT_ROOT / "content"), **article_files(analysis, on_page)}
        write_data_files(analysis, staging / "data")
        write_page_texts(corpus.pages, on_page, staging / "data" / PAGE_TEXTS, pelican_read)
        progress.step("made the generated Markdown and wrote the data files", "markdown")
        chart_records, charts = charts_drawn.files()
        drawer.close()  # gone before Pelican and Pagefind, which take the memory
        files.update(charts)
        progress.step(f"drew {len(chart_records)} charts", "charts")
        files.update(report_files(analysis, sorted(p.name for p in (staging / "data").iterdir()), chart_records,
                                  page_headings(corpus.pages, on_page)))
        if base is not None:
            files.update(changes_files(base, staging / "data"))
        content = sync_content(files, work / "content")
        progress.step("wrote the report pages and the changed generated files", "markdown")
        stamp = build_stamp(corpus.pages, staging / "data")
        highlights = home_highlights(analysis.scale, analysis.facts, analysis.articles)
        notes = {name: markdown.markdown(text, extensions=["tables"]) for name, text in topic_notes(analysis.terms_by_topic, analysis.topic_names).items()}
        shards = search_shards([a.url for a in analysis.articles], settings["SEARCH_SHARD_PAGES"], {a.url: a.page for a in analysis.articles})
        overrides = {
            "BUILD_STAMP": stamp,
            "HOME_HIGHLIGHTS": highlights,
            "FOCUS_TOPIC": analysis.topic_names.get(load_topics().focus, ""),
            "TOPIC_NOTES": notes,
            "SEARCH_BUNDLES": search_bundles(shards),
            "SEARCH_PAGE_FILTERS": PAGE_FILTERS,
            **(pelican_overrides or {}),
        }
        pelican = pelican_settings(conf, content, staging, overrides)
        fingerprint = site_fingerprint(files, staging / "data", pelican)
        outcome = BuildOutcome.of(analysis, output, store_analysis(analysis, analysis_file(work, inputs)))
        del analysis, corpus, files, on_page
        unload_dictionaries()  # the report's concordance was the last use of jieba in this process
        # What the analysis held goes by reference counting (a probe found no cycles in it); the
        # cycles made since the freeze (drawn charts, Markdown converters) go by collection.
        release_memory(thaw=False)
        if output.is_dir() and last_build(work, output).get("fingerprint") == fingerprint:
            shutil.rmtree(staging)
            remember_build(work, output, fingerprint, inputs)
            progress.step(f"the site would be the same as the last build's; {output} kept as it is", "swap")
            return outcome
        cache = PelicanCache(work, pelican)
        pelican.update(PelicanCache.SETTINGS, CACHE_PATH=str(cache.take()))
        shown_stamp = pelican.get("BUILD_STAMP") or ""  # what the pages carry: the settings may set their own
        reuse = rendered_pages(work, output, pelican, shown_stamp)
        # The search index is made on a thread once the article pages are written (`SearchIndexing`).
        search_pages = work / "search-pages"  # the article pages as Pagefind reads them, kept for the next build
        search_pages.mkdir(parents=True, exist_ok=True)
        indexing = SearchIndexing(staging, shards, output if output.is_dir() else None, settings["SEARCH_BESIDE_PELICAN_PAGES"],
                                  known=reuse.search_digests, stamp=shown_stamp, kept=search_pages)
        gc.freeze()  # what exists now outlives Pelican's run: keep its collections to Pelican's objects
        run_pelican_cached(pelican, cache, reuse, after_articles=indexing.articles_written)
        copied = f"; {reuse.copied} unchanged article pages copied from the last build, {reuse.rendered} rendered" if reuse.copied else ""
        copied += f"; {reuse.others_copied} other unchanged pages copied" if reuse.others_copied else ""
        progress.step(f"Pelican built the site into {staging.name}{copied}", "pelican")
        search = indexing.finish(meanwhile=release_memory)  # Pelican's objects go while the index is made
        write_sitemap(staging, pelican.get("SITEURL", ""))
        parts = len(search.built) + len(search.reused)
        reused = f"; {len(search.reused)} of its {parts} parts were unchanged and kept" if search.reused else ""
        progress.step(f"Pagefind indexed the site for search{reused}", "search")
        swap_in(staging, output)
        reuse.note_search_digests(search.page_digests)
        remember_rendered(work, output, reuse)
        remember_build(work, output, fingerprint, inputs)
    except BaseException:
        gc.unfreeze()
        if indexing is not None:
            indexing.cancel()  # before its folder goes
        try:
            remove_tree(staging)
        except OSError:
            pass  # what went wrong first is what the user needs to see
        raise
    progress.step(f"site ready in {output}", "swap")
    return outcome
