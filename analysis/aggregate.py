"""Renovation scale and funding by place, metric, year and status - without double counting.

Three rules keep the table honest:
- a figure stays at the place it was stated for: a community's figure is never added to its
  district, and a district's total comes only from figures stated for the district;
- status (planned, completed, …) and year are keys, never summed over: a plan and its outcome are
  two cells, not one bigger number;
- the same cell stated by several articles is one figure, shown with how many sources state it -
  figures are never added up across articles.
"More than", "about" and "nearly" stay visible in the text of every cell ("2600余个", "约1亿平方米", "近200部"),
in the paper's own word where it prints one after the digits (2600多个 stays 2600多个), and a figure
printed in digits keeps the paper's 万 or 亿 (43181万元 stays 43181万元, not 4.3181亿元).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

import pandas as pd

from .extract import Fact, Vocab, load_vocab
from .numbers import EXACT

KEY = ["place", "province", "metric", "year", "status", "funding_source"]
COLUMNS = [*KEY, "value", "qualifier", "display", "n_sources", "sources", "agree", "other_figures"]
# Chinese large-number units, largest first: 431810000 -> 4.3181亿 where the paper's own scale is
# unknown. Four decimals keep every printed digit of figures like 4.3181亿元.
_SCALES = ((10**8, "亿"), (10**4, "万"))
_DECIMALS = 4


def facts_frame(facts: Iterable[Fact | Mapping]) -> pd.DataFrame:
    """Facts (dataclasses or dicts) as a DataFrame, one row per fact."""
    rows = [f.to_dict() if isinstance(f, Fact) else dict(f) for f in facts]
    frame = pd.DataFrame(rows, columns=list(Fact.__dataclass_fields__))
    # Empty keys stay "" (not NaN) so groupby keeps them as keys of their own; so does an
    # unknown printed form, which format_value reads as text.
    return frame.fillna({k: "" for k in [*KEY, "printed"]})


def _short_number(value: float, printed_scale: str | None = None) -> str:
    """Scaled to 万/亿, with up to _DECIMALS decimals: 592800 -> "59.28万", 2600 -> "2600"; in
    `printed_scale` ("万", "亿" or "" for none) where that keeps every digit: 431810000 in 万 -> "43181万"."""
    if printed_scale is not None:
        scale = {word: size for size, word in _SCALES}.get(printed_scale, 1)
        shown = round(value / scale, _DECIMALS)
        if shown * scale == value or abs(shown * scale - value) < 1e-9 * abs(value):
            return _trim(shown) + printed_scale
    for scale, word in _SCALES:
        if abs(value) >= scale:
            return _trim(round(value / scale, _DECIMALS)) + word
    return _trim(round(value, _DECIMALS))


def _trim(x: float) -> str:
    return f"{x:.{_DECIMALS}f}".rstrip("0").rstrip(".")


def format_value(value: float, metric: str, qualifier: str = EXACT, vocab: Vocab | None = None, printed: str = "") -> str:
    """Reader-friendly text: 4.3181亿元, 59.28万平方米, 2600余个, 约1亿平方米. A figure `printed`
    in digits keeps its 万 or 亿 (43181万元), and its hedge where it sits: 60多亿元, sixty-odd 亿,
    stays 60多亿元, where 60亿多元 would be 60亿 and a little more. A figure printed otherwise
    (三万户, 5千万元), or whose printed scale would lose a digit, is scaled to 万/亿 (3万户, 5000万元)."""
    vocab = vocab or load_vocab()
    template = vocab.qualifier_display.get(qualifier, "{n}{unit}")
    measure = vocab.metric(metric)
    n, unit = _short_number(value, _printed_scale(printed, vocab)), _printed_unit(printed, measure.printed_units) or measure.display_unit
    scale = _hedged_scale(printed, vocab)
    if scale and n.endswith(scale):
        n, unit = n[: -len(scale)], scale + unit
    # The paper's own hedge word (2600多个), so the figure shown is the figure a reader searches for
    infix = _printed_infix(printed, vocab) or vocab.qualifiers.default_infix(qualifier)
    return template.format(n=n, unit=unit, infix=infix)


_NUMERAL = r"[\d零〇一二两三四五六七八九十百千]"


def _hedged_scale(printed: str, vocab: Vocab) -> str:
    """The 万 or 亿 right after a hedge inside a printed figure (60多亿元 -> 亿), else ""."""
    pattern = _hedge_before_scale(tuple(word for word, _ in vocab.qualifiers.infix))
    found = pattern.search(printed) if printed and pattern else None
    return found.group(1) if found else ""


def _printed_unit(printed: str, units: tuple[str, ...]) -> str:
    """The measure word a figure is printed with, where it is one of `units` ("4.5万多名" -> 名), else ""."""
    return next((unit for unit in units if printed.endswith(unit) and any(c.isdigit() for c in printed)), "")


def _printed_scale(printed: str, vocab: Vocab) -> str | None:
    """The 万 or 亿 a figure's digits are printed with, past any hedge ("43181万元" -> "万",
    "60多亿元" -> "亿", "2600多个" -> ""); None where no digits are printed (十几个, or unknown)."""
    pattern = _digits_and_scale(tuple(word for word, _ in vocab.qualifiers.infix))
    found = pattern.search(printed) if printed else None
    return found.group(1) if found else None


def _printed_infix(printed: str, vocab: Vocab) -> str:
    """The hedge word printed right after a figure's digits or its 万/亿 (68万多户 -> 多), else "".
    Digits only: a figure in Chinese numerals is shown in digits, so 十几个 is 10余个, not 10几个."""
    pattern = _infix_after_number(tuple(word for word, _ in vocab.qualifiers.infix))
    found = pattern.search(printed) if printed and pattern else None
    return found.group(1) if found else ""


@lru_cache(maxsize=4)
def _digits_and_scale(hedges: tuple[str, ...]) -> re.Pattern:
    scales = "".join(word for _, word in _SCALES)
    words = "|".join(map(re.escape, hedges))
    # 十/百/千 after the digits (5千万元) is a scale the report does not write: no printed scale
    hedge = rf"(?:{words})?" if hedges else ""
    return re.compile(rf"\d[\d.,]*{hedge}([{scales}]?)(?![十百千])")


@lru_cache(maxsize=4)
def _infix_after_number(hedges: tuple[str, ...]) -> re.Pattern | None:
    scales = "".join(word for _, word in _SCALES)
    words = "|".join(map(re.escape, hedges))
    return re.compile(rf"\d[{scales}]?({words})") if hedges else None


@lru_cache(maxsize=4)  # asked once a fact: built once a vocabulary
def _hedge_before_scale(hedges: tuple[str, ...]) -> re.Pattern | None:
    scales = "".join(word for _, word in _SCALES)
    words = "|".join(map(re.escape, hedges))
    return re.compile(rf"{_NUMERAL}(?:{words})([{scales}])") if hedges else None


def _one_figure(metric: str, records: list[tuple], vocab: Vocab) -> dict:
    """The cell's one figure from its (article, value, qualifier, printed) records, in the order
    stated: the figure most articles state (the first stated on a tie). A figure is its value,
    its qualifier and where its hedge sits: 60多亿元 and 60亿多元 are two figures."""
    forms: dict[tuple, Counter] = {}  # how the articles print each figure (2600多个, 2600余个)
    stated = []
    for article, value, qualifier, as_printed in dict.fromkeys(records):  # an article printing it twice counts once
        figure = (value, qualifier, _hedged_scale(as_printed, vocab))
        forms.setdefault(figure, Counter())[as_printed] += 1
        stated.append((article, figure))
    # each figure as most of its articles print it, the first printed on a tie: the form a
    # reader searching the shown figure finds most often
    printed = {figure: max(counted, key=counted.__getitem__) for figure, counted in forms.items()}
    counts = Counter(figure for _, figure in dict.fromkeys(stated))  # an article stating a figure twice counts once
    chosen = max(counts, key=counts.__getitem__)  # in order of first statement: max keeps the first of equal counts
    value, qualifier, _ = chosen
    others = [format_value(v, metric, q, vocab, printed[v, q, h]) for (v, q, h) in counts if (v, q, h) != chosen]
    # those stating the chosen figure first: the report links its figure to the first source
    articles = list(dict.fromkeys([*(article for article, figure in stated if figure == chosen), *(article for article, _ in stated)]))
    return {
        "value": int(value) if float(value).is_integer() else float(value),
        "qualifier": qualifier,
        "display": format_value(value, metric, qualifier, vocab, printed[chosen]),
        "n_sources": len(articles),
        "sources": ",".join(articles),
        "agree": not others,
        "other_figures": "; ".join(others),
    }


def scale_by_place(facts: Iterable[Fact | Mapping], vocab: Vocab | None = None) -> pd.DataFrame:
    """One row per place × metric × year × status (× funding source): the figure stated for it.

    Nothing is rolled up to a parent place and nothing is summed; see the module docstring.
    Cells are grouped in plain Python: thousands of small per-cell DataFrames cost seconds.
    """
    vocab = vocab or load_vocab()
    frame = facts_frame(facts)
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    cells: dict[tuple, list[tuple]] = {}
    for row in frame[[*KEY, "article_id", "value", "qualifier", "printed"]].itertuples(index=False, name=None):
        cells.setdefault(row[: len(KEY)], []).append(row[len(KEY) :])
    metric = KEY.index("metric")
    # A place's rows in the reading order of metrics (改造小区, 楼栋, 惠及户数 …), not their keys'.
    rank = {m.key: i for i, m in enumerate(vocab.metrics_in_reading_order)}
    order = sorted(cells, key=lambda key: (*key[:metric], rank.get(key[metric], len(rank)), key[metric], *key[metric + 1 :]))
    rows = [{**dict(zip(KEY, key)), **_one_figure(key[metric], cells[key], vocab)} for key in order]
    return pd.DataFrame(rows, columns=COLUMNS).reset_index(drop=True)
