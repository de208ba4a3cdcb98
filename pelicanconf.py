"""Pelican settings for local builds and pull-request previews: relative URLs, so
the site works from any folder or sub-path. `publishconf.py` adds the hosted site's
absolute URL and feeds."""

AUTHOR = "地方报纸档案"
SITENAME = "老旧小区改造 · 地方报纸档案"
SITESUBTITLE = "报纸版面的可检索档案，附老旧小区改造的统计报告"  # true of any corpus: no paper or city named
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"  # the build points this at the generated content folder
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
# One language: no translations to pair up. Pelican's pairing (by slug) ends in a list scan
# per article, quadratic in the archive's size (0.3 s at 10,000 articles, 100 times that at
# 100,000); two articles with one slug still stop the build, as Pelican's writer refuses to
# write a file twice. (The pairing sorted the articles by slug first; ARTICLE_ORDER_BY below
# now gives that order.)
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
DEFAULT_DATE_FORMAT = "%Y年%m月%d日"

ARTICLE_URL = "articles/{slug}.html"
ARTICLE_SAVE_AS = "articles/{slug}.html"
PAGE_URL = "{slug}.html"
PAGE_SAVE_AS = "{slug}.html"
CATEGORY_URL = "sources/{slug}.html"
CATEGORY_SAVE_AS = "sources/{slug}.html"
TAG_URL = "topics/{slug}.html"
TAG_SAVE_AS = "topics/{slug}.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = "archives.html"
# Each year's articles on a page of its own. The archive lists every article while it holds at
# most ARCHIVE_LISTED; beyond that it lists the years and months, linking to the year pages, so
# the page a reader opens from the menu does not grow with the archive.
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}.html"
ARCHIVE_LISTED = 1000

STATIC_PATHS = ["charts", "static"]
DEFAULT_PAGINATION = 20

# Feeds and build timestamps belong to the hosted site (publishconf.py).
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

DELETE_OUTPUT_DIRECTORY = False  # the build writes into a fresh staging folder itself
# The build (analysis/build.py) turns Pelican's content cache on, in a folder of its own that
# it hands back only after a successful run; a plain `pelican` run reads everything afresh.
LOAD_CONTENT_CACHE = False

# --- Theme --------------------------------------------------------------------
# Our own theme (theme/): Chinese typography, no CDN, no web fonts, readable without JavaScript.
import importlib.util as _importlib_util  # noqa: E402
import os as _os  # noqa: E402
import sys as _sys  # noqa: E402

_HERE = _os.path.dirname(_os.path.abspath(__file__))
THEME = _os.path.join(_HERE, "theme")
THEME_STATIC_DIR = "theme"  # the theme's static/ lands in output/theme/


def _load_theme_filters():
    spec = _importlib_util.spec_from_file_location("archive_theme_filters", _os.path.join(THEME, "filters.py"))
    module = _importlib_util.module_from_spec(spec)
    # Registered by name so that Pelican's content cache can pickle settings holding the filters.
    _sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_theme_filters = _load_theme_filters()
JINJA_FILTERS = dict(_theme_filters.FILTERS)  # place_url, date_label, archive_groups, ...
# Which articles an article page shows; the build copies an article page from the last build
# when none of them changed (analysis/site.py, RenderedPages). None: render every page.
ARTICLE_PAGE_SHOWS = _theme_filters.articles_shown
# What every other page shows (listings, the report, places), so the build can copy those too.
PAGE_SHOWS = _theme_filters.page_shown
ARTICLE_ORDER_BY = _theme_filters.newest_first  # a total order: builds are reproducible

# Main navigation on every page: (section, label, site-relative URL). Pages the build
# generates later (report, data, places, search) are linked here already.
SITE_NAV = (
    ("index", "首页", "index.html"),
    ("archives", "文章", "archives.html"),
    ("places", "地区", "places.html"),
    ("tags", "话题", "tags.html"),
    ("categories", "来源", "categories.html"),
    ("report", "统计报告", "report.html"),
    ("data", "数据下载", "data.html"),
    ("search", "搜索", "search.html"),
)
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False

# search.html runs the theme's search over Pagefind's index (the build runs Pagefind afterwards); 404.html for the host.
DIRECT_TEMPLATES = ["index", "archives", "tags", "categories", "search", "404"]
SEARCH_SAVE_AS = "search.html"
# Set by the build: the site-relative Pagefind bundle folders; search.html searches them all.
SEARCH_BUNDLES = ["pagefind"]
# Set by the build: the file beside each bundle listing its pages' filter values (empty: none).
SEARCH_PAGE_FILTERS = ""
# Characters of a listing's excerpt, and of a page's opening that a search result shows.
EXCERPT_CHARS = 90

# Set by the build when it has them; the theme prints them only if they are set.
#   HOME_HIGHLIGHTS: an HTML block for the home page (e.g. headline figures from the report)
#   BUILD_STAMP: a reproducible stamp for the footer (e.g. the commit), never the time of the build
HOME_HIGHLIGHTS = ""
BUILD_STAMP = ""
#   FOCUS_TOPIC: the name of the archive's focus topic (topics.toml), whose newest
#   FOCUS_LISTED stories the home page lists above the latest of all
FOCUS_TOPIC = ""
FOCUS_LISTED = 5

# Article bodies arrive as HTML blocks inside the generated Markdown, which Markdown hands
# through untouched: only a block marked markdown="1" is read as Markdown (md_in_html), so the
# "extra" extension's slower passes are left out. Tables are what the report pages need.
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.meta": {},
        "markdown.extensions.tables": {},
        "markdown.extensions.md_in_html": {},  # Markdown inside <details markdown="1"> (a chart's data)
    },
    "output_format": "html5",
}
