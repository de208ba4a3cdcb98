"""The built site as a reader navigates it: report pages, places, topics, and reachability."""
from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.build import Progress, build
from analysis.report import NUMBER_CELL, pager_numbers
from analysis.segment import BULLET
from tests.corpus import ROOT, SEEDS, readers_agree


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    build(SEEDS, tmp / "out", tmp / "work", ROOT / "pelicanconf.py", progress=Progress(quiet=True))
    return tmp / "out"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])


def internal_links(site, path: str, within: tuple[str, str] | None = None) -> set[str]:
    parser = Links()
    html = (site / path).read_text(encoding="utf-8")
    if within:
        start = html.index(within[0])
        html = html[start : html.index(within[1], start)]
    parser.feed(html)
    out = set()
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or not parts.path:
            continue
        target = ((site / path).parent / unquote(parts.path)).resolve()
        if target.is_file() and target.suffix == ".html":
            out.add(target.relative_to(site.resolve()).as_posix())
    return out


def articles(site) -> list[dict]:
    return json.loads((site / "data" / "articles.json").read_text(encoding="utf-8"))


def test_every_page_parses_as_html5_without_errors(site):
    for path in sorted(site.rglob("*.html")):
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        parser.parse(path.read_text(encoding="utf-8"))  # raises on any parse error


def test_every_article_is_within_three_clicks_of_the_home_page(site):
    depth = {"index.html": 0}
    queue = deque(["index.html"])
    while queue:
        page = queue.popleft()
        if depth[page] == 3:
            continue
        for target in internal_links(site, page):
            if target not in depth:
                depth[target] = depth[page] + 1
                queue.append(target)
    unreachable = [a["url"] for a in articles(site) if a["url"] not in depth]
    assert unreachable == []


def test_each_place_page_leads_down_to_the_place_pages_directly_within_it(site):
    """南通市's page led up to 江苏省 only, never down to 崇川区."""
    def way_down(page: str) -> set[str]:
        text = (site / page).read_text(encoding="utf-8")
        return internal_links(site, page, within=("下级：", "</p>")) if "下级：" in text else set()

    up = {}
    for page in site.glob("places/*.html"):
        path = page.relative_to(site).as_posix()
        if not re.search(r"-\d+\.html$", path):
            text = (site / path).read_text(encoding="utf-8")
            crumb = text[text.index('<nav aria-label="上级地区"'):].split("</nav>", 1)[0] if 'aria-label="上级地区"' in text else ""
            links = re.findall(r'href="\.\./(places/[^"]+)"', crumb)
            up[path] = links[-1] if links else None  # the nearest place above it
    for path in up:
        assert way_down(path) == {p for p, parent in up.items() if parent == path}, path
    assert way_down("places/nan-tong-shi.html") == {"places/chong-chuan-qu.html"}


def test_each_place_page_leads_up_its_hierarchy_and_a_province_to_the_index_of_places(site):
    def breadcrumb(page: str) -> set[str]:
        text = (site / page).read_text(encoding="utf-8")
        label = 'aria-label="上级地区"' if 'aria-label="上级地区"' in text else 'aria-label="全部地区"'  # a province's
        return internal_links(site, page, within=(label, "</nav>"))

    assert breadcrumb("places/wu-shan-xian.html") == {"places/chong-qing-shi.html"}
    assert breadcrumb("places/luo-yang-shi.html") == {"places/he-nan-sheng.html"}
    for page in ("places/chong-qing-shi.html", "places/he-nan-sheng.html"):
        assert breadcrumb(page) == {"places.html"}
    for page in site.glob("places/*.html"):
        path = page.relative_to(site).as_posix()
        if re.search(r"-\d+\.html$", path):
            continue  # the further pages of a long article list
        up = breadcrumb(path)
        assert up and path not in up, path
    # a navigation of its own, named, its separators unsaid
    text = (site / "places/xi-gong-qu.html").read_text(encoding="utf-8")
    crumb = text[text.index('<nav aria-label="上级地区"'):].split("</nav>", 1)[0]
    assert "上级：" in crumb and re.sub(r"<[^>]+>", "", crumb.replace('<span aria-hidden="true"> › </span>', "")).split("上级：")[1].strip() == "河南省洛阳市"


def test_topic_pages_link_all_their_articles_and_each_links_back(site):
    names = {}
    for a in articles(site):
        # The article's own topics, from its metadata (lists of related articles link theirs too).
        page_links = internal_links(site, a["url"], within=('<dl class="article__meta"', "</dl>"))
        topic_pages = {p for p in page_links if p.startswith("topics/")}
        assert len(topic_pages) == len(a["topics"]), a["title"]
        assert topic_pages, a["title"]
        for topic_page in topic_pages:
            names.setdefault(topic_page, set()).add(a["url"])
    for topic_page, urls in names.items():
        stem = topic_page.removesuffix(".html")
        linked = set()
        for page in site.glob(f"{stem}*.html"):  # paginated topic pages: name.html, name2.html, ...
            linked |= internal_links(site, page.relative_to(site).as_posix())
        assert urls <= linked, (topic_page, urls - linked)


def test_report_links_every_figure_to_its_sentence(site):
    report = (site / "report.html").read_text(encoding="utf-8")
    with (site / "data" / "facts.csv").open(encoding="utf-8-sig") as fh:
        facts = list(csv.DictReader(fh))
    for fact in facts:
        assert f'{fact["article_url"]}#{fact["anchor"]}' in report, fact["sentence"]
    # "more than" stays visible, in the paper's own word: a reader searching the figure finds it
    assert "2600多个" in report and "2600余个" not in report
    assert "约1亿平方米" in report


def test_each_fact_is_printed_in_the_sentence_its_article_page_anchors(site):
    """A fact's figure as printed is in its sentence, and that sentence is on its article's page
    under its anchor, where the facts box quotes the figure and links to it."""
    with (site / "data" / "facts.csv").open(encoding="utf-8-sig") as fh:
        facts = list(csv.DictReader(fh))
    assert len(facts) > 20
    for fact in facts:
        page = (site / fact["article_url"]).read_text(encoding="utf-8")
        # A key point's sentence begins with its mark's empty element (the theme draws the ●).
        sentence = re.search(rf'<span class="sentence" id="{fact["anchor"]}">((?:<span class="key-mark"[^>]*></span>)?.*?)</span>', page, re.S).group(1)
        assert fact["printed"] in re.sub(r"<[^>]+>", "", sentence) and fact["printed"] in fact["sentence"], fact
        # The box quotes the figure as printed where it writes it otherwise (25.4万老旧小区居民 as 25.4万人).
        box = page[page.index('class="facts-box"') :].split("</section>", 1)[0]
        links = [(re.sub(r"<[^>]+>", "", label).split()[1], note) for label, note in  # "改造小区 10个 · 巫山县 · …": the figure
                 re.findall(rf'<a href="#{fact["anchor"]}">(.+?)</a>(?: <span class="unit">（原文作“([^”]+)”）)?', box)]
        assert (fact["printed"], "") in links or any(note == fact["printed"] != shown for shown, note in links), fact
        assert all(shown != note for shown, note in links)  # never a note that repeats the figure
    assert any("（原文作“25.4万老旧小区居民”）" in (site / f["article_url"]).read_text(encoding="utf-8") for f in facts)
    # and so does the report's table, beside the figure it shows
    assert re.search(r'>25\.4万人</a></span> <span class="unit">（原文作“25\.4万老旧小区居民”）</span></td>', (site / "report.html").read_text(encoding="utf-8"))


def test_report_counts_articles_by_paper_and_province_most_first_and_the_unknown_last(site):
    report = (site / "report.html").read_text(encoding="utf-8")
    section = report[report.index('<h2 id="coverage">') : report.index('<h2 id="scale">')]
    tables = {}
    for block in re.findall(r"<table>.*?</table>", section, re.S):
        header = re.search(r"<th[^>]*>(.*?)</th>", block).group(1)
        tables[header] = [(name, int(count)) for name, count in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td[^>]*>(\d+)</td>", block)]
    papers, provinces = tables["报纸"], tables["省级行政区"]
    assert dict(papers) == Counter(a["publication"] for a in articles(site))
    # Most first; papers of one count in pinyin order (jiang, ren, wu).
    assert papers == [("重庆日报", 8), ("北碚报", 6), ("江海晚报", 5), ("人民日报", 5), ("巫山报", 5)]
    known = [count for name, count in provinces[:-1]]
    assert provinces[0] == ("重庆市", 19) and known == sorted(known, reverse=True)
    assert provinces[-1] == ("不详", 1)  # the advert names no place
    # One province an article: the places index, which counts every place named, says more.
    assert sum(count for _, count in provinces) == len(articles(site))
    assert "每篇文章按其主要地方计入一个省级行政区" in section and 'href="./places.html"' in section
    # The kinds of piece counted, the advert among them, add up to the articles.
    kinds = dict(re.findall(r"([\u4e00-\u9fff]+) (\d+) 篇", section.split("按体裁：", 1)[1].split("。", 1)[0]))
    assert kinds["广告"] == "1" and sum(map(int, kinds.values())) == len(articles(site))
    assert [name for name, _ in tables["年份"]] == ["2021", "2022", "2023"]


def test_place_pages_carry_their_facts_terms_and_articles(site):
    page = (site / "places" / "wu-shan-xian.html").read_text(encoding="utf-8")
    assert "59.28万平方米" in page and "10个" in page
    assert "高频词" in page
    assert "巫山：老旧小区“改”出幸福新生活" in page.replace("<wbr>", "")  # a title breaks between its words
    # A community's figures are shown apart, not added to the county's.
    assert "辖区内更具体地方的数据" in page and "望霞路35号小区" in page
    # The articles come right after the figures, before the words and the report's charts.
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", page)
    assert [h for h in headings if h.startswith(("文章", "词语", "图表"))] == ["文章（5 篇）", "词语", "图表"]


def test_places_index_nests_districts_under_their_city_and_province(site):
    index = (site / "places.html").read_text(encoding="utf-8")
    assert index.index("江苏省") < index.index("南通市") < index.index("崇川区")
    assert index.index("河南省") < index.index("洛阳市") < index.index("西工区")


def test_data_page_lists_every_data_file_with_its_columns(site):
    page = (site / "data.html").read_text(encoding="utf-8")
    for name in ["articles.csv", "facts.csv", "scale_by_place.csv", "terms_by_place.csv"]:
        assert f'href="data/{name}"' in page and (site / "data" / name).is_file()
    for name in ["articles.csv", "facts.csv", "scale_by_place.csv", "terms_by_place.csv", "terms_by_topic.csv"]:
        header = next(csv.reader((site / "data" / name).open(encoding="utf-8-sig")))
        section = page[page.index(f'href="data/{name}"') :].split("<h2", 1)[0]
        described = re.findall(r"<dt><code>([^<]+)</code></dt>\s*<dd>([^<]+)", section)
        assert [column for column, _ in described] == header, name  # every column, in the file's order
    assert "more_than" in page and "如何引用" in page
    # Each file says what it holds, the JSON files too; lists of values are Chinese lists.
    for name in ["articles.csv", "articles.json", "facts.csv", "facts.json", "scale_by_place.csv", "terms_by_place.csv"]:
        section = page[page.index(f'href="data/{name}"') :].split("<h2", 1)[0]
        assert re.search(r"</h2>\s*<p>[^<]{10,}", section), name
    values = re.findall(r"取值：([^<]+)", page)
    assert values and not [v for v in values if re.search(r"[a-z_]+ [^\s,]+, [a-z]", v)], values


def test_report_scale_table_follows_the_place_tree(site):
    """Each place's rows together, below the rows of the places above it (重庆市, then 九龙坡区,
    then 白驹社区 in it), not in the order of the names' characters."""
    from analysis.places import load_gazetteer

    gazetteer = load_gazetteer()
    report = (site / "report.html").read_text(encoding="utf-8")
    table = report[report.index("点击数字"):].split("</table>", 1)[0]
    named = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>", table, re.S)]
    # a place below a province says which, as the charts do: 九龙坡区's rows under 重庆市's read as its
    assert "九龙坡区（重庆市）" in named and "重庆市" in named and "重庆市（重庆市）" not in named
    places = [name.split("（")[0] for name in named]
    blocks = [place for i, place in enumerate(places) if i == 0 or places[i - 1] != place]
    assert len(blocks) == len(set(blocks)) >= 4, blocks  # each place's rows together
    for i, place in enumerate(blocks):
        above = set(gazetteer.hierarchy(place)[1:]) if place in gazetteer else set()
        assert above & set(blocks) <= set(blocks[:i]), (place, blocks)
    assert any(gazetteer.hierarchy(b)[1:] and set(gazetteer.hierarchy(b)[1:]) & set(blocks) for b in blocks if b in gazetteer)


def test_home_highlights_show_the_largest_figure_of_work_begun_or_done_with_its_status(site):
    """Each tile is the largest figure of its metric whose status metrics.toml lets the home page
    show, and says that status: 重庆's 累计启动 2600多个 communities as 已启动, 巫山县's 争取到…
    43181万元 as 已争取. A credit line (授信37亿元) or money a plan needs (需投入60多亿元) is none."""
    from analysis.extract import load_vocab

    vocab = load_vocab()
    index = (site / "index.html").read_text(encoding="utf-8")
    section = index[index.index("改造数据一览") :]
    tiles = re.findall(r'<li><a href="([^"#]+)#([^"]+)"><strong>([^<]+)</strong><span class="highlight__what">([^<]+)</span>'
                       r'<span class="highlight__where">(.*?)</span></a></li>', section)
    assert len(tiles) >= 3
    facts = list(csv.DictReader((site / "data" / "facts.csv").open(encoding="utf-8-sig")))
    shown = vocab.highlight_statuses
    assert "planned" not in shown and "needed" not in shown and "committed" not in shown
    for url, anchor, figure, metric, where in tiles:
        terms = re.findall(r'<span class="term">([^<]+)</span>', where)
        address, when = terms[0], terms[1]  # 重庆市巫山县
        place = next(f["place"] for f in facts if f["article_url"] == url.removeprefix("./") and f["anchor"] == anchor and address.endswith(f["place"]))
        linked = [f for f in facts if f["article_url"] == url.removeprefix("./") and f["anchor"] == anchor
                  and f["place"] == place and vocab.metric(f["metric"]).label == metric]
        assert linked, (figure, metric, place)  # the tile names the metric and place of a fact of that sentence
        assert any(f["status"] in shown and when.endswith(vocab.status_label(f["status"])) for f in linked), (figure, when)
        # and no fact of its metric with a status it may show is larger
        key = vocab.metric(linked[0]["metric"]).key
        assert max(float(f["value"]) for f in facts if f["metric"] == key and f["status"] in shown) == float(linked[0]["value"])
    figures = {figure: where for _, _, figure, _, where in tiles}
    assert "已启动" in figures["2600多个"] and "已争取" in figures["43181万元"]
    assert "37亿元" not in section and "60多亿元" not in section
    # one place's figure each, which the tiles read as a total of the archive without a word
    note = html.unescape(section.split("<ul", 1)[0])
    assert "并非各地合计" in note and all(vocab.status_label(s) in note for s in shown)
    # and the method says the same of them
    method = (site / "report.html").read_text(encoding="utf-8").split('id="method"', 1)[1]
    assert "首页列出各指标最大的一个" + "、".join(f"“{vocab.status_label(s)}”" for s in shown) + "数字" in method


def test_a_figures_quote_begins_a_clause_or_quotation_and_quotes_inside_it_are_single(site):
    """“…四五”期间将全部完成改造，需投入60多亿元。” cut 十四五 and nested “” in “”."""
    from analysis.text import CLAUSE_MARKS, CLOSERS

    quotes = []
    for page in [site / "report.html", *sorted((site / "places").glob("*.html"))]:
        quotes += [html.unescape(q) for q in re.findall(r'#s-[0-9a-f]+">“([^<]*)”</a>', page.read_text(encoding="utf-8"))]
    assert len(quotes) > 30
    assert not [q for q in quotes if "“" in q or "”" in q]
    assert any("‘十四五’期间" in q for q in quotes)
    assert not [q for q in quotes if q.lstrip("…")[:1] in set(CLOSERS + CLAUSE_MARKS)]
    assert not [q for q in quotes if BULLET.match(q)]  # a key point's mark is no part of its words (“●‘十四五’…)


def test_a_place_page_with_figures_only_below_it_says_so_without_contradiction(site):
    """洛阳市's page said 没有抽取到老旧小区改造数据 over eleven figures of 西工区, and that
    they were not counted in a table above that was not there."""
    below_only = 0
    for page in sorted((site / "places").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        if "<h2" not in text or "的改造数据</h2>" not in text:
            continue
        own = text.split("的改造数据</h2>", 1)[1].split("<h2", 1)[0]
        above, _, nearby = own.partition("辖区内更具体地方的数据</h3>")
        if not nearby:
            continue
        has_own = "<table" in above or "<li" in above
        assert ("不计入上表" in nearby) == has_own, page.name
        if not has_own:
            assert "没有抽取到" not in above and "只报道了辖区内更具体的地方" in above, page.name
            below_only += 1
    assert below_only >= 2


def test_an_article_reporting_elevators_fitted_twice_is_filed_under_the_topic(site):
    """巫山's article reports 电梯加装 twice, the second time with the money spent on it."""
    wushan = next(a for a in articles(site) if a["title"].startswith("巫山：老旧小区"))
    assert "elevator-retrofit" in wushan["topics"]
    body = "".join(p for s in wushan["sections"] for p in s["paragraphs"])
    assert body.count("电梯加装") == 2 and "加装电梯" not in body
    page = (site / "topics" / "jia-zhuang-dian-ti.html").read_text(encoding="utf-8")
    assert wushan["url"].rsplit("/", 1)[-1] in page


def test_an_articles_keywords_name_no_place(site):
    """西工区 and 重庆市 headed articles' keywords, beside a 地区 line that names them; the word
    tables leave place names out, and so do the keywords."""
    from analysis.places import load_gazetteer

    gazetteer = load_gazetteer()
    records = articles(site)
    keywords = [k for a in records for k in a["keywords"]]
    assert len(keywords) >= 4 * len(records)  # a place name's place went to the next word
    assert [k for k in keywords if gazetteer.resolve(k) is not None] == []


def test_a_story_missing_its_opening_tells_the_reader_so(site):
    record = next(a for a in articles(site) if a["title"].startswith("巫山：老旧小区"))
    assert record["cut_at_start"] and not record["cut_at_end"]
    page = (site / record["url"]).read_text(encoding="utf-8")
    body = page[page.index('<p class="cut"') :]
    assert body.index("……（前文不在本版）") < body.index("改造，再加上安装工程")  # before the half sentence it opens on
    assert re.search(r'<p class="cut" data-pagefind-ignore>……（前文不在本版）</p>', page)  # no search hit
    whole = [a for a in articles(site) if not a["cut_at_start"] and not a["cut_at_end"]]
    assert all('<p class="cut"' not in (site / a["url"]).read_text(encoding="utf-8") for a in whole)


def test_places_filed_with_the_same_articles_have_the_same_distinctive_words(site):
    """南通市, 崇川区 and 江苏省 hold the same five articles: one table of words, whichever is read."""
    filed: dict[str, set] = {}
    for a in articles(site):
        for place in a["places"]:
            filed.setdefault(place, set()).add(a["id"])
    rows = list(csv.DictReader((site / "data" / "terms_by_place.csv").open(encoding="utf-8-sig")))
    z = {(r["place"], r["term"]): (r["count"], r["log_odds_z"]) for r in rows}
    by_place: dict[str, dict] = {}
    for (place, term), value in z.items():
        by_place.setdefault(place, {})[term] = value
    twins = [(p, q) for p in by_place for q in by_place if p < q and len(filed.get(p, ())) >= 3 and filed.get(p) == filed.get(q)]
    assert twins  # the seed pages have such places
    for p, q in twins:
        assert by_place[p] == by_place[q], (p, q)


def test_every_article_links_the_text_of_the_page_it_came_from(site):
    for record in articles(site):
        page = (site / record["url"]).read_text(encoding="utf-8")
        # the link says what it opens; the file's name follows it
        href = re.search(r'<dt>版面</dt>\s*<dd><a href="([^"]+)">整版识别文字</a>（<code class="filename">([^<]+)</code>）', page)
        assert href and href.group(2) == record["page"], record["url"]
        # a web page of the page's text, every line of it, which links the text file itself
        view = (site / record["url"]).parent / unquote(href.group(1))
        seed = (SEEDS / record["page"]).read_text(encoding="utf-8").replace("\r\n", "\n")
        shown = view.read_text(encoding="utf-8")
        assert '<meta name="viewport" content="width=device-width' in shown
        lines = shown.split('<div class="page-text__lines">', 1)[1].split("</div>", 1)[0]
        assert [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", lines)] == [
            line for line in seed.splitlines() if line.strip()], record["page"]
        # in the site's dress: its stylesheet, its name leading home (plain, it read as another site's)
        stylesheet = view.parent / re.search(r'<link rel="stylesheet" href="([^"]+)">', shown).group(1)
        assert stylesheet.resolve() == (site / "theme" / "css" / "main.css").resolve() and stylesheet.is_file()
        icon = view.parent / re.search(r'<link rel="icon" href="([^"]+)"', shown).group(1)  # no request for /favicon.ico
        assert icon.resolve() == (site / "theme" / "favicon.svg").resolve() and icon.is_file()
        assert re.search(r"<title>([^<]+)</title>", shown).group(1).endswith(" · 版面识别文字 · 老旧小区改造 · 地方报纸档案")
        name = re.search(r'<p class="site-name"><a href="([^"]+)">([^<]+)</a>', shown)
        assert (view.parent / name.group(1)).resolve() == (site / "index.html").resolve() and name.group(2) == "老旧小区改造\u00a0· 地方报纸档案"
        # and the site's navigation, each link to a page there is
        nav = re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a></li>', shown.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0])
        assert [label for _, label in nav] == ["首页", "文章", "地区", "话题", "来源", "统计报告", "数据下载", "搜索"]
        assert re.findall(r'aria-current="true">([^<]+)<', shown) == ["数据下载"]  # the section that lists it
        assert '<footer class="site-footer">' in shown and 'href="../../about.html"' in shown
        assert all((view.parent / href).resolve().is_file() for href, _ in nav)
        text = view.parent / unquote(re.search(r'<a href="([^"]+)">纯文本', shown).group(1))
        assert text.read_bytes().startswith(b"\xef\xbb\xbf")  # so a browser reads it as UTF-8 from any host
        assert text.read_text(encoding="utf-8-sig") == seed, record["page"]  # the whole page, as read
        home = view.parent / re.search(r'<a href="([^"]+)">首页', shown).group(1)
        assert home.resolve() == (site / "index.html").resolve()
        # under its paper, and listing the articles cut from it, this one among them
        assert record["publication"] in re.search(r"<h1>(.*?)</h1>", shown).group(1)
        listed = re.findall(r'<li><a href="([^"]+)">', shown.split('<div class="note">', 1)[1].split("</div>", 1)[0])
        assert (view.parent / listed[0]).resolve().is_file() and any(
            (view.parent / href).resolve() == (site / record["url"]).resolve() for href in listed), record["url"]
    pages = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert sorted(p.name for p in (site / "data" / "pages").iterdir()) == sorted(
        [*pages, *(name.removesuffix(".txt") + ".html" for name in pages)])
    # and the data page links every one of them, hosts listing no folders
    data = (site / "data.html").read_text(encoding="utf-8")
    linked = re.findall(r'<a href="(data/pages/[^"]+)">([^<]+)</a>', data)
    assert sorted(unquote(h).rsplit("/", 1)[1] for h, said in linked if said == "纯文本") == pages
    assert all((site / unquote(h)).is_file() for h, _ in linked)
    # each page's web page under its paper and date, as its heading names it
    views = {unquote(h).rsplit("/", 1)[1]: said for h, said in linked if h.endswith(".html")}
    assert sorted(views) == sorted(name.removesuffix(".txt") + ".html" for name in pages)
    assert all(re.search(r"<h1>(.*?) · 版面识别文字</h1>", (site / "data" / "pages" / view).read_text(encoding="utf-8")).group(1)
               .replace('<span class="term">', "").replace("</span>", "") == said for view, said in views.items())
    assert views["000_697f09e09f9696df.html"] == "巫山报 2023年"


@pytest.mark.parametrize("page", ["report.html", "data.html", "places.html"])
def test_generated_pages_are_described_by_their_opening_sentence_not_their_tables(site, page):
    text = (site / page).read_text(encoding="utf-8")
    description = re.search(r'<meta name="description" content="([^"]*)"', text).group(1)
    assert description.endswith("。") and description.count("。") <= 2
    assert description in re.sub(r"<[^>]+>", "", text.split("</h1>", 1)[1])  # the page's own opening words


def test_data_page_names_the_statuses_as_the_vocabulary_does(site):
    from analysis.extract import load_vocab

    page = (site / "data.html").read_text(encoding="utf-8")
    status = page[page.index("<code>status</code>") :].split("</dd>", 1)[0]
    for entry in load_vocab().statuses:
        assert f"{entry.key} {entry.label}" in status
    report = (site / "report.html").read_text(encoding="utf-8")
    assert "只有“累计”和“已完成”的数字算作已改造或已投入" in report and "{statuses}" not in report


def test_data_page_lists_every_metric_with_its_unit_as_the_vocabulary_does(site):
    """Every metric a facts.csv row can hold, each with the unit its value is in; the page names
    no file of the project's source, which a reader of the site cannot open."""
    from analysis.extract import load_vocab

    page = (site / "data.html").read_text(encoding="utf-8")
    metric = page[page.index("<code>metric</code>") :].split("</dd>", 1)[0]
    listed = re.findall(r"([a-z_0-9]+) ([^、（]+)（([^）]+)）", metric)
    assert listed == [(m.key, m.label, m.display_unit) for m in load_vocab().metrics_in_reading_order]
    facts = list(csv.DictReader((site / "data" / "facts.csv").open(encoding="utf-8-sig")))
    assert {f["metric"] for f in facts} <= {key for key, _, _ in listed}
    assert "analysis/" not in page and ".toml" not in page


def test_data_page_lists_every_qualifier_with_its_words_and_how_the_report_writes_it(site):
    from analysis.extract import load_vocab

    vocab = load_vocab()
    page = (site / "data.html").read_text(encoding="utf-8")
    qualifier = page[page.index("<code>qualifier</code>") :].split("</dd>", 1)[0]
    listed = dict(re.findall(r"([a-z_]+) ([^、（]+)（写作“[^”]+”）", qualifier))
    assert list(listed) == list(vocab.qualifier_display)
    assert listed["nearly"].split("/") == ["将近", "接近", "近"] and "不到" in listed["up_to"].split("/")
    facts = list(csv.DictReader((site / "data" / "facts.csv").open(encoding="utf-8-sig")))
    assert {f["qualifier"] for f in facts} <= set(listed) and "写作“近2600个”" in qualifier


def test_data_page_gives_the_threshold_of_a_significant_z_as_metrics_toml_does(site):
    from analysis.extract import load_vocab

    page = (site / "data.html").read_text(encoding="utf-8")
    assert page.count(f"大于 {load_vocab().report['significant_z']} 为显著偏多") == 2 and "{significant_z}" not in page


def test_a_listing_names_each_articles_place_and_the_place_it_is_in(site):
    """The 西工区 article names five of its communities: its card reads 西工区 · 洛阳市, not two
    communities side by side; every card's places are the analysis's `listed_places`."""
    from analysis.places import listed_places, load_gazetteer

    gazetteer = load_gazetteer()
    page = (site / "topics" / "lao-jiu-xiao-qu-gai-zao.html").read_text(encoding="utf-8")
    by_url = {a["url"]: a for a in articles(site)}
    cards = re.findall(r'<h2 class="entry__title[^"]*"><a href="\.\./([^"]+)">.*?<p class="entry__meta">(.*?)</p>', page, re.S)
    assert len(cards) >= 4
    for url, meta in cards:
        shown = re.findall(r'<a href="\.\./places/[^"]+">([^<]+)</a>', meta)
        assert shown == listed_places(by_url[url]["places"], gazetteer), url
    assert ["西工区", "洛阳市"] in [re.findall(r'places/[^"]+">([^<]+)<', meta) for _, meta in cards]


def test_the_report_says_why_a_pages_articles_fall_in_two_years(site):
    """江海晚报's page of 1 January 2022 reports 上月31日's meeting: its articles are counted
    under 2021 and 2022, which the year table alone left unexplained."""
    report = (site / "report.html").read_text(encoding="utf-8")
    section = report[report.index('<h2 id="coverage">') : report.index('<h2 id="scale">')]
    years: dict[str, set[str]] = {}
    for record in articles(site):
        if record["date"]:
            years.setdefault((record["publication"], record["page"]), set()).add(record["date"][:4])
    split = {key: sorted(ys) for key, ys in years.items() if len(ys) > 1}
    assert split  # the case is in the corpus
    for (publication, _), ys in split.items():
        pages = sum(p == publication and y == ys for (p, _), y in split.items())
        assert f"{publication}的{pages}个版面分属{'、'.join(ys)}年" in section
    assert section.index("分属") > section.index('<th scope="col">年份</th>')  # under the table it explains


def test_the_note_on_pages_across_years_counts_them_by_paper():
    from analysis.model import Article
    from analysis.report import years_of_a_page_note

    def a(page, date, publication=""):
        return Article(id=page + date, page=page, title="题", publication=publication, date=date)

    articles = [a("p1", "2021-12-31", "晚报"), a("p1", "2022-01-01", "晚报"), a("p2", "2021-12-30", "晚报"), a("p2", "2022-01-01", "晚报"),
                a("p3", "2020-12-31"), a("p3", "2021-06-01"), a("p3", "2022-01-01"), a("p4", "2022-01-01", "日报")]
    [note, _] = years_of_a_page_note(articles)
    assert "晚报的2个版面分属2021、2022年" in note and "来源不详的1个版面分属2020、2021、2022年" in note
    assert "日报" not in note and "p3" not in note
    assert years_of_a_page_note(articles[-1:]) == []


def test_the_reports_contents_link_to_each_of_its_sections_in_order(site):
    """The report runs to 20-odd screens on a phone: a list under its overview goes to each section."""
    report = (site / "report.html").read_text(encoding="utf-8")
    contents = re.search(r'<nav class="page-contents" id="contents" aria-label="本页目录">(.*?)</nav>', report, re.S)
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', contents.group(1))
    headings = re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', report)
    assert links == headings[1:] and len(links) >= 6  # every section after the overview, in order
    assert report.index('<h2 id="overview">') < contents.start() < report.index(f'<h2 id="{links[0][0]}">')


KWIC_LINE = r"<li>(…?)(.*?)<strong>(.*?)</strong>(.*?)(…?)\s*<span class=\"term\"><a href=\"([^\"]+)\">原文<span class=\"visually-hidden\">[^<]*</span></a></span>"


def test_report_shows_leading_terms_in_context_linking_to_articles(site):
    report = (site / "report.html").read_text(encoding="utf-8")
    section = report[report.index('<h2 id="context">') : report.index('<h2 id="facts">')]
    lines = re.findall(KWIC_LINE, section)
    assert len(lines) >= 10
    by_url = {a["url"]: a for a in articles(site)}
    renovation = {url for url, a in by_url.items() if "renovation" in a["topics"]}
    for cut_before, left, term, right, cut_after, href in lines:
        left, term, right = (html.unescape(re.sub(r"<[^>]+>", "", x)) for x in (left, term, right))  # a figure's span
        article = by_url[href.removeprefix("./").split("#")[0]]
        assert article["url"] in renovation  # a renovation article, as the section says
        # Key points (their ● left out) and paragraphs: the line is from the article's body, not
        # its headline, and "…" marks only a cut.
        paragraphs = [BULLET.sub("", p) for p in article["summary"]] + [p for section_ in article["sections"] for p in section_["paragraphs"]]
        paragraph = next(p for p in paragraphs if left + term + right in p)
        # a story begun on another page goes on before its first paragraph here
        begun_elsewhere = (article["cut_at_start"] or article["continued_from"]) and paragraph == article["sections"][0]["paragraphs"][0]
        assert (paragraph.startswith(left + term) and not begun_elsewhere) != bool(cut_before), (left, term)
        assert paragraph.endswith(term + right) != bool(cut_after), (term, right)
        # 原文 links to the sentence the term is in, which the article's page holds under that id
        page = (site / article["url"]).read_text(encoding="utf-8")
        anchor = href.split("#")[1]
        sentence = re.search(rf'<span class="sentence" id="{anchor}">((?:<span class="key-mark"[^>]*></span>)?.*?)</span>', page, re.S).group(1)
        shown = html.unescape(re.sub(r"<[^>]+>", "", sentence))
        assert term in shown and (left + term in shown or term + right in shown), (anchor, shown, left, term, right)
    assert any(not cut for line in lines for cut in (line[0], line[4]))  # a paragraph's edge shows as it is
    assert len({(term, href) for _, _, term, _, _, href in lines}) == len(lines)  # one line per article and term


def test_terms_in_context_begin_and_end_between_words_and_show_no_sentence_twice(site):
    """…省洛阳市 cut 河南省 and 社区医… 医疗; 改造, 老旧小区 and 居民 each showed one sentence of
    the same article. A line now ends where a word does, and no term shows inside a line above."""
    from analysis import lexicon

    report = (site / "report.html").read_text(encoding="utf-8")
    section = report[report.index('<h2 id="context">') : report.index('<h2 id="facts">')]
    lines = re.findall(KWIC_LINE, section)
    texts = {a["url"]: [BULLET.sub("", p) for p in a["summary"]] + [p for s in a["sections"] for p in s["paragraphs"]]
             for a in articles(site)}
    tokenizer = lexicon.tokenizer()
    shown: dict[str, list[str]] = {}
    figures = 0
    for _, left, term, right, _, href in lines:
        # every figure whole on its line (约4.35|万栋 broke): no digit outside a figure's span
        assert not re.search(r"\d", re.sub(r'<span class="amount">.*?</span>', "", left + right)), (left, right)
        figures += (left + right).count('<span class="amount">')
        left, term, right = (html.unescape(re.sub(r"<[^>]+>", "", x)) for x in (left, term, right))
        url = href.removeprefix("./").split("#")[0]
        paragraph = next(p for p in texts[url] if left + term + right in p)
        edges = {start for _, start, _ in tokenizer.tokenize(paragraph, HMM=False)} | {len(paragraph)}
        start = paragraph.index(left + term + right)
        assert start in edges and start + len(left + term + right) in edges, (left, term, right)
        line = left + term + right  # no run of eight characters shown twice: one sentence, once
        assert not any(line[i : i + 8] in seen for seen in shown.get(url, []) for i in range(len(line) - 7)), (term, line)
        shown.setdefault(url, []).append(left + term + right)
    assert len(lines) >= 10 and figures >= 5


def test_topic_pages_carry_the_topics_words(site):
    from analysis.extract import load_vocab

    page = (site / "topics" / "lao-jiu-xiao-qu-gai-zao.html").read_text(encoding="utf-8")
    assert "话题词语" in page and "老旧小区" in page[page.index("话题词语") :]
    # Its distinctive words stand out against the other topics; a place's, against other places.
    assert "与其他话题相比显著的特征词" in page and "与其他地方" not in page
    place = (site / "places" / "chong-qing-shi.html").read_text(encoding="utf-8")
    assert "与其他地方相比显著的特征词" in place
    # Only the significant are listed, under a heading that says where significance begins.
    listed = re.search(r"显著的特征词.*?<tbody>(.*?)</tbody>", place, re.S).group(1)
    z_values = [float(z) for z in re.findall(r"<td[^>]*>(-?\d+\.\d+)</td>\s*</tr>", listed)]
    assert z_values and min(z_values) > 1.96, z_values
    # Each table of words has a heading of its own, which names its region for a screen reader,
    # and says that place names are left out, as the report's charts do.
    for text in (page, place):
        assert re.findall(r'aria-label="表格：(高频词|特征词)"', text) == ["高频词", "特征词"]
        note = load_vocab().report["place_names_note"]
        assert f"出现最多的实词，{note}" in text and f"越大越突出；{note}）" in text


def test_a_place_named_only_beside_others_says_why_it_has_no_words(site):
    """Words are counted under an article's main place: 渝北区, named by two articles about other
    places, has none of its own, and its page says so rather than that it has too few articles."""
    from analysis.articles import place_slug
    from analysis.places import filed_under, load_gazetteer

    gazetteer = load_gazetteer()
    articles = json.loads((site / "data" / "articles.json").read_text(encoding="utf-8"))
    filed = {place_slug(p) for a in articles for p in filed_under(a["places"], gazetteer)}
    pages = {path.stem: path.read_text(encoding="utf-8") for path in (site / "places").glob("*.html")}
    said = {stem for stem, page in pages.items() if "没有自己的词频统计" in page}
    assert "yu-bei-qu" in said and "文章太少" not in pages["yu-bei-qu"]
    assert said and not said & filed


def page_stems(folder) -> set[str]:
    """The slugs of a folder's listing pages, leaving out their further pages (name2.html ...)."""
    stems = {p.stem for p in folder.glob("*.html")}
    return {stem for stem in stems if not (re.fullmatch(r".*\D\d+", stem) and re.sub(r"\d+$", "", stem) in stems)}


def test_source_and_topic_pages_are_named_in_the_pinyin_their_names_are_read_in(site):
    from analysis.articles import name_slug
    from analysis.topics import load_topics

    records = articles(site)
    papers = {r["publication"] for r in records}
    assert page_stems(site / "sources") == {name_slug(p) for p in papers}
    # 重庆 is chong-qing and 北碚 bei-bei, as the place pages have them; not zhong-qing, bei-pei
    for paper, slug in {"重庆日报": "chong-qing-ri-bao", "北碚报": "bei-bei-bao"}.items():
        page = (site / "sources" / f"{slug}.html").read_text(encoding="utf-8")
        assert paper in re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
        listed = [r for r in records if r["publication"] == paper]
        assert listed and all(r["url"] in page for r in listed)
    assert (site / "places" / "chong-qing-shi.html").is_file()
    names = load_topics().names()  # the records hold each topic's key
    topics = {names[t] for r in records for t in r["topics"]}
    assert page_stems(site / "topics") == {name_slug(t) for t in topics}
    assert len({name_slug(n) for n in names.values()}) == len(names)  # no two topics share a page


def test_no_content_links_a_source_or_topic_by_name(site):
    """Pelican makes {category} and {tag} links with its own slugs, not the pinyin ones the
    pages have."""
    content = site.parent / "work" / "content"
    files = [p for p in content.rglob("*") if p.suffix in (".md", ".html")]
    assert len(files) > 50
    for path in files:
        assert not re.search(r"[{|](category|tag)[}|]", path.read_text(encoding="utf-8")), path


def test_a_name_is_slugged_as_read_escaped_full_width_or_without_pinyin():
    from pelican.settings import DEFAULT_CONFIG
    from pelican.urlwrappers import Category

    from analysis.articles import name_slug
    from analysis.site import page_slug, shared_source_pages

    assert name_slug("China Daily 2") == "china-daily-2" and name_slug("人民日報") == "ren-min-ri-bao"
    assert name_slug("ＣＣＴＶ报") == "cctv-bao"
    assert page_slug(Category("A&amp;B日报", DEFAULT_CONFIG)) == "a-b-ri-bao"  # metadata arrives escaped
    assert name_slug("Правда") == "" and page_slug(Category("Правда", DEFAULT_CONFIG)) == "pravda"
    settings = {**DEFAULT_CONFIG, "CATEGORY_SAVE_AS": "sources/{slug}.html"}
    assert shared_source_pages(["A&B日报", "A-B日报", "人民日报"], settings) == {"sources/a-b-ri-bao.html": ["A&B日报", "A-B日报"]}


@pytest.fixture(scope="module")
def small_pages_site(tmp_path_factory):
    """The seed pages built with tiny page-size limits, so every summarising path is taken."""
    import analysis.report as report

    tmp = tmp_path_factory.mktemp("small-pages")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report, "FACTS_LISTED", 3)
        patch.setattr(report, "SOURCES_LINKED", 1)
        patch.setattr(report, "SCALE_ROWS_LISTED", 5)
        patch.setattr(report, "PLACE_ARTICLES_PER_PAGE", 2)
        build(SEEDS, tmp / "out", tmp / "work", ROOT / "pelicanconf.py", progress=Progress(quiet=True))
    return tmp / "out"


def test_a_long_place_article_list_is_split_into_linked_pages_holding_every_article_once(small_pages_site):
    site = small_pages_site
    first = "places/chong-qing-shi.html"
    total = int(re.search(r"文章（(\d+) 篇）", (site / first).read_text(encoding="utf-8")).group(1))
    numbered = {int(p.stem.rsplit("-", 1)[1]): p.relative_to(site).as_posix() for p in (site / "places").glob("chong-qing-shi-*.html")}
    pages = [numbered[n] for n in sorted(numbered)]
    assert len(pages) == -(-total // 2) - 1 >= 2
    listed = []
    ordered = [first, *pages]
    reached = {first}
    for number, page in enumerate(ordered, start=1):
        body = (site / page).read_text(encoding="utf-8")
        block = re.search(r'<ul><li>(?:<span class="list-kicker">[^<]*</span>)?<a href="(?:\.\./)*articles/.*?</ul>', body).group(0)
        listed += re.findall(r'href="(?:\.\./)*(articles/[^"#]+)"', block)
        pager = internal_links(site, page, within=('<nav class="pagination"', "</nav>")) & set(ordered)
        neighbours = {ordered[n - 1] for n in (1, number - 1, number + 1, len(ordered)) if 1 <= n <= len(ordered)}
        assert neighbours <= pager <= set(ordered), page  # first, last, previous and next at least
        assert len(pager) <= 7, page  # not every page: the pager stays the same size as the list grows
        assert f"第 {number} / {len(ordered)} 页" in body
        reached |= pager
    assert reached == set(ordered)
    assert len(listed) == len(set(listed)) == total
    assert {a["url"] for a in articles(site) if "重庆市" in a["places"]} <= set(listed)
    dates = [a["date"] or "" for url in listed for a in articles(site) if a["url"] == url]
    assert dates == sorted(dates, reverse=True)  # newest first across the pages


@settings(max_examples=300, deadline=None)
@given(count=st.integers(2, 5000), data=st.data())
def test_a_pager_shows_the_ends_and_the_current_page_with_its_neighbours_and_marks_each_gap(count, data):
    number = data.draw(st.integers(1, count))
    shown = pager_numbers(number, count)
    numbers = [n for n in shown if n is not None]
    assert {1, count} | {n for n in range(number - 2, number + 3) if 1 <= n <= count} <= set(numbers)
    assert len(shown) <= 9  # whatever the count
    assert shown[0] == 1 and shown[-1] == count  # so every gap mark stands between two numbers
    for i, n in enumerate(shown[1:], start=1):
        if n is None:
            assert shown[i + 1] is not None, shown  # one mark per gap
            continue
        before = shown[i - 1] if shown[i - 1] is not None else shown[i - 2]
        assert n - before >= 2 if shown[i - 1] is None else n - before == 1, shown  # a mark where pages are left out


def test_a_long_fact_list_becomes_counts_by_place_that_add_up(small_pages_site):
    report = (small_pages_site / "report.html").read_text(encoding="utf-8")
    section = report[report.index('<h2 id="facts">') : report.index('<h2 id="method">')]
    counts = [int(n) for n in re.findall(r"</a>：(\d+) 条", section)]
    with (small_pages_site / "data" / "facts.csv").open(encoding="utf-8-sig") as fh:
        assert sum(counts) == len(list(csv.DictReader(fh))) > 3
    assert "places/" in section and "facts.csv" in section


def test_a_long_scale_table_keeps_provinces_and_cities_and_counts_the_rest_by_place(small_pages_site):
    site = small_pages_site
    report = (site / "report.html").read_text(encoding="utf-8")
    section = report[report.index('<h2 id="scale">') : report.index('<h2 id="charts">')]
    table = re.search(r"<table>.*?</table>", section, re.S).group(0)
    in_table = re.findall(r'<th scope="row"><a href="\./(places/[^"]+)">', table)
    assert set(in_table) == {"places/chong-qing-shi.html"}  # the only province or city with figures
    counted = dict(re.findall(r'<a href="\./(places/[^"]+)">[^<]+</a>：(\d+) 行', section))
    assert "places/wu-shan-xian.html" in counted and not set(counted) & set(in_table)
    for page, rows in counted.items():
        place = (site / page).read_text(encoding="utf-8")
        own = place[place.index("的改造数据") : place.index("</table>")]
        assert own.count("<tr>") - 1 == int(rows), page  # its page's table, header row aside
    with (site / "data" / "scale_by_place.csv").open(encoding="utf-8-sig") as fh:
        assert table.count("<tr>") - 1 + sum(map(int, counted.values())) == len(list(csv.DictReader(fh)))
    assert "scale_by_place.csv" in section


def test_each_chart_on_the_report_offers_its_data(site):
    report = (site / "report.html").read_text(encoding="utf-8")
    svgs = re.findall(r'<img src="(?:\./)?(charts/[^"]+)\.svg"', report)
    assert len(svgs) >= 2
    for chart in svgs:
        assert f'href="./{chart}.csv"' in report and (site / f"{chart}.csv").is_file()
        assert (site / f"{chart}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_a_place_page_links_exactly_the_report_charts_that_draw_it(site):
    """Each of the report's charts draws every place: a place page links to the charts, at
    their headings in the report, rather than showing them again."""
    charts = {}
    for path in sorted((site / "charts").glob("*.csv")):
        rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
        charts[path.stem] = {r["地方"] for r in rows}
    assert len(charts) == 4
    report = (site / "report.html").read_text(encoding="utf-8")
    headings = dict(re.findall(r'<h3 id="chart-([^"]+)">([^<]+)</h3>', report))
    assert set(headings) == set(charts)
    for slug, title in headings.items():  # the heading is the chart's: its image follows it
        assert re.search(rf'<h3 id="chart-{slug}">[^<]+</h3>\s*<figure class="chart"><img src="\./charts/{slug}\.svg"', report), slug
    for page in sorted((site / "places").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        place = re.search(r"<h1[^>]*>([^<]+)</h1>", text).group(1).strip()
        linked = dict(re.findall(r'<li><a href="\.\./report\.html#chart-([^"]+)">([^<]+)</a></li>', text))
        assert set(linked) == {slug for slug, places in charts.items() if place in places}, page.name
        assert all(headings[slug] == title for slug, title in linked.items()), page.name
        assert "<img" not in text.split(">图表</h2>")[-1] if linked else ">图表</h2>" not in text, page.name
    # 任港街道 has no chart of its own.
    assert "report.html#chart-" not in (site / "places" / "ren-gang-jie-dao.html").read_text(encoding="utf-8")
    report = (site / "report.html").read_text(encoding="utf-8")
    figure_tables = re.findall(r"</figure>.*?<table>(.*?)</table>", report, re.S)
    assert len(figure_tables) == 4
    for table in figure_tables:
        header = re.findall(r"<th[^>]*>([^<]*)</th>", table.split("</thead>")[0])
        assert header[0] == "地方" and not {"数值", "单位", "所属省份", "来源文章数"} & set(header)
        if "数字" in header:  # a figure's table names and orders its columns as the report's own
            assert header[:5] == ["地方", "指标", "数字", "年份", "进度"]
        cells = [re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row) for row in table.split("<tr>")[2:]]
        assert all(any(row[i] != "—" for row in cells) for i in range(len(header)))  # no empty column
        assert all(all(row) for row in cells)  # an empty cell says so, as the report's tables do


def test_json_data_files_hold_one_record_a_line(site):
    for name in ("articles.json", "facts.json"):
        text = (site / "data" / name).read_text(encoding="utf-8")
        records = json.loads(text)
        lines = text.splitlines()
        assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(records) + 2
        assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == records
    with (site / "data" / "articles.csv").open(encoding="utf-8-sig") as fh:
        assert [a["id"] for a in articles(site)] == [row["id"] for row in csv.DictReader(fh)]


def test_an_article_list_answers_in_by_identity_as_the_list_it_replaces():
    from types import SimpleNamespace

    from analysis.site import ArticleList, index_article_lists

    a, b, c = object(), object(), object()
    assert a in ArticleList([a, b]) and c not in ArticleList([a, b]) and ArticleList([a, b]) == [a, b]
    generator = SimpleNamespace(tags={"改造": [a, b], "养老": [c]}, categories=[("甲报", [a])], authors=[("编辑", [a, b, c])])
    index_article_lists(generator)
    assert {tag: list(arts) for tag, arts in generator.tags.items()} == {"改造": [a, b], "养老": [c]}
    assert [(cat, list(arts)) for cat, arts in generator.categories] == [("甲报", [a])]
    assert all(isinstance(arts, ArticleList) for _, arts in [*generator.tags.items(), *generator.categories, *generator.authors])
    assert [[x in arts for x in (a, b, c)] for _, arts in generator.authors] == [[True, True, True]]



def test_a_place_page_describes_what_it_holds_with_the_counts_of_the_data(site):
    page = (site / "places" / "wu-shan-xian.html").read_text(encoding="utf-8")
    description = re.search(r'<meta name="description" content="([^"]*)">', page).group(1)
    facts = json.loads((site / "data" / "facts.json").read_text(encoding="utf-8"))
    listed = re.search(r"文章（(\d+) 篇）", page).group(1)
    here = sum(1 for fact in facts if fact["place"] == "巫山县")
    assert here and description.startswith(f"巫山县：{listed} 篇文章，改造数据 {here} 条")


def test_generated_articles_read_directly_give_what_markdown_gives(site):
    content = site.parent / "work" / "content"
    articles = len(list((content / "articles").glob("*.md")))
    assert articles and readers_agree(content) == articles  # every article directly, no page


def test_a_file_with_markdown_in_its_body_is_read_by_markdown(tmp_path):
    from analysis.site import html_body_document

    (tmp_path / "a.md").write_text("Title: 甲\nDate: 2023-05-01\n\n<p>段落</p>\n\n## 小标题\n\n*强调*\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("Title: 乙\nDate: 2023-05-01\n\n<p>段落</p>\n\n<p>又一段</p>\n", encoding="utf-8")
    assert html_body_document((tmp_path / "a.md").read_text(encoding="utf-8")) is None
    assert html_body_document((tmp_path / "b.md").read_text(encoding="utf-8")) == ([("title", "乙"), ("date", "2023-05-01")], "<p>段落</p>\n\n<p>又一段</p>")
    assert readers_agree(tmp_path) == 1


def test_pelican_never_pairs_translations_whose_list_scan_is_quadratic(tmp_path, monkeypatch):
    import pelican.generators

    real = pelican.generators.process_translations
    asked = []

    def recording(content_list, translation_id=None):
        asked.append((len(content_list), translation_id))
        return real(content_list, translation_id)

    monkeypatch.setattr(pelican.generators, "process_translations", recording)
    build(SEEDS, tmp_path / "out", tmp_path / "work", ROOT / "pelicanconf.py", progress=Progress(quiet=True))
    assert any(count > 20 for count, _ in asked)  # the articles went through it
    assert all(not translation_id for _, translation_id in asked)


def test_a_pages_key_follows_the_files_its_links_point_to_and_nothing_else(tmp_path):
    from types import SimpleNamespace

    from analysis.site import RenderedPages

    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "pages" / "places").mkdir(parents=True)
    article, other = content / "articles" / "a1.md", content / "articles" / "a2.md"
    article.write_text("Title: 甲\nSlug: jia\n\n正文", encoding="utf-8")
    other.write_text("Title: 乙\nSlug: yi\n\n正文", encoding="utf-8")
    page = content / "pages" / "places" / "wu-shan-xian.md"
    page.write_text("Title: 巫山县\n\n[甲]({filename}/articles/a1.md#s-1)、[上一页]({filename}../places.md)、"
                    '<img src="{static}/charts/c.svg">、[话题]({tag}改造)', encoding="utf-8")

    def key():
        pages = RenderedPages(None, {}, "base", "stamp", content)
        return pages.key("places/wu-shan-xian.html", [("page", SimpleNamespace(source_path=str(page)))])

    first = key()
    other.write_text("Title: 乙\nSlug: yi-2\n\n正文", encoding="utf-8")  # not linked
    assert key() == first
    article.write_text("Title: 甲\nSlug: jia-2\n\n正文", encoding="utf-8")  # its URL changes
    second = key()
    assert second != first
    (content / "pages" / "places.md").write_text("Title: 地区\n", encoding="utf-8")  # a relative link's target appears
    third = key()
    assert third != second
    (content / "charts").mkdir()
    (content / "charts" / "c.svg").write_text("<svg/>", encoding="utf-8")
    assert key() != third
    page.unlink()
    assert key() is None  # a page whose source cannot be read is always rendered


def test_a_chart_table_gives_places_with_the_same_lines_once():
    from analysis.report import same_blocks_once

    rows = [["重庆市", "改造", "69"], ["重庆市", "建设", "57"], ["南通市", "改造", "33"], ["崇川区", "改造", "33"],
            ["江苏省", "改造", "33"], ["洛阳市", "改造", "33"], ["洛阳市", "居民", "20"]]
    assert same_blocks_once(rows) == [["重庆市", "改造", "69"], ["重庆市", "建设", "57"], ["南通市、崇川区、江苏省", "改造", "33"],
                                      ["洛阳市", "改造", "33"], ["洛阳市", "居民", "20"]]


def report_tables(site) -> list:
    """The report's tables as html5lib elements."""
    doc = html5lib.parse((site / "report.html").read_text(encoding="utf-8"), namespaceHTMLElements=False)
    return doc.findall(".//table")


def text_of(element) -> str:
    return "".join(element.itertext()).strip()


def cells_of(row) -> list:
    """A table row's cells, its header cell first (theme/filters.py, with_row_headers)."""
    return [cell for cell in row if cell.tag in ("th", "td")]


def distinctive_rows(tables: list) -> list:
    """The rows of the table under the chart of distinctive words (its last column z值)."""
    table = next(t for t in tables if [text_of(th) for th in t.findall(".//thead/tr/th")][-1] == "z值")
    return table.findall(".//tbody/tr")


def test_report_tables_name_a_place_once_for_its_rows_and_keep_it_out_of_sight_on_the_others(site):
    by_place = [t for t in report_tables(site) if text_of(t.find(".//thead/tr/th")) == "地方"]
    assert len(by_place) >= 3  # the scale table and the charts' tables
    repeated = 0
    for table in by_place:
        rows = table.findall(".//tbody/tr")
        places, shown = [], []
        for row in rows:
            cell = cells_of(row)[0]
            hidden = cell.find("span[@class='same-place visually-hidden']")
            places.append(text_of(cell))
            if hidden is None:
                shown.append(text_of(cell))
            else:
                assert places[-1] == places[-2]  # the name out of sight is the row's own place
                assert cell.find(".//a") is None  # a link out of sight would take the focus
        assert all(a != b for a, b in zip(shown, shown[1:]))  # named once for the rows that follow it
        repeated += len(shown) < len(rows)
    assert repeated >= 3  # the seed pages' tables give most places several rows
    csv_rows = list(csv.DictReader((site / "charts" / "distinctive-terms-by-place.csv").open(encoding="utf-8-sig")))
    listed = [text_of(cells_of(row)[0]) for row in distinctive_rows(by_place)]
    # The scale table's status breaks between words only (签约或授|信 broke): the table scrolls
    # on a phone, and a squeezed column made its rows four lines high.
    scale = next(t for t in by_place if t.find(".//tbody/tr/th/a") is not None)  # the one whose places link
    column = [text_of(th) for th in scale.findall(".//thead/tr/th")].index("进度")
    statuses = [cells_of(row)[column] for row in scale.findall(".//tbody/tr")]
    assert statuses and all(cell.find("span[@class='wordwise']") is not None for cell in statuses)
    # Places listed together say why, under their table.
    report = (site / "report.html").read_text(encoding="utf-8")
    merged = next(text_of(cells_of(row)[0]) for row in distinctive_rows(by_place) if "、" in text_of(cells_of(row)[0]))
    after = report[report.index(f'<th scope="row">{merged}</th>'):]
    assert f"几个地方列在一起（如“{merged}”）" in after[after.index("</table>"):][:200]
    # Every row still names its place in full, as the chart's CSV does.
    assert {p for places in listed for p in places.split("、")} == {r["地方"] for r in csv_rows}


def test_report_tables_set_columns_of_numbers_right(site):
    for table in report_tables(site):
        header = [text_of(th) for th in table.findall(".//thead/tr/th")]
        rows = [[text_of(td) for td in cells_of(tr)] for tr in table.findall(".//tbody/tr")]
        aligned = [("right" in (th.get("style") or "")) for th in table.findall(".//thead/tr/th")]
        for i, name in enumerate(header):
            numbers = i > 0 and all(NUMBER_CELL.fullmatch(row[i]) for row in rows) and any(row[i] != "—" for row in rows)
            assert aligned[i] == numbers, (header, name)
            if numbers:  # as many decimal places on every row, so the points line up (4.10, not 4.1)
                assert len({len(row[i].partition(".")[2]) for row in rows if row[i] != "—"}) == 1, (header, name)
            assert all(("right" in (td.get("style") or "")) == numbers for tr in table.findall(".//tbody/tr")
                       for td in cells_of(tr)[i:i + 1])
    assert any("出现次数" in [text_of(th) for th in t.findall(".//thead/tr/th")] for t in report_tables(site))


def test_the_note_on_a_reattached_part_quotes_it_from_its_clause_and_never_leaves_it_out():
    from analysis.model import Article, Section
    from analysis.pages import fragment_opening

    def opening(paragraph: str, starts: str) -> str:
        return fragment_opening(Article(id="a", page="p.txt", title="题", sections=[Section("", [paragraph])]), starts)

    # joined inside a sentence at the paragraph's start: from the sentence's start
    assert opening("老旧小区改造后，路更平了，环境更好了。", "后，路更平了，环境") == "老旧小区改造后，路更平了，环境更好了"
    # a quotation's lone closing mark before the part: from the part itself, not the words before
    assert opening("居民们，大家都说要有担当”后，路更平了，环境更好了", "后，路更平了，环境") == "后，路更平了，环境更好了"
    # a whole quotation without its marks, as a reader searching the page types it; a quotation
    # inside the words in inner marks
    assert opening("“在抗疫的关键时刻，我们必须彰显出应有的担当。”他说。", "“在抗疫的关键时刻，我们必须彰显") == "在抗疫的关键时刻，我们必须彰显出应有的担当"
    assert opening("改造得到“好评”，居民们都说好。", "改造得到“好评”") == "改造得到‘好评’"


def test_a_place_list_entry_names_what_is_known_of_its_article():
    from analysis.model import Article
    from analysis.report import article_list_html

    known = Article(id="a", page="p.txt", title="标题", publication="巫山报", date="2023-06-14", kicker="巫山<县>")
    unknown = Article(id="b", page="q.txt", title="无名", publication="", date="")
    html_ = article_list_html([known, unknown])
    # the bracket whole on its line: （北碚报，|2021年10月20日） parted a paper from its date
    assert '标题</a><span class="term">（巫山报，2023年6月14日）</span>' in html_
    assert '无名</a><span class="term">（日期不详）</span>' in html_
    # the kicker before its title, escaped; none where the article has none
    assert '<li><span class="list-kicker">巫山&lt;县&gt;</span><a href=' in html_
    assert html_.count("list-kicker") == 1


def cuts_a_figure(text: str, at: int) -> bool:
    """A cut at `at` would part a figure's digits, or a figure from its unit (20|00年, 2000|年)."""
    return bool(re.search(r"\d[.,，]?$", text[:at]) and re.match(r"[.,，]?\w", text[at:]))


def test_each_listed_figure_is_quoted_with_the_words_around_it(site):
    """A quote cut from the sentence's start stopped short of the number it vouches for; one
    cut inside another figure changed it (…0年以前 for 2000年以前)."""
    report = (site / "report.html").read_text(encoding="utf-8")
    section = report[report.index('<h2 id="facts">') : report.index('<h2 id="method">')]
    items = re.findall(r"<li><span class=\"term\"><strong>[^<]+</strong></span> <span class=\"amount\"><strong>([^<]+)</strong></span>.*?<a href=\"[^\"]+\">“(.*?)”</a></li>", section, re.S)
    from analysis.extract import load_vocab

    qualifiers = load_vocab().qualifiers
    facts = list(csv.DictReader((site / "data" / "facts.csv").open(encoding="utf-8-sig")))
    assert len(items) == len(facts) > 20
    for (figure, quote), fact in zip(items, facts):
        quote = quote.translate(str.maketrans("‘’", "“”"))  # the sentence's own quotations, inner in the quote
        assert fact["printed"] in quote, (figure, quote)
        assert quote.strip("…") in fact["sentence"]
        # A quote begins where a hedge of the figure it begins with does: …1亿平方米 for 约1亿平方米.
        at = fact["sentence"].index(quote.strip("…"))
        assert qualifiers.hedge_start(fact["sentence"], at) == at, quote
        start = fact["sentence"].index(quote.strip("…"))
        end = start + len(quote.strip("…"))
        assert not (quote.startswith("…") and cuts_a_figure(fact["sentence"], start)), quote
        assert not (quote.endswith("…") and cuts_a_figure(fact["sentence"], end)), quote


def test_listings_leave_out_the_note_of_a_story_missing_its_opening(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    # nor the tail of a quotation begun on another page: the excerpt starts at the next sentence
    assert "…据悉，面对居民的诉求" in index and "前文不在本版" not in index and "改造，再加上安装工程" not in index


def test_the_note_on_reattached_paragraphs_quotes_words_a_reader_finds_in_the_article(site):
    """从“后，路更平了…”起 quoted a part joined inside 老旧小区改造后，路更平了; 从“…担当。”…”起
    ended on the quotation's own mark. The note now quotes whole clauses of the text as shown,
    from the clause the part begins in, with no lone quotation mark and inner quotations in ‘’."""
    notes = 0
    for record in articles(site):
        page = (site / record["url"]).read_text(encoding="utf-8")
        text = "\n".join(p for section in record["sections"] for p in section["paragraphs"])
        quoted = re.findall(r'<li><a href="#(s-[0-9a-f-]+)">从“(.+?)…”起的 \d+ 段</a></li>', page)
        assert len(quoted) == len(record["reattached"]), record["url"]
        for (target, words), fragment in zip(quoted, record["reattached"]):
            # the note links to the sentence the part begins in (a paragraph's link landed
            # sentences before a part joined inside it), which the quoted words end in
            sentence = html.unescape(re.search(rf'<span class="sentence" id="{target}">(.*?)</span>', page, re.S).group(1))
            assert fragment["starts"][:6] in sentence, (target, sentence)
            words = html.unescape(words)
            assert "“" not in words and "”" not in words and words.count("‘") == words.count("’"), words
            assert words.replace("‘", "“").replace("’", "”") in text, words
            assert fragment["starts"].lstrip("“")[:6] in words.replace("‘", "“").replace("’", "”"), words
            notes += 1
    assert notes >= 3
    assert any(f["starts"].startswith("“") for a in articles(site) for f in a["reattached"])  # the case is there
    wushan = next(a for a in articles(site) if any(f["starts"].startswith("后，") for f in a["reattached"]))
    assert "从“老旧小区改造后，路更平了" in (site / wushan["url"]).read_text(encoding="utf-8")


def test_data_files_for_spreadsheets_carry_the_mark_excel_reads_utf8_by(site):
    for path in [*(site / "data").glob("*.csv"), *(site / "charts").glob("*.csv")]:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1, path.name
    assert not (site / "data" / "articles.json").read_bytes().startswith(b"\xef\xbb\xbf")  # JSON has none
    assert "utf-8-sig" in (site / "data.html").read_text(encoding="utf-8")


def test_an_articles_figures_follow_its_text_and_its_details_link_to_them(site):
    """Before the text, the box of figures put a phone's reader two screens from the first
    paragraph; the details above the text say how many there are and link to them."""
    with (site / "data" / "facts.csv").open(encoding="utf-8-sig") as fh:
        counts = Counter(row["article_url"] for row in csv.DictReader(fh))
    assert counts
    for url, count in counts.items():
        page = (site / url).read_text(encoding="utf-8")
        box = page.index('<section class="facts-box" id="facts"')
        assert page.index('class="prose article__body"') < box
        assert f'<a href="#facts">{count} 条，见文末</a>' in page[: page.index('class="prose article__body"')]
        assert page[box:].split("</section>", 1)[0].count("<li>") == count
        assert f"本文中的改造数据（{count} 条）" in page[box:]


def test_a_place_pages_words_say_which_of_its_articles_they_rest_on(site):
    """Words are counted under an article's main place: 北碚区's chart panel rests on fewer
    articles than its page lists, and the page says how many and why."""
    chart = (site / "charts" / "term-frequency-by-place.svg").read_text(encoding="utf-8")
    noted = 0
    for path in sorted((site / "places").glob("*.html")):
        page = path.read_text(encoding="utf-8")
        place = re.search(r"<h1>([^<]+)</h1>", page).group(1)
        listed = int(re.search(r"文章（(\d+) 篇）", page).group(1))
        note = re.search(rf"依据以{place}为主的 (\d+) 篇文章，上列另外 (\d+) 篇以别的地方为主，不计", page)
        if not note:
            continue
        filed, others = map(int, note.groups())
        assert filed + others == listed and others > 0, place
        assert f"{place}（{filed}篇" in chart or place not in chart, place  # as the charts count it
        noted += 1
    assert noted >= 1


def test_an_article_names_every_place_whose_page_lists_it(site):
    """Place pages list an article under the places above its own (重庆日报's story of 中山二路社区
    under 渝中区) and search files it there; its page named only its own places."""
    listed_under: dict[str, set[str]] = {}
    for path in sorted((site / "places").glob("*.html")):
        page = path.read_text(encoding="utf-8")
        place = re.search(r"<h1>([^<]+)</h1>", page).group(1)
        for href in re.findall(r'href="\.\./(articles/[^"#]+)"', page.split("<main", 1)[1]):
            listed_under.setdefault(href, set()).add(place)
    assert listed_under
    for url, places in listed_under.items():
        page = (site / url).read_text(encoding="utf-8")
        row = page.split("<dt>地区</dt>", 1)[1].split("</dd>", 1)[0]
        shown = set(re.findall(r">([^<>]+)</a>", row))
        assert places <= shown, (url, places - shown)


def test_a_charts_table_and_its_download_say_how_many_rows_each_holds(site):
    """The folded table lists places with identical rows together; its file keeps a row for each
    place. Both were said to hold 48 rows, and the file had 80."""
    report = (site / "report.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<a href="\./charts/([^"]+\.csv)">下载数据（CSV(?:，(\d+) 行，每个地方各自成行)?）<span class="visually-hidden">[^<]*</span></a>.*?'
                        r'<summary>图表数据（(\d+) 行）<span class="visually-hidden">[^<]*</span></summary>(.*?)</details>', report, re.S)
    assert len(blocks) == len(list((site / "charts").glob("*.csv"))) >= 4
    merged = 0
    for name, stated, shown, details in blocks:
        table_rows = len(re.findall(r"<tr>", details.split("<tbody>", 1)[1]))
        assert int(shown) == table_rows, name
        with (site / "charts" / name).open(encoding="utf-8-sig") as fh:
            file_rows = sum(1 for _ in csv.reader(fh)) - 1
        assert int(stated or shown) == file_rows, name  # unsaid only where the two agree
        merged += bool(stated)
    assert merged  # the word charts list 江苏省、南通市、崇川区 together


def test_the_reports_method_names_each_funding_source_with_the_words_filed_under_it(site):
    """国家补助资金43181万元 is listed as 中央补助: the method says which words each source takes."""
    from analysis.extract import load_vocab

    vocab = load_vocab()
    report = html.unescape(re.sub(r"<[^>]+>", "", (site / "report.html").read_text(encoding="utf-8")))
    method = report[report.index("资金来源。") :].split("\n", 1)[0]
    for source in vocab.funding_sources:
        assert f"“{source.label}”含原文的{'、'.join(source.cues)}" in method, source.key
    assert "国家补助" in method and f"“{vocab.report['funding_unknown']}”" in method


def test_no_two_links_or_toggles_of_the_report_read_alike_and_lead_apart(site):
    """24 links read 原文 and two 下载数据（CSV）, each to another place: a screen reader's list of
    links could not tell them apart. Words only it says name the article or chart."""
    doc = html5lib.parse((site / "report.html").read_text(encoding="utf-8"), namespaceHTMLElements=False)
    main = doc.find(".//main")
    named: dict[str, set[str]] = {}
    for link in main.iter("a"):
        named.setdefault(" ".join("".join(link.itertext()).split()), set()).add(link.get("href"))
    assert {name: hrefs for name, hrefs in named.items() if len(hrefs) > 1} == {}
    toggles = [" ".join("".join(s.itertext()).split()) for s in main.iter("summary")]
    assert len(toggles) == len(set(toggles)) >= 4
    assert any(name.startswith("原文：") for name in named)  # the seed pages' lines in context


def test_report_charts_link_each_figure_of_their_captions_and_tables_to_a_sentence_stating_it(site):
    report = (site / "report.html").read_text(encoding="utf-8")
    section = report[report.index('<h2 id="charts">') : report.index('<h2 id="context">')]
    # Every figure the charts' captions and tables show, years aside: each inside a link.
    amounts = re.findall(r'(<a href="[^"]*">)?<span class="amount">(?:<a href="([^"]*)">)?([^<]*)(?:</a>)?</span>', section)
    figures = [(outer or inner, text) for outer, inner, text in amounts if not re.search(r"(年|年起|—)$", text)]
    assert len(figures) >= 20  # the scale chart's 15 rows, the funding chart's 4, the captions' own
    unlinked = [text for link, text in figures if not link]
    assert unlinked == []
    for link, text in figures:
        href = re.search(r'href="([^"]*)"', link).group(1) if link.startswith("<a") else link
        assert href.startswith("./articles/"), href
        path, anchor = href.split("#")
        page = (site / path).read_text(encoding="utf-8")
        sentence = re.sub(r"<[^>]+>", "", re.search(rf'<span class="sentence" id="{anchor}">(.*?)</span>\s*(?:<span class="sentence"|</p>)', page, re.S).group(1))
        number = re.match(r"[约近超逾]?([\d.]+万?亿?)", text).group(1)
        assert number in sentence, (text, sentence)
    # and their tables name each place with its address, as the report's own table does
    assert '<th scope="row">西工区<span class="term">（河南省洛阳市）</span></th>' in section
    assert '<th scope="row">望霞路35号小区<span class="term">（重庆市巫山县）</span></th>' in section


def test_an_article_lists_the_other_articles_of_its_newspaper_page_in_the_pages_order(site):
    """A reader of a paper turns to what was printed beside a story: every article page lists
    the rest of its page, and no article of the list is listed again as related."""
    records = articles(site)
    by_page: dict[str, list[str]] = {}
    for record in records:
        by_page.setdefault(record["page"], []).append(record["url"])
    for record in records:
        page = (site / record["url"]).read_text(encoding="utf-8")
        others = [url for url in by_page[record["page"]] if url != record["url"]]
        section = re.search(r'<section class="same-page".*?</section>', page, re.S)
        if not others:
            assert section is None
            continue
        listed = [href.removeprefix("../") for href in re.findall(r'<a href="([^"]+\.html)"', section.group(0))]
        assert listed == [*others, f"data/pages/{record['page'].removesuffix('.txt')}.html"], record["title"]
        related = re.search(r'<section class="related".*?</section>', page, re.S)
        assert not related or not set(others) & {h.removeprefix("../") for h in re.findall(r'href="([^"]+)"', related.group(0))}


def test_the_home_page_says_how_many_pages_and_years_the_archive_holds_and_how_many_focus_stories(site):
    """"29 篇文章，来自 5 种报纸" left out that this is one page a paper over three years, four of
    its stories about the focus topic."""
    records = articles(site)
    intro = re.sub(r"<[^>]+>", "", (site / "index.html").read_text(encoding="utf-8").split('<section class="intro"', 1)[1].split("</section>", 1)[0])
    years = sorted({r["date"][:4] for r in records if r["date"]})
    focus = [r for r in records if "renovation" in r["topics"]]
    assert (f"现有 {len(records)} 篇文章，来自 {len({r['publication'] for r in records})} 种报纸的 {len({r['page'] for r in records})} 个版面"
            f"（{years[0]}—{years[-1]}年），其中 {len(focus)} 篇是老旧小区改造报道。") in intro
    assert len(focus) == 4 and years == ["2021", "2022", "2023"]


def test_a_figure_without_a_year_says_when_it_was_reported_and_the_facts_carry_their_articles_paper_and_date(site):
    """约450个 and 3000余部 (累计, 截至目前) read with no time at all: the year column and the
    home page's tile say when the article reported them, and facts.csv says which paper and date."""
    records = {r["id"]: r for r in articles(site)}
    with (site / "data" / "facts.csv").open(encoding="utf-8-sig") as fh:
        facts = list(csv.DictReader(fh))
    for fact in facts:
        record = records[fact["article_id"]]
        assert (fact["publication"], fact["first_published"], fact["article_date"]) == (record["publication"], record["first_published"], record["date"])
    assert sum(f["first_published"] == "《瞭望》新闻周刊" for f in facts) >= 10
    report = (site / "report.html").read_text(encoding="utf-8")
    section = report[report.index('<h2 id="scale">') : report.index('<h2 id="charts">')]
    rows = re.findall(r'<tr>\s*<th scope="row">.*?</tr>', section, re.S)
    undated = [row for row in rows if "报道</span></td>" in row]
    assert len(undated) >= 10
    for row in undated:
        anchor = re.search(r'href="\./(articles/[^"#]+)#([^"]+)"', row)
        year = next(f["article_date"][:4] for f in facts if f["article_url"] == anchor.group(1) and f["anchor"] == anchor.group(2))
        assert re.search(rf'<td><span class="unit term">{year}年报道</span></td>', row), row
    assert not any(re.search(r"<td>—</td>\s*<td>", row) for row in rows)  # every figure here has a dated article
    home = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<strong>3000余部</strong>.*?<span class="term">累计</span>\u00a0· <span class="term">2022年报道</span>', home)


def test_a_reprinted_article_says_where_it_first_appeared_on_its_page_and_in_the_data(site):
    """重庆“党建+市场”改造老旧小区 ends （原载于《瞭望》新闻周刊）: cited as 重庆日报's alone, 12
    figures were attributed to the paper that reprinted them."""
    reprinted = [r for r in articles(site) if r["first_published"]]
    assert [(r["publication"], r["first_published"]) for r in reprinted] == [("重庆日报", "《瞭望》新闻周刊")]
    page = (site / reprinted[0]["url"]).read_text(encoding="utf-8")
    assert re.search(r'<dt>来源</dt>\s*<dd><a [^>]*>重庆日报</a>（转载自《瞭望》新闻周刊）</dd>', page)
    with (site / "data" / "articles.csv").open(encoding="utf-8-sig") as fh:
        assert [r["first_published"] for r in csv.DictReader(fh) if r["first_published"]] == ["《瞭望》新闻周刊"]
    assert "first_published" in (site / "data.html").read_text(encoding="utf-8").split("如何引用", 1)[1]


def test_the_data_page_lists_every_charts_data_and_what_each_topic_code_means(site):
    data = (site / "data.html").read_text(encoding="utf-8")
    charts = data.split("<h2>图表数据</h2>", 1)[1].split("<h2>", 1)[0]
    linked = re.findall(r'<a href="\./(charts/[^"]+\.csv)">', charts)
    assert sorted(linked) == sorted(f"charts/{p.name}" for p in (site / "charts").glob("*.csv")) and len(linked) == 4
    from analysis.topics import load_topics

    topics = data.split("<code>topics</code>", 1)[1].split("</li>", 1)[0]
    assert all(f"{key} {name}" in topics for key, name in load_topics().names().items())  # articles.csv holds the keys


def test_the_focus_topics_page_links_the_report_and_no_other_topics_page_does(site):
    from analysis.topics import load_topics

    topics = load_topics()
    focus = topics.names()[topics.focus]
    linking = set()
    for page in site.glob("topics/*.html"):
        lead = re.search(r'<p class="lead">(.*?)</p>', page.read_text(encoding="utf-8")).group(1)
        if 'href="../report.html#scale"' in lead:
            linking.add(re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", page.read_text(encoding="utf-8")).group(1)))
    assert linking == {focus}


def test_a_story_dated_by_its_year_alone_names_the_days_of_the_stories_printed_beside_it(site):
    """西工区's story read 2023年（文中未写日期，版面只知年份）, though the page's other stories are
    datelined 10月29日: when the page came out, near enough."""
    records = articles(site)
    noted = 0
    for record in records:
        if len(record["date"]) != 4:
            continue
        page = (site / record["url"]).read_text(encoding="utf-8")
        days = sorted({(int(r["date"][5:7]), int(r["date"][8:10])) for r in records
                       if r["page"] == record["page"] and r["id"] != record["id"] and len(r["date"]) == 10 and r["date"][:4] == record["date"]})
        said = "、".join(f'<span class="term">{m}月{d}日</span>' for m, d in days)  # a date whole on its line
        note = f"（文中未写日期；本版出版日期不详，仅知为{record['date']}年" + (f"；同版其他文章所记日期为{said}" if said else "") + "）"
        assert note in page, (record["title"], note)
        noted += bool(said)
    assert noted >= 8
    xigong = next(r for r in records if r["title"].startswith("倾听居民想法"))
    assert '同版其他文章所记日期为<span class="term">10月29日</span>）' in (site / xigong["url"]).read_text(encoding="utf-8")


def test_a_page_views_heading_keeps_its_date_whole_whether_or_not_its_paper_is_known():
    from analysis.model import Page
    from analysis.pages import page_view_html

    for source, heading in [({"publication": "巫山报", "date": "2023-06-14"}, '<h1>巫山报 <span class="term">2023年6月14日</span> · 版面识别文字</h1>'),
                            ({"date": "2023-06-14"}, '<h1><span class="term">2023年6月14日</span> · 版面识别文字</h1>'),
                            ({}, "<h1>p.txt · 版面识别文字</h1>")]:
        page = Page(name="p.txt", text="标题\n\n正文。", sha256="0", encoding="utf-8", source=source)
        assert heading in page_view_html(page, [])
