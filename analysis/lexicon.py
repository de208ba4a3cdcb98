"""jieba's dictionary for the terms stage: loaded whole, or looked up a text's fragments at a time.

Cutting needs jieba's prefix dictionary (every word with its count, every prefix of a
word with count 0: about 500,000 entries) and each word's part-of-speech tag. Loading
both takes about a second, more than the rest of a rebuild after one page changed. So
the first whole load also writes them to an SQLite word index in the user's cache
folder, and a later process with only a few pages to cut asks the index for the
fragments of its own text: a page is a few thousand lookups, milliseconds. After
`LOOKUP_LIMIT` characters a process loads the whole dictionary after all, as that is
then the faster way.

The word index is named after a digest of everything it is made from (jieba's version
and dict.txt, our userdict.txt), so a changed dictionary gets a new index; the cache
folder can be deleted at any time.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import math
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping
from .settings import DATA_DIR

USER_DICTIONARY = DATA_DIR / "userdict.txt"
INDEX_FORMAT = 1  # bump when the table layout changes
# Lookups cost about 3 µs a character of text; the whole load about a second.
LOOKUP_LIMIT = 300_000


@dataclass(frozen=True)
class Entries:
    """The dictionary, or the part of it a text can reach: enough to cut that text."""

    freq: Mapping[str, int]  # prefix dictionary: word -> count, prefix of a word -> 0
    tags: Mapping[str, str]  # word -> part-of-speech tag
    log_total: float  # log of the sum of all counts


# ---------------------------------------------------------------- the whole dictionary


@lru_cache(maxsize=1)
def tokenizer():
    """A private jieba.Tokenizer with our user dictionary (the global one is shared with other code)."""
    import jieba  # imported lazily: jieba's import is slow and noisy

    jieba.setLogLevel(logging.WARNING)  # "Building prefix dict ...": the build's progress says what it does
    tok = jieba.Tokenizer()
    with USER_DICTIONARY.open("rb") as f:
        tok.load_userdict(f)
    return tok


def read_whole() -> Entries:
    """jieba's dict.txt and our userdict.txt: counts from the tokenizer, tags from dict.txt
    overlaid with the user dictionary's."""
    tok = tokenizer()
    tags: dict[str, str] = {}
    with tok.get_dict_file() as f:
        for raw in f:
            parts = raw.decode("utf-8").split()
            if len(parts) >= 3:
                tags[parts[0]] = parts[2]
    tags.update(tok.user_word_tag_tab)
    return Entries(tok.FREQ, tags, math.log(tok.total))


# ---------------------------------------------------------------- the word index


def jieba_dictionary_file() -> Path:
    """jieba's dict.txt, found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    return Path(list(spec.submodule_search_locations)[0]) / "dict.txt"


def cache_folder() -> Path:
    """The user's cache folder (XDG), or the temporary folder for a user without a home."""
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "newspaper-archive"
    try:
        return Path.home() / ".cache" / "newspaper-archive"
    except (RuntimeError, KeyError):
        return Path(tempfile.gettempdir()) / "newspaper-archive"


def index_path(folder: Path | None = None) -> Path:
    digest = hashlib.sha256(f"{INDEX_FORMAT} {importlib.metadata.version('jieba')}".encode())
    for source in (jieba_dictionary_file(), USER_DICTIONARY):
        digest.update(source.read_bytes())
    return (folder or cache_folder()) / f"words-{digest.hexdigest()[:16]}.sqlite"


def write_index(entries: Entries, path: Path) -> None:
    """Write the index aside and rename it into place, so a reader never sees half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("CREATE TABLE words (word TEXT PRIMARY KEY, freq INTEGER NOT NULL, tag TEXT) WITHOUT ROWID")
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID")
        # Sorted rows go into the B-tree in order, which is the quick way to fill it.
        rows = sorted((w, f, entries.tags.get(w)) for w, f in entries.freq.items())
        db.executemany("INSERT INTO words VALUES (?, ?, ?)", rows)
        db.execute("INSERT INTO meta VALUES ('log_total', ?)", (entries.log_total,))
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)


class WordIndex:
    """Looks up the dictionary entries a text can reach, in the SQLite file `write_index` wrote."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (self.log_total,) = self.db.execute("SELECT value FROM meta WHERE key = 'log_total'").fetchone()
        except (sqlite3.Error, TypeError):  # not a word index, or an empty one
            self.db.close()
            raise sqlite3.DatabaseError(f"{path}: not a word index")

    def entries_for(self, runs: Iterable[str]) -> Entries:
        """Every fragment of the runs that is in the dictionary, found the way the cut walks:
        a fragment one character longer is asked for only where the shorter one was found
        (every prefix of a word is in the dictionary), so the cut of these runs with these
        entries is the cut with the whole dictionary."""
        freq: dict[str, int] = {}
        tags: dict[str, str] = {}
        starts = [(run, i) for run in set(runs) for i in range(len(run))]
        length = 1
        while starts:
            fragments = {run[i : i + length] for run, i in starts}
            query = "SELECT word, freq, tag FROM words WHERE word IN (SELECT value FROM json_each(?))"
            for word, count, tag in self.db.execute(query, (json.dumps(sorted(fragments), ensure_ascii=False),)):
                freq[word] = count
                if tag:
                    tags[word] = tag
            length += 1
            starts = [(run, i) for run, i in starts if i + length <= len(run) and run[i : i + length - 1] in freq]
        return Entries(freq, tags, self.log_total)

    def close(self) -> None:
        self.db.close()


# ---------------------------------------------------------------- which one a process uses


class Lexicon:
    """The dictionary of this process: the word index while the text to cut is small, the
    whole dictionary after that (and the whole one writes the index when there is none)."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self._path: Path | None = None  # `index_path` reads jieba's 5 MB dict.txt: once is enough
        self.whole: Entries | None = None
        self.index: WordIndex | None = None
        self.looked_up = 0  # characters of text asked of the index so far
        self.unreadable = False  # an index is there but could not be read: write it again

    def entries_for(self, runs: list[str]) -> Entries:
        if self.whole is None:
            size = sum(map(len, runs))
            if self.looked_up + size <= LOOKUP_LIMIT and self._open_index():
                self.looked_up += size
                return self.index.entries_for(runs)
        return self.load_whole()

    def load_whole(self) -> Entries:
        if self.whole is None:
            self.whole = read_whole()
            path = self.index_path()
            if self.unreadable or not path.exists():
                try:
                    write_index(self.whole, path)
                except OSError:
                    pass  # an unwritable cache costs the next build a whole load, nothing else
        return self.whole

    def index_path(self) -> Path:
        if self._path is None:
            self._path = index_path(self.folder)
        return self._path

    def _open_index(self) -> bool:
        if self.index is None:
            path = self.index_path()
            if not path.exists():
                return False
            try:
                self.index = WordIndex(path)
            except sqlite3.Error:  # damaged: the whole dictionary will do, and writes it again
                self.unreadable = True
                return False
        return True

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
        self.whole, self.index, self.looked_up, self.unreadable, self._path = None, None, 0, False, None
        tokenizer.cache_clear()


_lexicon = Lexicon()


def entries_for(runs: list[str]) -> Entries:
    """The entries needed to cut `runs`, from this process's lexicon."""
    return _lexicon.entries_for(runs)


def load_whole() -> Entries:
    """Load the whole dictionary now: for a process about to cut many pages."""
    return _lexicon.load_whole()


def unload() -> None:
    """Let the dictionary go (about 120 MB); the next call that needs it loads it again."""
    _lexicon.close()
