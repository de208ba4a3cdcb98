"""Renovation facts from articles: which printed figures are statistics about old-community
renovation, what they measure, where, when, and in what state the work is.

Precision comes first: a figure is kept only when its unit and the words around it match a metric
of data/metrics.toml and the sentence (or the article) is about renovation; anything else on the
page - leaflets handed out, a water project's budget, a family's sunroom - is left out.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from .model import Article
from .numbers import Qualifiers, Quantity, find_quantities
from .settings import DATA_DIR, reading
from .text import sentence_anchor, split_sentences

DEFAULT_VOCAB = DATA_DIR / "metrics.toml"

# The gazetteer's levels, most specific first (see analysis.places).
LEVELS = ("community", "town", "district", "city", "province")
# Clause boundaries: a figure's own clause decides its noun and funding source. 、 is not one,
# because "拆除1200多米的围墙、1500多平方米的违建" shares one verb.
_CLAUSE_END = re.compile(r"[，；：。！？!?;:]|,(?!\d)")
_YEAR = r"(?:19[4-9]\d|20\d\d)"
_YEAR_RANGE = re.compile(rf"({_YEAR})年?[—\-–~～至到]({_YEAR})年")
_YEAR_ONE = re.compile(rf"(?<!\d)({_YEAR})年")
_OPEN_QUOTE, _CLOSE_QUOTE = "“", "”"


class GazetteerLike(Protocol):
    def find_mentions(self, text: str) -> list: ...
    def hierarchy(self, name: str) -> list[str]: ...
    def level(self, name: str) -> str: ...
    def province_of(self, name: str) -> str: ...


@dataclass(frozen=True)
class Fact:
    """One renovation figure as the report shows it; the fields are the output columns."""

    article_id: str
    article_url: str
    page: str
    place: str
    province: str
    metric: str
    value: int | float  # in the metric's display unit (metrics.toml): yuan, m², metres, km, a count
    unit: str  # as printed after the number, e.g. "万平方米"
    printed: str  # the figure as the sentence prints it, e.g. "43181万元", "4.5万多名"
    qualifier: str  # a [qualifiers] key of metrics.toml: exact, more_than, about, nearly, up_to
    status: str  # a [[status]] key of metrics.toml (completed, planned, ...) or "" when unstated
    year: str  # "2022", "2018-", "2021-2025" or ""
    funding_source: str
    sentence: str
    anchor: str
    publication: str = ""  # the article's paper and date: a figure's "as of" when its sentence gives no year
    first_published: str = ""  # where the article first appeared, when it is a reprint: whom to cite
    article_date: str = ""

    def to_dict(self) -> dict:
        # Every field is a plain value, so this is what asdict() gives, without its deep copies.
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# --- the vocabulary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """One way a metric is printed; see the comment above [[metric]] in metrics.toml."""

    unit: tuple[str, ...]
    noun_before: tuple[str, ...] = ()
    noun_after: tuple[str, ...] = ()
    pre_has: tuple[str, ...] = ()
    post_has: tuple[str, ...] = ()
    clause_has: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    display_unit: str
    forms: tuple[Form, ...]
    funding: bool = False  # money: its figures get a funding source
    printed_units: tuple[str, ...] = ()  # measure words shown as printed, for display_unit (名 for 人)


@dataclass(frozen=True)
class Cues:
    """A status or funding source and the words that signal it."""

    key: str
    cues: tuple[str, ...]
    ignore: tuple[str, ...] = ()
    frame: bool = False  # a status whose cue covers every figure after it in the sentence
    label: str = ""  # the Chinese name the report uses
    done: bool = False  # a status of work done or money spent (see metrics.toml)
    clause_only: bool = False  # its cues name only the figure in their clause (see metrics.toml)
    money_only: bool = False  # a status of money only (see metrics.toml)

    def found_in(self, text: str) -> bool:
        return _has_any(_strip(text, self.ignore), self.cues)


@dataclass(frozen=True)
class Vocab:
    terms: tuple[str, ...]
    article_min_mentions: int
    qualifiers: Qualifiers
    qualifier_display: dict[str, str]
    statuses: tuple[Cues, ...]
    funding_sources: tuple[Cues, ...]
    metrics: tuple[Metric, ...]
    exclusions: dict
    context: dict
    years: dict
    units: tuple[str, ...]  # every unit word a metric can have, for the number reader
    terms_re: re.Pattern  # the terms, longest first, so 老旧小区 counts once and not also as 旧小区
    report: dict  # how the report and charts show figures ([report])
    highlight_statuses: tuple[str, ...]  # the statuses of the figures the home page may show ([report])

    def metric(self, key: str) -> Metric:
        return next(m for m in self.metrics if m.key == key)

    @property
    def metrics_in_reading_order(self) -> tuple[Metric, ...]:
        """The metrics as the report lists them ([report] reading_order), not as they match."""
        return tuple(self.metric(key) for key in self.report["reading_order"])

    @property
    def funding_metric(self) -> str:
        return next(m.key for m in self.metrics if m.funding)

    def status_label(self, key: str) -> str:
        """The status's name, "" when the paper gives none (running text leaves it unsaid)."""
        return next((c.label for c in self.statuses if c.key == key), "")

    @property
    def done_statuses(self) -> tuple[str, ...]:
        """Statuses of work done or money spent: what the home page may show as an outcome."""
        return tuple(c.key for c in self.statuses if c.done)

    def funding_label(self, key: str) -> str:
        return next((c.label for c in self.funding_sources if c.key == key), "")

    def statuses_for(self, money: bool) -> tuple[Cues, ...]:
        """The statuses a figure can have: a count or an area is never 需投入."""
        return self.statuses if money else tuple(c for c in self.statuses if not c.money_only)

    @property
    def sentence_statuses(self) -> tuple[Cues, ...]:
        """The statuses whose cues also speak for figures outside their own clause."""
        return tuple(c for c in self.statuses if not c.clause_only)

    def status_cell(self, key: str) -> str:
        """The status as a table cell: its name, or that the paper gives none."""
        return self.status_label(key) or self.report["status_unknown"]

    def funding_cell(self, key: str) -> str:
        return self.funding_label(key) or self.report["funding_unknown"]

    def when(self, status: str, year: str) -> str:
        """Year and status for running text: 2018年起累计, 2023年计划; an unstated status unsaid."""
        return self.year_label(year) + self.status_label(status)

    def year_label(self, year: str) -> str:
        """"2022" -> 2022年, "2018-" -> 2018年起, "2021-2025" -> 2021—2025年, "" -> ""."""
        if not year:
            return ""
        start, _, end = year.partition("-")
        if not _:
            return self.report["year"].format(year=year)
        return self.report["year_range" if end else "year_since"].format(start=start, end=end)


def _tuple(table: dict, key: str) -> tuple[str, ...]:
    return tuple(table.get(key, ()))


def parse_vocab(data: dict) -> Vocab:
    """A Vocab from the parsed metrics.toml."""
    form_fields = ("noun_before", "noun_after", "pre_has", "post_has", "clause_has")
    metrics = tuple(
        Metric(
            key=m["key"],
            label=m["label"],
            display_unit=m["display_unit"],
            forms=tuple(Form(_tuple(f, "unit"), *(_tuple(f, k) for k in form_fields)) for f in m["form"]),
            funding=bool(m.get("funding", False)),
            printed_units=_tuple(m, "printed_units"),
        )
        for m in data["metric"]
    )
    statuses = _cues(data["status"])
    highlighted = tuple(data["report"]["highlight_statuses"])
    if unknown := [key for key in highlighted if key not in {c.key for c in statuses}]:
        raise ValueError(f"[report] highlight_statuses names no [[status]] {', '.join(unknown)}")
    return Vocab(
        terms=_tuple(data["renovation"], "terms"),
        article_min_mentions=int(data["renovation"]["article_min_mentions"]),
        qualifiers=Qualifiers.from_mapping(data["qualifiers"]),
        qualifier_display={k: v["display"] for k, v in data["qualifiers"].items()},
        statuses=statuses,
        funding_sources=_cues(data["funding_source"]),
        metrics=metrics,
        exclusions=data["exclusions"],
        context=data["context"],
        years=data["years"],
        units=tuple(sorted({u for m in metrics for f in m.forms for u in f.unit if u})),
        terms_re=_alternation(data["renovation"]["terms"]),
        report=data["report"],
        highlight_statuses=highlighted,
    )


def _cues(rows: Sequence[dict]) -> tuple[Cues, ...]:
    return tuple(
        Cues(r["key"], _tuple(r, "cues"), _tuple(r, "ignore"), bool(r.get("frame", False)), r.get("label", r["key"]),
             bool(r.get("done", False)), bool(r.get("clause_only", False)), bool(r.get("money_only", False)))
        for r in rows
    )


def _alternation(words: Sequence[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def load_vocab(path: str | Path | None = None) -> Vocab:
    """The vocabulary at ``path``, or the packaged metrics.toml (read once per process)."""
    return _default_vocab() if path is None else _read_vocab(Path(path))


def _read_vocab(path: Path) -> Vocab:
    with reading(path), path.open("rb") as fh:
        return parse_vocab(tomllib.load(fh))


@lru_cache(maxsize=1)
def _default_vocab() -> Vocab:
    return _read_vocab(DEFAULT_VOCAB)


# --- where a figure sits ------------------------------------------------------------------------


@dataclass(frozen=True)
class Spot:
    """A figure in its sentence, with the text around it that the rules look at."""

    sentence: str
    quantity: Quantity
    clause_start: int
    clause_end: int
    floor: int  # end of the previous figure in the clause: words before it belong to that one

    @property
    def before(self) -> str:
        return self.sentence[: self.quantity.start]

    @property
    def after(self) -> str:
        return self.sentence[self.quantity.end :]

    @property
    def pre(self) -> str:
        return self.sentence[max(self.clause_start, self.floor) : self.quantity.start]

    @property
    def post(self) -> str:
        return self.sentence[self.quantity.end : self.clause_end]

    @property
    def clause(self) -> str:
        return self.sentence[self.clause_start : self.clause_end]


def _spots(sentence: str, vocab: Vocab) -> list[Spot]:
    spots, floor = [], 0
    for q in find_quantities(sentence, vocab.qualifiers, vocab.units):
        start = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, q.start)), default=0)
        end_match = _CLAUSE_END.search(sentence, q.end)
        end = end_match.start() if end_match else len(sentence)
        spots.append(Spot(sentence, q, start, end, floor))
        floor = q.end
    return spots


# --- what a figure measures ---------------------------------------------------------------------


def _has_any(text: str, words: Sequence[str]) -> bool:
    return any(w in text for w in words)


def _noun_after(form: Form, after: str) -> str | None:
    """The noun the form wants right after the unit ("" when it wants none); None when absent."""
    if not form.noun_after:
        return ""
    tail = after[1:] if after.startswith("的") else after
    return next((n for n in form.noun_after if tail.startswith(n)), None)


def _form_matches(form: Form, spot: Spot) -> str | None:
    q = spot.quantity
    if q.unit not in form.unit:
        return None
    if form.noun_before and not any(spot.before.endswith(n) for n in form.noun_before):
        return None
    if form.pre_has and not _has_any(spot.pre, form.pre_has):
        return None
    if form.post_has and not _has_any(spot.post, form.post_has):
        return None
    if form.clause_has and not _has_any(spot.clause, form.clause_has):
        return None
    return _noun_after(form, spot.after)


def match_metric(spot: Spot, vocab: Vocab) -> tuple[Metric, str] | None:
    """The first metric with a matching form, and what is printed after the number: its unit
    ("万平方米"), or for a count printed without one, the noun after it ("万老旧小区居民")."""
    q = spot.quantity
    for metric in vocab.metrics:
        for form in metric.forms:
            noun = _form_matches(form, spot)
            if noun is not None:
                return metric, q.multiplier + (q.unit or noun)
    return None


# --- figures that are not statistics -----------------------------------------------------------


def speech_spans(paragraph: str, min_chars: int) -> list[tuple[int, int]]:
    """Stretches of direct speech in a paragraph. A closing quote with no opening one means the
    paragraph began inside a quotation (a fragment reattached from elsewhere on the page)."""
    spans, opened = [], None
    for i, c in enumerate(paragraph):
        if c == _OPEN_QUOTE and opened is None:
            opened = i
        elif c == _CLOSE_QUOTE:
            start = 0 if opened is None else opened
            if i - start > min_chars:
                spans.append((start, i + 1))
            opened = None
    if opened is not None and len(paragraph) - opened > min_chars:
        spans.append((opened, len(paragraph)))
    return spans


def _strip(text: str, words: Sequence[str]) -> str:
    for w in sorted(words, key=len, reverse=True):
        text = text.replace(w, "\0" * len(w))
    return text


def _is_stock(spot: Spot, ex: dict) -> bool:
    """"X有N…": the size of a community, not work done - unless said of the state after renovation."""
    has_stock_verb = _has_any(_strip(spot.clause, ex["stock_ignore"]), ex["stock_cues"])
    return has_stock_verb and not _has_any(spot.sentence, ex["post_renovation_markers"])


def _is_lone_one(q: Quantity) -> bool:
    """A bare 一 ("一栋楼里有一户不同意") is the article "a", not a count."""
    return q.value == 1 and not any(c.isdigit() for c in q.text)


def is_noise(spot: Spot, offset: int, speech: Sequence[tuple[int, int]], vocab: Vocab) -> bool:
    """Figures that are never renovation statistics, whatever their unit."""
    q, ex = spot.quantity, vocab.exclusions
    in_speech = any(a <= offset + q.start and offset + q.end <= b for a, b in speech)
    return (
        q.is_range  # a range is not one figure to report
        or q.percent  # shares and approval rates: no metric is a percentage
        or _is_lone_one(q)
        or spot.after[:1].isdigit()  # an address such as 5栋3单元, not a count
        or in_speech
        or _has_any(spot.clause, ex["event_cues"])
        or _has_any(spot.pre, ex["rate_cues"])
        or _is_stock(spot, ex)
    )


def mentions_renovation(text: str, vocab: Vocab) -> bool:
    return _has_any(text, vocab.terms)


def is_renovation_article(article: Article, vocab: Vocab) -> bool:
    """The title names renovation, or the body keeps returning to it."""
    if mentions_renovation(" ".join([article.title, article.subtitle, article.kicker]), vocab):
        return True
    return len(vocab.terms_re.findall(article.body_text)) >= vocab.article_min_mentions


# --- status, year, funding source ---------------------------------------------------------------


def _best_cue(text: str, groups: Sequence[Cues]) -> str:
    """The first group (in vocabulary order) with a cue in ``text``."""
    return next((g.key for g in groups if g.found_in(text)), "")


def status_of(spot: Spot, vocab: Vocab, money: bool = True) -> str:
    """The figure's own clause and any frame opened before it ("截至目前，…") decide, by priority;
    else cues up to the end of its clause; else anywhere in the sentence ("…10个老旧小区，
    272栋房屋，…完成全面提档升级")."""
    head = spot.sentence[: spot.clause_end]
    statuses = vocab.statuses_for(money)  # `money`: the figure is an amount of money
    near = [g.key for g in statuses if g.found_in(spot.clause) or (g.frame and g.found_in(head))]
    farther = [g for g in statuses if not g.clause_only]
    return near[0] if near else _best_cue(head, farther) or _best_cue(spot.sentence, farther)


def _year_marks(sentence: str, article_year: str, years: dict) -> list[tuple[int, str]]:
    """(position, label) of every year or period the sentence names for its figures; 今年/去年
    count only against a known article year."""
    ranges = list(_YEAR_RANGE.finditer(sentence))
    marks = [(m.start(), f"{m.group(1)}-{m.group(2)}") for m in ranges]
    for m in _YEAR_ONE.finditer(sentence):
        rest, head = sentence[m.end() :], sentence[: m.start()]
        if any(r.start() <= m.start() < r.end() for r in ranges):
            continue
        if rest.startswith(tuple(years["not_followed_by"])) or head.endswith(tuple(years["not_preceded_by"])):
            continue  # when a building was built, not when the figure applies
        marks.append((m.start(), m.group(1) + ("-" if rest.startswith(tuple(years["since"])) else "")))
    for name, span in years["periods"].items():
        marks += [(m.start(), span) for m in re.finditer(re.escape(name), sentence)]
    if article_year.isdigit():
        for word, offset in years["relative"].items():
            marks += [(m.start(), str(int(article_year) + int(offset))) for m in re.finditer(word, sentence)]
    return sorted(marks)


def year_of(spot: Spot, others: Sequence[Spot], article_date: str, vocab: Vocab) -> str:
    """The nearest year or period before the figure; else the first after it that does not sit in
    a later figure's clause ("完成100个，明年计划改造50个": 明年 is the 50's); else ""."""
    marks = _year_marks(spot.sentence, article_date[:4], vocab.years)
    start = spot.quantity.start
    before = [label for pos, label in marks if pos < start]
    if before:
        return before[-1]
    later = [o for o in others if o.quantity.start > start]
    after = [label for pos, label in marks if not any(o.clause_start <= pos < o.clause_end for o in later)]
    return after[0] if after else ""


def funding_source_of(spot: Spot, vocab: Vocab) -> str:
    """The cue nearest before the amount in its clause (the longer cue on a tie); else one earlier
    in the sentence, but not before the previous figure: a cue there is that figure's."""
    for text in (spot.pre, spot.sentence[spot.floor : spot.quantity.start]):
        hits = [
            (kept.rfind(c) + len(c), len(c), g.key)
            for g in vocab.funding_sources
            for kept in [_strip(text, g.ignore)]
            for c in g.cues
            if c in kept
        ]
        best = max(hits, default=None)  # nearest end, then longest cue
        if best:
            return best[2]
    return ""


# --- place ---------------------------------------------------------------------------------------


def _places_in(text: str, gazetteer: GazetteerLike, vocab: Vocab) -> list[str]:
    """Places named in ``text``, in the order of their mentions, leaving out those that only
    start an organisation's name."""
    suffixes = tuple(vocab.context["organisation_suffixes"])
    return [m.name for m in gazetteer.find_mentions(text) if not text[m.end :].startswith(suffixes)]


def _depth(name: str, gazetteer: GazetteerLike) -> int:
    level = gazetteer.level(name)
    return len(LEVELS) - LEVELS.index(level) if level in LEVELS else 0


def most_specific(names: Sequence[str], gazetteer: GazetteerLike) -> str:
    """The deepest place; several unrelated deepest places give their nearest common ancestor."""
    deepest = max(_depth(n, gazetteer) for n in names)
    top = list(dict.fromkeys(n for n in names if _depth(n, gazetteer) == deepest))
    if len(top) == 1:
        return top[0]
    common = set.intersection(*(set(gazetteer.hierarchy(n)) for n in top))
    return max(common, key=lambda n: _depth(n, gazetteer)) if common else top[0]


def _community(names: Sequence[str], gazetteer: GazetteerLike) -> str:
    return next((n for n in names if gazetteer.level(n) == LEVELS[0]), "")


def place_of(
    sentence: str, earlier: Sequence[str], article: Article, gazetteer: GazetteerLike, vocab: Vocab,
    position: int | None = None,
) -> str:
    """A community named in the sentence; else, when the sentence points back (这是, 该小区), a
    community named earlier in the paragraph; else a place in the sentence; else one in the
    paragraph's earlier sentences; else the article's place. "The sentence" is, for a figure
    at `position`, its part of a whole and its parts (`subset_scope`)."""
    if position is not None:
        part, whole = subset_scope(sentence, position, vocab)
        if part is not None and (here := _places_in(part, gazetteer, vocab)):
            return here[-1]  # the part's place nearest before the figure, however it is written
        sentence = whole
    here = _places_in(sentence, gazetteer, vocab)
    if community := _community(here, gazetteer):
        return community
    earlier_places = [_places_in(s, gazetteer, vocab) for s in reversed(earlier)]
    if _has_any(sentence, vocab.context["anaphors"]):
        for names in earlier_places:
            if community := _community(names, gazetteer):
                return community
    for names in [here, *earlier_places]:
        if names:
            return most_specific(names, gazetteer)
    return article_place(article, gazetteer, vocab)


def subset_scope(sentence: str, position: int, vocab: Vocab) -> tuple[str | None, str]:
    """(its part up to the figure, the whole) of the sentence for a figure at `position`, split
    at the subset markers (其中). A figure after one is in that part ("其中巫山县57个，北碚区30个"),
    and the whole is the text before the first marker; a figure before any marker is the
    whole's (None for the part), and what the parts name is not its. Without a marker the
    whole is the sentence."""
    ignored = _strip(sentence, tuple(vocab.context["subset_ignore"]))  # 其中之一, 乐在其中: no parts follow
    marks = sorted(m.start() for w in vocab.context["subset_markers"] for m in re.finditer(re.escape(w), ignored))
    opened = [k for k in marks if k <= position]
    if not opened:
        return None, sentence[: marks[0]] if marks else sentence
    return sentence[opened[-1] : position], sentence[: marks[0]]


def article_place(article: Article, gazetteer: GazetteerLike, vocab: Vocab) -> str:
    """Where a figure with no place in reach belongs: the place the headline names; else the
    nearest place containing all of article.places, never a single community.

    article.places is most specific first, so its head is often a community met in passing
    (望霞路35号小区 in a story about 巫山县): a county-wide figure must not land on it.
    """
    headline = " ".join([article.kicker, article.title, article.subtitle])
    if named := _places_in(headline, gazetteer, vocab):
        return most_specific(named, gazetteer)
    chains = [c for c in (_chain(name, gazetteer) for name in article.places) if c]
    # 巫山县 beside 望霞路35号小区 is its ancestor, not a second place to cover
    chains = [c for c in chains if not any(c[0] in other[1:] for other in chains)]
    common = [p for p in chains[0] if all(p in c for c in chains)] if chains else []
    above_communities = [p for p in common if gazetteer.level(p) != LEVELS[0]]
    if above_communities:
        return above_communities[0]
    return article.places[0] if article.places else ""


def _chain(name: str, gazetteer: GazetteerLike) -> list[str]:
    try:
        return gazetteer.hierarchy(name)
    except KeyError:  # a place the gazetteer does not know
        return []


def province_of(place: str, gazetteer: GazetteerLike) -> str:
    try:
        return gazetteer.province_of(place) if place else ""
    except KeyError:  # an article place the gazetteer does not know
        return ""


# --- putting it together ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    """What every figure of one article is read against."""

    article: Article
    gazetteer: GazetteerLike
    vocab: Vocab
    in_context: bool  # the article is about renovation, so all its sentences may hold figures


def _figures(sentence: str, offset: int, speech: Sequence[tuple[int, int]], vocab: Vocab) -> list[tuple]:
    """The sentence's numbers that are renovation figures, with their (metric, unit as printed)."""
    read = [(s, None if is_noise(s, offset, speech, vocab) else match_metric(s, vocab)) for s in _spots(sentence, vocab)]
    return [(spot, matched) for spot, matched in read if matched]


def _paragraph_facts(paragraph: str, r: _Reading) -> list[Fact]:
    speech = speech_spans(paragraph, int(r.vocab.exclusions["speech_min_chars"]))
    facts, offset, earlier = [], 0, []
    for sentence in split_sentences(paragraph):
        if r.in_context or mentions_renovation(sentence, r.vocab):
            figures = _figures(sentence, offset, speech, r.vocab)
            spots = [spot for spot, _ in figures]  # years and other numbers do not compete for a year
            facts += [_fact(spot, matched, spots, earlier, r) for spot, matched in figures]
        earlier.append(sentence)
        offset += len(sentence)
    return facts


def _fact(spot: Spot, matched: tuple, spots: Sequence[Spot], earlier: Sequence[str], r: _Reading) -> Fact:
    metric, after = matched
    place = place_of(spot.sentence, earlier, r.article, r.gazetteer, r.vocab, spot.quantity.start)
    year, status = year_and_status(spot, spots, earlier, r.article.date, r.vocab, money=metric.funding)
    return Fact(
        article_id=r.article.id,
        article_url=r.article.url,
        page=r.article.page,
        place=place,
        province=province_of(place, r.gazetteer),
        metric=metric.key,
        value=spot.quantity.value,
        # A count printed without a unit ("25.4万老旧小区居民") has only its multiplier for a unit;
        # as printed, it takes the noun after it, which is what it counts.
        unit=spot.quantity.multiplier + spot.quantity.unit,
        printed=spot.quantity.text + ("" if spot.quantity.unit else after[len(spot.quantity.multiplier) :]),
        qualifier=spot.quantity.qualifier,
        status=status,
        year=year,
        funding_source=funding_source_of(spot, r.vocab) if metric.funding else "",
        sentence=spot.sentence,
        anchor=sentence_anchor(spot.sentence),
        publication=r.article.publication,
        first_published=r.article.first_published,
        article_date=r.article.date,
    )


def year_and_status(spot: Spot, spots: Sequence[Spot], earlier: Sequence[str], article_date: str, vocab: Vocab,
                    money: bool = True) -> tuple[str, str]:
    """The figure's year and state of work: its own (`year_of`, `status_of`); where its sentence,
    or its clause, has no subject and says neither, where the text before left off."""
    year, status = year_of(spot, spots, article_date, vocab), status_of(spot, vocab, money)
    continuing = tuple(vocab.context["continuing_starts"])
    if (not year or not status) and earlier and spot.sentence.startswith(continuing):
        carried_year, carried_status = where_it_left_off(earlier[-1], article_date, vocab)
        year, status = year or carried_year, status or carried_status
    if spot.clause_start and spot.clause.startswith(continuing) and not any(g.found_in(spot.clause) for g in vocab.statuses_for(money)):
        # "…累计启动改造老旧小区2600多个，惠及居民68万多户": the households of those communities,
        # in the state of work of the clause before, not under the sentence's running-total frame
        carried_year, carried_status = where_it_left_off(spot.sentence[: spot.clause_start], article_date, vocab)
        year, status = year or carried_year, carried_status or status
    return year, status


def where_it_left_off(sentence: str, article_date: str, vocab: Vocab) -> tuple[str, str]:
    """(year, status) a sentence ends on, for the next one when it has no subject of its own
    ("去年5月，望霞路35号小区开始全面升级改造，…同时开工。涉及6栋居民楼…": 2022, started): the
    last year or period it names, and the state of work of its last clause that has one
    ("…去年5月开工改造，今年3月全部完工。": 2023, completed)."""
    marks = _year_marks(sentence, article_date[:4], vocab.years)
    clauses = [c for c in re.split(r"[，；]", sentence) if c]
    status = next((s for s in (_best_cue(c, vocab.sentence_statuses) for c in reversed(clauses)) if s), "")
    return (marks[-1][1] if marks else ""), status


def dedupe(facts: Sequence[Fact]) -> list[Fact]:
    """A figure repeated in one article (a key point restated in the body) is one fact: the first.
    Repeated means the same in every field the report keys or shows: the same number stated for
    another year, or as "more than" rather than exact, is another fact."""
    seen, kept = set(), []
    for f in facts:
        key = (f.article_id, f.metric, f.value, f.qualifier, f.place, f.status, f.year, f.funding_source)
        if key not in seen:
            seen.add(key)
            kept.append(f)
    return kept


def extract_facts(article: Article, gazetteer: GazetteerLike, vocab: Vocab | None = None) -> list[Fact]:
    """The renovation figures an article states, in reading order, each once."""
    vocab = vocab or load_vocab()
    reading = _Reading(article, gazetteer, vocab, is_renovation_article(article, vocab))
    return dedupe([f for p in article.paragraphs for f in _paragraph_facts(p, reading)])
