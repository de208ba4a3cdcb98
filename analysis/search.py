"""Stage: the built site's article pages -> full-text search, one Pagefind bundle per shard.

Pagefind holds a whole run in memory, so the article pages are indexed in shards of
`SEARCH_SHARD_PAGES`, grouped by newspaper page. A shard whose pages give Pagefind the same
input as in the last site reuses that site's bundle; a changed shard is indexed again,
starting from its last bundle. The search page (theme/static/js/search.js) loads every
bundle. Everything is written into the staging folder of `site`.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import html
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .site import fresh_dir, make_folders_writable


class SearchIndexError(RuntimeError):
    """Pagefind failed; the message holds what it printed."""


# Pagefind's bundles live under one folder of the site: one bundle per shard, and the
# manifest of shards. The search page (theme/static/js/search.js) loads each bundle's pagefind.js.
SEARCH_DIR = "pagefind"
SEARCH_MANIFEST = f"{SEARCH_DIR}/shards.json"
# Every Pagefind run gets these besides --site and --output-path. Forcing the language keeps
# all pages in one index per bundle; it is "und" (undetermined), for which Pagefind neither
# cuts words nor stems them: the pages it reads are already cut (see INDEX_FORM).
PAGEFIND_LANGUAGE = "und"
PAGEFIND_OPTIONS = ("--force-language", PAGEFIND_LANGUAGE, "--silent")
# Pagefind cuts Chinese into words twice, the page with jieba when it indexes and the query
# with the browser's segmenter when a reader searches, and the two disagree (加装电梯 is 加装 +
# 电梯 in one, 加 + 装 + 电梯 in the other; Pagefind issue #1237): pages holding the words went
# unfound, and pages without them were found. So Pagefind reads each page cut into
# `search_words`, every Chinese character a word of its own, and the search page cuts a query
# the same way and looks it up as a phrase (theme/static/js/search.js, `searchWords`): the
# pages found are exactly those holding the query.
INDEX_FORM = "search-words-4"  # part of every bundle's digest and staged page's name: a new form re-indexes all
# Beside Pagefind's files, each bundle holds every page's filter values by the id Pagefind gives
# the page's search results (`write_page_filters`). A new form of that file rebuilds every bundle.
PAGE_FILTERS = "page-filters.json"
PAGE_FILTERS_FORM = "page-filters-1"
# Where the page has a space, or a block begins or ends (`_BLOCK_TAG`), the word after it
# carries this invisible mark:
# Pagefind drops it from the word, as it drops punctuation (so a phrase still matches across
# it), and keeps it in the text of excerpts, where the search page turns it back into a space.
# Without it an excerpt ran a byline's names and the next paragraph together (记者李勇韩振周凯●全市).
SPACE_MARK = "\u2063"  # INVISIBLE SEPARATOR
_IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# One Chinese character, or a run of other letters and digits, with the punctuation on either
# side: Pagefind drops punctuation from words, and a word of punctuation alone would still
# take a place in the phrase ("党建+市场" must be 党 建+ 市 场, not 党 建 + 市 场).
SEARCH_WORD = re.compile(rf"[^\s\w]*(?:[{_IDEOGRAPH}]|(?:(?![{_IDEOGRAPH}])\w)+)[^\s\w]*|[^\s\w]+")


def search_words(text: str) -> list[str]:
    """The words of `text` as the search index holds them: 重庆“党建+市场” -> 重, 庆“, 党, 建+, 市, 场”."""
    return SEARCH_WORD.findall(text)


def shard_of(key: str, count: int) -> int:
    """The shard of a page's key: a hash of the key alone, so adding or removing other pages
    never moves it while the number of shards stays the same (Python's hash() is salted per run)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % count


def search_shards(urls: list[str], per_shard: int, groups: Mapping[str, str] | None = None) -> list[list[str]]:
    """Split the article pages (site-relative URLs) into groups Pagefind indexes one run each.

    Pagefind holds a whole run in memory, so `per_shard` bounds the build's memory; the
    assignment is by `shard_of`, so an unchanged page stays in its shard and an unchanged
    shard can reuse its last bundle. `groups` maps a URL to the key it is sharded by (the
    build gives each article's newspaper page, so the articles of a new or corrected page
    land in one shard and only that shard is indexed again); by default the URL itself.
    Shards come out sorted; a shard may be empty. `per_shard` 0 means one shard for all pages."""
    if per_shard < 0:
        raise ValueError(f"per_shard must be 0 (one shard) or more, not {per_shard}")
    unique = sorted(set(urls))
    count = max(1, math.ceil(len(unique) / per_shard)) if per_shard else 1
    shards: list[list[str]] = [[] for _ in range(count)]
    for url in unique:
        shards[shard_of((groups or {}).get(url, url), count)].append(url)
    return shards


def search_bundle(index: int) -> str:
    """Site-relative folder of shard `index`'s Pagefind bundle."""
    return f"{SEARCH_DIR}/shard-{index}"


def search_bundles(shards: list[list[str]]) -> list[str]:
    """The bundles the search page loads, each as its own Pagefind instance.

    An empty shard gets no bundle: Pagefind refuses to index nothing. Each bundle answers a
    query on its own, with exactly its pages that hold the query (a phrase of `search_words`);
    the search page merges the answers (theme/static/js/search.js)."""
    return [search_bundle(index) for index, urls in enumerate(shards) if urls]


_VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Comments and the insides of script and style elements: Pagefind reads none of them, and a
# "<" in them must not be taken for a tag.
_UNREAD = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?(?:</\1\s*>|\Z)", re.S | re.I)
_ATTRS = r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*"  # a tag's attributes, quoted values may hold ">"
_MARKED_TAG = re.compile(rf"<([a-zA-Z][^\s/>]*)(\s{_ATTRS}?\bdata-pagefind-{_ATTRS})>")
_MARKERS = frozenset({"data-pagefind-body", "data-pagefind-ignore"})  # mark regions, carry no value
_ATTR = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")


@functools.lru_cache(maxsize=64)
def _tags_named(tag: str) -> re.Pattern:
    return re.compile(rf"<(/?){re.escape(tag)}(?=[\s/>]){_ATTRS}>", re.I)


def _element_end(doc: str, tag: str, start: int, tag_end: int) -> int | None:
    """Where the element whose start tag begins at `start` ends: after its matching end tag,
    found by counting start and end tags of the same name; None if it is never closed."""
    if tag.lower() in _VOID_ELEMENTS:
        return tag_end
    depth = 0
    for match in _tags_named(tag).finditer(doc, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return None


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1).lower(): html.unescape((m.group(2) or "").strip("\"'")) for m in _ATTR.finditer(text)}


def _cut(text: str, start: int, ranges: list[tuple[int, int]]) -> str:
    """`text` (which begins at offset `start` of the page) without the parts in `ranges`."""
    kept, at = [], start
    for low, high in sorted(ranges):
        low, high = max(low, at), min(high, start + len(text))
        if low < high:
            kept.append(text[at - start : low - start])
            at = high
    kept.append(text[at - start :])
    return "".join(kept)


def _inside(position: int, ranges: list[tuple]) -> bool:
    return any(low <= position < high for low, high, *_ in ranges)


def search_input(page: str) -> str:
    """What Pagefind reads from one page, as one string: it changes when the page's search
    entry would, and (nearly) only then.

    Pagefind indexes the `data-pagefind-body` elements minus what lies inside
    `data-pagefind-ignore`, and reads filters, metadata, sorts and weights wherever they are,
    inside ignored elements too; only `data-pagefind-ignore="all"` hides those. It also takes
    the first h1 as the default title and the first img after it as the default image. All the
    rest of an article page (the site's header and footer, the related articles, the links to
    the next and previous article, the keyword list) changes whenever other articles change;
    leaving it out is what lets an unchanged shard keep its last bundle.

    When unsure it keeps more, never less: the body's markup stays in whole, an ignored
    element that is never closed is not left out, and a page without `data-pagefind-body`
    (which Pagefind indexes whole) counts whole. Regular expressions over the few marked
    elements, not a parser over every tag, because every page of the site is read on every
    build: a full parse cost more than a second per thousand pages."""
    doc = _UNREAD.sub("", page)
    marked = []  # (start, end, tag, attributes) of each element carrying data-pagefind-*
    for match in _MARKED_TAG.finditer(doc):
        end = _element_end(doc, match.group(1), match.start(), match.end())
        marked.append((match.start(), end, match.group(1).lower(), _attributes(match.group(2))))
    hidden = [(s, e) for s, e, _, a in marked if a.get("data-pagefind-ignore", "").strip() == "all" and e is not None]
    marked = [m for m in marked if not _inside(m[0], hidden)]
    if not any("data-pagefind-body" in a for _, _, _, a in marked):
        return page
    ignored = hidden + [(s, e) for s, e, _, a in marked if "data-pagefind-ignore" in a and e is not None]
    parts = []
    for start, end, _, attributes in marked:
        end = len(doc) if end is None else end
        if "data-pagefind-body" in attributes:
            parts += ["body", _cut(doc[start:end], start, [r for r in ignored if r[0] > start])]
        if any(name.startswith("data-pagefind-") and name not in _MARKERS for name in attributes):
            parts += ["value", doc[start:end]]
    h1 = next((m for m in _tags_named("h1").finditer(doc) if not m.group(1) and not _inside(m.start(), hidden)), None)
    if h1 is not None:
        end = _element_end(doc, "h1", h1.start(), h1.end())
        parts += ["h1", doc[h1.start() : len(doc) if end is None else end]]
        image = next((m for m in _tags_named("img").finditer(doc, h1.end()) if not _inside(m.start(), hidden)), None)
        parts += ["img", image.group(0) if image else ""]
    return "\x00".join(parts)


def indexed_page(page: str) -> str:
    """The page as Pagefind is given it: its text cut into `search_words`, spaced apart, so
    that each is a word of the index (see INDEX_FORM). Tags, attributes, comments and
    scripts stay as they are, and so does an element whose text is a filter or metadata value
    (地区, 话题, the title), since results show those values; such an element is marked
    ignored, which keeps its value, and its text follows it spaced, to be found like the rest."""
    doc = page
    kept = [(m.start(), m.end(), "") for m in _UNREAD.finditer(doc)]
    for match in _MARKED_TAG.finditer(doc):
        names = _attributes(match.group(2))
        if any(name.startswith("data-pagefind-") and name not in _MARKERS for name in names) and not _inside(match.start(), kept):
            end = _element_end(doc, match.group(1), match.start(), match.end())
            kept.append((match.start(), len(doc) if end is None else end, match.group(1)))
    out, at = [], 0
    for low, high, tag in sorted(kept):
        if low < at:
            continue  # inside a range already kept
        out.append(_spaced_text(doc[at:low]))
        if tag and "data-pagefind-ignore" not in _attributes(doc[low : doc.index(">", low)]):
            text = _TAG.sub("", doc[low:high])
            # the value's words follow it as a block of their own (a kicker ran into the title)
            out.append(f"<{tag} data-pagefind-ignore{doc[low + 1 + len(tag) : high]}<span>{_spaced_text(text, True)}</span>")
        else:
            out.append(doc[low:high])
        at = high
    out.append(_spaced_text(doc[at:]))
    return "".join(out)


_TAG = re.compile(rf"(<[a-zA-Z/!?]{_ATTRS}>)")
# Where one of these begins or ends, a reader sees a break, as at a space: 本报记者 毕京津</p>
# <ul><li>河南省… must not read 毕京津河南省 in an excerpt.
_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|dl|dt|dd|h[1-6]|section|aside|article|header|footer|nav|"
                        r"blockquote|table|thead|tbody|tr|td|th|figure|figcaption|br|hr)\b", re.I)


def _spaced_text(fragment: str, after_space: bool = False) -> str:
    """`fragment`'s text cut into words (`_spaced_words`); `after_space`: it follows a space."""
    parts = _TAG.split(fragment)  # text, tag, text, tag, ...: only text is cut
    # after_space: whether the page had a space (or a block's edge) before the next word
    for i, text in enumerate(parts):
        if i % 2:
            after_space = after_space or bool(_BLOCK_TAG.match(text))
        elif text.strip():
            parts[i] = _spaced_words(text, after_space or text[0].isspace())
            after_space = text[-1].isspace()
        else:
            after_space = after_space or bool(text)
    return "".join(parts)


def _spaced_words(text: str, after_space: bool = False) -> str:
    """HTML text cut into words: as the text it stands for (&lt; is one character, not a word
    and its punctuation), and written back as HTML. Spaces at both ends too: a word must not
    run on into the text of the next element. The first word after a space of the page's own
    (or of the text before, `after_space`) carries SPACE_MARK."""
    words = []
    for n, run in enumerate(html.unescape(text).split()):
        found = SEARCH_WORD.findall(run)
        if found and (n or after_space):
            found[0] = SPACE_MARK + found[0]
        words += found
    return " " + html.escape(" ".join(words), quote=False) + " "


def page_search_digest(url: str, page: str) -> str:
    """Digest of one page's search entry: its URL and `search_input`."""
    return _entry_digest(url, search_input(page))


def _entry_digest(url: str, entry: str) -> str:
    return hashlib.sha256(url.encode("utf-8") + b"\x00" + entry.encode("utf-8")).hexdigest()


def shard_digest(page_digests: list[str], pagefind: str) -> str:
    """Digest of everything a shard's bundle is made from: which Pagefind with which options,
    and each page's `page_search_digest` in URL order. Equal digests mean Pagefind would write
    the same bundle."""
    digest = hashlib.sha256(pagefind.encode("utf-8"))
    for page in page_digests:
        digest.update(b"\x00" + page.encode("ascii"))
    return digest.hexdigest()


def pagefind_binary() -> Path:
    """The extended Pagefind binary from the `pagefind[extended]` wheel; nothing is downloaded."""
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None or not Path(binary).is_file():
        raise SearchIndexError("Pagefind's binary was not found; install the pagefind[extended] package")
    return Path(binary)


def pagefind_identity(binary: Path) -> str:
    """Which Pagefind runs with which options: part of every shard's digest, so upgrading
    Pagefind or changing its options rebuilds every bundle."""
    result = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind --version exited with {result.returncode}: {result.stderr.strip()}")
    return " ".join([binary.name, result.stdout.strip(), *PAGEFIND_OPTIONS, INDEX_FORM, PAGE_FILTERS_FORM])


def previous_bundles(previous: Path | None, pagefind: str | None = None) -> dict[str, Path]:
    """Shard digest -> bundle folder, from the manifest of the last site built (if any);
    with `pagefind`, only if the same Pagefind with the same options made them."""
    if previous is None:
        return {}
    try:
        manifest = json.loads((previous / SEARCH_MANIFEST).read_text(encoding="utf-8"))
        entries = [(entry["digest"], entry["bundle"]) for entry in manifest["shards"]]
        if pagefind is not None and manifest["pagefind"] != pagefind:
            return {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    found = {}
    for digest, bundle in entries:
        folder = previous / bundle
        if site_relative(bundle) and (folder / "pagefind-entry.json").is_file():
            found[digest] = folder
    return found


# Pagefind names these files by a hash of what they hold, and leaves one that exists alone.
HASHED_BUNDLE_FOLDERS = ("fragment", "index", "filter")


def seed_bundle(earlier: Path, bundle: Path) -> None:
    """Put a shard's last bundle in place before Pagefind indexes the shard again: Pagefind
    then writes only the page fragments and word lists that changed, instead of compressing
    and writing every one (about half of its time on an unchanged shard). Hard links, as
    Pagefind never opens a file that exists (its name is the hash of what it holds); a test
    holds it to that, since a file written through a link would change the last site too."""
    for folder in HASHED_BUNDLE_FOLDERS[:2]:  # filter files are few, and rewritten anyway
        if (earlier / folder).is_dir():
            link_tree(earlier / folder, bundle / folder)  # Pagefind adds files here


def unreferenced_files(bundle: Path) -> list[Path] | None:
    """Files of a bundle that its metadata does not name: what was seeded from the last bundle
    and is no longer part of the index. Pagefind's metadata (pagefind.<hash>.pf_meta, gzip of
    a signature and CBOR) holds every fragment, index and filter hash as a text string, so a
    file is named there iff its hash occurs in it. None if the metadata cannot be read."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        meta = b"".join(gzip.decompress((bundle / f"pagefind.{language['hash']}.pf_meta").read_bytes()) for language in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError):
        return None
    return [
        path
        for folder in HASHED_BUNDLE_FOLDERS
        if (bundle / folder).is_dir()
        for path in sorted((bundle / folder).iterdir())
        if path.name.split(".")[0].encode("utf-8") not in meta
    ]


def site_relative(url: str) -> bool:
    """True for a path that stays inside the site (no absolute paths, no '..')."""
    path = PurePosixPath(url)
    return bool(url) and not path.is_absolute() and ".." not in path.parts


def link_tree(source: Path, target: Path) -> None:
    """A folder of the last site brought over file by file (`link_or_copy`), its folders made
    writable: copytree copies their modes, and from a site left read-only Pagefind could not
    add its files to them (it hung), nor the next build remove them."""
    shutil.copytree(source, target, copy_function=link_or_copy)
    make_folders_writable(target)


def link_or_copy(source: Path | str, target: Path | str) -> None:
    """A hard link where the file system allows one, else a copy: creating thousands of small
    files costs far more than linking them. Only for files nobody rewrites in place."""
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, target)


def stage_pages(site: Path, urls: list[str], digests: Mapping[str, str] | None = None, kept: Path | None = None) -> tempfile.TemporaryDirectory:
    """The pages of `urls` as Pagefind is to read them (`indexed_page`), in a temporary folder
    at the same relative paths, so that result URLs are the same as for a run over the whole
    site (Pagefind reads a folder, and only these pages are to be indexed).

    With `kept`, a folder of pages staged by earlier builds named by their search digest
    (`digests`), a page whose digest is there is linked from it instead of cut again: Pagefind
    reads the same from it, whatever else of the page changed. A rebuild after one newspaper
    page changed thus cuts only the pages that changed."""
    folder = tempfile.TemporaryDirectory(prefix=f".{site.name}.pagefind-", dir=site.parent)
    for url in urls:
        target = Path(folder.name) / url
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = (digests or {}).get(url)
        if kept is None or digest is None:
            target.write_text(indexed_page((site / url).read_text(encoding="utf-8")), encoding="utf-8")
            continue
        stored = kept / staged_name(digest)
        if not stored.is_file():
            text = indexed_page((site / url).read_text(encoding="utf-8"))
            tmp = kept / f".{digest}.{os.getpid()}.tmp"
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, stored)  # never half a page under its digest
        link_or_copy(stored, target)
    return folder


def staged_name(digest: str) -> str:
    """A staged page's file name: its search digest, which follows what Pagefind reads of the
    page, and the form `indexed_page` gives it, which the digest does not follow."""
    return f"{digest}.{INDEX_FORM}.html"


def keep_only(kept: Path | None, digests: Mapping[str, str]) -> None:
    """Forget staged pages that no page of this site has any longer."""
    if kept is None:
        return
    wanted = {staged_name(digest) for digest in digests.values()}
    for path in kept.iterdir():
        if path.name not in wanted:
            path.unlink(missing_ok=True)


# Pagefind processes under way, for a build that is stopped (Ctrl-C reaches the build's main
# thread, not the thread that waits on Pagefind) to end them rather than leave them running.
RUNNING: set[subprocess.Popen] = set()


def run_pagefind(binary: Path, pages: Path, bundle: Path, meanwhile: Callable[[], None] | None = None) -> None:
    """Index the folder `pages` into `bundle`, in one Pagefind run; `meanwhile` is called once
    Pagefind has started, to use the time this thread would spend waiting."""
    command = [str(binary), "--site", str(pages), "--output-path", str(bundle), *PAGEFIND_OPTIONS]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        RUNNING.add(process)
        try:
            if meanwhile is not None:
                meanwhile()
            stdout, stderr = process.communicate()
        except BaseException:
            process.kill()
            raise
        finally:
            RUNNING.discard(process)
    if process.returncode != 0:
        raise SearchIndexError(f"pagefind exited with {process.returncode}: {stderr.strip() or stdout.strip()}")


@dataclass
class SearchIndexRun:
    """Which bundles Pagefind wrote in this build and which were copied from the last one, and
    the digest of each page's search entry that still holds when only the build stamp changes
    (the stamp is not part of what Pagefind reads of the page)."""

    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    page_digests: dict[str, str] = field(default_factory=dict)


def index_shard(binary: Path, pages: Path, folder: Path, seed: Path | None, meanwhile: Callable[[], None] | None = None) -> None:
    """One Pagefind run for a shard's staged `pages` into the bundle `folder`, starting from
    `seed`, the shard's last bundle, when there is one; what the seed held that the new index
    does not name is removed, so the bundle holds what a run from nothing would write (but for
    its `PAGE_FILTERS`, which `build_search_index` writes while the next shard is indexed, or
    after the last)."""
    if seed is not None:
        seed_bundle(seed, folder)
    run_pagefind(binary, pages, folder, meanwhile)
    if seed is not None:
        stale = unreferenced_files(folder)
        if stale is None:  # metadata this code cannot read: index the shard from nothing
            shutil.rmtree(folder)
            run_pagefind(binary, pages, folder)
        else:
            for path in stale:
                path.unlink()


# A page fragment is gzip of this signature and the page's JSON (url, content, filters, meta).
FRAGMENT_SIGNATURE = b"pagefind_dcd"


def page_filters(bundle: Path) -> dict:
    """Every page's filter values in `bundle`, by the id Pagefind gives the page's results (its
    fragment's name): {"values": [[facet, value], ...], "pages": {id: [index into values]}}.

    The search page counts filter values from it for a query of several terms, whose pages
    no one Pagefind search returns; read from the pages themselves, the counts took a request
    a result (2,600 requests for one query at 10,000 articles). Pagefind's own search for a
    filter value without words reads the whole word index instead, 2 MB a bundle."""
    values: dict[tuple[str, str], int] = {}
    pages = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(FRAGMENT_SIGNATURE))
        pairs = [(facet, value) for facet, facet_values in sorted(fragment.get("filters", {}).items()) for value in facet_values]
        pages[path.name.split(".")[0]] = [values.setdefault(pair, len(values)) for pair in pairs]
    return {"values": [list(pair) for pair in values], "pages": pages}


def write_page_filters(bundle: Path) -> None:
    (bundle / PAGE_FILTERS).write_text(json.dumps(page_filters(bundle), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def build_search_index(site: Path, shards: list[list[str]], previous: Path | None = None,
                       before_indexing: Callable[[], None] | None = None,
                       meanwhile: Callable[[], None] | None = None,
                       known: Mapping[str, str] | None = None, stamp: str = "", kept: Path | None = None) -> SearchIndexRun:
    """Full-text search over the article pages, one Pagefind bundle per shard.

    Pagefind's memory grows with the pages of one run, so shards run one after another.
    A shard whose digest (`shard_digest`) matches a bundle in `previous`, the last site built,
    gets that bundle (hard-linked, or copied) instead of a run; a changed shard is indexed
    starting from its last bundle (`index_shard`). Everything is written into
    `site`, the staging folder, which the build swaps in only when all steps succeeded.
    `before_indexing` is called once the pages are digested, before any bundle is written;
    `meanwhile` is called once, while the first Pagefind run works (at the end if none runs).
    `known` gives the digests of pages that are the last build's but for `stamp`, the build
    stamp (`RenderedPages` copies them), so those pages need not be read again. `kept` is a
    folder for pages as staged for Pagefind, kept between builds (`stage_pages`)."""
    if previous is not None and previous.resolve() == site.resolve():
        raise ValueError("previous must be the last site built, not the site being built")
    for urls in shards:
        for url in urls:
            if not site_relative(url) or not (site / url).is_file():
                raise SearchIndexError(f"the article page {url} is not in the built site")
    binary = pagefind_binary()
    pagefind = pagefind_identity(binary)
    earlier = previous_bundles(previous, pagefind)
    seeds = {folder.relative_to(previous).as_posix(): folder for folder in earlier.values()} if previous else {}
    run, known = SearchIndexRun(), known or {}
    parts = []  # (bundle, urls, digest) of each shard with pages
    for index, urls in enumerate(shards):
        if urls:
            pages = [_page_digest(site, url, known.get(url), stamp, run.page_digests) for url in sorted(urls)]
            parts.append((search_bundle(index), urls, shard_digest(pages, pagefind)))
    if before_indexing is not None:
        before_indexing()
    fresh_dir(site / SEARCH_DIR)
    to_index = [(bundle, urls) for bundle, urls, digest in parts if digest not in earlier]
    staged: dict[str, tempfile.TemporaryDirectory] = {}
    try:
        for bundle, urls, digest in parts:
            if digest in earlier:
                link_tree(earlier[digest], site / bundle)
                run.reused.append(bundle)
                continue
            pages = staged.pop(bundle, None) or stage_pages(site, urls, run.page_digests, kept)
            following = to_index[to_index.index((bundle, urls)) + 1 :][:1]
            # While Pagefind indexes this shard, this thread lists the filters of the last one
            # and stages the next one's pages.
            work = [meanwhile, *(functools.partial(write_page_filters, site / done) for done in run.built[-1:]),
                    *(functools.partial(_stage_into, staged, site, *shard, run.page_digests, kept) for shard in following)]
            index_shard(binary, Path(pages.name), site / bundle, seeds.get(bundle), _in_turn(work))
            pages.cleanup()
            meanwhile = None
            run.built.append(bundle)
        if run.built:
            write_page_filters(site / run.built[-1])
    finally:
        for pages in staged.values():
            pages.cleanup()
    keep_only(kept, run.page_digests)
    if meanwhile is not None:
        meanwhile()
    manifest = [{"bundle": bundle, "pages": len(urls), "digest": digest} for bundle, urls, digest in parts]
    (site / SEARCH_MANIFEST).write_text(json.dumps({"pagefind": pagefind, "shards": manifest}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return run


def _stage_into(staged: dict, site: Path, bundle: str, urls: list[str], digests: Mapping[str, str], kept: Path | None) -> None:
    staged[bundle] = stage_pages(site, urls, digests, kept)


def _in_turn(work: list[Callable[[], None] | None]) -> Callable[[], None]:
    def run_all() -> None:
        for step in work:
            if step is not None:
                step()
    return run_all


def _page_digest(site: Path, url: str, known: str | None, stamp: str, stamp_free: dict[str, str]) -> str:
    """A page's `page_search_digest`, given (`known`) or worked out; put in `stamp_free` when
    it would be the same with another build stamp."""
    if known is not None:
        stamp_free[url] = known
        return known
    entry = search_input((site / url).read_text(encoding="utf-8"))
    digest = _entry_digest(url, entry)
    if not (stamp and stamp in entry):
        stamp_free[url] = digest
    return digest


class SearchIndexCancelled(Exception):
    """The build stopped while the search index was being made beside it."""


class SearchIndexing:
    """`build_search_index` on a thread of its own, started once Pelican has written the article
    pages, so that it works while Pelican renders the listings; or, for an index of more than
    `beside_pelican` pages, after Pelican.

    Two things bound it. Pagefind holds all the pages of a run in memory (about 0.25 GB, and
    0.33 GB more per 1,000 pages) on top of Pelican's process. And digesting the pages is
    Python work that takes turns with Pelican's for the interpreter lock, which costs Pelican,
    writing a file at a time, more than the digests save at 10,000 articles."""

    def __init__(self, site: Path, shards: list[list[str]], previous: Path | None, beside_pelican: int,
                 known: Mapping[str, str] | None = None, stamp: str = "", kept: Path | None = None):
        self.site, self.shards, self.previous, self.known, self.stamp, self.kept = site, shards, previous, known, stamp, kept
        self.beside = sum(map(len, shards)) <= beside_pelican
        self.cancelled = False
        self.thread: threading.Thread | None = None
        self.result: SearchIndexRun | None = None
        self.error: BaseException | None = None

    def articles_written(self) -> None:
        """Pelican has written the article pages: start now, if the index may run beside it."""
        if self.beside:
            self._start(None)

    def _start(self, meanwhile: Callable[[], None] | None) -> None:
        self.thread = threading.Thread(target=self._index, args=(meanwhile,), name="search-index", daemon=True)
        self.thread.start()

    def _index(self, meanwhile: Callable[[], None] | None) -> None:
        try:
            self.result = build_search_index(self.site, self.shards, self.previous, self._before_indexing, meanwhile,
                                             known=self.known, stamp=self.stamp, kept=self.kept)
        except BaseException as error:  # handed to the build's thread in `finish`
            self.error = error

    def _before_indexing(self) -> None:
        if self.cancelled:
            raise SearchIndexCancelled()

    def finish(self, meanwhile: Callable[[], None]) -> SearchIndexRun:
        """Once Pelican is done: wait for the index and raise what went wrong making it.
        `meanwhile` runs while the index is made: at once if it is under way beside Pelican,
        else as soon as the first Pagefind run has started."""
        if self.thread is None:
            self._start(meanwhile)
        else:
            meanwhile()
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.result

    def cancel(self) -> None:
        """The build failed: stop before Pagefind starts, or end the run under way."""
        self.cancelled = True
        for process in list(RUNNING):
            process.kill()
        if self.thread is not None:
            self.thread.join()
