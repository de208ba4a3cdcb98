"""Charts for the report: data in, a `Chart` record out; `write_chart` does the I/O.

Every chart function takes tables (facts from `extract`, term statistics from
`terms`) and returns a `Chart` holding the matplotlib figure, a Chinese title, alt
text that states the chart's main finding, and the data table shown beside it -
or None when there is nothing to draw. Nothing here touches pyplot's global state
or the process-wide rcParams (nor the backend): figures are plain `Figure` objects
attached to an Agg canvas (FigureCanvasAgg), saved by matplotlib's SVG writer, and the
style is applied with `rc_context` around drawing and saving.

Fonts. Chinese labels are drawn with the Noto Sans CJK SC file shipped inside the
`mplfonts` package, registered with matplotlib's font manager, so the output is
the same on every machine whatever fonts it has (a system copy of Noto Sans CJK
SC of another version would change the glyphs' measurements, hence the layout). The SVG keeps its text as text
(svg.fonttype = none) with a CSS font stack of the same family plus the fonts
readers' systems have. Only the regular weight is used: a bold request could
resolve to a system bold face on one machine and the regular file on another.

Reproducibility. A fixed svg.hashsalt, no dates or software versions in the file
metadata, and a total order on every set of bars (value, then name) make the
files byte-identical for the same data.

Readability. Figures are one column wide (3.6 inches, a phone's) and grow downwards,
so on a 375px phone the text shows at 13 CSS pixels or more. Colours
are the Okabe-Ito colour-blind-safe set; planned figures are also hatched and
named in their value labels, so no meaning is carried by colour alone.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import blended_transform_factory, offset_copy

from .extract import load_vocab
from .places import LEVELS, load_gazetteer, with_address

# ---------------------------------------------------------------- fonts and style

FONT_FAMILY = "Noto Sans CJK SC"
# Written into the SVG's font-family after the drawing font: what readers' machines have.
READER_FONTS = ("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Source Han Sans SC")
HASH_SALT = "newspaper-archive-charts"

WIDTH = 3.6  # inches: one phone column (259 pt, 345 px: a 375 px screen less its margins)
BASE_SIZE = 11  # points

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, SKY, GREEN, VERMILLION, PURPLE, YELLOW = (
    "#0072B2", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#F0E442",
)
INK = "#222222"
MUTED = "#666666"


def font_path() -> Path:
    """The Noto Sans CJK SC file shipped by mplfonts."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.is_file():
        raise FileNotFoundError(f"mplfonts does not ship {path.name} any more; charts need a CJK font")
    return path


def register_font() -> Path:
    """Make `FONT_FAMILY` resolve to the mplfonts file, whatever else is installed.

    Idempotent. addfont appends, and findfont breaks ties by list order, so a system
    copy of the same family would win; the file's entries are therefore moved to
    the front of the font list (a stable reordering, nothing is removed).
    """
    path = font_path()
    fname = str(path)
    manager = font_manager.fontManager
    if not any(entry.fname == fname for entry in manager.ttflist):
        manager.addfont(fname)
    if font_manager.findfont(_font_properties(), fallback_to_default=False) != fname:
        ours = [e for e in manager.ttflist if e.fname == fname]
        manager.ttflist[:] = ours + [e for e in manager.ttflist if e.fname != fname]
        manager._findfont_cached.cache_clear()  # addfont does the same after changing the list
    resolved = font_manager.findfont(_font_properties(), fallback_to_default=False)
    if resolved != fname:
        raise RuntimeError(f"{FONT_FAMILY} resolves to {resolved}, not {fname}")
    return path


def _font_properties() -> font_manager.FontProperties:
    return font_manager.FontProperties(family=FONT_FAMILY, weight="normal", style="normal")


STYLE = {
    # Every Text made under this style stores the family list [Noto Sans CJK SC, sans-serif],
    # so a figure draws with the CJK font even if it is later drawn outside the style. The
    # SVG writer expands the generic name into the CSS stack, deduplicated:
    # 'Noto Sans CJK SC', 'PingFang SC', ..., 'Source Han Sans SC', sans-serif.
    "font.family": [FONT_FAMILY, "sans-serif"],
    "font.sans-serif": [FONT_FAMILY, *READER_FONTS],
    "font.weight": "normal",
    "font.size": BASE_SIZE,
    "axes.titlesize": BASE_SIZE,
    "axes.titleweight": "normal",
    "axes.titlelocation": "left",
    "axes.titlepad": 4,
    "axes.labelsize": BASE_SIZE,
    "axes.labelweight": "normal",
    "xtick.labelsize": BASE_SIZE,
    "ytick.labelsize": BASE_SIZE,
    "legend.fontsize": BASE_SIZE - 1,
    "axes.unicode_minus": False,  # U+2212 is outside what labels need; "-" is in every font
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 1.0,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.fonttype": "none",
    "svg.hashsalt": HASH_SALT,
    "svg.image_inline": True,
    "path.simplify": True,
}


@contextmanager
def chart_style():
    """The charts' rcParams, with the CJK font registered. Used for drawing and saving."""
    register_font()
    with matplotlib.rc_context(STYLE):
        yield


def resolved_font() -> Path:
    """The font file matplotlib uses for chart text under `chart_style`."""
    with chart_style():
        return Path(font_manager.findfont(font_manager.FontProperties(), fallback_to_default=False))


# ---------------------------------------------------------------- the record


@dataclass
class Chart:
    slug: str  # ASCII file stem
    # Chinese. The page heads the chart with it and the SVG's metadata holds it; it is not
    # drawn, or a reader would see it twice, as the page's heading and again in the image.
    title: str
    alt: str  # the main finding, in Chinese, computed from the data
    table: pd.DataFrame  # the data shown beside the chart; Chinese column headers
    figure: Figure = field(repr=False)
    omitted: list[str] = field(default_factory=list)  # places left out to cap the panels
    # The scale table's cells behind the table's rows, row for row (scale and funding charts):
    # what a page needs to link each figure to the sentence stating it.
    cells: pd.DataFrame | None = field(default=None, repr=False)

    def texts(self) -> list[str]:
        """Every string drawn in the figure (for font-coverage checks)."""
        return [t.get_text() for t in self.figure.findobj(Text) if t.get_text()]


def css_pixels(figure: Figure) -> tuple[int, int]:
    """The figure's width and height as its SVG is shown: in points, 96 CSS pixels an inch."""
    width, height = figure.get_size_inches()
    return round(width * 96), round(height * 96)


def write_chart(chart: Chart, folder: str | Path) -> dict[str, str]:
    """Write <slug>.svg and <slug>.csv into `folder`; return the file names by kind.

    No PNG: the pages show the SVG, and rasterising every chart cost more than half a second
    of every cold build."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = {kind: f"{chart.slug}.{kind}" for kind in ("svg", "csv")}
    with chart_style():
        chart.figure.savefig(
            folder / names["svg"],
            format="svg",
            metadata={"Date": None, "Title": chart.title, "Description": chart.alt},
        )
    (folder / names["csv"]).write_text(chart.table.to_csv(index=False, lineterminator="\n"), encoding="utf-8-sig")  # Excel reads it as UTF-8
    return names


# ---------------------------------------------------------------- text helpers


def join_names(names: Sequence[str], limit: int = 8) -> str:
    """A Chinese list: 甲、乙和丙; more than `limit` names end with 等N个."""
    names = list(names)
    if len(names) > limit:
        return "、".join(names[:limit]) + f"等{len(names)}个"
    if len(names) <= 1:
        return "".join(names)
    return "、".join(names[:-1]) + "和" + names[-1]


def omitted_note(omitted: Sequence[str], order: str) -> str:
    """Names the places a chart left out, and the order that put them after those it draws
    ("按文章篇数和词数": the first few in it are drawn). Said as an order, not as "fewer":
    a place left out may tie with the last one drawn."""
    return f"另有{len(omitted)}个地方{order}排在后面，未画出：{join_names(omitted)}。" if omitted else ""


BY_ARTICLES = "按文章篇数和词数"  # a term chart draws the places of most articles, then of most words
BY_SUMS = "按资金数额"  # the funding chart, those of the largest sums
BY_FIGURES = "按数字大小"  # a scale chart's panel, those of the largest figures


_BREAK_AFTER = "，。；：、！？）》」』”’"  # a line ending on one of these ends a clause or a name
# the hedges after digits too (metrics.toml's infixes): 2600多个 must not read 2600 | 多个
_NO_LINE_START = _BREAK_AFTER + "%+" + "".join(word[0] for word, _ in load_vocab().qualifiers.infix)


def wrap(text: str, width: int) -> str:
    """Lines of about `width` characters. A line ends, where it can, after the punctuation that
    ends a clause or a name in its last third (各数字分|列 and 南|宁市 split words); else
    between any two CJK characters, but never inside a run of digits or Latin letters
    ("2021—2025" and "2600余" stay whole). Closing punctuation never begins a line: it hangs
    at the end of the line before, as in Chinese typesetting, one character past `width`."""
    lines, start = [], 0
    while len(text) - start > width:
        cut = start + width
        if text[cut] in _NO_LINE_START and text[cut - 1] not in _NO_LINE_START:
            cut += 1  # hangs
        while start + 1 < cut < len(text) and (text[cut] in _NO_LINE_START or (text[cut].isascii() and text[cut].isalnum()
                                               and text[cut - 1].isascii() and text[cut - 1].isalnum())):
            cut -= 1
        soft = [i for i in range(start + 2 * width // 3, cut) if text[i - 1] in _BREAK_AFTER and text[i] not in _NO_LINE_START]
        cut = soft[-1] if soft else cut
        lines.append(text[start:cut])
        start = cut
    if start < len(text) or not lines:  # a mark hung at the text's end leaves nothing after it
        lines.append(text[start:])
    return "\n".join(lines)


# ---------------------------------------------------------------- figure helpers

PLACE_COLUMN = "地方"  # every chart's table names the place of each row in this column
FIGURE_COLUMN = "数字"  # a scale or funding table's figure with its unit, as printed (43181万元)
METRIC_COLUMN = "指标"  # a page breaks these only between words (改造面|积 broke)
STATUS_COLUMN = "进度"  # and these (签约或授信, not 签约或授|信)
FUNDING_COLUMN = "资金来源"  # and these (银行|信贷)
NAME_COLUMNS = (METRIC_COLUMN, STATUS_COLUMN, FUNDING_COLUMN)
YEAR_COLUMN = "年份"  # and these only after a span's dash (2021—2025|年 broke)
# The raw number and its base unit are for computing with the CSV; on a page the 数字 column
# already shows both as a reader reads them (43181万元).
CSV_ONLY_COLUMNS = ("数值", "单位", "所属省份", "来源文章数")  # a page's table fits its column without them
PANEL_HEAD = 0.5  # inches per panel for its title and padding
BAR_ROW = 0.26  # inches per bar
NOTE_SIZE = BASE_SIZE - 1  # points
# Characters per footnote line: as many CJK characters (one em wide) as the figure holds inside
# its margins (a line of 29 ran past the edge and lost its end).
NOTE_CHARS = int(WIDTH * 72 * 0.96 // NOTE_SIZE)
PANEL_TITLE_CHARS = 24  # characters per panel-title line
LINE_SPACING = 1.4  # a label's or note's lines, in font sizes: matplotlib's 1.2 packs Chinese lines tight


def _new_figure(rows: Sequence[int], note: str = "") -> tuple[Figure, list]:
    """A one-column figure with one panel per entry of `rows` (its number of bars)."""
    note = "\n".join(wrap(line, NOTE_CHARS) for line in note.split("\n")) if note else ""
    head = 0.1
    foot = 0.3 * (note.count("\n") + 1) if note else 0.1
    height = head + foot + sum(PANEL_HEAD + BAR_ROW * max(n, 1) for n in rows)
    fig = Figure(figsize=(WIDTH, round(height, 2)), layout="constrained")
    FigureCanvasAgg(fig)
    fig.get_layout_engine().set(h_pad=0.06, w_pad=0.06, hspace=0.04)
    if note:
        fig.supxlabel(note, x=0.02, ha="left", fontsize=NOTE_SIZE, color=MUTED, linespacing=LINE_SPACING)
    axes = fig.subplots(len(rows), 1, squeeze=False, gridspec_kw={"height_ratios": [max(n, 1) + 1.2 for n in rows]})
    return fig, [ax for (ax,) in axes]


def _barh_panel(
    ax,
    labels: Sequence[str],
    values: Sequence[float],
    value_labels: Sequence[str],
    *,
    title: str,
    xmax: float,
    color: str = BLUE,
) -> None:
    """Horizontal bars, first label on top, value labels at the bar ends, no x axis."""
    y = list(range(len(labels)))
    bars = ax.barh(y, values, height=0.7, color=color, linewidth=0)
    texts = ax.bar_label(bars, labels=list(value_labels), padding=3, fontsize=BASE_SIZE - 1, color=INK, zorder=4)
    for text in texts:  # stays legible where a reference line crosses it
        text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 1.5})
    ax.set_yticks(y, labels=list(labels))
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, xmax * 1.3 if xmax > 0 else 1)
    _finish_panel(ax, title)


def _finish_panel(ax, title: str) -> None:
    """Panel title flush with the figure's left edge (above the tick labels), no x axis."""
    # set 3 points above the panel: on the axes' top, a long title's characters (白驹社区（重庆市九龙坡区）)
    # sat on the y axis' line where it reaches under them
    where = offset_copy(blended_transform_factory(ax.figure.transFigure, ax.transAxes), fig=ax.figure, y=3, units="points")
    ax.text(0.02, 1.0, wrap(title, PANEL_TITLE_CHARS), transform=where, ha="left", va="bottom", fontsize=BASE_SIZE + 1, color=INK)
    for label in ax.get_yticklabels():
        label.set_multialignment("right")
        label.set_linespacing(LINE_SPACING)
    ax.tick_params(axis="y", length=0, pad=4)
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)


def _place_order(places: Iterable[str], weight: Mapping[str, tuple[float, ...]]) -> list[str]:
    """Heaviest first (weights compared in order); ties by name so the order never depends on input order."""
    return sorted(set(places), key=lambda p: (*(-w for w in weight.get(p, (0, 0))), p))


def _cap(ordered: list[str], max_panels: int) -> tuple[list[str], list[str]]:
    return ordered[:max_panels], ordered[max_panels:]


# ---------------------------------------------------------------- term charts


@dataclass(frozen=True)
class _Panel:
    places: tuple[str, ...]  # one place, or several whose panels would be identical
    rows: pd.DataFrame
    articles: int = 0  # how many articles its words come from, when known
    tied_out: tuple[str, ...] = ()  # words as high as its last bar, left out by the cut at top_n

    @property
    def title(self) -> str:
        """The place and what its words rest on (江津区（1篇）: a z of 8 from one article reads
        otherwise than from nineteen)."""
        notes = ([f"{self.articles}篇"] if self.articles else []) + (["数字相同"] if len(self.places) > 1 else [])
        return self.name + (f"（{'，'.join(notes)}）" if notes else "")

    @property
    def source(self) -> str:
        """The panel's name with its article count, for a sentence: 江津区（1篇文章）."""
        return self.name + (f"（{self.articles}篇文章）" if self.articles else "")

    @property
    def name(self) -> str:
        return "、".join(self.places)


def _broadest_first(places: list[str]) -> tuple[str, ...]:
    """A shared panel's places as one names them, from the province down (江苏省、南通市、崇川区,
    not in the order of their names' characters); names the gazetteer lacks come last."""
    gazetteer = load_gazetteer()
    return tuple(sorted(places, key=lambda p: len(gazetteer.hierarchy(p)) if p in gazetteer else len(LEVELS) + 1))


def _top_terms(terms: pd.DataFrame, column: str, top_n: int) -> pd.DataFrame:
    """Each place's `top_n` terms with a positive `column`, largest first, ties by term."""
    table = terms[["place", "term", "count", column]].dropna(subset=[column])
    table = table[table[column] > 0]
    table = table.assign(_neg=-table[column]).sort_values(["place", "_neg", "term"], kind="mergesort")
    return table.groupby("place", sort=True).head(top_n).drop(columns="_neg").reset_index(drop=True)


def _tied_out(terms: pd.DataFrame, top: pd.DataFrame, column: str) -> dict[str, tuple[str, ...]]:
    """Per place, the words whose `column` equals its last drawn word's but that the cut left
    out: 管理, 行动 and 责任 had 6 occurrences each in 南通市, and two went unsaid."""
    last = top.groupby("place")[column].last()
    drawn = set(zip(top["place"], top["term"]))
    tied = terms[terms["place"].isin(last.index)]
    tied = tied[(tied[column] - tied["place"].map(last)).abs() < 1e-9]
    out: dict[str, tuple[str, ...]] = {}
    for place, term in sorted(zip(tied["place"], tied["term"])):
        if (place, term) not in drawn:
            out[place] = (*out.get(place, ()), term)
    return out


TIED_NAMED = 3  # tied words a note names for a panel; the rest it counts (17 tied in a panel of 8)


def tie_note(panels: Sequence[_Panel]) -> str:
    """The words tied with a panel's last bar that it leaves out: which of them a cut keeps is
    only the order of their characters."""
    def named(words: tuple[str, ...]) -> str:
        quoted = "".join(f"“{w}”" for w in words[:TIED_NAMED])
        return quoted + (f"等{len(words)}个" if len(words) > TIED_NAMED else "")

    parts = [f"{panel.name}的{named(panel.tied_out)}" for panel in panels if panel.tied_out]
    return f"与末位并列而未画出的词：{'；'.join(parts)}。" if parts else ""


def _term_panels(
    terms: pd.DataFrame | None,
    column: str,
    top_n: int,
    max_places: int,
    article_counts: Mapping[str, int] | None,
) -> tuple[list[_Panel], list[str]]:
    """Panels in order (most articles, then most words, first) and the places left out: of
    places with one article each, the one with a long article has words worth a panel.

    A city and its only reporting district - or a province and its only city - share their
    articles and so their counts; their panels would be identical, so they share one panel.
    """
    if terms is None or terms.empty:
        return [], []
    top = _top_terms(terms, column, top_n)
    if top.empty:
        return [], []
    words = terms.groupby("place")["count"].sum().to_dict()
    articles = article_counts or {}
    weight = {place: (articles.get(place, 0), words.get(place, 0)) for place in words}
    groups: dict[tuple, list[str]] = {}
    tied_out = _tied_out(terms, top, column)
    for place in _place_order(top["place"].unique(), weight):
        rows = top[top["place"] == place]
        # one panel for places of the same bars and the same words tied with the last
        signature = (tuple(zip(rows["term"], rows["count"], rows[column].round(6))), tied_out.get(place, ()))
        groups.setdefault(signature, []).append(place)
    panels = [_Panel(_broadest_first(places), top[top["place"] == places[0]], articles.get(places[0], 0), tied_out.get(places[0], ()))
              for places in groups.values()]
    shown, left = panels[:max_places], panels[max_places:]
    return shown, [p for panel in left for p in panel.places]


def _term_table(panels: Sequence[_Panel], column: str, header: str, digits: int) -> pd.DataFrame:
    rows = [
        (place, term, int(count), round(float(value), digits))
        for panel in panels
        for place in panel.places
        for term, count, value in zip(panel.rows["term"], panel.rows["count"], panel.rows[column])
    ]
    return pd.DataFrame(rows, columns=[PLACE_COLUMN, "词语", "出现次数", header]).astype({"出现次数": "int64"})


def _draw_term_panels(panels: Sequence[_Panel], column: str, note: str, color: str, digits: int) -> tuple[Figure, list]:
    """`digits`: the decimals of a bar's label, as its table gives them (8.41, not 8.4)."""
    fig, axes = _new_figure([len(panel.rows) for panel in panels], note)
    xmax = max(float(panel.rows[column].max()) for panel in panels)  # one scale for every panel
    for ax, panel in zip(axes, panels):
        values = panel.rows[column].tolist()
        _barh_panel(ax, panel.rows["term"].tolist(), values, [f"{v:.{digits}f}" for v in values],
                    title=panel.title, xmax=xmax, color=color)
    return fig, axes


PLACE_NAMES_NOTE = load_vocab().report["place_names_note"]  # the term tables leave them out
PANEL_ARTICLES_NOTE = load_vocab().report["panel_articles_note"]  # what 北碚区（5篇） counts


def panel_articles_note(panels: Sequence[_Panel]) -> str:
    return f"{PANEL_ARTICLES_NOTE}。" if any(panel.articles for panel in panels) else ""


def _notes(*lines: str) -> str:
    return "\n".join(line for line in lines if line)


def term_frequency_chart(
    terms: pd.DataFrame | None,
    *,
    top_n: int = 8,
    max_places: int = 6,
    article_counts: Mapping[str, int] | None = None,
    slug: str = "term-frequency-by-place",
) -> Chart | None:
    """Small multiples: each place's `top_n` terms by occurrences per 10,000 content words
    (`per_10k` of `terms.term_counts`).

    Places are ordered by `article_counts` (or, without it, by how many words they
    have) and capped at `max_places` panels; the alt text names the ones left out. All
    panels share one scale so bar lengths compare across places.
    """
    panels, omitted = _term_panels(terms, "per_10k", top_n, max_places, article_counts)
    if not panels:
        return None
    firsts = [(panel, panel.rows.iloc[0]) for panel in panels]
    # Counted by panel, as the reader sees them: places of the same articles share one.
    leaders = pd.Series([row["term"] for panel, row in firsts]).value_counts()
    common = sorted(leaders[leaders > 1].items(), key=lambda kv: (-kv[1], kv[0]))
    if common and len(panels) > 1:
        term, n = common[0]
        share = f"全部{n}幅小图的第一高频词都是" if n == len(panels) else f"{len(panels)}幅小图中有{n}幅的第一高频词是"
        finding = f"{share}“{term}”。"
    else:
        finding = "各地最常出现的词各不相同。"
    per_place = "；".join(f"{panel.name}为“{row['term']}”（每万词{row['per_10k']:.1f}次）" for panel, row in firsts)
    alt = f"{finding}各地最高频的词：{per_place}。图中{PLACE_NAMES_NOTE}。{tie_note(panels)}{omitted_note(omitted, BY_ARTICLES)}{panel_articles_note(panels)}"

    title = f"各地报道高频词（每万词出现次数，前{top_n}个）"
    with chart_style():
        fig, _ = _draw_term_panels(panels, "per_10k", _notes(PLACE_NAMES_NOTE, tie_note(panels), omitted_note(omitted, BY_ARTICLES)), BLUE, 1)
    table = _term_table(panels, "per_10k", "每万词次数", 1)
    return Chart(slug=slug, title=title, alt=alt, table=table, figure=fig, omitted=omitted)


Z_SIGNIFICANT = load_vocab().report["significant_z"]  # the reference line (metrics.toml)
Z_SIGNIFICANT_NOTE = load_vocab().report["significant_note"]  # and what it means


def significant_share(n_sig: int, n_bars: int, z: float) -> str:
    """How many of the chart's words are significant, as a clause: every one, some, or none."""
    if n_sig == n_bars:
        return f"{n_bars}个词的z值都超过{z}"
    if n_sig:
        return f"{n_bars}个词中有{n_sig}个的z值超过{z}"
    return f"{n_bars}个词的z值都不超过{z}"


def distinctive_terms_chart(
    terms: pd.DataFrame | None,
    *,
    top_n: int = 8,
    max_places: int = 6,
    article_counts: Mapping[str, int] | None = None,
    slug: str = "distinctive-terms-by-place",
) -> Chart | None:
    """Each place's `top_n` terms by log-odds z against the other places (`log_odds_z` of
    `terms.term_counts`), positive z only, with a dashed reference line at metrics.toml's significant_z (about
    the 5% significance level). Places are ordered and capped as in `term_frequency_chart`."""
    panels, omitted = _term_panels(terms, "log_odds_z", top_n, max_places, article_counts)
    if not panels:
        return None
    best_panel, best = min(
        ((panel, row) for panel in panels for _, row in panel.rows.iterrows()),
        key=lambda pr: (-pr[1]["log_odds_z"], pr[0].name, pr[1]["term"]),
    )
    firsts = "；".join(f"{panel.name}为“{panel.rows.iloc[0]['term']}”" for panel in panels)
    n_sig = sum(int((panel.rows["log_odds_z"] > Z_SIGNIFICANT).sum()) for panel in panels)
    n_bars = sum(len(panel.rows) for panel in panels)
    alt = (
        f"与其他地方相比，{best_panel.source}的“{best['term']}”最为突出（z={best['log_odds_z']:.2f}），"
        f"为各地特征词之首。各地最突出的词：{firsts}。"
        f"图中{PLACE_NAMES_NOTE}，{significant_share(n_sig, n_bars, Z_SIGNIFICANT)}（{Z_SIGNIFICANT_NOTE}）。{tie_note(panels)}{omitted_note(omitted, BY_ARTICLES)}"
        f"{panel_articles_note(panels)}"
    )

    title = f"各地特征词（对数优势比z值，前{top_n}个）"
    note = _notes(f"{PLACE_NAMES_NOTE}；虚线：z={Z_SIGNIFICANT}，{Z_SIGNIFICANT_NOTE}", tie_note(panels), omitted_note(omitted, BY_ARTICLES))
    with chart_style():
        fig, axes = _draw_term_panels(panels, "log_odds_z", note, GREEN, 2)
        for ax in axes:
            ax.axvline(Z_SIGNIFICANT, color=INK, linestyle=(0, (4, 3)), linewidth=1, zorder=3)
    table = _term_table(panels, "log_odds_z", "z值", 2)
    return Chart(slug=slug, title=title, alt=alt, table=table, figure=fig, omitted=omitted)


# ---------------------------------------------------------------- renovation scale and funding

# What the charts draw and the words for the keys extract.py writes come from metrics.toml,
# the one source of truth: the scale chart's metrics, in order; the funding metric; statuses
# and funding sources in the order there, with "not stated" last.
_VOCAB = load_vocab()
SCALE_METRICS = tuple(_VOCAB.report["scale_chart"])
FUNDING_METRIC = _VOCAB.funding_metric
STATUS_ORDER = {key: rank for rank, key in enumerate([*(c.key for c in _VOCAB.statuses), ""])}
FUNDING_ORDER = {key: rank for rank, key in enumerate([*(c.key for c in _VOCAB.funding_sources), ""])}
status_label, funding_label, year_label = _VOCAB.status_cell, _VOCAB.funding_cell, _VOCAB.year_label

# Fill, hatch and edge by status. Work done is solid, work to come or under way is patterned
# and lighter, so plan and outcome differ in pattern as well as colour - and every bar's label
# names its status. "pattern" is how the chart's note names the look.
STATUS_STYLE = {
    "cumulative": {"color": BLUE, "hatch": None, "edgecolor": "white", "pattern": "实心"},
    "completed": {"color": SKY, "hatch": None, "edgecolor": "white", "pattern": "实心"},
    "started": {"color": "#9ED9C4", "hatch": "xx", "edgecolor": "#00573F", "pattern": "交叉线"},
    "in_progress": {"color": GREEN, "hatch": "..", "edgecolor": "#00573F", "pattern": "圆点"},
    "committed": {"color": "#D8C4EC", "hatch": "\\\\", "edgecolor": "#5B3A87", "pattern": "反斜线"},
    "secured": {"color": "#F3CFDC", "hatch": "--", "edgecolor": "#8A2D52", "pattern": "横线"},
    "planned": {"color": "#F6D28A", "hatch": "///", "edgecolor": "#9A6200", "pattern": "斜线"},
    "needed": {"color": "white", "hatch": "///", "edgecolor": "#9A6200", "pattern": "空心斜线"},
    "": {"color": "#BBBBBB", "hatch": None, "edgecolor": "white", "pattern": "灰色"},
}


def pattern_note(statuses) -> str:
    """What each bar pattern in a chart means, for the statuses it draws: "实心：累计、已完成；斜线：计划"."""
    done = set(_VOCAB.done_statuses)  # the solid bars first, then the others in the vocabulary's order
    present = sorted(set(statuses), key=lambda s: (s not in done, STATUS_ORDER.get(s, len(STATUS_ORDER))))
    by_pattern: dict[str, list[str]] = {}
    for status in present:
        by_pattern.setdefault(STATUS_STYLE.get(status, STATUS_STYLE[""])["pattern"], []).append(status_label(status))
    return "；".join(f"{pattern}：{'、'.join(labels)}" for pattern, labels in by_pattern.items()) + "。"


def when_label(status: str, year: str) -> str:
    """Year and status together: 2018年起累计, 2023年计划, 已完成, 进度未注明."""
    return f"{year_label(year)}{status_label(status)}"


def scale_table(facts) -> pd.DataFrame:
    """The cells to draw: `aggregate.scale_by_place` over facts given as Fact records, dicts
    or a facts DataFrame - or, passed through unchanged, a table scale_by_place already made."""
    from .aggregate import COLUMNS, scale_by_place

    if facts is None:
        return pd.DataFrame(columns=COLUMNS)
    if isinstance(facts, pd.DataFrame):
        if set(COLUMNS) <= set(facts.columns):
            return facts
        facts = facts.to_dict("records")
    return scale_by_place(facts)


def _metric_label(metric: str) -> tuple[str, str]:
    from .extract import load_vocab

    found = load_vocab().metric(metric)
    return found.label, found.display_unit


def _cells_in_order(cells: pd.DataFrame, group: str) -> pd.DataFrame:
    """Groups (places) by their largest figure, then within a group by `rank`, year and value."""
    biggest = cells.groupby(group)["value"].max()
    return cells.assign(
        _g=cells[group].map(lambda g: -biggest[g]),
        _s=cells["status"].map(lambda s: STATUS_ORDER.get(s, len(STATUS_ORDER))),
        _v=-cells["value"],
    ).sort_values(["_g", group, "_rank", "_s", "year", "_v"], kind="mergesort")


def _status_bars(ax, cells: pd.DataFrame, tick_labels: Sequence[str], *, title: str, xmax: float) -> None:
    """One bar per cell, styled by its status; labels carry the figure as aggregate wrote it."""
    y = list(range(len(cells)))
    for i, (_, cell) in zip(y, cells.iterrows()):
        style = STATUS_STYLE.get(cell["status"], STATUS_STYLE[""])
        bars = ax.barh([i], [cell["value"]], height=0.68, color=style["color"], hatch=style["hatch"],
                       edgecolor=style["edgecolor"], linewidth=0.8 if style["hatch"] else 0)
        texts = ax.bar_label(bars, labels=[cell["display"]], padding=3, fontsize=BASE_SIZE - 1, color=INK)
        for text in texts:
            text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 1.5})
    ax.set_yticks(y, labels=list(tick_labels))
    ax.set_ylim(len(y) - 0.5, -0.5)
    ax.set_xlim(0, xmax * 1.45 if xmax > 0 else 1)  # room for "约4.35万栋"-length labels
    ax.tick_params(axis="y", labelsize=BASE_SIZE - 1)
    _finish_panel(ax, title)


def _rows_by_place(cells: pd.DataFrame) -> pd.DataFrame:
    """The drawn cells in the order of the table beside the chart: a place's rows together,
    places in the order the chart first draws them. In the panels' order 重庆市 came back once
    a panel, and on a phone each return repeats its name on a line of its own."""
    first = {place: i for i, place in reversed(list(enumerate(cells["place"])))}
    return cells.assign(_first=cells["place"].map(first)).sort_values("_first", kind="stable").drop(columns="_first")


def _scale_rows(cells: pd.DataFrame) -> pd.DataFrame:
    """The table beside a scale or funding chart, of cells in `_rows_by_place` order: one row
    per drawn bar, Chinese headers, the figure next to its place and metric (the first columns
    are those a phone shows unscrolled), then its year and status, in the order of the report's
    own table of figures."""
    return pd.DataFrame({
        PLACE_COLUMN: cells["place"].tolist(),
        METRIC_COLUMN: [_metric_label(m)[0] for m in cells["metric"]],
        FIGURE_COLUMN: cells["display"].tolist(),
        YEAR_COLUMN: [year_label(y) for y in cells["year"]],
        STATUS_COLUMN: [status_label(s) for s in cells["status"]],
        FUNDING_COLUMN: [funding_label(s) if m == FUNDING_METRIC else "" for m, s in zip(cells["metric"], cells["funding_source"])],
        "所属省份": cells["province"].tolist(),
        "数值": cells["value"].tolist(),
        "单位": [_metric_label(m)[1] for m in cells["metric"]],
        "来源文章数": cells["n_sources"].astype("int64").tolist(),
        "其他报道数字": cells["other_figures"].tolist(),
    })


def leaders_sentence(findings: Sequence[tuple[str, str, str]]) -> str:
    """(place, metric, figure) of each metric's largest figure, said once per place:
    "楼栋、户数数字最大的都是重庆市（2021—2025年计划约4.35万栋，2018年起累计68万多户）。"."""
    by_place: dict[str, list[tuple[str, str]]] = {}
    for place, label, figure in findings:
        by_place.setdefault(place, []).append((label, figure))
    said = [f"{'、'.join(l for l, _ in items)}数字最大的{'都' if len(items) > 1 else ''}是{place}（{'，'.join(f for _, f in items)}）"
            for place, items in by_place.items()]
    return "；".join(said) + "。" if said else ""


# Inches per bar whose tick label has two lines: two lines of BASE_SIZE - 1 points LINE_SPACING
# apart (0.39 in) and a gap to the next. A round figure: computed (0.4588…), the layout's sums
# came out in the last bits differently from process to process, and with them the SVG's ids.
ROW_TWO_LINES = 0.46


def scale_chart(
    facts,
    *,
    metrics: Sequence[str] = SCALE_METRICS,
    max_places: int = 8,
    slug: str = "renovation-scale-by-place",
) -> Chart | None:
    """One panel per metric (communities, buildings, households, area): a bar per place and
    status-and-year, exactly the cells of `aggregate.scale_by_place` - nothing added up, a
    community's figure never inside its district's, plan and outcome in bars of their own.

    Within a panel places are ordered by their largest figure and capped at `max_places`.
    """
    cells = scale_table(facts)
    cells = cells[cells["metric"].isin(metrics)]
    if cells.empty:
        return None
    rank = {m: i for i, m in enumerate(metrics)}
    panels, findings, omitted_by_metric = [], [], {}
    for metric in sorted(cells["metric"].unique(), key=rank.get):
        ordered = _cells_in_order(cells[cells["metric"] == metric].assign(_rank=0), "place")
        places = list(dict.fromkeys(ordered["place"]))
        shown, omitted = _cap(places, max_places)
        if omitted:
            omitted_by_metric[metric] = omitted
        ordered = ordered[ordered["place"].isin(shown)]
        panels.append((metric, ordered))
        top = ordered.iloc[0]
        label, _ = _metric_label(metric)
        findings.append((top["place"], label, f"{_VOCAB.when(top['status'], top['year'])}{top['display']}"))
    omitted_all = list(dict.fromkeys(p for places in omitted_by_metric.values() for p in places))
    left_out = "；".join(f"{_metric_label(m)[0]}另有{len(o)}个地方{BY_FIGURES}排在后面（{join_names(o)}）" for m, o in omitted_by_metric.items())
    left_out = f"未画出：{left_out}。" if left_out else ""

    alt = leaders_sentence(findings) + "各进度的数字分列，小区和社区的数字不计入所在区县，均未相加。" + left_out

    title = "老旧小区改造规模（按地方）"
    note = pattern_note(pd.concat([o for _, o in panels])["status"]) + "各数字分列，未相加。"
    if left_out:
        note += "\n" + left_out
    with chart_style():
        fig, axes = _new_figure([len(o) * ROW_TWO_LINES / BAR_ROW for _, o in panels], note)
        for ax, (metric, ordered) in zip(axes, panels):
            label, unit = _metric_label(metric)
            ticks = [f"{p}\n{when_label(s, y)}" for p, s, y in zip(ordered["place"], ordered["status"], ordered["year"])]
            _status_bars(ax, ordered, ticks, title=f"{label}（{unit}）", xmax=float(ordered["value"].max()))

    drawn = _rows_by_place(pd.concat([o for _, o in panels]))
    return Chart(slug=slug, title=title, alt=alt, table=_scale_rows(drawn), figure=fig, omitted=omitted_all, cells=drawn)


def funding_chart(
    facts,
    *,
    max_places: int = 6,
    slug: str = "renovation-funding-by-place",
) -> Chart | None:
    """One panel per place: a bar per funding source and status-and-year, in yuan with
    亿元/万元 labels from `aggregate.format_value`. Sources are never added together (a
    total investment and the central subsidy inside it would otherwise count twice)."""
    cells = scale_table(facts)
    cells = cells[cells["metric"] == FUNDING_METRIC]
    if cells.empty:
        return None
    ordered = _cells_in_order(
        cells.assign(_rank=cells["funding_source"].map(lambda s: FUNDING_ORDER.get(s, len(FUNDING_ORDER)))), "place"
    )
    places = list(dict.fromkeys(ordered["place"]))
    shown, omitted = _cap(places, max_places)
    ordered = ordered[ordered["place"].isin(shown)]

    top = ordered.assign(_v=-ordered["value"]).sort_values(["_v", "place"], kind="mergesort").iloc[0]
    per_place = []
    for place in shown[1:]:
        row = ordered[ordered["place"] == place].iloc[0]
        per_place.append(f"{place}{_VOCAB.when(row['status'], row['year'])}{row['display']}（{funding_label(row['funding_source'])}）")
    alt = (
        f"所报资金中数额最大的是{top['place']}{_VOCAB.when(top['status'], top['year'])}的"
        f"{top['display']}（{funding_label(top['funding_source'])}）。"
        + (f"其他地方的最大一笔：{'；'.join(per_place)}。" if per_place else "")
        + "不同来源和进度的资金分列，未相加。"
        + omitted_note(omitted, BY_SUMS)
    )

    title = "老旧小区改造资金（按地方和来源）"
    note = pattern_note(ordered["status"]) + "各笔资金分列，未相加。"
    if omitted:
        note += "\n" + omitted_note(omitted, BY_SUMS)
    with chart_style():
        groups = [ordered[ordered["place"] == p] for p in shown]
        fig, axes = _new_figure([len(g) * ROW_TWO_LINES / BAR_ROW for g in groups], note)
        xmax = float(ordered["value"].max())  # one scale for every place
        for ax, place, group in zip(axes, shown, groups):
            province = group["province"].iloc[0]
            head = with_address(place, province)
            ticks = [f"{funding_label(s)}\n{when_label(st, y)}"
                     for s, st, y in zip(group["funding_source"], group["status"], group["year"])]
            _status_bars(ax, group, ticks, title=head, xmax=xmax)

    drawn = _rows_by_place(ordered)
    return Chart(slug=slug, title=title, alt=alt, table=_scale_rows(drawn), figure=fig, omitted=omitted, cells=drawn)
