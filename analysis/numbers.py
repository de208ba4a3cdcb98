"""Quantities in Chinese news text: Arabic digits, Chinese numerals, 万/亿 multipliers, ranges,
percentages and the hedging words that make a figure approximate.

Pure functions. The hedging words (余, 约, 以上 …) are vocabulary and live in data/metrics.toml;
callers pass them in as a ``Qualifiers`` (``analysis.extract.load_vocab().qualifiers``). What stays
here is numeral grammar: digits, 十/百/千/万/亿, 百分之, range dashes.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

EXACT = "exact"

_CN_DIGIT = {"〇": 0, "零": 0, "两": 2, **{c: i for i, c in enumerate("零一二三四五六七八九")}}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}
_ZEROS = "〇零"

# A Chinese numeral starts with a digit or 十: 千家万户 and 数千 are words, not figures.
_CN_RUN = re.compile(r"[〇零一二两三四五六七八九十][〇零一二两三四五六七八九十百千万亿]*")
# Thousands separators only in groups of three, so "1,2" stays two numbers.
_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d|,\d)|\d+(?:\.\d+)?")
# 万/亿 after digits ("3.7亿", "59.28万"); 千/百 alone are left out because 千米 is a kilometre.
_MULTIPLIER = re.compile(r"万亿|千万|百万|万|亿")
# Phone numbers (023-68881234) and ISO dates (2021-10-19) are codes, not figures or ranges.
_CODE = re.compile(r"0\d{2,3}-\d{7,8}|\d{4}-\d{1,2}-\d{1,2}")
# Where a number may start, and how far a number that failed to parse reaches.
_START = re.compile(r"百分之|\d|[〇零一二两三四五六七八九十]")
_ARABIC_TOKEN = re.compile(r"[\d.,\-]+")
# Two neighbouring digits are an approximate range (三五年, 八九层, 七八十年代), not a number.
_ADJACENT = re.compile(r"([一二三四五六七八九])([二三四五六七八九])([十百千万]?)")
_ADJACENT_PAIRS = {(3, 5)}  # 三五 is idiomatic although not consecutive

_RANGE_SEPARATORS = "至到~～-—–"
_PERCENT_SIGNS = "%％"
_PERCENT_WORD = "百分之"
_VAGUE_BEFORE = "几数上好成"  # 几十, 数十, 上百: a rough size, never a figure
_ORDINAL_BEFORE = "第"  # 第163次 counts nothing
_MAX_INTEGER_DIGITS = 15  # longer digit strings are codes, not quantities
_PHONE_DIGITS = 11  # a bare 11-digit number is a mobile phone number

# Full-width digits read as ASCII; the mapping keeps every offset unchanged.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


@dataclass(frozen=True)
class Qualifiers:
    """Hedging words by position, each paired with its qualifier; longest words first.

    ``rough`` is the qualifier of neighbouring-digit ranges (三五年), exact when none is named.
    """

    prefix: tuple[tuple[str, str], ...] = ()
    infix: tuple[tuple[str, str], ...] = ()
    suffix: tuple[tuple[str, str], ...] = ()
    rough: str = EXACT
    not_prefix: tuple[str, ...] = ()  # words that end in a prefix and are no hedge (附近, 最近)
    first_infix: tuple[tuple[str, str], ...] = ()  # (qualifier, its infix listed first), for showing it

    def prefix_before(self, s: str, i: int, floor: int = 0) -> tuple[str, str] | None:
        """The hedge printed right before `s[i]` (约, 不超过) with its qualifier, if one is there
        and begins at `floor` or after; not a word it ends (附近3个小区: 近 hedges nothing)."""
        prefix = next(((w, name) for w, name in self.prefix if w and i - len(w) >= floor and s.endswith(w, 0, i)), None)
        if prefix and any(i - len(w) >= floor and s.endswith(w, 0, i) for w in self.not_prefix):
            return None
        return prefix

    def hedge_start(self, s: str, start: int) -> int:
        """`start`, a cut in `s`, moved back to the beginning of a hedge it falls on or inside,
        where that hedge ends at a figure: a quote beginning …1亿平方米 for 约1亿平方米 reads an
        estimate as exact, and …超过30万元 for 不超过30万元 the opposite of what was printed; so
        with a word that only ends like a hedge (…近13个 for 附近13个)."""
        longest = max((len(w) for w in (*(w for w, _ in self.prefix), *self.not_prefix)), default=0)
        figure = next((f for f in range(start, min(len(s), start + longest + 1)) if s[f].isdigit()), None)
        if figure is None:
            return start
        words = [w for w in self.not_prefix if s.endswith(w, 0, figure)] + [w for w, _ in self.prefix if s.endswith(w, 0, figure)]
        word = max(words, key=len, default="")
        return figure - len(word) if figure - len(word) < start else start

    def default_infix(self, qualifier: str) -> str:
        """The qualifier's infix written first in metrics.toml (余), for a figure hedged otherwise
        (超过2600个 is shown 2600余个); "" for a qualifier without one."""
        return dict(self.first_infix).get(qualifier, "")

    @classmethod
    def from_mapping(cls, table: Mapping[str, Mapping]) -> Qualifiers:
        """From metrics.toml's [qualifiers.<name>] tables (prefix/infix/suffix word lists)."""

        def collect(position: str) -> tuple[tuple[str, str], ...]:
            pairs = [(word, name) for name, spec in table.items() for word in spec.get(position, ())]
            return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))

        rough = next((name for name, spec in table.items() if spec.get("rough_ranges")), EXACT)
        not_prefix = tuple(word for spec in table.values() for word in spec.get("not_prefix", ()))
        first_infix = tuple((name, spec["infix"][0]) for name, spec in table.items() if spec.get("infix"))
        return cls(collect("prefix"), collect("infix"), collect("suffix"), rough, not_prefix, first_infix)


@dataclass(frozen=True)
class Quantity:
    """One figure found in a text.

    ``value`` is in base units (万/亿 applied; a percentage is its number, 54% -> 54). For a range
    ``low``/``high`` are its ends and ``value`` is ``low``; otherwise both are None.
    ``start``/``end`` cover everything that was read: hedging words, number, unit.
    """

    value: int | float
    qualifier: str
    start: int
    end: int
    text: str
    low: int | float | None = None
    high: int | float | None = None
    unit: str = ""  # the unit word read after the number (one of ``units``), or "%"
    multiplier: str = ""  # 万/亿 as printed after the digits, for showing the unit as printed
    percent: bool = False

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None and self.low != self.high


@dataclass(frozen=True)
class _Core:
    """A bare number before hedging words and units are attached."""

    value: Decimal
    end: int
    multiplier: str = ""
    qualifier: str = EXACT
    range_: tuple[Decimal, Decimal] | None = None


def _plain(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


# --- Chinese numerals ---------------------------------------------------------------------------


def _cn_digits(run: str) -> Decimal | tuple[Decimal, Decimal] | None:
    """A run of bare digits: 二〇二三 reads digit by digit, 三五 is an approximate range."""
    values = [_CN_DIGIT[c] for c in run]
    if len(run) == 1:
        return Decimal(values[0])
    if len(run) == 2 and not set(run) & set(_ZEROS):
        a, b = values
        return (Decimal(a), Decimal(b)) if b == a + 1 or (a, b) in _ADJACENT_PAIRS else None
    return Decimal("".join(map(str, values)))


def _cn_positional(run: str) -> Decimal | None:
    """十/百/千/万/亿 notation: 二十六, 一百零五, 一亿二千万, 三千五 (= 3500). None when malformed."""
    total, section, num = 0, 0, None
    last_small = None  # 十/百/千 seen in this section, which must decrease
    unit_before_digit = None  # the unit right before the final digit, for 三千五 / 两万五
    prev = ""
    for c in run:
        if c in _ZEROS:
            num, unit_before_digit = None, None
        elif c in _CN_DIGIT:
            if prev in _CN_DIGIT and prev not in _ZEROS:
                return None  # 十四五: two digits in a row make no number
            num = _CN_DIGIT[c]
            unit_before_digit = _CN_SMALL.get(prev) or _CN_BIG.get(prev)
        elif c in _CN_SMALL:
            unit = _CN_SMALL[c]
            if last_small is not None and unit >= last_small:
                return None
            if num is None:
                if c != "十" or section or (prev and prev in _ZEROS):
                    return None
                num = 1  # 十五 = 15
            section, num, last_small = section + num * unit, None, unit
        else:  # 万 / 亿
            part = section + (num or 0)
            if part == 0 and total == 0:
                return None
            total = (total + part) * _CN_BIG[c] if c == "亿" else total + part * _CN_BIG[c]
            section, num, last_small = 0, None, None
        prev = c
    if num is not None and unit_before_digit and unit_before_digit >= 100:
        num *= unit_before_digit // 10  # colloquial 三千五 = 3500, 两万五 = 25000
    return Decimal(total + section + (num or 0))


def _cn_value(run: str) -> Decimal | tuple[Decimal, Decimal] | None:
    if all(c in _CN_DIGIT for c in run):
        return _cn_digits(run)
    adjacent = _ADJACENT.fullmatch(run)
    if adjacent:
        a, b = _CN_DIGIT[adjacent.group(1)], _CN_DIGIT[adjacent.group(2)]
        if b != a + 1 and (a, b) not in _ADJACENT_PAIRS:
            return None
        unit = _CN_SMALL.get(adjacent.group(3)) or _CN_BIG.get(adjacent.group(3)) or 1
        return Decimal(a * unit), Decimal(b * unit)
    return _cn_positional(run)


# --- the number itself --------------------------------------------------------------------------


def _match_word(s: str, i: int, words: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    return next(((w, q) for w, q in words if w and s.startswith(w, i)), None)


def _arabic_at(s: str, i: int) -> tuple[Decimal, int] | None:
    if i and (s[i - 1].isdigit() or s[i - 1] == "." or s[i - 1].isascii() and s[i - 1].isalpha()):
        return None  # inside a longer number or a code such as "G20"
    m = _ARABIC.match(s, i)
    if not m or _CODE.match(s, i):
        return None
    digits = m.group().replace(",", "")
    whole = digits.split(".")[0]
    if len(whole) > 1 and whole.startswith("0") or len(whole) > _MAX_INTEGER_DIGITS:
        return None  # 023…: phone numbers and codes
    if "," not in m.group() and "." not in digits and len(whole) >= _PHONE_DIGITS:
        return None
    if m.end() < len(s) and s[m.end()].isascii() and s[m.end()].isalpha():
        return None  # "5G", "3D"
    return Decimal(digits), m.end()


def _cn_at(s: str, i: int) -> tuple[Decimal | tuple[Decimal, Decimal], int, str] | None:
    if i and (s[i - 1] in _CN_DIGIT or s[i - 1] in _CN_SMALL or s[i - 1] in _CN_BIG):
        return None  # inside a longer numeral
    m = _CN_RUN.match(s, i)
    if not m or (s[i] == "十" and i and s[i - 1] in _VAGUE_BEFORE):
        return None
    value = _cn_value(m.group())
    if value is None:
        return None
    multiplier = m.group()[-1] if m.group()[-1] in _CN_BIG and len(m.group()) > 1 else ""
    return value, m.end(), multiplier


def _core_at(s: str, i: int, q: Qualifiers) -> _Core | None:
    """The number starting at ``i`` with its infix hedges (余/多) and 万/亿 multiplier."""
    arabic = _arabic_at(s, i)
    parsed = (arabic[0], arabic[1], "") if arabic else _cn_at(s, i)
    if parsed is None:
        return None
    value, j, multiplier = parsed
    if isinstance(value, tuple):  # 三五, 七八十: an approximate range
        return _Core(value[0], j, multiplier, q.rough, value)
    qualifier = EXACT
    infix = _match_word(s, j, q.infix)
    if infix:
        qualifier, j = infix[1], j + len(infix[0])
    mult = _MULTIPLIER.match(s, j) if not multiplier else None
    if mult:
        multiplier, j = mult.group(), mult.end()
        value *= _multiplier_value(multiplier)
        if qualifier == EXACT and (infix := _match_word(s, j, q.infix)):
            qualifier, j = infix[1], j + len(infix[0])
    return _Core(value, j, multiplier, qualifier)


def _multiplier_value(text: str) -> int:
    value = 1
    for c in text:
        value *= _CN_BIG.get(c) or _CN_SMALL[c]
    return value


def _with_range(s: str, first: _Core, q: Qualifiers) -> _Core:
    """"3至5个", "3-5万": join a second number after a range dash."""
    if first.range_ or first.end >= len(s) - 1 or s[first.end] not in _RANGE_SEPARATORS:
        return first
    second = _core_at(s, first.end + 1, q)
    if second is None or second.range_:
        return first
    low = first.value
    if not first.multiplier and second.multiplier:
        low *= _multiplier_value(second.multiplier)  # "3至5万" is 3万 to 5万
    if low >= second.value:
        return first
    return _Core(low, second.end, second.multiplier, first.qualifier, (low, second.value))


# --- the whole figure -----------------------------------------------------------------------------


def _quantity_at(s: str, i: int, q: Qualifiers, units: Sequence[str], floor: int) -> Quantity | None:
    """The figure whose number starts at ``i``; hedging words before it may reach back to ``floor``."""
    if i and s[i - 1] == _ORDINAL_BEFORE:
        return None
    percent_word = s.startswith(_PERCENT_WORD, i)
    core = _core_at(s, i + len(_PERCENT_WORD) if percent_word else i, q)
    if core is None:
        return None
    core = _with_range(s, core, q)
    j, unit = core.end, ""
    percent = percent_word or (j < len(s) and s[j] in _PERCENT_SIGNS)
    if percent:
        j, unit = j + (0 if percent_word else 1), "%"
    elif (word := next((u for u in units if u and s.startswith(u, j)), None)) is not None:
        j, unit = j + len(word), word
    start, qualifier = i, core.qualifier
    prefix = q.prefix_before(s, i, floor)
    if prefix:
        start = i - len(prefix[0])
        qualifier = prefix[1] if qualifier == EXACT else qualifier
    suffix = _match_word(s, j, q.suffix)
    if suffix:
        j += len(suffix[0])
        qualifier = suffix[1] if qualifier == EXACT else qualifier
    low, high = core.range_ or (None, None)
    return Quantity(
        value=_plain(core.value),
        qualifier=qualifier,
        start=start,
        end=j,
        text=s[start:j],
        low=None if low is None else _plain(low),
        high=None if high is None else _plain(high),
        unit=unit,
        multiplier=core.multiplier,
        percent=percent,
    )


def _candidate_starts(s: str) -> Iterable[int]:
    return (m.start() for m in _START.finditer(s))


def find_quantities(text: str, qualifiers: Qualifiers, units: Iterable[str] = ()) -> list[Quantity]:
    """Every figure in ``text``, left to right, non-overlapping.

    ``units`` are the unit words to read after a number ("个", "平方米"); the longest that follows
    is recorded in ``Quantity.unit`` and a suffix hedge after it ("以上") still counts.
    Spans refer to ``text`` as given (full-width digits are read in place).
    """
    s = text.translate(_FULL_WIDTH)
    ordered_units = sorted(set(units), key=len, reverse=True)
    found: list[Quantity] = []
    resume = 0
    for i in _candidate_starts(s):
        if i < resume:
            continue
        quantity = _quantity_at(s, i, qualifiers, ordered_units, floor=resume)
        if quantity is None:
            resume = _skip_token(s, i)
            continue
        found.append(replace(quantity, text=text[quantity.start : quantity.end]))
        resume = quantity.end
    return found


def _skip_token(s: str, i: int) -> int:
    """Past the number that failed to parse, so its tail is not read as a number of its own."""
    if s.startswith(_PERCENT_WORD, i):
        return i + len(_PERCENT_WORD)
    m = _ARABIC_TOKEN.match(s, i) if s[i].isdigit() else _CN_RUN.match(s, i)
    return m.end() if m else i + 1


def parse_number(text: str, qualifiers: Qualifiers, units: Iterable[str] = ()) -> Quantity | None:
    """The one figure that ``text`` consists of (surrounding spaces allowed), else None."""
    stripped = text.strip()
    found = find_quantities(stripped, qualifiers, units)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(stripped):
        return found[0]
    return None
