"""A page's text is shown as the text it is: no markup, script or template syntax gets through.
Stray HTML tags are removed at ingest; what is left that looks like markup (a < in the text,
Markdown, template syntax) is shown escaped, as text."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from analysis.build import Progress, build
from tests.corpus import ROOT, readers_agree

HOSTILE = """<script>alert("headline")</script>老旧小区改造{{ SITENAME }}

Title: 被篡改的标题
Status: draft

本报讯（记者 张三）6月1日，我县完成老旧小区改造10个<img src=x onerror=alert(1)>，惠及居民500户，户均花费增幅<5%。<scr<b>ipt>alert(3)</scr</b>ipt>

点击[这里](javascript:alert(1))查看，或看图![x](http://evil.example/x.png)。{% include 'base.html' %}

<a href="javascript:alert(2)">链接</a>也只是文字。
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    seeds = tmp / "seeds"
    seeds.mkdir()
    (seeds / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    build(seeds, tmp / "out", tmp / "work", ROOT / "pelicanconf.py", progress=Progress(quiet=True))
    return tmp / "out"


def all_html(site):
    return {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


class Elements(HTMLParser):
    """Collects the tags and attributes a browser would see."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def elements(page: str) -> list[tuple[str, dict]]:
    parser = Elements()
    parser.feed(page)
    return parser.tags


def test_no_page_carries_the_pages_markup_as_markup(site):
    for path, page in all_html(site).items():
        for tag, attrs in elements(page):
            assert not any(k.startswith("on") for k in attrs), (path, tag, attrs)
            assert not (attrs.get("href") or "").startswith("javascript:"), (path, attrs)
            assert "evil.example" not in (attrs.get("src") or ""), (path, attrs)
            if tag == "script":
                assert "alert" not in page[page.find("<script") : page.find("</script>")], path


def test_the_article_shows_the_text_escaped_and_no_stray_tag(site):
    article = next(p for p in (site / "articles").glob("*.html"))
    page = article.read_text(encoding="utf-8")
    assert "alert(&quot;headline&quot;)" not in page and 'alert("headline")' not in page  # a script goes whole
    assert "onerror" not in page and "alert(3)" not in page  # a tag made by removing another goes too
    assert "&lt;" not in page.replace("增幅&lt;5%", "")  # no tag is left to show as text
    assert "增幅&lt;5%" in page and "链接</" not in page and "链接也只是文字" in page
    assert "[这里](javascript:alert(1))" in page  # Markdown syntax stays literal text
    assert "{% include &#x27;base.html&#x27; %}" in page or "{% include 'base.html' %}" in page
    assert "Title: 被篡改的标题" in page and "Status: draft" in page
    assert "{{ SITENAME }}" in page  # template syntax in a headline is not evaluated


def test_metadata_lines_in_the_text_do_not_become_metadata(site):
    import json

    articles = json.loads((site / "data" / "articles.json").read_text(encoding="utf-8"))
    assert len(articles) == 1
    assert articles[0]["title"] == "老旧小区改造{{ SITENAME }}"  # as the data file keeps the text
    assert not (site / "drafts").exists()


def test_feeds_of_the_hosted_site_carry_the_text_escaped(tmp_path):
    import xml.etree.ElementTree as ET

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out"
    build(seeds, out, tmp_path / "work", ROOT / "publishconf.py", progress=Progress(quiet=True))
    feeds = sorted((out / "feeds").glob("*.xml"))
    assert feeds
    for feed in feeds:
        root = ET.parse(feed).getroot()  # well-formed XML
        for element in root.iter():
            assert not element.tag.endswith("script")
            # Atom text elements (title) are shown as plain text; type="html" ones are rendered.
            for html_text in filter(None, [element.text if element.get("type") == "html" else None]):
                for tag, attrs in elements(html_text):  # the HTML a feed reader would render
                    assert tag != "script", (feed, attrs)
                    assert "evil.example" not in str(attrs.get("src")), (feed, tag)
                    assert not any(k.startswith("on") for k in attrs), (feed, tag, attrs)
    assert (out / "sitemap.xml").is_file()


def test_the_hostile_article_read_directly_gives_what_markdown_gives(site):
    assert readers_agree(site.parent / "work" / "content") >= 1
