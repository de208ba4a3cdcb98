"""The theme against a real build of the seed pages: structure, accessibility hooks,
search attributes, links, CSS.

The seeds are built once per module with the project's own build (Pelican and all),
and the tests read the HTML it wrote. Nothing is mocked.
"""
from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pytest

from analysis.build import Progress, build
from analysis.terms import headline_words

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CONF = ROOT / "pelicanconf.py"
CSS = ROOT / "theme" / "static" / "css" / "main.css"

NAV = {
    "index.html": "首页",
    "archives.html": "文章",
    "places.html": "地区",
    "tags.html": "话题",
    "categories.html": "来源",
    "report.html": "统计报告",
    "data.html": "数据下载",
    "search.html": "搜索",
}

# Pages the theme links to that other parts of the build will generate later.
# Keep this list explicit and small: everything else must exist in the output.

FONT_STACK = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'

SEED_ARTICLE = {
    "title": "倾听居民想法 难题找到解法",
    "kicker": "河南洛阳西工区深入推进老旧小区改造",
    "byline": "本报记者 毕京津",
}


# --- building and reading the site ----------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("theme")
    build(SEEDS, base / "output", base / "work", CONF, progress=Progress(quiet=True))
    return base / "output"


@pytest.fixture(scope="module")
def work(site) -> Path:
    return site.parent / "work"


def parse(path: Path):
    return html5lib.parse(path.read_text(encoding="utf-8"), namespaceHTMLElements=False)


def text_of(element) -> str:
    return "".join(element.itertext()).strip()


@pytest.fixture(scope="module")
def pages(site) -> dict[str, object]:
    """Site-relative path -> parsed document, for every HTML page of the theme: not the pages'
    texts under data/, a data file each, which only link the home page and the text file."""
    return {p.relative_to(site).as_posix(): parse(p) for p in sorted(site.rglob("*.html")) if p.relative_to(site).parts[0] != "data"}


@pytest.fixture(scope="module")
def article_pages(pages) -> dict[str, object]:
    return {path: doc for path, doc in pages.items() if path.startswith("articles/")}


def metadata(markdown: Path) -> dict[str, str]:
    """The header of a generated Markdown file, values unescaped to the text readers see."""
    head = markdown.read_text(encoding="utf-8").split("\n\n", 1)[0]
    pairs = (line.split(": ", 1) for line in head.splitlines() if ": " in line)
    return {key.lower(): html.unescape(value) for key, value in pairs}


@pytest.fixture(scope="module")
def article_meta(work) -> dict[str, dict[str, str]]:
    """Site-relative URL -> metadata, for every generated article."""
    found = {}
    for markdown in sorted((work / "content").rglob("*.md")):
        meta = metadata(markdown)
        if meta.get("save_as", "").startswith("articles/"):
            found[meta["save_as"]] = meta
    return found


def page_by_title(article_pages, title: str):
    for path, doc in article_pages.items():
        h1 = doc.find(".//h1")
        if h1 is not None and text_of(h1) == title:
            return path, doc
    raise AssertionError(f"no article page titled {title!r}")


# --- every page ---------------------------------------------------------------------


def test_the_build_wrote_the_theme_pages(site, pages, article_pages):
    for name in ("index.html", "archives.html", "tags.html", "categories.html", "search.html", "404.html", "about.html"):
        assert name in pages, name
    assert len(article_pages) >= 20
    assert (site / "theme" / "css" / "main.css").is_file()


def test_every_page_is_chinese_with_one_h1(pages):
    for path, doc in pages.items():
        assert doc.tag == "html" and doc.get("lang") == "zh-CN", path
        assert len(doc.findall(".//h1")) == 1, path
        assert doc.find(".//title") is not None and text_of(doc.find(".//title")), path


def test_every_page_has_landmarks_and_a_skip_link(pages):
    for path, doc in pages.items():
        body = doc.find("body")
        first_link = body.find(".//a")
        assert first_link.get("href") == "#main" and text_of(first_link) == "跳到正文", path
        mains = doc.findall(".//main")
        assert len(mains) == 1 and mains[0].get("id") == "main", path
        for landmark in ("header", "nav", "footer"):
            assert doc.find(f".//{landmark}") is not None, (path, landmark)


def test_every_page_has_the_eight_nav_links(pages):
    for path, doc in pages.items():
        nav = doc.find(".//nav[@aria-label='网站导航']")
        assert nav is not None, path
        depth = path.count("/")
        links = {}
        for a in nav.iter("a"):
            target = a.get("href")
            prefix = "../" * depth if depth else "./"
            assert target.startswith(prefix), (path, target)
            links[target[len(prefix):]] = text_of(a)
        assert links == NAV, path


def test_the_nav_marks_where_the_reader_is(pages, article_pages):
    def current(doc):
        nav = doc.find(".//nav[@aria-label='网站导航']")
        return {text_of(a): a.get("aria-current") for a in nav.iter("a") if a.get("aria-current")}

    assert current(pages["index.html"]) == {"首页": "page"}
    assert current(pages["archives.html"]) == {"文章": "page"}
    assert current(pages["tags.html"]) == {"话题": "page"}
    assert current(pages["categories.html"]) == {"来源": "page"}
    assert current(pages["search.html"]) == {"搜索": "page"}
    for doc in article_pages.values():
        assert current(doc) == {"文章": "true"}
    for path, doc in pages.items():
        if path.startswith("topics/"):
            assert current(doc) == {"话题": "true"}, path
        if path.startswith("sources/"):
            assert current(doc) == {"来源": "true"}, path
        if path.startswith("places/"):  # a place's page, and the later pages of its list
            assert current(doc) == {"地区": "true"}, path
    # said once a navigation, and the site's name, leading home, not marked besides 首页
    assert all(len([a for a in nav.iter("a") if a.get("aria-current")]) <= 1 for doc in pages.values() for nav in doc.iter("nav"))
    assert all(doc.find(".//p[@class='site-name']/a").get("aria-current") is None for doc in pages.values())


def test_headings_go_down_one_level_at_a_time(pages):
    for path, doc in pages.items():
        levels = [int(el.tag[1]) for el in doc.iter() if isinstance(el.tag, str) and re.fullmatch(r"h[1-6]", el.tag)]
        assert levels and levels[0] == 1, path
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, (path, levels)


def test_pages_are_well_formed_html(site):
    """html5lib's strict mode refuses what browsers would have to repair."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for page in sorted(site.rglob("*.html")):
        try:
            parser.parse(page.read_text(encoding="utf-8"))
        except html5lib.html5parser.ParseError as error:
            pytest.fail(f"{page.relative_to(site)}: {error}")


def test_footer_links_data_and_about_and_shows_no_build_time(pages):
    stamps = set()
    for path, doc in pages.items():
        footer = doc.find(".//footer")
        targets = {a.get("href").rsplit("/", 1)[-1]: text_of(a) for a in footer.iter("a")}
        assert targets.get("data.html") == "数据下载", path
        assert targets.get("about.html") == "关于", path
        stamp = footer.find(".//p[@class='build-stamp']")
        stamps.add(text_of(stamp) if stamp is not None else None)
    assert len(stamps) == 1, stamps  # the same stamp (or none) on every page
    for stamp in stamps - {None}:
        assert not re.search(r"\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月", stamp), stamp


# --- no other hosts, and every internal link works ------------------------------------


def links(doc):
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is not None:
                yield element.tag, attribute, value.strip()


def test_no_page_loads_or_links_anything_from_another_host(pages):
    for path, doc in pages.items():
        for tag, attribute, value in links(doc):
            assert not re.match(r"(?i)(https?:)?//", value), (path, tag, attribute, value)


def test_every_internal_link_resolves(site, pages):
    missing = []
    for path, doc in pages.items():
        here = (site / path).parent
        ids = {el.get("id") for el in doc.iter() if isinstance(el.tag, str) and el.get("id")}
        for tag, attribute, value in links(doc):
            parts = urlsplit(value)
            if parts.scheme in ("mailto", "tel", "data"):
                continue
            if not parts.path:  # "#fragment" on the same page
                if parts.fragment:
                    assert unquote(parts.fragment) in ids, (path, value)
                continue
            target = (here / unquote(parts.path)).resolve()
            try:
                relative = target.relative_to(site.resolve()).as_posix()
            except ValueError:
                missing.append((path, value, "outside the site"))
                continue
            if target.is_dir():
                target = target / "index.html"
                relative = f"{relative}/index.html".lstrip("/")
            if not target.is_file():
                missing.append((path, value))
            elif parts.fragment and relative in pages:
                # Sentence anchors of facts, and any other #fragment, must exist on the target page.
                if unquote(parts.fragment) not in page_ids(pages[relative]):
                    missing.append((path, value, "no such anchor"))
    assert not missing, missing[:20]


def page_ids(doc) -> set:
    return {el.get("id") for el in doc.iter() if isinstance(el.tag, str) and el.get("id")}


def test_every_fact_links_to_its_sentence_on_the_article_page(site, pages):
    import csv

    with (site / "data" / "facts.csv").open(encoding="utf-8-sig") as fh:
        facts = list(csv.DictReader(fh))
    assert facts
    for fact in facts:
        doc = pages[fact["article_url"]]
        sentence = next(el for el in doc.iter() if isinstance(el.tag, str) and el.get("id") == fact["anchor"])
        # As a reader sees it: a key point's mark (●) is drawn from its attribute.
        mark = "".join(el.get("data-mark", "") for el in sentence.iter() if isinstance(el.tag, str) and el.get("class") == "key-mark")
        assert mark + "".join(sentence.itertext()) == fact["sentence"]


# --- article pages ------------------------------------------------------------------


def test_article_shows_kicker_above_the_title_and_byline(article_pages):
    path, doc = page_by_title(article_pages, SEED_ARTICLE["title"])
    header = doc.find(".//article/header")
    children = [el for el in header if isinstance(el.tag, str)]
    tags = [el.tag for el in children]
    kicker = header.find("p[@class='kicker']")
    assert text_of(kicker) == SEED_ARTICLE["kicker"]
    assert tags.index("p") < tags.index("h1") and children[tags.index("h1") - 1] is kicker
    assert text_of(header.find("p[@class='byline']")) == SEED_ARTICLE["byline"]
    assert header.find(".//a[@data-pagefind-filter='来源']").get("href") == "../sources/ren-min-ri-bao.html"


def test_a_summary_box_shows_the_label_the_paper_printed_over_it_and_the_data_keep_it(site, article_pages):
    path, doc = page_by_title(article_pages, SEED_ARTICLE["title"])
    box = doc.find(".//article//aside[@class='summary-box']")
    label = box.find("p[@class='summary-box__label']")
    assert text_of(label) == "核心阅读" and box.get("aria-labelledby") == label.get("id")  # named by what it shows
    assert label.get("data-pagefind-ignore") is not None  # not a word of every such story in search
    assert text_of(box.find("ul[@class='summary']/li")).startswith("河南省洛阳市西工区承担了全市中心城区54%")
    # "●" key points are the story's own lines, with no label of the paper's: no box around them
    points = [d for d in article_pages.values() if d.find(".//ul[@class='summary']") is not None and d.find(".//aside[@class='summary-box']") is None]
    assert points
    records = {r["url"]: r for r in json.loads((site / "data" / "articles.json").read_text(encoding="utf-8"))}
    assert records[path]["summary_label"] == "核心阅读"
    # the label heads the box, not the story: listings and the page's description start with the story
    description = doc.find(".//meta[@name='description']").get("content")
    assert description.startswith("河南省洛阳市西工区") and "核心阅读" not in (site / "index.html").read_text(encoding="utf-8")
    assert all("title_words" not in r for r in records.values())  # how the site breaks a headline is not data


def test_headlines_break_only_between_their_words_on_the_article_and_in_listings(site, article_meta):
    """The h1 and every listing's entry mark their line breaks with <wbr> between the words
    of the title (terms.headline_words) and carry the class that keeps the rest whole; the
    page's <title> stays plain text."""
    listing = (site / "index.html").read_text(encoding="utf-8")
    marked = 0
    for path, meta in article_meta.items():
        page = (site / path).read_text(encoding="utf-8")
        expected = "<wbr>".join(html.escape(w) for w in headline_words(meta["title"]))
        h1 = re.search(r'<h1 data-pagefind-meta="title"( class="wordwise")?>(.*?)</h1>', page, re.S)
        assert h1 is not None and h1.group(2) == expected, (path, h1 and h1.group(2))
        assert bool(h1.group(1)) == ("<wbr>" in expected), path
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert "<wbr>" not in title and title.startswith(html.escape(meta["title"]))
        entry = re.search(rf'class="entry__title( wordwise)?"><a href="[^"]*/{re.escape(path)}">(.*?)</a>', listing)
        if entry is not None:
            assert entry.group(2) == expected and bool(entry.group(1)) == ("<wbr>" in expected), path
            marked += 1
    assert marked >= 5  # the home page's latest articles were among them


@pytest.mark.parametrize("title, data, shown", [
    ("重庆杂技艺术团有限责任公司总经理陈涛：让精品力作焕发出应有价值", "□本报记者 刘一叶", "本报记者 刘一叶"),
    ("托起“一老一小”稳稳的幸福", "■王先明", "王先明"),
], ids=["box-before-a-reporter", "block-before-a-commentator"])
def test_a_byline_is_shown_without_the_print_mark_before_it(article_pages, article_meta, title, data, shown):
    """A box before a credit is newspaper typography; on a screen it looks like a missing glyph."""
    path, doc = page_by_title(article_pages, title)
    assert article_meta[path]["byline"] == data  # the archive's data keep the page's text
    assert text_of(doc.find(".//article/header/p[@class='byline']")) == shown


def test_every_article_shows_its_metadata(article_pages, article_meta):
    assert set(article_meta) == set(article_pages)
    for path, meta in article_meta.items():
        header = article_pages[path].find(".//article/header")
        shown = {cls: text_of(el) for cls in ("kicker", "subtitle", "byline") if (el := header.find(f"p[@class='{cls}']")) is not None}
        expected = {cls: " ".join(meta[cls].split()) for cls in ("kicker", "subtitle", "byline") if meta.get(cls)}
        if "byline" in expected:  # shown without the print mark before a credit (tested above)
            expected["byline"] = re.sub(r"(^|(?<= ))[□■◆]\s*", "", expected["byline"])
        assert shown == expected, path
        h1 = header.find("h1")
        assert text_of(h1) == meta["title"], path
        if "subtitle" in shown:  # subtitle right below the h1
            following = [el for el in header if isinstance(el.tag, str)]
            assert following[following.index(h1) + 1].get("class") == "subtitle", path
        meta_text = text_of(header.find("dl"))
        assert meta["source_page"] in meta_text, path
        assert meta["category"] in meta_text, path
        # a date of a year alone says why: 2021年 beside its neighbours' 2021年10月19日
        year_only = re.fullmatch(r"\d{4}", meta.get("date_text", "")) is not None
        assert ("文中未写日期；本版出版日期不详，仅知为" in meta_text) == year_only, path
    assert any(re.fullmatch(r"\d{4}", m.get("date_text", "")) for m in article_meta.values())


def test_article_places_link_to_place_pages(article_pages, article_meta):
    for path, meta in article_meta.items():
        places = [p.strip() for p in meta.get("places", "").split(",") if p.strip()]
        shown = article_pages[path].findall(".//a[@data-pagefind-filter='地区']")
        assert [text_of(a) for a in shown] == places, path
        for a in shown:
            assert re.fullmatch(r"\.\./places/[a-z0-9-]+\.html", a.get("href")), (path, a.get("href"))
    _, doc = page_by_title(article_pages, SEED_ARTICLE["title"])
    hrefs = {text_of(a): a.get("href") for a in doc.findall(".//a[@data-pagefind-filter='地区']")}
    assert hrefs["洛阳市"] == "../places/luo-yang-shi.html"
    assert hrefs["河南省"] == "../places/he-nan-sheng.html"


def test_pagefind_attributes_only_on_article_pages(pages, article_pages, article_meta):
    for path, doc in pages.items():
        bodies = [el for el in doc.iter() if isinstance(el.tag, str) and el.get("data-pagefind-body") is not None]
        if path not in article_pages:
            assert not bodies, path
            continue
        assert len(bodies) == 1, path
        body = bodies[0]
        h1 = body.find(".//h1")
        assert h1.get("data-pagefind-meta") == "title", path
        assert body.find(".//*[@class='prose article__body']") is not None, path
        filters = {}
        for el in body.iter():
            if isinstance(el.tag, str) and el.get("data-pagefind-filter"):
                name, _, value = el.get("data-pagefind-filter").partition(":")
                filters.setdefault(name, []).append(value or text_of(el))
        meta = article_meta[path]
        assert filters["来源"] == [meta["category"]], path
        assert filters.get("话题", []) == [t.strip() for t in meta.get("tags", "").split(",") if t.strip()], path
        year = re.match(r"\d{4}", meta["date_text"])
        assert filters.get("年份") == ([year.group(0)] if year else None), path
        assert "地区" in filters or not meta.get("places"), path


def test_previous_and_next_walk_the_whole_archive_once(site, article_pages):
    """Starting from the newest article, 较早一篇 links visit every article exactly once."""
    archive = parse(site / "archives.html")
    order = [a.get("href").removeprefix("./") for a in archive.findall(".//ul[@class='archive-list']/li/a")]
    assert sorted(order) == sorted(article_pages)
    walked, path = [], order[0]
    while path:
        walked.append(path)
        older = article_pages[path].find(".//li[@class='article-nav__older']/a")
        path = older.get("href").removeprefix("../") if older is not None else None
    assert walked == order


def test_every_page_gives_dates_as_a_reader_reads_them(pages):
    """2023年6月14日 on every page, as listings have it; place pages' article lists said 2023-06-14."""
    iso = {path: re.findall(r"\b\d{4}-\d{2}(?:-\d{2})?\b", text_of(page.find(".//main"))) for path, page in pages.items()
           if page.find(".//main") is not None}
    assert {path: found for path, found in iso.items() if found and path != "data.html"} == {}
    assert any("（巫山报，2023年6月14日）" in text_of(pages[p].find(".//main")) for p in pages if p.startswith("places/"))


def test_a_listings_excerpt_begins_with_an_ellipsis_where_the_opening_is_on_another_page(pages, article_pages):
    """（上接1版） and 前文不在本版: the excerpt starts inside the article, and says so."""
    elsewhere = {}
    for path, page in article_pages.items():
        body = page.find(".//div[@class='prose article__body']")
        first = next(iter(body), None)
        elsewhere[path] = first is not None and first.tag == "p" and first.get("class") in ("continued", "cut")
        # and the search page is told so, through the page's search metadata
        told = page.find(".//article//span[@data-pagefind-meta='opening:elsewhere']")
        assert (told is not None) == elsewhere[path], path
    assert any(elsewhere.values()) and not all(elsewhere.values())
    seen = 0
    for path in [p for p in pages if p.startswith(("sources/", "topics/"))]:
        for entry in pages[path].findall(".//li[@class='entry']"):
            article = entry.find(".//a").get("href").removeprefix("../")
            text = text_of(entry.find("p[@class='entry__excerpt']"))
            assert text.startswith("…") == elsewhere[article], (path, article, text)
            seen += elsewhere[article]
    assert seen >= 2


def test_the_home_page_lists_articles_in_the_archives_order(pages):
    """An article dated by its year alone comes after its year's dated ones on the home page as
    in the archive; the home page had put 2022 among 2022年1月1日."""
    archive = [a.get("href").removeprefix("./") for a in pages["archives.html"].findall(".//ul[@class='archive-list']/li/a")]
    home = [a.get("href").removeprefix("./") for a in pages["index.html"].findall(".//li[@class='entry']/h3/a")]
    dates = [t.get("datetime") for t in pages["index.html"].findall(".//p[@class='entry__meta']//time")]
    assert len(home) >= 10 and home == archive[: len(home)]
    assert any(len(d) == 4 for d in dates) and any(len(d) == 10 for d in dates)


def test_related_articles_leave_out_the_neighbours_the_page_links(site, article_pages):
    """An article named by 较新一篇/较早一篇 is not listed again under 相关文章, while the
    related lists still hold the others."""
    related_links = 0
    for path, page in article_pages.items():
        nav = {a.get("href") for a in page.findall(".//nav[@class='article-nav']//li/a")}
        related = [a.get("href") for a in page.findall(".//section[@class='related']//a") if "/articles/" in a.get("href")]
        assert not nav & set(related), path
        related_links += len(related)
    assert related_links >= 10  # the lists are not empty for want of a match


def test_a_source_or_topic_pages_entries_leave_out_its_own_name(pages):
    """Every entry on 《巫山报》's page came from 巫山报, so its line does not say so, on every
    page of the listing; a topic page's lines still name the entries' other topics, and the
    home page's their sources."""
    def meta_links(path):
        return [{(re.sub(r"^\.\.?/", "", a.get("href")), text_of(a)) for a in p.findall(".//a")}
                for p in pages[path].findall(".//p[@class='entry__meta']")]

    listings = [p for p in pages if re.fullmatch(r"(sources|topics)/[^/]+\.html", p)]
    other_topics = 0
    for path in listings:
        own = text_of(pages[path].find(".//h1")).split(" · ")[0]
        lines = meta_links(path)
        assert lines and not any(text == own for links in lines for _, text in links), path
        other_topics += sum(1 for links in lines for link, _ in links if link.startswith("topics/"))
    assert other_topics > 10
    sources = {p for p in listings if p.startswith("sources/")}
    assert all({link for link, _ in links} & sources for links in meta_links("index.html"))


def test_archive_groups_by_year_and_month(site):
    archive = parse(site / "archives.html")
    years = [text_of(h) for h in archive.findall(".//section/h2")]
    known = [y for y in years if y != "日期不详"]
    assert years[: len(known)] == known == sorted(known, reverse=True)
    assert all(re.fullmatch(r"\d{4}年", y) for y in known)
    for section in archive.findall(".//section"):
        months = [text_of(h) for h in section.findall("h3")]
        assert months and all(re.fullmatch(r"\d{1,2}月|月份不详", m) for m in months)


def test_a_compact_list_shows_an_articles_kicker_above_its_title(site, pages):
    """倾听居民想法 难题找到解法 alone does not say where; its kicker does, in every list."""
    place_page = next(path for path, doc in pages.items() if path.startswith("places/") and text_of(doc.find(".//h1")) == "西工区")
    for path in ("archives.html", place_page):
        item = next(li for li in pages[path].iter("li") if any(text_of(a) == SEED_ARTICLE["title"] for a in li.findall("a")))
        kicker = item.find("span[@class='list-kicker']")
        assert kicker is not None and text_of(kicker) == SEED_ARTICLE["kicker"], path
        assert list(item).index(kicker) < list(item).index(item.find("a")), path
    unkickered = [li for li in pages["archives.html"].findall(".//ul[@class='archive-list']/li") if li.find("span[@class='list-kicker']") is None]
    assert unkickered  # only an article with a kicker has one


def test_each_year_of_the_archive_has_a_page_listing_that_year_s_articles(site, article_meta):
    archive = parse(site / "archives.html")
    linked = {text_of(a): a.get("href").removeprefix("./") for a in archive.findall(".//section/h2/a")}
    assert set(linked) == {"2021年", "2022年", "2023年"}
    listed = []
    for label, path in linked.items():
        year_page = parse(site / path)
        assert text_of(year_page.find(".//h1")) == f"{label}的文章"
        here = [a.get("href").removeprefix("../") for a in year_page.findall(".//ul[@class='archive-list']/li/a")]
        assert here and all(article_meta[p]["date_text"].startswith(label[:4]) for p in here), label
        listed += here
    assert sorted(listed) == sorted(article_meta)  # every article on exactly one year page


UNDATED_PAGE = """# 社区新建健身广场

社区新建了一处健身广场，居民们在这里锻炼身体，环境比以前好了很多。
"""


def test_a_large_archive_lists_years_and_months_linking_to_the_year_pages(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "999_undated.txt").write_text(UNDATED_PAGE, encoding="utf-8")  # a page that gives no date
    outcome = build(seeds, tmp_path / "out", tmp_path / "work", CONF, pelican_overrides={"ARCHIVE_LISTED": 10}, progress=Progress(quiet=True))
    site = tmp_path / "out"
    archive = parse(site / "archives.html")
    assert archive.findall(".//ul[@class='archive-list']") == []  # no article listed on the page itself
    years = {text_of(a): a.get("href").removeprefix("./") for a in archive.findall(".//section/h2/a")}
    assert list(years) == ["2023年", "2022年", "2021年", "日期不详"]
    undated = parse(site / years["日期不详"])  # the year Pelican pads an unknown date with
    assert text_of(undated.find(".//h1")) == "日期不详的文章"
    assert [text_of(a) for a in undated.findall(".//ul[@class='archive-list']/li/a")] == ["社区新建健身广场"]
    counted = 0
    for link in archive.findall(".//ul[@class='inline-list archive-months']/li/a"):
        path, anchor = link.get("href").removeprefix("./").split("#")
        count = int(re.search(r"\d+", text_of(link.find("span"))).group(0))
        blocks = [el for section in parse(site / path).iter("section") for el in section]
        heads = [i for i, el in enumerate(blocks) if el.tag == "h3" and el.get("id") == anchor]
        assert len(heads) == 1, link.get("href")
        assert len(blocks[heads[0] + 1].findall("li")) == count, anchor  # the month's list follows its heading
        counted += count
    assert counted == outcome.articles == 30


def test_home_page_lists_latest_articles_topics_and_paginates(site, pages):
    home = pages["index.html"]
    assert text_of(home.find(".//h1")) and home.find(".//ol[@class='entries']") is not None
    assert home.findall(".//ul[@class='terms terms--cloud']//a")
    assert "index2.html" in pages  # 29 articles, 20 a page
    second = pages["index2.html"]
    assert second.find(".//nav[@class='pagination']//a[@aria-current='page']") is not None


def test_home_page_lists_the_focus_topics_stories_above_the_latest(pages, article_meta):
    """Its renovation stories were four screens down, below school meals and an advert."""
    from analysis.topics import load_topics

    topics = load_topics()
    focus = next(t.name for t in topics.topics if t.slug == topics.focus)
    home = pages["index.html"]
    section = home.find(".//section[@aria-labelledby='focus']")
    assert text_of(section.find("h2")) == f"{focus}报道"
    headings = [h.get("id") for h in home.iter("h2")]
    assert headings.index("focus") < headings.index("latest")
    listed = [a.get("href").removeprefix("./") for a in section.findall("ul/li/a")]
    filed = [url for url, meta in article_meta.items() if focus in meta["tags"].split(", ")]
    archive = [a.get("href").removeprefix("./") for a in pages["archives.html"].findall(".//ul[@class='archive-list']/li/a")]
    from pelican.settings import read_settings

    shown = read_settings(str(CONF))["FOCUS_LISTED"]
    assert listed == [url for url in archive if url in filed][:shown]  # the newest, in order
    assert 2 <= len(listed) == len(filed)  # the seed pages' four stories, none missing
    more = section.find("p[@class='more']/a")
    assert text_of(more) == f"全部 {len(filed)} 篇{focus}报道" and more.get("href").removeprefix("./").startswith("topics/")


def test_search_page_loads_the_search_script_and_lists_the_bundles(site, pages):
    search = pages["search.html"]
    scripts = [el.get("src") for el in search.iter("script") if el.get("src")]
    assert scripts == ["./theme/js/search.js"]
    assert (site / "theme" / "js" / "search.js").is_file()
    assert [s for s in search.iter("script") if not s.get("src")] == []  # no inline script
    root = search.find(".//div[@id='search']")
    assert json.loads(root.get("data-bundles")) == ["pagefind/shard-0"] and root.get("data-root") == "./"
    assert search.find(".//form[@role='search']") is not None
    assert search.find(".//*[@aria-live='polite']") is not None
    assert search.find(".//noscript") is not None


def test_no_page_but_search_needs_javascript(pages):
    for path, doc in pages.items():
        if path not in ("search.html", "404.html"):
            assert doc.find(".//script") is None, path
    # The not-found page's script only finds the site's root when the page is served deep in
    # the site; its links and styles are the site's own without it.
    page = pages["404.html"]
    assert [s.get("src") for s in page.iter("script")] == [None]
    links = [a.get("href") for a in page.iter("a") if a.get("href") != "#main"]
    assert links and all(href.startswith("./") for href in links)


def test_build_settings_reach_the_theme(tmp_path):
    """BUILD_STAMP and HOME_HIGHLIGHTS, when the build passes them, are printed as given."""
    overrides = {"BUILD_STAMP": "源版本 0123abc", "HOME_HIGHLIGHTS": '<p class="highlight-test">要点</p>'}
    build(SEEDS, tmp_path / "out", tmp_path / "work", CONF, pelican_overrides=overrides, progress=Progress(quiet=True))
    home = parse(tmp_path / "out" / "index.html")
    assert text_of(home.find(".//p[@class='highlight-test']")) == "要点"
    assert text_of(home.find(".//footer//p[@class='build-stamp']")) == "源版本 0123abc"
    article = next((tmp_path / "out" / "articles").glob("*.html"))
    assert text_of(parse(article).find(".//footer//p[@class='build-stamp']")) == "源版本 0123abc"


def test_html_is_byte_reproducible(site, tmp_path):
    build(SEEDS, tmp_path / "out", tmp_path / "work", CONF, progress=Progress(quiet=True))
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*.html")}
    second = {p.relative_to(tmp_path / "out"): p.read_bytes() for p in (tmp_path / "out").rglob("*.html")}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


# --- CSS ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def css() -> str:
    return CSS.read_text(encoding="utf-8")


def test_css_has_the_chinese_font_stack_and_reading_measures(css):
    assert FONT_STACK in css
    body = re.search(r"\nbody\s*\{([^}]*)\}", css).group(1)
    assert FONT_STACK in body and re.search(r"line-height:\s*1\.8\b", body)
    assert not re.search(r"@font-face|@import|url\(\s*['\"]?(https?:)?//", css)


def test_css_has_a_print_block_without_navigation(css):
    start = css.index("@media print")
    block = css[start:]
    assert ".site-nav" in block and "display: none" in block
    assert "#fff" in block and "#000" in block


def test_css_keeps_wide_things_inside_the_column(css):
    assert re.search(r"\.table-wrap\s*\{[^}]*overflow-x:\s*auto", css)
    assert re.search(r"table:not\(\.table-wrap > table\)\s*\{[^}]*overflow-x:\s*auto", css)
    assert re.search(r"img,\s*svg[^{]*\{[^}]*max-width:\s*100%", css)
    assert "overflow-wrap" in css


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    "foreground, background, minimum",
    [
        ("text", "page", 4.5),
        ("text", "panel", 4.5),
        ("text", "highlight", 4.5),
        ("muted", "page", 4.5),
        ("muted", "panel", 4.5),
        ("link", "page", 4.5),
        ("link", "panel", 4.5),
        ("visited", "page", 4.5),
        ("visited", "panel", 4.5),
        ("accent", "page", 4.5),
        ("accent", "panel", 4.5),
        ("masthead-text", "masthead", 4.5),
        ("masthead-muted", "masthead", 4.5),
        ("current", "masthead", 3.0),
        ("focus", "page", 3.0),
        ("field-border", "page", 3.0),
    ],
)
def test_colours_meet_wcag_aa(css, foreground, background, minimum):
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\b", css))
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= minimum, f"{foreground} on {background}: {ratio:.2f}"
    stated = f"{ratio:.2f}:1"
    assert stated in css, f"the CSS comment should state {foreground} on {background} as {stated}"


# --- the theme's filters ------------------------------------------------------------------


def theme_filters():
    from pelican.settings import read_settings

    return read_settings(str(CONF))["JINJA_FILTERS"]


def test_place_url_is_pinyin_of_the_name():
    place_url = theme_filters()["place_url"]
    assert place_url("巫山县") == "places/wu-shan-xian.html"
    assert place_url("望霞路35号小区") == "places/wang-xia-lu-35-hao-xiao-qu.html"
    assert place_url("绿水村") == "places/lv-shui-cun.html"
    assert place_url("A&amp;B区") == "places/a-b-qu.html"  # metadata arrives escaped; & parts words


def test_date_filters():
    filters = theme_filters()
    assert filters["date_label"]("2023-06-14") == "2023年6月14日"
    assert filters["date_label"]("2022-01") == "2022年1月"
    assert filters["date_label"]("2023") == "2023年"
    assert filters["date_label"]("日期不详") == "日期不详"
    assert filters["date_attr"]("日期不详") == "" and filters["date_attr"]("2022-01") == "2022-01"
    assert filters["year_of"]("2022-01") == "2022" and filters["year_of"]("日期不详") == ""


def test_excerpt_and_tables():
    from analysis.pages import CUT_AT_START as CUT_AT_START_TEXT

    filters = theme_filters()
    body = '<p class="continued">（上接第一版）</p><h2>小标题</h2><p><span class="sentence">甲&amp;乙说。</span></p>'
    assert filters["excerpt"](body, 80) == "…甲&amp;乙说。"  # begun on another page: the excerpt says so
    assert filters["excerpt"](body.replace('<p class="continued">（上接第一版）</p>', ""), 80) == "甲&amp;乙说。"
    # A page begun inside a sentence: the excerpt begins with the first sentence begun on it.
    cut = f'<p class="cut">{CUT_AT_START_TEXT}</p><p>改造，再加上安装工程全面完工。”</p><p>据悉，面对居民的诉求。</p>'
    assert filters["excerpt"](cut, 80) == "…据悉，面对居民的诉求。"
    assert filters["excerpt"](cut.replace('<p class="cut">' + CUT_AT_START_TEXT + "</p>", ""), 80).startswith("改造，")
    assert filters["excerpt"](f'<p class="cut">{CUT_AT_START_TEXT}</p><p>只有一句的残段。”</p>', 80) == "…只有一句的残段。”"
    # A closing mark past the first sentence is no tail of the page's opening.
    late = f'<p class="cut">{CUT_AT_START_TEXT}</p><p>居民说好。{"字" * 300}完工。”</p><p>据悉。</p>'
    assert filters["excerpt"](late, 80).startswith("…居民说好。")
    # A page begun with a whole quotation, or with no quotation's tail, keeps its opening.
    for whole in ("“成长快。”负责人介绍。", "“有542件水。”曾君说。", "要把握部署要求。曹邦兴指出。"):
        assert filters["excerpt"](f'<p class="cut">{CUT_AT_START_TEXT}</p><p>{whole}</p>', 80) == "…" + whole
    from analysis.pages import CUT_AT_END, CUT_AT_START

    assert filters["opening_elsewhere"](f'<p class="cut" data-pagefind-ignore>{CUT_AT_START}</p><p>甲</p>')
    assert not filters["opening_elsewhere"](f'<p class="cut" data-pagefind-ignore>{CUT_AT_END}</p>')  # only its end is elsewhere
    assert filters["excerpt"]("<p>" + "字" * 100 + "</p>", 10) == "字" * 10 + "…"
    # Never cut inside a figure, nor a figure from its unit: 下达7… would misread 7亿元.
    assert filters["excerpt"]("<p>截至9月底专项调度下达7亿元资金</p>", 12) == "截至9月底专项调度下达…"
    assert filters["excerpt"]("<p>改造2000户，惠及居民</p>", 4) == "改造…"
    # Key points, paragraphs and lines do not run into one another.
    assert filters["excerpt"]("<ul><li>●问题得到解决</li><li>●“十四五”期间</li></ul><p>正文</p>") == "●问题得到解决；●“十四五”期间 正文"
    assert filters["excerpt"]("<ul><li>问题得到解决。</li><li>完成</li></ul>") == "问题得到解决。 完成"  # its own mark stays alone
    marked = '<ul class="summary"><li><span class="key-mark" data-mark="●"></span><span class="sentence">问题得到解决</span></li><li>完成</li></ul>'
    assert filters["excerpt"](marked) == "问题得到解决；完成"  # as the theme writes a key point
    # A body row is headed by its first cell, the header's cells head their columns.
    headed = filters["wrap_tables"]('<table><thead><tr><th>地方</th><th style="text-align: right;">数字</th></tr></thead>'
                                    '<tbody><tr>\n<td><a href="x">巫山县</a></td>\n<td style="text-align: right;">10</td></tr>'
                                    '<tr><td>北碚区</td><td>2</td></tr></tbody></table>')
    assert '<th scope="col">地方</th><th scope="col" style="text-align: right;">数字</th>' in headed
    assert '<tr>\n<th scope="row"><a href="x">巫山县</a></th>\n<td style="text-align: right;">10</td>' in headed
    assert '<tr><th scope="row">北碚区</th><td>2</td>' in headed and headed.count("<td") == 2
    wrapped = filters["wrap_tables"]("<p>x</p><table><tr><td>1</td></tr></table>")
    assert wrapped.startswith("<p>x</p><div class=\"table-wrap\"") and wrapped.endswith("</table></div>")
    assert 'aria-label="表格"' in wrapped
    # Each table's region is named after the heading above it.
    two = filters["wrap_tables"]('<h2 id="a">资金 &amp; 规模</h2><table></table><h3>词语<em>表</em></h3><p>y</p>'
                                 '<table><tr><th>报纸</th></tr></table><table><tr><th>年份</th></tr></table>')
    assert re.findall(r'aria-label="([^"]+)"', two) == ["表格：资金 &amp; 规模", "表格：词语表（报纸）", "表格：词语表（年份）"]
    # A table alone under its heading is named by the heading only; tables whose first columns
    # are the same are numbered.
    alone = filters["wrap_tables"]('<h2>改造规模</h2><table><tr><th>地方</th></tr></table>')
    assert re.findall(r'aria-label="([^"]+)"', alone) == ["表格：改造规模"]
    same = filters["wrap_tables"]('<h2>词语</h2><table><tr><th>词语</th></tr></table><table><tr><th>词语</th></tr></table>')
    assert re.findall(r'aria-label="([^"]+)"', same) == ["表格：词语（第1个）", "表格：词语（第2个）"]
    # Two sections' headings of one title are two headings, each with its one table.
    sections = filters["wrap_tables"]('<h2>甲</h2><h3>词语</h3><table></table><h2>乙</h2><h3>词语</h3><table></table>')
    assert re.findall(r'aria-label="([^"]+)"', sections) == ["表格：词语", "表格：词语"]


def test_an_articles_listing_excerpt_is_its_contents_excerpt_made_once():
    filters = theme_filters()

    class Article:
        reads = 0

        @property
        def content(self):
            Article.reads += 1
            return "<p>" + "字" * 100 + "</p>"

    article = Article()
    assert filters["article_excerpt"](article, 10) == filters["excerpt"](article.content, 10)
    assert [filters["article_excerpt"](article, 10) for _ in range(3)] == ["字" * 10 + "…"] * 3
    assert Article.reads == 2  # once for the comparison above, once for the listing


def test_a_pelican_articles_excerpt_is_made_without_working_out_its_links(monkeypatch):
    from datetime import datetime

    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    def article() -> Article:
        body = '<p><a href="{filename}/articles/other.md">另一篇</a>提到的<span class="sentence">改造&amp;加装电梯。</span></p>'
        context = {"generated_content": {}, "static_content": {}, "static_links": set(), "localsiteurl": ""}
        settings = {**DEFAULT_CONFIG, "PATH": "/content"}
        other = Article("", {"title": "另一篇", "date": datetime(2023, 6, 1)}, settings=settings, source_path="/content/articles/other.md", context=context)
        context["generated_content"]["articles/other.md"] = other
        return Article(body, {"title": "题", "date": datetime(2023, 6, 14)}, settings=settings, source_path="/content/a.md", context=context)

    filters = theme_filters()
    with_links = article().content
    wanted = filters["excerpt"](with_links, 80)
    assert "{filename}" not in with_links and wanted == "另一篇提到的改造&amp;加装电梯。"
    monkeypatch.setattr(Article, "get_content", lambda *a: pytest.fail("the links were worked out"))
    assert filters["article_excerpt"](article(), 80) == wanted


def test_the_filters_forget_the_articles_of_a_finished_run():
    filters = theme_filters()
    module = __import__("sys").modules[filters["related_articles"].__module__]

    class Article:
        def __init__(self, ident):
            self.article_id, self.slug, self.url, self.date_text = ident, ident, f"{ident}.html", "2023-01-01"

    articles = [Article("a"), Article("b")]
    assert filters["related_articles"]("b", articles) == [articles[1]]
    filters["archive_neighbours"](articles[0], articles)
    from pelican.plugins import signals

    signals.finalized.send(object())
    assert module._INDEX_CACHE == {} and module._NeighbourCache.source is None


def test_a_listing_page_declares_its_name_count_page_and_the_articles_on_it_and_a_page_its_source():
    from types import SimpleNamespace

    from pelican.settings import read_settings

    shown = read_settings(str(CONF))["PAGE_SHOWS"]

    class Tag(str):
        name = property(str)

    a, b, c = (SimpleNamespace(slug=s) for s in "abc")
    second = SimpleNamespace(number=2, object_list=[c], paginator=SimpleNamespace(num_pages=2))
    context = {"tag": Tag("改造"), "articles": [a, b, c], "articles_page": second, "TOPIC_NOTES": {"改造": "<p>注</p>"}}
    assert shown("tag.html", context) == [("name", "改造"), ("notes", "<p>注</p>"), ("focus", ""), ("count", "3"), ("page", "2/2"), ("entry", c)]
    assert ("focus", "yes") in shown("tag.html", {**context, "FOCUS_TOPIC": "改造"})  # the focus topic's page links the report
    assert shown("category.html", {**context, "category": "南通日报"})[:2] == [("name", "南通日报"), ("notes", "")]
    assert shown("index.html", {"articles": [a, b, c], "articles_page": second}) == [("count", "3"), ("page", "2/2"), ("entry", c)]
    first = SimpleNamespace(number=1, object_list=[a, b], paginator=SimpleNamespace(num_pages=2))
    assert shown("index.html", {"articles": [a, b, c], "articles_page": first}) is None  # the home page shows the whole site
    assert shown("tag.html", {"tag": Tag("改造"), "articles": [a, b]}) == [("name", "改造"), ("notes", ""), ("focus", ""), ("count", "2"), ("page", "all"), ("entry", a), ("entry", b)]
    assert shown("archives.html", {"articles": [a, b, c]}) is None
    assert shown("page.html", {"page": a}) == [("page", a)]  # its source, links included


def _variables_read(template: str) -> set[str]:
    """The context variables a template reads, with the base template and the macros it uses."""
    from jinja2 import Environment, FileSystemLoader, meta
    from pelican.settings import read_settings

    settings = read_settings(str(CONF))
    env = Environment(loader=FileSystemLoader(str(ROOT / "theme" / "templates")), **settings["JINJA_ENVIRONMENT"])
    env.filters.update(settings["JINJA_FILTERS"])
    read = set()
    for name in (template, "base.html", "_macros.html"):
        read |= meta.find_undeclared_variables(env.parse(env.loader.get_source(env, name)[0]))
    return read


@pytest.mark.parametrize(
    "template, declared",
    [
        ("tag.html", {"tag", "TOPIC_NOTES", "FOCUS_TOPIC"}),
        ("category.html", {"category"}),
        ("index.html", set()),
        ("article.html", {"article", "articles", "dates"}),  # the last two for related articles and neighbours
        ("page.html", {"page"}),
    ],
)
def test_a_copied_page_template_reads_only_what_the_theme_declares_or_the_settings_hold(template, declared):
    """A page is copied from the last build when what the theme declares it shows
    (`articles_shown` for article pages, `page_shown` for the others) is unchanged, and the settings (but
    those the build derives from the pages) are in every page's key: a template reading
    anything else must be declared there first."""
    from analysis.build import BUILD_DERIVED_SETTINGS

    derived = set(BUILD_DERIVED_SETTINGS) - {"BUILD_STAMP"}  # the stamp is replaced in a copy
    page = {"articles", "articles_page", "articles_paginator", "articles_previous_page", "articles_next_page", "output_file"}
    own = {"m", "page_note", "section", "first", "top", "above", "scope"}  # set by the templates themselves
    first_page_only = {"tags", "categories", "HOME_HIGHLIGHTS", "FOCUS_TOPIC"} if template == "index.html" else set()  # the home page is always rendered
    read = _variables_read(template)
    assert "articles_page" in read
    unexplained = {v for v in read if not (v.isupper() and v not in derived)} - declared - page - own - first_page_only
    assert unexplained == set()
