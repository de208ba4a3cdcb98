"""Stage 1: files -> pages.

Reads every page of a seeds folder, decodes it, and turns anything that is not a
usable page into a `PageProblem` with a one-line reason instead of an exception,
so one bad file never stops the rest of the corpus.
"""
from __future__ import annotations

import codecs
import datetime
import hashlib
import html
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .model import Page, PageProblem
from .places import load_gazetteer
from .settings import data_table
from .text import cjk_count, date_parts

_HTML = data_table("html_tags.toml")


def _tag_of(names: list[str]) -> re.Pattern:
    """An opening or closing tag of one of `names`, in any case, with its attributes."""
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(rf"</?(?:{alternatives})(?=[\s/>])[^<>]*>", re.I)


_BLOCK_TAG, _INLINE_TAG = _tag_of(_HTML["block"]), _tag_of(_HTML["inline"] + _HTML["code"])
_CODE_NAMES = "|".join(map(re.escape, _HTML["code"]))
_HTML_CODE = re.compile(rf"<({_CODE_NAMES})\b[^<>]*>.*?</\1\s*>", re.S | re.I)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class DecodeError(ValueError):
    """The bytes are not text we can read; the message says why."""


@dataclass
class Corpus:
    pages: list[Page] = field(default_factory=list)
    problems: list[PageProblem] = field(default_factory=list)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters mean a binary file (UTF-16 is handled before this)."""
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) // 20


def utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of a page saved as UTF-16 without its byte order mark (Windows'
    "Unicode" with the mark stripped), else None. Its ASCII characters put NUL bytes in it, which
    would call it binary. Either byte order decodes Chinese to some characters; the right one
    has the page's line breaks, no control characters, and is mostly Chinese."""
    if len(data) % 2 or b"\x00" not in data[:4096]:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\n" in text and not _CONTROL.search(text) and cjk_count(text) >= len("".join(text.split())) // 2:
            return text, encoding
    return None


def decode_page(data: bytes) -> tuple[str, str, str]:
    """Return (text, encoding, note). Raises DecodeError for bytes that are not text.

    UTF-8 is expected; a BOM selects UTF-8 or UTF-16, as does the look of UTF-16 without
    one (`utf16_without_bom`); otherwise GB18030 (the usual
    legacy encoding of Chinese text) is tried before giving up. A UTF-8 page cut off
    inside a multi-byte character keeps everything before the cut.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, ""
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {encoding} after its byte-order mark ({exc.reason})") from None
    utf16 = utf16_without_bom(data)
    if utf16 is not None:
        return *utf16, f"decoded from {utf16[1].upper()} without a byte order mark"
    if looks_binary(data):
        raise DecodeError("binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8", ""
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            text = data[: exc.start].decode("utf-8")
            return text, "utf-8", f"truncated UTF-8 sequence at byte {exc.start}; the incomplete character was dropped"
        utf8_error = f"invalid UTF-8 at byte {exc.start}"
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise DecodeError(f"{utf8_error}, and not GB18030 either") from None
    if cjk_count(text) < len(text.strip()) // 4:
        raise DecodeError(f"{utf8_error}; decoding as GB18030 gives no Chinese text")
    return text, "gb18030", "decoded from GB18030"


# Characters no newspaper prints: C0 controls but tab and newline (ESC, BEL, NUL past the first
# bytes the binary check reads), DEL, and the direction overrides that would turn the text of
# every page listing the article (U+202A-U+202E, U+2066-U+2069).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

# The fields of a sources.toml entry (see seeds/sources.toml); each is optional.
SOURCE_FIELDS = ("publication", "date", "year", "place")
YEARS = range(1800, 2201)  # the years an issue of a newspaper in the archive can have
MAX_PUBLICATION_CHARS = 40
_LETTER = re.compile(r"[^\W_]")


def load_sources(seeds: Path, filename: str, is_place: Callable[[str], bool]) -> tuple[dict[str, dict], list[PageProblem]]:
    """Per-page metadata a maintainer knows (publication, date, home place), and a warning for
    each field that cannot be used. A bad field is dropped, not fatal: the page builds from
    what its text says, as a page without an entry does."""
    path = seeds / filename
    if not path.exists() and not path.is_symlink():
        return {}, []
    try:
        with path.open("rb") as fh:
            entries = tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, [PageProblem(filename, f"not valid TOML ({exc}); every page builds without it", skipped=False)]
    except OSError as exc:  # a folder, a dangling link, no permission
        return {}, [PageProblem(filename, f"cannot be read ({exc.strerror or exc}); every page builds without it", skipped=False)]
    sources, problems = {}, []
    for page, entry in entries.items():
        if not isinstance(entry, dict):
            problems.append(PageProblem(filename, f"{page!r} is not a [\"page.txt\"] table of fields; ignored", skipped=False))
            continue
        sources[page], notes = checked_source(entry, is_place)
        problems += [PageProblem(filename, f"[{page}] {note}", skipped=False) for note in notes]
    return sources, problems


def checked_source(entry: dict, is_place: Callable[[str], bool]) -> tuple[dict, list[str]]:
    """The usable fields of one entry, and why each other field was dropped."""
    kept, notes = {}, []
    for field_name, value in entry.items():
        note = _source_field_problem(field_name, value, is_place)
        if note:
            notes.append(f"{field_name} = {value!r}: {note}; ignored")
        else:
            kept[field_name] = value
    return kept, notes


def _source_field_problem(field_name: str, value, is_place: Callable[[str], bool]) -> str:
    if field_name not in SOURCE_FIELDS:
        return f"not a known field ({', '.join(SOURCE_FIELDS)})"
    if field_name == "date":
        parts = date_parts(str(value))
        if not parts or "-".join(p for p in parts if p) != str(value):  # as written: no entity, no space
            return "not a date like 2023, 2023-06 or 2023-06-15"
        year, month, day = (int(g) if g else None for g in parts)
        try:
            datetime.date(year, month or 1, day or 1)
        except ValueError:
            return "no such date"
        if year not in YEARS:
            return f"not a year of a newspaper ({YEARS.start}–{YEARS.stop - 1})"
    elif field_name == "year" and not (isinstance(value, int) and value in YEARS):
        return "not a year like 2023"
    elif field_name == "place" and not (isinstance(value, str) and is_place(value)):
        return "not a place in analysis/data/gazetteer.csv"
    elif field_name == "publication" and not (isinstance(value, str) and value.strip()):
        return "not a newspaper's name"
    elif field_name == "publication" and (len(value) > MAX_PUBLICATION_CHARS or not _LETTER.search(value)):
        # the name makes the source page's file name: it needs a letter, and a length a file can have
        return f"not a newspaper's name (letters needed, at most {MAX_PUBLICATION_CHARS} characters)"
    return ""


def page_files(seeds: Path, suffix: str, sources_file: str) -> tuple[list[Path], list[PageProblem]]:
    """All page files under `seeds` (subfolders included), in a stable order, and notes on the
    rest: nothing in the folder is passed over without a word, hidden files apart."""
    found, problems = [], []

    def unreadable(error: OSError) -> None:
        problems.append(PageProblem(shown_name(Path(error.filename), seeds), f"folder cannot be read ({error.strerror}); its pages are left out"))

    for folder, dirs, names in os.walk(seeds, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for linked in [d for d in dirs if (Path(folder) / d).is_symlink()]:  # not followed: a link may loop
            problems.append(PageProblem(shown_name(Path(folder) / linked, seeds), "a link to a folder; its pages are left out"))
        found += [Path(folder) / n for n in names if not n.startswith(".")]
    files = []
    for path in sorted(found):
        rel = shown_name(path, seeds)
        if rel == sources_file:
            continue
        if not path.exists():
            problems.append(PageProblem(rel, "a link to a file that does not exist; ignored"))
        elif not path.is_file():
            problems.append(PageProblem(rel, "not a regular file; ignored"))
        elif path.suffix != suffix:
            problems.append(PageProblem(rel, f"not a {suffix} page; ignored"))
        elif rel != path.relative_to(seeds).as_posix():
            problems.append(PageProblem(rel, "file name is not UTF-8 text; rename the file"))
        else:
            files.append(path)
    return files, problems


def shown_name(path: Path, seeds: Path) -> str:
    """The page's name in messages and on the site; bytes of a name that are not UTF-8 shown as �."""
    rel = path.relative_to(seeds).as_posix()
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_page(path: Path, name: str, source: dict, max_bytes: int) -> tuple[Page | None, list[PageProblem]]:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, [PageProblem(name, f"too large for a newspaper page ({size:,} bytes; limit {max_bytes:,})")]
        data = path.read_bytes()
    except OSError as exc:  # no permission, removed meanwhile
        return None, [PageProblem(name, f"cannot be read ({exc.strerror or exc})")]
    if not data:
        return None, [PageProblem(name, "empty page")]
    if not data.strip():
        return None, [PageProblem(name, "empty page (whitespace only)")]
    try:
        text, encoding, note = decode_page(data)
    except DecodeError as exc:
        return None, [PageProblem(name, str(exc))]
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    # Entities first, so that what they stand for meets the checks below: &#x202e; is a
    # text-direction character, &lt;div&gt; a tag.
    entities = [m.group(0) for m in _ENTITY.finditer(text) if html.unescape(m.group(0)) != m.group(0)]
    if entities:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text, controls = _CONTROL.subn("", text)
    if not text.strip():
        return None, [PageProblem(name, "empty page (whitespace only)")]
    digest = hashlib.sha256(text.strip().encode("utf-8")).hexdigest()
    notes = [PageProblem(name, note, skipped=False)] if note else []
    if entities:  # before the text's punctuation is made full-width: &nbsp; became &nbsp；
        notes.append(PageProblem(name, f"held {len(entities)} HTML entit{'y' if len(entities) == 1 else 'ies'} such as {entities[0]}; "
                                 "replaced by the characters they stand for", skipped=False))
    if controls:
        notes.append(PageProblem(name, f"held {controls} control or text-direction character(s); removed", skipped=False))
    tags = _BLOCK_TAG.findall(text) + _INLINE_TAG.findall(text)
    if tags:
        text = without_markup(text)
        notes.append(PageProblem(name, f"held {len(tags)} HTML tag(s) such as {tags[0][:40]}; removed, the text between them kept",
                                 skipped=False))
    return Page(name=name, text=text, sha256=digest, encoding=encoding, source=source), notes


# An HTML entity: &nbsp;, &#12288;, &#x3000; (a name HTML knows, or a code point).
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def without_markup(text: str) -> str:
    """The text without stray HTML (data/html_tags.toml): tags go, the words between them
    stay, a block's tag ends the line, and a script or style element goes whole. Stray markup
    is no part of the page, and kept as text it led the article's excerpt (<div class="ad">…)."""
    while True:  # until no tag is left: removing <b> from <scr<b>ipt> makes another
        stripped = _INLINE_TAG.sub("", _BLOCK_TAG.sub("\n", _HTML_CODE.sub("", text)))
        if stripped == text:
            return text
        text = stripped


def read_corpus(seeds: Path, settings: dict) -> Corpus:
    """Every readable page of the folder; duplicates (the same text, whatever its spacing or
    markup) are kept once: under the name sources.toml describes, else the first; a copy cut
    short is skipped for the page it begins."""
    corpus = Corpus()
    gazetteer = load_gazetteer()
    sources, source_problems = load_sources(seeds, settings["SOURCES_FILE"], lambda name: gazetteer.resolve(name) is not None)
    files, corpus.problems = page_files(seeds, settings["PAGE_SUFFIX"], settings["SOURCES_FILE"])
    corpus.problems += source_problems
    names = {path.relative_to(seeds).as_posix() for path in files}
    corpus.problems += [
        PageProblem(settings["SOURCES_FILE"], f"[{name}] names no page of this folder; ignored", skipped=False)
        for name in sorted(sources.keys() - names)
    ]
    read = []
    for path in files:
        name = path.relative_to(seeds).as_posix()
        page, problems = read_page(path, name, sources.get(name, {}), settings["MAX_PAGE_BYTES"])
        corpus.problems.extend(problems)
        if page is not None:
            read.append(page)
    # Of pages with the same text, the one sources.toml describes is kept (a copy added under
    # another name must not take its metadata, or its articles' addresses, away), else the first.
    # The same text: a copy saved with other line ends or spaces, or wrapped in markup, is one.
    same = {page.name: comparable_text(page.text) for page in read}
    keeper: dict[str, Page] = {}
    for page in read:
        key = same[page.name]
        if key not in keeper or (page.source and not keeper[key].source):
            keeper[key] = page
    unique = []
    for page in read:
        kept = keeper[same[page.name]]
        if kept is page:
            unique.append(page)
        else:
            corpus.problems.append(PageProblem(page.name, f"duplicate of {kept.name}"))
    whole_copies = whole_copies_of_truncated(unique, same)
    by_name = {page.name: page for page in unique}
    for page in unique:
        whole = by_name.get(whole_copies.get(page.name, ""))
        if whole is None:
            corpus.pages.append(page)
            continue
        # the longer page is kept, so a sources.toml entry for the cut copy would go unused unsaid
        unused = f"; its entry in {settings['SOURCES_FILE']} is not used, give it to {whole.name}" if page.source and not whole.source else ""
        corpus.problems.append(PageProblem(page.name, f"truncated copy of {whole.name}: its text is how that page begins{unused}"))
    return corpus


def comparable_text(text: str) -> str:
    """A page's text as its copies share it: without spaces and line breaks, which a copy saved
    by another program changes."""
    return _SPACES.sub("", text)


_SPACES = re.compile(r"\s+")
# A page this long or longer whose text another page begins with is a cut-off copy of it; a
# shorter one may be a brief page that happens to open as another does.
TRUNCATED_COPY_CHARS = 200


def whole_copies_of_truncated(pages: list[Page], same: dict[str, str]) -> dict[str, str]:
    """name of a page -> name of the longer page whose text begins with all of its (a copy cut
    short: its articles would be archived twice, and each figure count as two sources). Pages
    are compared only with those opening with the same TRUNCATED_COPY_CHARS characters."""
    by_opening: dict[str, list[Page]] = {}
    for page in pages:
        if len(same[page.name]) >= TRUNCATED_COPY_CHARS:
            by_opening.setdefault(same[page.name][:TRUNCATED_COPY_CHARS], []).append(page)
    found = {}
    for group in by_opening.values():
        for page in group:
            text = same[page.name]
            whole = [other for other in group if len(same[other.name]) > len(text) and same[other.name].startswith(text)]
            if whole:
                found[page.name] = max(whole, key=lambda other: len(same[other.name])).name
    return found
