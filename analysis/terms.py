"""Segmentation and term statistics.

Everything here is a pure function of its arguments except the dictionary
(`lexicon`: jieba's, loaded whole or looked up a text at a time) and the stopword
list, which are read once and kept for the life of the process.

Part-of-speech choice. jieba's posseg tagger runs an HMM over every sentence and
is about 6x slower than `cut`, too slow for ~10,000 articles. Instead we cut with
the dictionary of a dedicated `jieba.Tokenizer` (`lexicon.tokenizer`; `cut_run` is
jieba's own cut without HMM, done in one pass) and look the tag of each returned word up
in jieba's own dictionary (dict.txt: word freq tag), overlaid with the tags of
analysis/data/userdict.txt. With HMM off every multi-character Chinese token cut
returns is a dictionary word, so every such token has a tag; HMM would invent
new words (mostly person names, sometimes garbage) that have no tag and whose
boundaries change with context, which makes counts unstable across articles.
"""
from __future__ import annotations

import dataclasses
import heapq
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain
from typing import Container, Iterable, Mapping, Sequence

import pandas as pd

from . import lexicon
from .model import Article
from .numbers import Qualifiers
from .segment import BULLET, is_name_list, surnames
from .settings import word_list
from .text import (CJK, CLAUSE_MARKS, CLOSERS, LIST_MARKS, OPENERS, SENTENCE_END, cut_outside_figures, outside_quotations,
                   sentence_anchor_at)

# Tags kept as content words. Nouns of every kind, verbs and verbal nouns, fixed
# phrases (l: 一体化, 对外开放), abbreviations (j: 党建, 政协, 人大) and noun-like
# adjectives (an: 安全, 卫生). nr/nrt stay in although person names are not the
# point: jieba tags many ordinary words nr (养老, 幼儿园, 智慧, 文明), and with HMM
# off a name is only ever found when it happens to be a dictionary word.
# Dropped: adjectives and distinguishing words (a, b: 重要, 主要, 公共), adverbs
# (d), idioms (i: 集思广益, 齐心协力 — rhetoric, not subject matter), numerals and
# measure words (m, q), time and place-relation words (t, f, s), pronouns,
# conjunctions, prepositions, particles, interjections, unknown (x).
CONTENT_TAGS = frozenset(
    "n nr nrt nrfg ns nt nz ng vn v l j an eng".split()
)

# Latin-letter words that cut returns whole (PPP, App); jieba has no tag for them.
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#&._-]*[A-Za-z0-9+#]")
_HAS_DIGIT = re.compile(r"\d")
# What jieba cuts as one run (its re_han_default): no word it returns crosses a run's ends.
_CUT_RUN = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+")
_LETTER_OR_DIGIT = re.compile("[a-zA-Z0-9]")  # jieba's re_eng: such single characters are joined


# ---------------------------------------------------------------- data loaders


def unload_dictionaries() -> None:
    """Let the jieba dictionary go (about 120 MB); the next call that needs it loads it again."""
    lexicon.unload()
    is_content_word.cache_clear()


def _stopwords() -> frozenset[str]:
    return word_list("stopwords.txt")


# ---------------------------------------------------------------- tokenising


def pos_tag(word: str, tags: Mapping[str, str] | None = None) -> str:
    """The dictionary tag of a word cut returned: 'eng' for Latin words, 'x' if unknown.
    `tags` is the part of the dictionary at hand; without it the whole dictionary is asked."""
    return _tag_or_guess(word, (lexicon.load_whole().tags if tags is None else tags).get(word))


def _tag_or_guess(word: str, tag: str | None) -> str:
    return tag or ("eng" if _ASCII_WORD.fullmatch(word) else "x")


@lru_cache(maxsize=None)  # a few ten thousand distinct words, each asked about again and again
def is_content_word(word: str, tag: str | None) -> bool:
    """Whether a word cut returned counts, given its dictionary tag (None: it has none)."""
    # Single characters are too ambiguous to count (要, 是, 县); digits mark
    # numbers, dates and codes (2021, 5G, 12345), which are not vocabulary.
    if len(word) < 2 or _HAS_DIGIT.search(word) or word in _stopwords():
        return False
    return _tag_or_guess(word, tag) in CONTENT_TAGS


@lru_cache(maxsize=1)
def _introduced_name() -> re.Pattern:
    """A title, then a surname and one or two characters, and the character after them:
    区委书记|胡拥军|出."""
    titles = sorted(word_list("person_titles.txt"), key=len, reverse=True)
    starts = surnames() - word_list("not_name_starts.txt")
    single = "".join(sorted(s for s in starts if len(s) == 1))
    double = "|".join(sorted(s for s in starts if len(s) == 2))
    return re.compile(f"(?:{'|'.join(titles)})\\s*((?:{double}|[{single}])[\\u4e00-\\u9fff]{{1,2}})([\\u4e00-\\u9fff]?)")


def without_person_names(text: str) -> str:
    """`text` without the names a title introduces in it ("区委书记胡拥军"), wherever they
    occur, so that a given name that is also a dictionary word (拥军) does not count as a
    word of the place's reporting. (jieba's HMM would find names, but the cut is made
    without it, for speed and the same words on every run.)

    A name is the surname and one or two characters: two unless the second begins a word
    with the character after it (书记王俊出席: 王俊, not 王俊出); none where the surname's
    character begins a word with the next (书记高度重视: 高度)."""
    found = _introduced_name().findall(text)
    if not found:
        return text
    freq = lexicon.entries_for([name + after for name, after in found]).freq
    names = set()
    for name, after in found:
        surname = 2 if name[:2] in surnames() else 1
        if freq.get(name[: surname + 1], 0):
            continue
        if len(name) == surname + 2 and after and freq.get(name[-1] + after, 0):
            name = name[:-1]
        names.add(name)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "，")  # a break: the words either side stay apart
    return text


def tokenize(text: str) -> list[str]:
    """Content words of `text`, in order, repeated as often as they occur.

    Only the runs of Chinese characters, letters and digits can hold one: jieba cuts
    everything else into single characters and spaces."""
    runs = _CUT_RUN.findall(text)
    entries = lexicon.entries_for(runs)
    tags = entries.tags
    return [w for run in runs for w in cut_run(run, entries.freq, entries.log_total) if is_content_word(w, tags.get(w))]


def cut_run(run: str, freq: Mapping[str, int], log_total: float) -> list[str]:
    """The words jieba's `cut(run, HMM=False)` returns for one run (`_CUT_RUN`), the same way
    in one pass and about twice as fast: from the run's end backwards, each position takes
    the dictionary word starting there that gives the most probable cut of the rest (sum of
    log word frequencies; a character that starts no word counts as a word of frequency 1;
    on equal probability the longer word); then consecutive single letters and digits are
    joined, as jieba joins them. `freq` is jieba's prefix dictionary: every word with its
    count, every prefix of a word with 0."""
    n = len(run)
    best, end_of = [0.0] * (n + 1), [0] * (n + 1)
    for start in range(n - 1, -1, -1):
        value, end, stop, fragment = None, start, start, run[start]
        while fragment in freq:
            count = freq[fragment]
            if count:
                candidate = math.log(count) - log_total + best[stop + 1]
                if value is None or candidate >= value:  # >=: the longer word wins a tie
                    value, end = candidate, stop
            stop += 1
            if stop == n:
                break
            fragment = run[start : stop + 1]
        if value is None:
            value = math.log(freq.get(run[start]) or 1) - log_total + best[start + 1]
        best[start], end_of[start] = value, end
    words, letters, start = [], "", 0
    while start < n:
        word = run[start : end_of[start] + 1]
        if len(word) == 1 and _LETTER_OR_DIGIT.match(word):
            letters += word
        else:
            if letters:
                words.append(letters)
                letters = ""
            words.append(word)
        start += len(word)
    if letters:
        words.append(letters)
    return words


# Where a headline's line may break: before a word or an opening mark, after a word, a
# closing mark or a space; never inside a word, after an opening mark or a number, before a closing
# mark, between a one-character word and the word it goes with (王|俊, 推进|会, 新|生活), nor inside
# a short quotation (“幸福里”) or bracket (（社会资本）).
_OPENING = frozenset(OPENERS)
_CLOSING = frozenset(CLOSERS + SENTENCE_END + "，、：,.:")
_CJK_CHAR = re.compile(f"[{CJK}]")
_SHORT_QUOTE = re.compile("[“‘「『《（][^“‘「『《（”’」』》）]{1,8}[”’」』》）]")


def headline_words(text: str) -> list[str]:
    """`text` in the stretches a line of a headline may break between; they join back into
    `text`. The words are `cut_run`'s, then kept together where a break would read badly
    (the rules above): 努力把老旧小区变成群众“幸福里” -> 努力把|老旧小区|变成|群众|“幸福里”."""
    if not text:
        return []
    runs = list(_CUT_RUN.finditer(text))
    entries = lexicon.entries_for([m.group() for m in runs])
    starts = set()  # where each word, mark or space begins
    for match in runs:
        at = match.start()
        for word in cut_run(match.group(), entries.freq, entries.log_total):
            starts.add(at)
            at += len(word)
    starts.update(i for i, char in enumerate(text) if not _CUT_RUN.match(char))
    ends = sorted(starts | {len(text)})
    # A one-character word goes with the word after it when the two begin a dictionary word
    # (幸福|新生活: jieba's dictionary has 新生活运), else with the word before (努力把|老旧小区).
    kept_apart = set()  # the breaks not made: before or after each one-character word
    for start, end, after in zip(ends, ends[1:], [*ends[2:], None]):
        if end - start == 1 and _CJK_CHAR.match(text[start]):
            forward = after is not None and _CJK_CHAR.match(text[end]) and text[start:after] in entries.freq
            kept_apart.add(end if forward else start)
    quoted = {i for m in _SHORT_QUOTE.finditer(text) for i in range(m.start() + 1, m.end())}
    breaks = [i for i in sorted(starts) if 0 < i and i not in kept_apart and i not in quoted
              and _breaks_between(text[i - 1], text[i])]
    return [text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)])]


def _breaks_between(before: str, after: str) -> bool:
    return (bool(_CJK_CHAR.match(before)) or before in _CLOSING or before.isspace()) and (after.isalnum() or after in _OPENING)


def _as_tokens(text_or_tokens: str | Sequence[str]) -> Sequence[str]:
    """Callers that tokenise once and reuse the result may pass tokens instead of text."""
    return tokenize(text_or_tokens) if isinstance(text_or_tokens, str) else text_or_tokens


def article_text(article: Article) -> str:
    """The text counted for an article: headline lines then body paragraphs, one per line. Of
    a name list only its label counts ("常务委员：王某、刘安兵…": 常务委员): its names, cut
    without jieba's HMM, come out as dictionary words that are no names (刘安 of 刘安兵)."""
    return "\n".join(line for line, _ in counted_lines(article))


def counted_lines(article: Article) -> list[tuple[str, str]]:
    """The lines of `article_text`, each with the paragraph its page prints it in, whose
    sentences have ids there (a name list's label with the whole list), or "" for a line of
    the headline, which has none."""
    heads = [(h, "") for h in (article.kicker, article.title, article.subtitle) if h]
    body = [((p.partition("：")[0] if "：" in p else "") if is_name_list(p) else p, p) for p in article.paragraphs]
    return heads + [(line, p) for line, p in body if line]


# ---------------------------------------------------------------- per-group statistics

COLUMNS = ["place", "term", "count", "per_10k", "tfidf", "log_odds_z"]


def smooth_idf(n_docs: int, df: int) -> float:
    """idf = ln((1 + N) / (1 + df)) + 1: defined for unseen terms and never zero."""
    return math.log((1 + n_docs) / (1 + df)) + 1.0


def log_odds_z(y_i: float, n_i: float, y_j: float, n_j: float, a_w: float, a0: float) -> float:
    """Monroe, Colaresi & Quinn (2008) section 3.5: z-score of the log-odds ratio of a word
    in group i versus j with an informative Dirichlet prior (a_w for the word, a0 in all).

    NaN when the odds are undefined: a word that makes up all of i or j (plus prior).
    """
    rest_i, rest_j = n_i + a0 - y_i - a_w, n_j + a0 - y_j - a_w
    if rest_i <= 0 or rest_j <= 0:
        return math.nan
    delta = math.log((y_i + a_w) / rest_i) - math.log((y_j + a_w) / rest_j)
    variance = 1.0 / (y_i + a_w) + 1.0 / (y_j + a_w)
    return delta / math.sqrt(variance)


def group_counts(docs: Iterable[tuple[str, str | Sequence[str]]]) -> dict[str, Counter]:
    """Term counts per group, merging every doc of a group."""
    members: dict[str, list] = {}
    for group, text in docs:
        tokens = _as_tokens(text)
        members.setdefault(group, []).append(tokens.elements() if isinstance(tokens, Counter) else tokens)
    # One Counter over all of a group's tokens counts in C; merging bag by bag would loop in Python.
    return {group: Counter(chain.from_iterable(bags)) for group, bags in members.items()}


def corpus_counts(bags: Iterable[Counter]) -> Counter:
    """Every document's counts added up, each document once (one Counter over all the words, in C)."""
    return Counter(chain.from_iterable(bag.elements() for bag in bags))


def term_counts(
    docs: Iterable[tuple[str, str | Sequence[str]]],
    alpha0: float = 1000.0,
    min_count: int = 1,
    corpus: Counter | None = None,
) -> pd.DataFrame:
    """Per-group term table from (group, text-or-tokens) pairs.

    count     occurrences of the term in the group
    per_10k   count per 10,000 content tokens of the group
    tfidf     (count / group tokens) * smooth idf, each group being one document
    log_odds_z  "Fightin' Words" z of the group against the rest of the corpus, with
              prior a_w = alpha0 * corpus share of w. alpha0 is the prior's weight in
              pseudo-tokens; larger values pull every group towards the corpus-wide rate.
              The default, 1000, is about five articles' worth of content tokens: enough
              to tame terms seen a handful of times, small beside a place's whole output.
    corpus    every document's counts, each document once. Groups that share documents
              (a place and its city, an article of two topics) need it: the rest of the
              corpus is then what no group holds twice, and two groups of the same documents
              get the same z. Without it the groups are taken to be disjoint and summed.
    Rows with count < min_count are left out after all statistics are computed.
    """
    groups = group_counts(docs)
    if corpus is None:
        corpus = Counter()
        for counts in groups.values():
            corpus.update(counts)
    total = corpus.total()
    df = Counter(term for counts in groups.values() for term in counts)
    sizes = {group: counts.total() for group, counts in groups.items()}
    rows = [
        _row(group, term, y_i, sizes[group], corpus[term], total, df[term], len(groups), alpha0)
        for group, counts in groups.items()
        for term, y_i in counts.items()
        if y_i >= min_count
    ]
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["count"] = table["count"].astype("int64")
    return sort_terms(table)


def _row(group, term, y_i, n_i, y_all, total, df, n_groups, alpha0) -> tuple:
    a_w = alpha0 * y_all / total
    z = log_odds_z(y_i, n_i, y_all - y_i, total - n_i, a_w, alpha0)
    return (group, term, y_i, y_i / n_i * 10_000, y_i / n_i * smooth_idf(n_groups, df), z)


def sort_terms(table: pd.DataFrame) -> pd.DataFrame:
    """place, then most frequent first, then term: a total order, so output is byte-stable."""
    order = table.assign(_neg=-table["count"]).sort_values(
        ["place", "_neg", "term"], kind="mergesort"
    )
    return order.drop(columns="_neg").reset_index(drop=True)


# ---------------------------------------------------------------- per-article keywords


@dataclass(frozen=True)
class CorpusStats:
    """Document frequencies of content words over a set of articles."""

    n_docs: int
    df: Mapping[str, int]

    @cached_property
    def idf(self) -> dict[str, float]:
        """`smooth_idf` of every term, worked out once: articles ask for it term by term."""
        return {term: smooth_idf(self.n_docs, df) for term, df in self.df.items()}

    def idf_of(self, term: str) -> float:
        found = self.idf.get(term)
        return smooth_idf(self.n_docs, 0) if found is None else found


def document_frequencies(texts: Iterable[str | Sequence[str]]) -> CorpusStats:
    df: Counter = Counter()
    n = 0
    for text in texts:
        df.update(set(_as_tokens(text)))
        n += 1
    return CorpusStats(n_docs=n, df=dict(df))


def top_keywords(text: str | Sequence[str], corpus_stats: CorpusStats, k: int = 5, leave_out: Container[str] = frozenset()) -> list[str]:
    """The k terms of one article with the highest tf * smooth idf against the corpus, but
    those in `leave_out` (the gazetteer's place names, as the word tables leave them out).

    Ties break on the term itself so the result does not depend on dict order.
    """
    tf = text if isinstance(text, Counter) else Counter(_as_tokens(text))
    idf, unseen = corpus_stats.idf, smooth_idf(corpus_stats.n_docs, 0)
    # Plain tuples compare in C: no key function called per term.
    return [term for _, term in heapq.nsmallest(k, [(-n * idf.get(term, unseen), term) for term, n in tf.items() if term not in leave_out])]


# ---------------------------------------------------------------- keyword in context


@dataclass(frozen=True)
class KwicLine:
    left: str
    term: str
    right: str
    article_id: str
    # Whether the line's text goes on past the context, before it or after it (not compared:
    # a line is its words).
    cut_left: bool = field(default=False, compare=False)
    cut_right: bool = field(default=False, compare=False)
    anchor: str = field(default="", compare=False)  # the id of the term's sentence on the article's page


def concordance(term: str, articles: Iterable[Article], width: int = 20, qualifiers: Qualifiers | None = None) -> list[KwicLine]:
    """Every occurrence of `term` as a token, with up to `width` characters either side, never
    cutting a figure nor the hedge before it (约, 不超过: `qualifiers`, metrics.toml's).

    Matching uses the same segmentation as the counts, so the number of lines equals
    the term's count over `article_text` (老旧小区 does not match inside 城镇老旧小区).
    Context stays within one line (headline or paragraph) so it never runs across
    articles' structural breaks.
    """
    # A key point's mark is no part of what it says: a line began …●“十四五”期间.
    lines = [(BULLET.sub("", text), article.id, text == _opening_elsewhere(article), printed)
             for article in articles for text, printed in counted_lines(article) if term in text]
    # Each run of Chinese characters and letters (a clause, between punctuation) is cut on its
    # own: those within a context's reach of the term are all a line can begin or end in, and
    # the only ones looked up (a whole line's would load the whole dictionary sooner).
    near = {text: _runs_near(text, term, width + KWIC_SNAP) for text, _, _, _ in lines}
    entries = lexicon.entries_for([run.group() for runs in near.values() for run in runs])
    return [dataclasses.replace(kwic, cut_left=True) if begun_elsewhere and not kwic.cut_left else kwic
            for text, article_id, begun_elsewhere, printed in lines
            for kwic in _kwic_in(term, text, width, article_id, entries, qualifiers, near[text], printed)]


def _opening_elsewhere(article: Article) -> str | None:
    """The article's first paragraph where it begins inside a story printed elsewhere (its line
    in context goes on before it: 改造，再加上安装工程… showed as if it opened the story)."""
    if not (article.cut_at_start or article.continued_from):
        return None
    return next((p for section in article.sections for p in section.paragraphs), None)


def _runs_near(text: str, term: str, reach: int) -> list[re.Match]:
    spans = [(m.start() - reach, m.end() + reach) for m in re.finditer(re.escape(term), text)]
    return [run for run in _CUT_RUN.finditer(text) if any(run.start() < end and run.end() > start for start, end in spans)]


def _kwic_in(term: str, text: str, width: int, article_id: str, entries: lexicon.Entries, qualifiers: Qualifiers | None = None,
             runs: list[re.Match] | None = None, printed: str | None = None) -> list[KwicLine]:
    """The term's lines in `text`: `printed` is the paragraph as its page prints it (a key
    point with its mark, a name list whole), whose sentences' ids the lines link to; "" for a
    line with no ids (a headline's)."""
    lines = []
    printed = text if printed is None else printed
    shift = len(printed) - len(text) if printed.endswith(text) else 0  # a key point's mark, taken off its start
    runs = list(_CUT_RUN.finditer(text)) if runs is None else runs
    edges = _word_edges(text, entries, runs)
    for run in runs:
        if term not in run.group():
            continue
        start = run.start()
        for word in cut_run(run.group(), entries.freq, entries.log_total):
            end = start + len(word)
            if word == term:
                left, right = _context(text, start, end, width, edges, qualifiers)
                lines.append(KwicLine(text[left:start], word, text[end:right], article_id,
                                      cut_left=left > 0, cut_right=right < len(text),
                                      anchor=sentence_anchor_at(printed, start + shift) if printed else ""))
            start = end
    return lines


def _word_edges(text: str, entries: lexicon.Entries, runs: list[re.Match]) -> set[int]:
    """Where a word of `text` begins or ends, as the counts cut it, in `runs`; and every other
    position but those inside another run (a context never reaches them)."""
    edges = set(range(len(text) + 1)) - {i for run in _CUT_RUN.finditer(text) for i in range(run.start() + 1, run.end())}
    for run in runs:
        at = run.start()
        for word in cut_run(run.group(), entries.freq, entries.log_total):
            at += len(word)
            edges.add(at)
    return edges


KWIC_SNAP = 8  # characters a context may run past its width to begin or end where a clause does


def _context(text: str, start: int, end: int, width: int, edges: set[int], qualifiers: Qualifiers | None) -> tuple[int, int]:
    """The edges of the context of `text[start:end]`: about `width` characters either side,
    reaching on to the clause's edge (or the line's) where one is within KWIC_SNAP, else drawn
    back to a word's (…省洛阳市 cut 河南省, 社区医… 医疗); never begun by a closing mark nor
    ended by an opening one, nor inside a figure (…8万多户 for 68万多户 is another number) or
    after its hedge."""
    marks = CLAUSE_MARKS + LIST_MARKS
    left, right = max(0, start - width), min(len(text), end + width)
    if left > 0:
        # outward from the cut (a mark right at it too), else inward short of the term
        outward = range(left, max(left - 1 - KWIC_SNAP, -2), -1)
        mark = next((i for i in (*outward, *range(left + 1, start)) if i < 0 or text[i] in marks), None)
        left = mark + 1 if mark is not None else min(e for e in edges if left <= e <= start)
    if right < len(text):
        outward = range(right - 1, min(right + KWIC_SNAP, len(text)) + 1)
        mark = next((i for i in (*outward, *range(right - 2, end - 1, -1)) if i >= len(text) or text[i] in marks), None)
        right = (mark + (mark < len(text) and text[mark] in SENTENCE_END)) if mark is not None else max(e for e in edges if end <= e <= right)
    left, right = outside_quotations(text, left, right, (start, end), KWIC_SNAP)
    while right > end and (text[right - 1] in OPENERS or text[right - 1] in "，、：,:"):  # …他告诉记者，
        right -= 1
    left, right = cut_outside_figures(text, left, right)
    left = qualifiers.hedge_start(text, left) if qualifiers else left
    return min(left, start), max(right, end)


# ---------------------------------------------------------------- related articles


MAX_POSTINGS = 100  # a term shared by more documents than this says little about which are alike


def similar_documents(docs: Sequence[Sequence[str]], k: int = 3, terms_per_doc: int = 20, min_score: float = 0.0) -> list[list[int]]:
    """For each document, the indices of the k most similar others (TF-IDF cosine), each at
    least `min_score` alike.

    Only each document's `terms_per_doc` heaviest terms take part, and candidates come from
    an inverted index over those terms in which terms held by more than MAX_POSTINGS
    documents are left out: the work per document is bounded, so the whole grows linearly
    with the corpus instead of with its square.
    """
    idf = document_frequencies(docs).idf
    vectors: list[dict[str, float]] = []
    for tokens in docs:
        counts = tokens if isinstance(tokens, Counter) else Counter(tokens)
        top = heapq.nsmallest(terms_per_doc, [(-c * idf[t], t) for t, c in counts.items()])
        norm = math.sqrt(sum(w * w for w, _ in top)) or 1.0
        vectors.append({t: -w / norm for w, t in top})
    postings: dict[str, list[int]] = {}
    for i, vector in enumerate(vectors):
        for term in vector:
            postings.setdefault(term, []).append(i)
    postings = {t: ids for t, ids in postings.items() if len(ids) <= MAX_POSTINGS}
    result = []
    for i, vector in enumerate(vectors):
        scores: dict[int, float] = {}
        for term, weight in vector.items():
            for j in postings.get(term, ()):
                if j != i:
                    scores[j] = scores.get(j, 0.0) + weight * vectors[j][term]
        best = heapq.nsmallest(k, [(-score, j) for j, score in scores.items() if score >= min_score])
        result.append([j for _, j in best])
    return result
