"""The built site in a real browser: Debian's Chromium driven by Playwright, at phone and desktop widths."""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from urllib.parse import urljoin, urlsplit

import pytest

from analysis.build import Progress, build
from analysis.site import search_shards
from tests.corpus import ROOT, SEEDS

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The flags keep Chromium off the network: this machine reaches nothing but package registries.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WIDTHS = [375, 1280]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed; `make test` installs Debian's chromium")
        pytest.skip("Chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    out = tmp / "out"
    build(SEEDS, out, tmp / "work", ROOT / "pelicanconf.py", progress=Progress(quiet=True))
    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", out
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def platform_fonts(page, selector):
    """The fonts Chromium actually used to draw an element's text (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return fonts


def article_path(out, title_fragment):
    for path in sorted((out / "articles").glob("*.html")):
        if title_fragment in path.read_text(encoding="utf-8"):
            return path.relative_to(out).as_posix()
    raise AssertionError(title_fragment)


def reader_pages(out):
    return {
        "home": "index.html",
        "article": article_path(out, "<h1 data-pagefind-meta=\"title\">倾听居民想法"),
        "topic": "topics/lao-jiu-xiao-qu-gai-zao.html",
        "archive": "archives.html",
        "place": "places/wu-shan-xian.html",
        "report": "report.html",
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_screen_have_no_errors_and_render_chinese(browser, site_url, width):
    base, out = site_url
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for name, path in reader_pages(out).items():
        page.goto(f"{base}/{path}")
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (name, width, overflow)
        heading = page.inner_text("h1")
        assert any("\u4e00" <= c <= "\u9fff" for c in heading), name
        fonts = platform_fonts(page, "h1")
        # The glyphs were drawn from a real CJK font, not as missing-glyph boxes.
        assert any("CJK" in f["familyName"] and f["glyphCount"] > 0 for f in fonts), (name, fonts)
        # Charts are lazy-loaded for readers; load them all now to check each one draws.
        charts = page.evaluate(
            "[...document.querySelectorAll('figure.chart img')].map(i => { i.loading = 'eager'; return i.src; })"
        )
        if name in ("report", "place"):
            assert charts, name
        page.wait_for_function("[...document.querySelectorAll('figure.chart img')].every(i => i.complete && i.naturalWidth > 0)")
        for box in page.evaluate("[...document.querySelectorAll('figure.chart img')].map(i => i.getBoundingClientRect().width)"):
            assert 0 < box <= width, (name, width, box)
        page.screenshot(path=str(out.parent / f"{name}-{width}.png"), full_page=True)
    assert errors == []
    page.close()


def test_searching_jiazhuang_dianti_finds_the_renovation_articles(browser, site_url):
    base, out = site_url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/search.html")
    page.fill("input[type=text], input[type=search]", "加装电梯")
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    titles = page.locator(".pagefind-ui__result-link").all_inner_texts()
    articles = json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))
    renovation = {a["title"] for a in articles if "renovation" in a["topics"]}
    assert any("倾听居民想法" in t for t in titles), titles
    assert titles and all(t in renovation for t in titles), (titles, renovation)
    page.close()


def test_keyword_links_open_the_search_with_results(browser, site_url):
    base, out = site_url
    page = browser.new_page()
    page.goto(f"{base}/search.html?q=物业")
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    assert page.locator(".pagefind-ui__result-link").count() >= 2
    page.close()


def test_hostile_text_stays_text_in_search_results_and_articles(browser, tmp_path):
    from tests.test_hostile_text import HOSTILE

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out"
    build(seeds, out, tmp_path / "work", ROOT / "pelicanconf.py", progress=Progress(quiet=True))
    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dialogs: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        page.goto(f"{base}/search.html?q=老旧小区改造")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
        page.wait_for_timeout(500)
        results = page.locator("#search")
        assert results.locator("img[src='x'], script").count() == 0
        assert "onerror" not in results.inner_html() or "&lt;img" in results.inner_html()
        article = next((out / "articles").glob("*.html")).relative_to(out).as_posix()
        page.goto(f"{base}/{article}")
        page.wait_for_load_state("networkidle")
        assert page.locator("article img").count() == 0
        assert "<script>alert(\"headline\")</script>" in page.inner_text("h1")
        assert dialogs == []
    finally:
        page.close()
        server.shutdown()


SUB_PATH = "archive/site"  # the site is served below the server's root, as on a project host


@pytest.fixture(scope="module")
def sharded_site_url(tmp_path_factory):
    """The seed pages built with three search shards, served under a sub-path."""
    tmp = tmp_path_factory.mktemp("sharded")
    out = tmp / SUB_PATH
    build(SEEDS, out, tmp / "work", ROOT / "pelicanconf.py", settings={"SEARCH_SHARD_PAGES": 10}, progress=Progress(quiet=True))
    handler = functools.partial(QuietHandler, directory=str(tmp))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/{SUB_PATH}", out
    server.shutdown()


def search_results(page, base: str, query: str) -> list[tuple[str, str]]:
    """(site-relative URL, title) of every result the search page shows for `query`, in order."""
    page.goto(f"{base}/search.html?q={query}")
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    page.wait_for_load_state("networkidle")
    while page.locator(".pagefind-ui__button").count():  # "load more results"
        page.click(".pagefind-ui__button")
        page.wait_for_load_state("networkidle")
    prefix = urlsplit(base).path + "/"
    links = page.locator(".pagefind-ui__result-link")
    results = []
    for i in range(links.count()):
        path = urlsplit(urljoin(page.url, links.nth(i).get_attribute("href"))).path
        assert path.startswith(prefix), (path, prefix)  # results stay under the site's own sub-path
        results.append((path.removeprefix(prefix), links.nth(i).inner_text()))
    return results


def test_search_over_several_shards_finds_what_one_index_finds_and_opens_it(browser, site_url, sharded_site_url):
    (one_base, _), (base, out) = site_url, sharded_site_url
    articles = json.loads((out / "data" / "articles.json").read_text(encoding="utf-8"))
    shards = search_shards([a["url"] for a in articles], 10)
    assert len(shards) == 3
    shard_of = {url: i for i, urls in enumerate(shards) for url in urls}
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    answered_from = set()
    for query in ["加装电梯", "电梯"]:
        expected = dict(search_results(page, one_base, query))  # the same pages with one bundle
        found = dict(search_results(page, base, query))
        assert expected and expected.items() <= found.items(), query
        answered_from |= {shard_of[url] for url in expected}
        for url, title in found.items():
            response = page.goto(f"{base}/{url}")
            assert response is not None and response.status == 200, url
            assert page.inner_text("h1") == title
    assert len(answered_from) >= 2  # the merged bundles all answer, not just the first
    page.close()
    assert errors == []
