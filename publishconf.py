"""Settings for the hosted site: absolute URLs and Atom feeds on top of pelicanconf.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # pelicanconf.py beside it, wherever the build runs
from pelicanconf import *  # noqa: E402,F401,F403

# `make publish` asks for SITEURL; a build run with this file directly gets example.org's address
SITEURL = os.environ.get("SITEURL", "https://example.org/newspaper-archive")
RELATIVE_URLS = False

FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/topic-{slug}.atom.xml"
