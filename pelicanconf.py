"""Pelican settings for local builds and pull-request previews: relative URLs, so
the site works from any folder or sub-path. `publishconf.py` adds the hosted site's
absolute URL and feeds."""

AUTHOR = "地方报纸档案"
SITENAME = "老旧小区改造 · 地方报纸档案"
SITESUBTITLE = "重庆、南通、洛阳等地方报纸版面的可检索档案与统计报告"
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"  # the build points this at the generated content folder
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
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

STATIC_PATHS = ["charts", "static"]
DEFAULT_PAGINATION = 20

# Feeds and build timestamps belong to the hosted site (publishconf.py).
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

DELETE_OUTPUT_DIRECTORY = False  # the build writes into a fresh staging folder itself
LOAD_CONTENT_CACHE = False
