"""Stage: generated content -> the static site, built aside and swapped in whole.

Pelican writes into a fresh staging folder next to the output folder; only when
every step has succeeded does the staging folder replace the output folder, so a
failed or interrupted build leaves the previous site as it was.
"""
from __future__ import annotations

import ctypes
import hashlib
import html
import logging
import os
import re
import shutil
import sys
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote

from .articles import name_slug

_RENAME_EXCHANGE = 2  # renameat2 flag: swap two paths atomically (Linux)
_AT_FDCWD = -100


def staging_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.building"


def fresh_dir(path: Path) -> Path:
    if path.exists():
        remove_tree(path)
    path.mkdir(parents=True)
    return path


def remove_tree(path: Path) -> None:
    """shutil.rmtree, also where a folder was left without write permission (a site copied
    read-only, a build stopped half-way in one): a file goes from a folder only if the folder
    is writable, so each folder in the way is made so, and the removal tried again."""
    def writable_and_again(remove, target, _):
        for folder in (os.path.dirname(target), target):
            try:
                os.chmod(folder, os.stat(folder).st_mode | 0o700)
            except OSError:
                pass
        remove(target)

    if sys.version_info >= (3, 12):  # onerror is deprecated there, for onexc
        shutil.rmtree(path, onexc=writable_and_again)
    else:
        shutil.rmtree(path, onerror=writable_and_again)


def make_folders_writable(root: Path) -> None:
    """Copied folders keep their modes (copytree copies them): a site made read-only would give
    read-only folders that a build, or Pagefind writing into them, cannot add a file to."""
    for folder, _, _ in os.walk(root):
        mode = os.stat(folder).st_mode
        if mode & 0o700 != 0o700:
            os.chmod(folder, mode | 0o700)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories where the kernel supports it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def swap_in(staging: Path, output: Path) -> None:
    """Replace `output` by `staging`; a reader sees either the old site or the new one (where
    the file system cannot exchange two folders in one step, for a moment neither, and the old
    site is put back should the new one not go in)."""
    if not output.exists():
        os.rename(staging, output)
        return
    if _exchange(staging, output):
        remove_tree(staging)
        return
    old = output.parent / f".{output.name}.previous"
    if old.exists():
        remove_tree(old)
    os.rename(output, old)
    try:
        os.rename(staging, output)
    except BaseException:
        os.rename(old, output)
        raise
    remove_tree(old)


@contextmanager
def quiet_pelican_logs(level: int = logging.WARNING):
    """Pelican's warnings and errors come through logging; its info lines, and the "Done:
    Processed ..." line it prints straight to its console, would repeat the build's progress."""
    from pelican.log import console

    logger = logging.getLogger("pelican")
    previous, was_quiet = logger.level, console.quiet
    logger.setLevel(level)
    console.quiet = True
    try:
        yield
    finally:
        logger.setLevel(previous)
        console.quiet = was_quiet


def pelican_settings(conf: Path, content: Path, output: Path, overrides: dict | None = None) -> dict:
    from pelican.settings import read_settings

    # Absolute: Pelican takes relative paths as relative to the settings file, not to where we run.
    override = {"PATH": str(content.absolute()), "OUTPUT_PATH": str(output.absolute()), **(overrides or {})}
    return read_settings(str(conf), override=override)


def shared_source_pages(publications, settings: dict) -> dict[str, list[str]]:
    """Newspaper names that would share one source page, by its address: the address is made
    from the name's pinyin (`page_slug`), so 人民日报 and 人民日報 are both ren-min-ri-bao, and
    Pelican lists their articles together, under one of the two names."""
    from pelican.urlwrappers import Category

    by_address: dict[str, set[str]] = defaultdict(set)
    for name in publications:
        category = Category(html.escape(name), settings)  # as the article's metadata names it
        category.slug = page_slug(category)
        by_address[category.save_as].add(name)
    return {address: sorted(names) for address, names in sorted(by_address.items()) if len(names) > 1}


def page_slug(wrapper) -> str:
    """The slug of a source's or a topic's page (a Pelican category or tag, named as the
    metadata has it, HTML-escaped): the pinyin of its name (`articles.name_slug`), or Pelican's
    own slug for a name that has no pinyin."""
    return name_slug(html.unescape(wrapper.name)) or wrapper.slug


def slugs_in_pinyin(generator) -> None:
    """Source and topic pages take their names' pinyin as slugs (重庆日报: chong-qing-ri-bao,
    北碚报: bei-bei-bao), as place pages do; Pelican's own slugs read each character alone
    (zhong-qing-ri-bao, bei-pei-bao). Runs before Pelican groups the articles by source and
    topic, which it does by slug."""
    for kind in ("articles", "translations", "drafts", "drafts_translations", "hidden_articles", "hidden_translations"):
        for article in getattr(generator, kind, ()):
            if getattr(article, "category", None) is not None:
                article.category.slug = page_slug(article.category)
            for tag in getattr(article, "tags", None) or ():
                tag.slug = page_slug(tag)


def run_pelican(settings: dict, reuse: "RenderedPages | None" = None, after_articles: Callable[[], None] | None = None) -> None:
    """One Pelican run. With `reuse`, article pages whose inputs are unchanged since the last
    build are copied from it instead of rendered again (`RenderedPages`); `after_articles` is
    called once every article page is written (Pelican writes them before any listing), while
    Pelican goes on with the rest."""
    from pelican import Pelican
    from pelican.plugins import signals

    def writer(_pelican):
        return reusing_writer(reuse, after_articles)

    custom = reuse is not None or after_articles is not None
    if custom:
        signals.get_writer.connect(writer, weak=False)
    signals.article_generator_pretaxonomy.connect(slugs_in_pinyin)
    signals.article_generator_finalized.connect(index_article_lists)
    signals.readers_init.connect(read_html_bodies_as_they_are)
    with quiet_pelican_logs():
        try:
            Pelican(settings).run()
        finally:
            if custom:
                signals.get_writer.disconnect(writer)
            signals.article_generator_pretaxonomy.disconnect(slugs_in_pinyin)
            signals.article_generator_finalized.disconnect(index_article_lists)
            signals.readers_init.disconnect(read_html_bodies_as_they_are)
            forget_rendered_content()


# Python-Markdown's meta extension: "Key: value" lines up to the first blank line.
_META_LINE = re.compile(r"[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*)")
# One block of a generated article's body (pages.article_body_html): an HTML element on one line.
_HTML_BLOCK = re.compile(r"<(p|ul|ol|h[1-6]|aside|div|figure|blockquote)\b[^\n]*</\1>")


def html_body_document(text: str) -> tuple[list[tuple[str, str]], str] | None:
    """(metadata lines as lowercase key and value, body) of a Markdown file whose body is only
    one-line HTML blocks a blank line apart, as the build writes for every article; None for
    any other file. Python-Markdown leaves such blocks as they are (a test checks it on every
    generated article), so their HTML is the body Pelican would get."""
    if "\r" in text or "\t" in text or text.startswith("---"):
        return None  # Markdown would normalise these first
    head, _, body = text.partition("\n\n")
    header = []
    for line in head.split("\n"):
        found = _META_LINE.fullmatch(line)
        if found is None:
            return None
        header.append((found.group(1).lower(), found.group(2).strip()))
    body = body.strip()
    if len({key for key, _ in header}) < len(header) or any(not _HTML_BLOCK.fullmatch(block) for block in body.split("\n\n") if body):
        return None
    return header, body


def read_html_bodies_as_they_are(readers) -> None:
    """Pelican reads every generated article through Python-Markdown, whose conversion returns
    the article's HTML body unchanged (about 8 s for 10,000 articles on a cold build): such a
    file is read directly (`html_body_document`); every other file as before."""
    from pelican.readers import MarkdownReader
    from pelican.utils import pelican_open

    class HtmlBodyMarkdownReader(MarkdownReader):
        def read(self, source_path):
            with pelican_open(source_path) as text:
                document = html_body_document(text)
            if document is None or any(key in self.settings["FORMATTED_FIELDS"] for key, _ in document[0]):
                return super().read(source_path)
            header, body = document
            return body, {key: self.process_metadata(key, value) for key, value in header}

    if readers.reader_classes.get("md") is MarkdownReader:
        readers.reader_classes["md"] = HtmlBodyMarkdownReader


class ArticleList(list):
    """A list of articles whose `in` is a set lookup (articles compare by identity)."""

    def __init__(self, articles=()):
        super().__init__(articles)
        self._members = {id(article) for article in self}

    def __contains__(self, article) -> bool:
        return id(article) in self._members


def index_article_lists(generator) -> None:
    """Pelican finds the archive dates of each tag's, category's and author's articles with
    `article in articles` for every article of the archive: a list scan each time, so the
    work grows with the square of the archive (about two seconds at 10,000 articles, and a
    hundred times that at 100,000). The lists are complete once the generator is finalized,
    so they are swapped for `ArticleList`s, which answer the same in constant time."""
    generator.tags = defaultdict(list, {tag: ArticleList(articles) for tag, articles in generator.tags.items()})
    generator.categories = [(category, ArticleList(articles)) for category, articles in generator.categories]
    generator.authors = [(author, ArticleList(articles)) for author, articles in generator.authors]


# Pelican turns a link written {filename}other.md (or |filename|) into the URL of that other
# content, which comes from the target's own source file (its slug or save-as) and the
# settings; {static} and {attach} links name a file to copy. So a source's digest takes in
# the files its links point to. {author} and {index} links are made from their names and the
# settings alone; {category} and {tag} links would be too, with Pelican's own slugs rather than
# `slugs_in_pinyin`'s, so no generated or hand-written content uses them (a test checks).
_LINK_TARGET = re.compile(r"[{|](filename|static|attach)[}|]([^\s\"'()<>#?]*)")


@dataclass
class RenderedPages:
    """The pages the last build rendered, and from what, so this build can copy them.

    An article page is made by the theme and the settings from a few articles: its own, its
    related articles and its two neighbours in the archive (the theme names them through the
    `ARTICLE_PAGE_SHOWS` setting); every other page names what it shows through `PAGE_SHOWS`
    (`ReusedPage`). A page's key hashes its name, the source files of what it shows (with the
    files their links point to) in their roles, and `base` (theme, settings and package
    versions). When the key equals
    the one recorded for the page the last build wrote, rendering it again would give the
    same bytes but for the footer's build stamp; so the last page is copied with the stamp
    replaced. The last page is used only while its bytes are still the ones recorded, so a
    stale record or a hand-edited site costs a render, never a wrong page.

    `record` is what the last build left (`to_record`): {"stamp", "pages": {name: [key, sha256,
    search digest]}}, the search digest (`search.page_search_digest`) where it holds whatever
    the stamp; a copied page's is handed to the search index in `search_digests`."""

    previous: Path | None  # the last site built, or None
    record: dict
    base: str
    stamp: str
    content: Path | None = None  # Pelican's content folder, which {filename}/… links start from
    written: dict = field(default_factory=dict)  # name -> [key, sha256(, search digest)] of this build's pages
    search_digests: dict = field(default_factory=dict)  # name -> search digest of the pages copied
    copied: int = 0
    rendered: int = 0
    others_copied: int = 0
    _sources: dict = field(default_factory=dict, repr=False)
    _files: dict = field(default_factory=dict, repr=False)

    def key(self, name: str, shown: list) -> str | None:
        """The page's key; None when it must always be rendered. `shown` holds (role, value)
        pairs: an article (or None) stands for its source file, a string for itself."""
        digest = hashlib.sha256(f"{self.base}\0{name}".encode("utf-8"))
        for role, value in shown:
            source = f"={value}" if isinstance(value, str) else self._source_digest(value)
            if source is None:
                return None
            digest.update(f"\0{role}\0{source}".encode("utf-8"))
        return digest.hexdigest()

    def _source_digest(self, article) -> str | None:
        """The digest of an article's (or a page's) source file and of every file it links to;
        None when it cannot be read."""
        if article is None:
            return "-"
        path = getattr(article, "source_path", None)
        if path not in self._sources:
            self._sources[path] = self._linked_digest(path)
        return self._sources[path]

    def _linked_digest(self, path) -> str | None:
        try:
            data = Path(path).read_bytes()
        except (OSError, TypeError):
            return None
        self._files[os.path.normpath(path)] = own = hashlib.sha256(data).hexdigest()
        digest = hashlib.sha256(own.encode("ascii"))
        for kind, target in _LINK_TARGET.findall(data.decode("utf-8", "replace")):
            if target.startswith("/"):
                if self.content is None:
                    return None
                resolved = self.content / unquote(target.lstrip("/"))
            else:
                resolved = Path(path).parent / unquote(target)
            digest.update(f"\0{kind}\0{target}\0{self._file_digest(os.path.normpath(resolved)) or 'missing'}".encode("utf-8"))
        return digest.hexdigest()

    def _file_digest(self, path: str) -> str | None:
        if path not in self._files:
            try:
                self._files[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            except (OSError, TypeError):
                self._files[path] = None
        return self._files[path]

    def copy_of(self, name: str, key: str | None) -> str | None:
        """The last build's page `name` with this build's stamp, if its key is `key`."""
        last = self.record.get("pages", {}).get(name)
        if key is None or self.previous is None or not last or last[0] != key:
            return None
        try:
            data = (self.previous / name).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != last[1]:
            return None
        text, old = data.decode("utf-8"), self.record.get("stamp", "")
        if old != self.stamp:
            # Replaced only where it cannot be mistaken: found exactly once, and no character
            # in either stamp that a template might escape.
            plain = all(s and html.escape(s) == s for s in (old, self.stamp))
            if not plain or text.count(old) != 1:
                return None
            text = text.replace(old, self.stamp)
        if len(last) > 2 and last[2]:
            self.search_digests[name] = last[2]
        return text

    def remember(self, name: str, key: str | None, path: Path | None, text: str | None = None) -> None:
        """Record the page written at `path`; `text` is what was written, if known."""
        if key is not None:
            data = text.encode("utf-8") if text is not None else path.read_bytes()
            self.written[name] = [key, hashlib.sha256(data).hexdigest()]

    def note_search_digests(self, digests: dict[str, str]) -> None:
        """Add each page's search digest (those that hold whatever the stamp) to the record."""
        for name, entry in self.written.items():
            self.written[name] = entry[:2] + ([digests[name]] if name in digests else [])

    def to_record(self) -> dict:
        return {"stamp": self.stamp, "pages": self.written}


def reusing_writer(reuse: RenderedPages | None, after_articles: Callable[[], None] | None = None):
    """A Pelican Writer that copies the article pages `reuse` allows and renders the rest, and
    calls `after_articles` at its first write of anything else once article pages were written."""
    from pelican import signals
    from pelican.utils import path_to_url, get_relative_path, sanitised_join
    from pelican.writers import Writer

    class ReusingWriter(Writer):
        articles_written = False
        articles_announced = False

        def write_file(self, name, template, context, relative_urls=False, paginated=None,
                       template_name=None, override_output=False, url=None, **kwargs):
            article = kwargs.get("article")
            is_article = getattr(template, "name", None) == "article.html" and article is not None
            if is_article:
                self.articles_written = True
            elif self.articles_written and not self.articles_announced and after_articles is not None:
                self.articles_announced = True
                after_articles()
            shows = self.settings.get("ARTICLE_PAGE_SHOWS")
            if not is_article and reuse is not None and self.settings.get("PAGE_SHOWS") is not None:
                template = ReusedPage(template, reuse, self.settings["PAGE_SHOWS"])
            if reuse is None or not name or not is_article or shows is None:
                return super().write_file(name, template, context, relative_urls, paginated,
                                          template_name, override_output, url, **kwargs)
            key = reuse.key(name, shows(article, context))
            path = Path(sanitised_join(self.output_path, name))
            text = reuse.copy_of(name, key)
            if text is None:
                super().write_file(name, template, context, relative_urls, paginated,
                                   template_name, override_output, url, **kwargs)
                reuse.rendered += 1
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                with self._open_w(str(path), "utf-8", override=override_output) as f:
                    f.write(text)
                reuse.copied += 1
                # What Pelican sends after writing a page, for plugins listening.
                local = {**context, "output_file": name, **kwargs}
                if relative_urls:
                    local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(name))
                signals.content_written.send(str(path), context=local)
            reuse.remember(name, key, path, text)

    return ReusingWriter


class ReusedPage:
    """A template (any but the article page's) that gives, for each page Pelican renders with
    it, the last build's page instead when the page's key is unchanged (`RenderedPages`):
    Pelican renders every page of a paginated listing in one write, so this is where a single
    page can be told apart. `shows` is the theme's PAGE_SHOWS: what such a page shows, or None."""

    def __init__(self, template, reuse: RenderedPages, shows: Callable):
        self.template, self.reuse, self.shows = template, reuse, shows

    def render(self, context) -> str:
        name = context["output_file"]
        shown = self.shows(self.template.name, context)
        key = None if shown is None else self.reuse.key(name, shown)
        text = self.reuse.copy_of(name, key)
        if text is None:
            text = self.template.render(context)
        else:
            self.reuse.others_copied += 1
        self.reuse.remember(name, key, None, text)
        return text

    def __getattr__(self, attribute):
        return getattr(self.template, attribute)


def forget_rendered_content() -> None:
    """Pelican memoizes each article's HTML in caches on its Content class, which outlive the
    run: every article of every build stays in memory (the search indexer would run beside it,
    and `analysis watch` would grow with each rebuild). Empty them once a run is over."""
    from pelican.contents import Content
    from pelican.utils import memoized

    for attribute in vars(Content).values():
        if isinstance(attribute, memoized):
            attribute.cache.clear()


def write_sitemap(site: Path, siteurl: str) -> None:
    """sitemap.xml for the hosted site (search engines need absolute URLs, so only when SITEURL is set).

    Lists every HTML page in path order and no modification dates, so it is reproducible."""
    if not siteurl.startswith(("http://", "https://")):
        return
    from xml.sax.saxutils import escape

    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")
    urls = "".join(f"<url><loc>{escape(siteurl.rstrip('/') + '/' + quote(page))}</loc></url>\n" for page in pages)
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + urls + "</urlset>\n",
        encoding="utf-8",
    )
