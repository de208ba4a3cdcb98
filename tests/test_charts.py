"""Charts drawn with real matplotlib and the real CJK font: text stays text, no tofu,
byte-identical files, alt text that states the finding."""
from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.text import Text

from analysis import charts
from analysis.aggregate import format_value, scale_by_place
from analysis.charts import (
    Chart,
    chart_style,
    distinctive_terms_chart,
    font_path,
    funding_chart,
    register_font,
    scale_chart,
    term_frequency_chart,
    wrap,
    write_chart,
)
from analysis.extract import Fact
from analysis.terms import COLUMNS as TERM_COLUMNS
from analysis.text import has_cjk

SVG_NS = "{http://www.w3.org/2000/svg}"


# ---------------------------------------------------------------- hand-made data


def term_table(rows) -> pd.DataFrame:
    """(place, term, count, per_10k, log_odds_z) rows -> a term_counts-shaped table."""
    return pd.DataFrame(
        [(p, t, c, f, 0.0, z) for p, t, c, f, z in rows], columns=TERM_COLUMNS
    ).astype({"count": "int64"})


TERMS = term_table([
    ("重庆市", "老旧小区", 120, 95.5, 1.2),
    ("重庆市", "山城", 40, 31.8, 7.45),
    ("重庆市", "加装电梯", 60, 47.7, 3.1),
    ("重庆市", "居民", 50, 39.8, -2.0),
    ("南通市", "老旧小区", 80, 88.1, 0.4),
    ("南通市", "物业管理", 30, 33.0, 4.2),
    ("南通市", "雨污分流", 12, 13.2, 1.5),
    ("洛阳市", "老旧小区", 30, 70.0, -0.3),
    ("洛阳市", "管网改造", 25, 58.3, 5.0),
    ("洛阳市", "居民", 20, 46.6, 0.9),
])
ARTICLES = {"重庆市": 30, "南通市": 20, "洛阳市": 10}


def fact(place, metric, value, status="completed", year="", qualifier="exact", source="", article="a1", province="重庆市"):
    return Fact(
        article_id=article, article_url=f"articles/{article}.html", page="p.txt", place=place, province=province,
        metric=metric, value=value, unit="", printed="", qualifier=qualifier, status=status, year=year,
        funding_source=source, sentence="…", anchor="s-0",
    )


FACTS = [
    fact("重庆市", "communities", 2600, "cumulative", "2018-", "more_than", article="a4"),
    fact("重庆市", "households", 680000, "cumulative", "2018-", "more_than", article="a4"),
    fact("巫山县", "communities", 57, "planned", "2023"),
    fact("巫山县", "communities", 10, "completed", "2022"),
    fact("巫山县", "households", 5532, "completed", "2022"),
    fact("望霞路35号小区", "households", 213, ""),
    fact("西工区", "communities", 450, "cumulative", qualifier="about", article="a3", province="河南省"),
    fact("巫山县", "funding_yuan", 431810000, "cumulative", source="central_subsidy"),
    fact("巫山县", "funding_yuan", 90000000, "cumulative", source="owners"),
    fact("九龙坡区", "funding_yuan", 6000000000, "planned", "2021-2025", "more_than", article="a4"),
    fact("白驹社区", "funding_yuan", 370000000, "", source="social_capital", article="a4"),
    fact("巫山县", "parking_spaces", 56, "completed"),  # not a scale metric
]


# ---------------------------------------------------------------- helpers


def svg_texts(path: Path) -> list[tuple[str, str]]:
    """(text content, style attribute) of every <text> element of an SVG."""
    root = ET.parse(path).getroot()
    return [("".join(el.itertext()), el.get("style", "")) for el in root.iter(f"{SVG_NS}text")]


def drawn_characters(chart: Chart) -> set[str]:
    return {c for text in chart.texts() for c in text if not c.isspace()}


def render_alone(text: str) -> np.ndarray:
    """Pixels of `text` drawn alone with the charts' font, as a grey array."""
    with chart_style():
        fig = Figure(figsize=(2, 0.6), dpi=100)
        canvas = FigureCanvasAgg(fig)
        fig.text(0.05, 0.3, text, fontsize=20)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[..., :3].mean(axis=2)


def all_charts() -> dict[str, Chart]:
    return {
        "scale": scale_chart(FACTS),
        "funding": funding_chart(FACTS),
        "frequency": term_frequency_chart(TERMS, article_counts=ARTICLES),
        "distinctive": distinctive_terms_chart(TERMS, article_counts=ARTICLES),
    }


# Labels each chart must show as SVG text.
EXPECTED_TEXT = {
    "scale": ["重庆市", "巫山县", "望霞路35号小区", "西工区", "2600余个", "约450个", "57个", "2023年计划", "2022年已完成"],
    "funding": ["巫山县（重庆市）", "九龙坡区（重庆市）", "中央补助", "业主自筹",
                format_value(431810000, "funding_yuan"), "9000万元", "60亿余元"],
    "frequency": ["重庆市（30篇）", "南通市（20篇）", "洛阳市（10篇）", "老旧小区", "管网改造", "95.5"],
    "distinctive": ["重庆市（30篇）", "南通市（20篇）", "洛阳市（10篇）", "山城", "7.45"],
}


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, tuple[Chart, Path, dict]]:
    folder = tmp_path_factory.mktemp("charts")
    out = {}
    for name, chart in all_charts().items():
        assert chart is not None, name
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph … missing from font(s)" is a UserWarning
            files = write_chart(chart, folder)
        out[name] = (chart, folder, files)
    return out


CHART_NAMES = list(EXPECTED_TEXT)


# ---------------------------------------------------------------- fonts


def test_the_chart_font_is_the_mplfonts_file_whatever_the_machine_has():
    import mplfonts

    expected = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    assert register_font() == expected == font_path()
    with chart_style():
        default = font_manager.findfont(font_manager.FontProperties(), fallback_to_default=False)
        by_family = font_manager.findfont(
            font_manager.FontProperties(family=matplotlib.rcParams["font.sans-serif"]), fallback_to_default=False
        )
    assert Path(default) == expected and Path(by_family) == expected
    assert charts.resolved_font() == expected


def test_registering_twice_adds_the_font_once():
    register_font()
    register_font()
    fname = str(font_path())
    names = [e.name for e in font_manager.fontManager.ttflist if e.fname == fname]
    assert len(names) == len(set(names))


def test_chart_style_does_not_leak_into_global_rcparams():
    before = matplotlib.rcParams["font.sans-serif"][:], matplotlib.rcParams["svg.fonttype"]
    term_frequency_chart(TERMS)
    assert (matplotlib.rcParams["font.sans-serif"], matplotlib.rcParams["svg.fonttype"]) == before


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_drawn_character_has_a_glyph_in_the_font(written, name):
    chart, _, _ = written[name]
    cmap = TTFont(font_path(), lazy=True).getBestCmap()
    missing = sorted(c for c in drawn_characters(chart) if ord(c) not in cmap)
    assert not missing
    assert len({c for c in drawn_characters(chart) if "\u4e00" <= c <= "\u9fff"}) > 10  # the check above did see Chinese text


def test_a_label_renders_as_glyphs_not_as_missing_glyph_boxes():
    label = render_alone("老旧小区")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the missing-glyph warning is expected here
        tofu = render_alone("\U000F0000" * 4)
    assert (label < 128).sum() > 50  # ink was drawn
    assert not np.array_equal(label, tofu)
    # Different characters give different shapes; tofu boxes would all look alike.
    assert not np.array_equal(render_alone("老"), render_alone("旧"))


# ---------------------------------------------------------------- the SVG


@pytest.mark.parametrize("name", CHART_NAMES)
def test_svg_keeps_chinese_labels_as_text_and_the_title_in_its_metadata_only(written, name):
    """The page heads the chart with its title; drawn in the image too, a reader saw it twice."""
    chart, folder, files = written[name]
    texts = [t for t, _ in svg_texts(folder / files["svg"])]
    assert not [t for t in texts if chart.title[:6] in t], texts
    titles = ET.parse(folder / files["svg"]).getroot().iter("{http://purl.org/dc/elements/1.1/}title")
    assert chart.title in [t.text for t in titles]
    for label in EXPECTED_TEXT[name]:
        assert label in texts, label
    assert "<path" in (folder / files["svg"]).read_text("utf-8")  # bars are still drawn


@pytest.mark.parametrize("name", CHART_NAMES)
def test_svg_names_the_cjk_font_stack_and_no_bold(written, name):
    _, folder, files = written[name]
    styles = [s for _, s in svg_texts(folder / files["svg"])]
    assert styles
    for style in styles:
        assert "'Noto Sans CJK SC'" in style
        assert "'PingFang SC'" in style and "'Microsoft YaHei'" in style
        assert style.rstrip(";").split("font-family:")[1].split(";")[0].strip().endswith("sans-serif")
        assert "font-weight" not in style


@pytest.mark.parametrize("name", CHART_NAMES)
def test_svg_metadata_has_title_and_alt_but_no_date(written, name):
    chart, folder, files = written[name]
    svg = (folder / files["svg"]).read_text("utf-8")
    assert "<dc:date>" not in svg
    assert chart.alt.split("。")[0] in svg


# ---------------------------------------------------------------- rasterised

RASTER_DPI = 150


@pytest.mark.parametrize("name", CHART_NAMES)
def test_rasterised_with_the_chart_style_the_first_panel_title_has_ink(written, name, tmp_path):
    """The bundled CJK font draws the first panel's title, at the top of the figure (a missing
    font draws empty boxes or nothing)."""
    chart, _, _ = written[name]
    with charts.chart_style():
        chart.figure.savefig(tmp_path / "chart.png", format="png", dpi=RASTER_DPI)
    pixels = imread(tmp_path / "chart.png")
    assert pixels.shape[1] == round(chart.figure.get_figwidth() * RASTER_DPI)
    title_band = pixels[: int(0.35 * RASTER_DPI), :, :3]  # the first panel's title
    assert (title_band.mean(axis=2) < 0.5).sum() > 200


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("name", CHART_NAMES)
def test_writing_the_same_data_twice_gives_identical_bytes(written, tmp_path, name):
    _, folder, files = written[name]
    again = all_charts()[name]
    files2 = write_chart(again, tmp_path)
    assert files2 == files
    for kind in ("svg", "csv"):
        assert (tmp_path / files2[kind]).read_bytes() == (folder / files[kind]).read_bytes(), kind


def test_row_order_of_the_input_does_not_change_the_output(tmp_path):
    shuffled = TERMS.sample(frac=1, random_state=7).reset_index(drop=True)
    a = write_chart(term_frequency_chart(TERMS), tmp_path / "a")
    b = write_chart(term_frequency_chart(shuffled), tmp_path / "b")
    for kind in ("svg", "csv"):
        assert (tmp_path / "a" / a[kind]).read_bytes() == (tmp_path / "b" / b[kind]).read_bytes()


@pytest.mark.parametrize("name", CHART_NAMES)
def test_files_are_named_after_an_ascii_slug_and_csv_is_utf8_marked_for_excel(written, name):
    chart, folder, files = written[name]
    assert chart.slug.isascii() and chart.slug.replace("-", "").isalnum()
    assert files == {"svg": f"{chart.slug}.svg", "csv": f"{chart.slug}.csv"}
    raw = (folder / files["csv"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1  # without it Excel shows mojibake
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert header == list(chart.table.columns) and all(has_cjk(h) for h in header)


@pytest.mark.parametrize("name", CHART_NAMES)
def test_figures_fit_a_phone_column(written, name):
    chart, _, _ = written[name]
    assert chart.figure.get_figwidth() <= 4.5
    sizes = {t.get_fontsize() for t in chart.figure.findobj(Text) if t.get_text()}
    assert min(sizes) >= 9


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_text_of_a_chart_stays_inside_its_width(written, name):
    """The funding chart's note, 实心：累计；空心斜线：需投入；反斜线：签约或授信；灰色：…, ran past
    the figure's right edge, which cut off the key to its grey bars."""
    chart, _, _ = written[name]
    figure = chart.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    width = figure.bbox.width
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts
    for text in texts:
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= width, (text.get_text(), box.x1, width)


def test_a_long_note_is_wrapped_inside_the_chart():
    from analysis.charts import _new_figure

    note = "实心：累计；空心斜线：需投入；反斜线：签约或授信；灰色：进度未注明。各笔资金分列，未相加。"
    with charts.chart_style():
        fig, _ = _new_figure([2], note)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for text in fig.findobj(Text):
            if text.get_text().strip():
                assert text.get_window_extent(renderer).x1 <= fig.bbox.width, text.get_text()


@pytest.mark.parametrize("name", CHART_NAMES)
def test_a_two_line_bar_label_has_its_lines_apart_and_clear_of_its_neighbours(written, name):
    """巫山县 over 2023年计划: matplotlib's own line spacing (a label 2.4 font sizes tall) packs
    the two lines of Chinese tight on a phone; they are drawn further apart, and every label
    stays clear of the ones above and below it."""
    chart, _, _ = written[name]
    figure = chart.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    two_line = 0
    for ax in figure.axes:
        labels = [(t, t.get_window_extent(renderer), t.get_fontsize() * figure.dpi / 72) for t in ax.get_yticklabels() if t.get_text()]
        for text, box, size in labels:
            if "\n" in text.get_text():
                assert box.height >= 2.6 * size, text.get_text()
                two_line += 1
        top_down = sorted(labels, key=lambda label: -label[1].y1)
        for (_, upper, size), (_, lower, _) in zip(top_down, top_down[1:]):
            assert upper.y0 - lower.y1 >= 0.5 * size
    assert two_line > 3 or name not in ("scale", "funding")


# ---------------------------------------------------------------- term charts


def test_term_frequency_keeps_the_top_terms_per_place_in_order():
    chart = term_frequency_chart(TERMS, top_n=2, article_counts=ARTICLES)
    assert chart.table.to_dict("list") == {
        "地方": ["重庆市", "重庆市", "南通市", "南通市", "洛阳市", "洛阳市"],
        "词语": ["老旧小区", "加装电梯", "老旧小区", "物业管理", "老旧小区", "管网改造"],
        "出现次数": [120, 60, 80, 30, 30, 25],
        "每万词次数": [95.5, 47.7, 88.1, 33.0, 70.0, 58.3],
    }


def test_term_frequency_alt_states_the_shared_leading_term_and_numbers():
    chart = term_frequency_chart(TERMS, article_counts=ARTICLES)
    assert chart.alt.startswith("全部3幅小图的第一高频词都是“老旧小区”。")
    two = term_frequency_chart(TERMS, article_counts=ARTICLES, top_n=1, max_places=2)
    assert two.alt.startswith("全部2幅小图的第一高频词都是“老旧小区”。")
    rows = [(r.place, r.term, r.count, r.per_10k, r.log_odds_z) for r in TERMS.itertuples()]
    other = term_table([*rows, ("北碚区", "文明", 50, 99.0, 3.0)])
    assert term_frequency_chart(other, article_counts={**ARTICLES, "北碚区": 5}).alt.startswith(
        "4幅小图中有3幅的第一高频词是“老旧小区”。")
    assert "重庆市为“老旧小区”（每万词95.5次）" in chart.alt
    assert "条形图" not in chart.alt and "bar" not in chart.alt.lower()


def test_distinctive_terms_are_positive_only_and_the_alt_names_the_strongest():
    chart = distinctive_terms_chart(TERMS, article_counts=ARTICLES)
    assert (chart.table["z值"] > 0).all()
    assert "居民" not in chart.table[chart.table["地方"] == "重庆市"]["词语"].tolist()
    # what the strongest word rests on: a place of one article can have a large z
    assert chart.alt.startswith("与其他地方相比，重庆市（30篇文章）的“山城”最为突出（z=7.45）")
    # 山城 7.45, 加装电梯 3.1, 物业管理 4.2, 管网改造 5.0 clear 1.96; of 8 bars
    assert "8个词中有4个的z值超过1.96" in chart.alt
    # each word tested alone: the alt and the line's note say so, not a 95% level for the lot
    assert f"（{charts.Z_SIGNIFICANT_NOTE}）" in chart.alt and "未校正多重比较" in charts.Z_SIGNIFICANT_NOTE
    assert charts.Z_SIGNIFICANT_NOTE in "".join(chart.texts()).replace("\n", "")
    from analysis.charts import significant_share
    assert significant_share(48, 48, 1.96) == "48个词的z值都超过1.96"
    assert significant_share(0, 8, 1.96) == "8个词的z值都不超过1.96"
    assert "7.45" in chart.texts()  # a bar's label as precise as the table's (7.45, not 7.5)


def test_distinctive_chart_draws_the_reference_line():
    chart = distinctive_terms_chart(TERMS)
    for ax in chart.figure.axes:
        xs = [line.get_xdata()[0] for line in ax.get_lines()]
        assert charts.Z_SIGNIFICANT in xs
    assert "1.96" in "".join(chart.texts())


def test_places_are_capped_by_article_count_and_the_left_out_are_named():
    chart = term_frequency_chart(TERMS, max_places=2, article_counts=ARTICLES)
    assert chart.table["地方"].unique().tolist() == ["重庆市", "南通市"]
    assert chart.omitted == ["洛阳市"]
    assert "另有1个地方按文章篇数和词数排在后面，未画出：洛阳市" in chart.alt
    assert len(chart.figure.axes) == 2
    # without article counts the places with the most words come first
    assert term_frequency_chart(TERMS, max_places=1).table["地方"].unique().tolist() == ["重庆市"]
    # of places with as many articles, the one with more words: not the first name in code point order
    tied = term_frequency_chart(TERMS, max_places=1, article_counts={"重庆市": 1, "南通市": 1, "洛阳市": 1})
    assert tied.table["地方"].unique().tolist() == ["重庆市"] and "南通市" < "重庆市"


def test_ties_break_on_the_term_so_order_never_depends_on_input():
    tied = term_table([("甲市", "物业", 5, 10.0, 3.0), ("甲市", "电梯", 5, 10.0, 3.0), ("甲市", "管网", 5, 10.0, 3.0)])
    for frame in (tied, tied.iloc[::-1], tied.iloc[[1, 2, 0]]):
        assert term_frequency_chart(frame).table["词语"].tolist() == ["物业", "电梯", "管网"]  # code point order
        assert distinctive_terms_chart(frame).table["词语"].tolist() == ["物业", "电梯", "管网"]


@pytest.mark.parametrize("make", [term_frequency_chart, distinctive_terms_chart])
def test_a_word_chart_says_what_its_panels_article_counts_count(make):
    """北碚区（5篇） in the chart, 6 篇 on its page: the caption says which articles a panel rests on."""
    counted = make(TERMS, article_counts=ARTICLES)
    assert "重庆市（30篇" in "".join(counted.texts()) and counted.alt.endswith(f"{charts.PANEL_ARTICLES_NOTE}。")
    assert charts.PANEL_ARTICLES_NOTE not in make(TERMS).alt  # no count on the panels, nothing to explain


@pytest.mark.parametrize("make", [term_frequency_chart, distinctive_terms_chart])
def test_words_tied_with_the_last_bar_and_left_out_are_named(make):
    """管理, 行动 and 责任 had 6 occurrences each in 南通市; the chart drew 管理 and said nothing of the others."""
    tied = term_table([("甲市", "改造", 9, 30.0, 5.0), ("甲市", "物业", 5, 10.0, 3.0), ("甲市", "电梯", 5, 10.0, 3.0),
                       ("甲市", "管网", 5, 10.0, 3.0), ("甲市", "小区", 2, 4.0, 1.0)])
    chart = make(tied, top_n=2)
    assert chart.table["词语"].tolist() == ["改造", "物业"]
    note = "与末位并列而未画出的词：甲市的“电梯”“管网”。"
    assert note in chart.alt and note in "".join(chart.texts()).replace("\n", "")
    # a cut between unequal words leaves nothing unsaid
    assert "并列" not in make(tied, top_n=1).alt and "并列" not in make(tied, top_n=4).alt
    # many tied words are counted past the first few: 17 of them ran the note down the chart
    many = term_table([("甲市", "改造", 9, 30.0, 5.0), *(("甲市", f"词{i:02d}", 5, 10.0, 3.0) for i in range(12))])
    assert "与末位并列而未画出的词：甲市的“词02”“词03”“词04”等10个。" in make(many, top_n=3).alt
    # places of the same bars but other words tied with the last do not share a panel
    split = term_table([*((p, "改造", 9, 30.0, 5.0) for p in ("甲市", "乙市")), ("甲市", "物业", 5, 10.0, 3.0),
                        ("乙市", "物业", 5, 10.0, 3.0), ("甲市", "电梯", 5, 10.0, 3.0)])
    assert sorted(make(split, top_n=2).table["地方"].unique()) == ["乙市", "甲市"] and len(make(split, top_n=2).figure.axes) == 2


@pytest.mark.parametrize("make", [term_frequency_chart, distinctive_terms_chart])
def test_no_data_gives_no_chart(make):
    assert make(pd.DataFrame(columns=TERM_COLUMNS)) is None
    assert make(None) is None


def test_only_negative_or_undefined_z_gives_no_distinctive_chart():
    table = term_table([("甲市", "物业", 5, 10.0, -1.0), ("乙市", "电梯", 5, 10.0, float("nan"))])
    assert distinctive_terms_chart(table) is None
    assert term_frequency_chart(table) is not None


def test_a_figure_drawn_outside_the_chart_style_still_uses_the_cjk_font(tmp_path):
    chart = scale_chart(FACTS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart.figure.savefig(tmp_path / "plain.png")  # the process-wide rcParams, not chart_style


# ---------------------------------------------------------------- renovation scale


def test_scale_alt_states_the_largest_place_and_figure():
    chart = scale_chart(FACTS)
    assert chart.alt.startswith("改造小区、惠及户数数字最大的都是重庆市（2018年起累计2600余个，2018年起累计68万余户）")
    assert chart.alt.count("重庆市") == 1  # a place leading several metrics is named once


def test_a_place_leading_several_metrics_is_named_once():
    from analysis.charts import leaders_sentence

    said = leaders_sentence([("重庆市", "楼栋", "约4.35万栋"), ("巫山县", "户数", "5532户"), ("重庆市", "改造面积", "约1亿平方米")])
    assert said == "楼栋、改造面积数字最大的都是重庆市（约4.35万栋，约1亿平方米）；户数数字最大的是巫山县（5532户）。"
    assert leaders_sentence([]) == ""


def test_scale_keeps_every_cell_apart_and_adds_nothing():
    table = scale_chart(FACTS).table
    wushan = table[(table["地方"] == "巫山县") & (table["指标"] == "改造小区")]
    assert sorted(zip(wushan["进度"], wushan["数值"])) == [("已完成", 10), ("计划", 57)]
    assert 67 not in set(table["数值"])  # plan and outcome never summed
    assert 5532 + 213 not in set(table["数值"])  # the community stays out of its county
    assert "停车位" not in set(table["指标"])
    assert table.columns.tolist() == [
        "地方", "指标", "数字", "年份", "进度", "资金来源", "所属省份", "数值", "单位", "来源文章数", "其他报道数字"]


def test_the_scale_tables_rows_of_a_place_come_together_in_the_order_the_chart_draws_them():
    """The panels go metric by metric; the table goes place by place, so a phone (which sets
    each place on a line above its rows) names 重庆市 once, not once a panel."""
    table = scale_chart(FACTS).table
    places = table["地方"].tolist()
    blocks = [place for i, place in enumerate(places) if i == 0 or places[i - 1] != place]
    assert blocks == list(dict.fromkeys(places)) == ["重庆市", "西工区", "巫山县", "望霞路35号小区"]
    chongqing = table[table["地方"] == "重庆市"]
    assert chongqing["指标"].tolist() == ["改造小区", "惠及户数"]  # within a place, the panels' order


def test_scale_labels_come_from_aggregate_format_value():
    table = scale_chart(FACTS).table
    assert set(table["数字"]) == {
        format_value(2600, "communities", "more_than"), format_value(450, "communities", "about"),
        format_value(57, "communities"), format_value(10, "communities"),
        format_value(680000, "households", "more_than"), format_value(5532, "households"), format_value(213, "households"),
    }
    assert "2600余个" in set(table["数字"])


def test_panels_are_one_per_metric_and_places_go_largest_first():
    chart = scale_chart(FACTS)
    assert len(chart.figure.axes) == 2  # communities, households; no buildings or area given
    assert chart.table[chart.table["指标"] == "改造小区"]["地方"].tolist() == ["重庆市", "西工区", "巫山县", "巫山县"]


def test_planned_bars_differ_by_hatch_not_only_by_colour():
    chart = scale_chart(FACTS)
    bars = [p for ax in chart.figure.axes for p in ax.patches]
    hatched = [p for p in bars if p.get_hatch()]
    assert len(bars) == len(chart.table)
    assert len(hatched) == (chart.table["进度"] == "计划").sum() == 1
    # and the tick label of each bar names its status
    assert "巫山县\n2023年计划" in chart.texts()


def test_scale_caps_places_per_panel_and_says_which_were_left_out():
    many = [fact(f"{name}区", "communities", 100 - i, "completed", "2022") for i, name in enumerate("甲乙丙丁戊己庚")]
    chart = scale_chart(many, max_places=5)
    assert chart.table["地方"].tolist() == ["甲区", "乙区", "丙区", "丁区", "戊区"]
    assert chart.omitted == ["己区", "庚区"]
    assert "未画出：改造小区另有2个地方按数字大小排在后面（己区和庚区）" in chart.alt


def test_scale_and_funding_accept_facts_as_a_dataframe_or_the_aggregated_table():
    frame = pd.DataFrame([f.to_dict() for f in FACTS])
    aggregated = scale_by_place(FACTS)
    for make in (scale_chart, funding_chart):
        expected = make(FACTS)
        for data in (frame, [f.to_dict() for f in FACTS], aggregated):
            chart = make(data)
            assert chart.table.equals(expected.table) and chart.alt == expected.alt


# ---------------------------------------------------------------- funding


def test_funding_alt_states_the_largest_sum_and_where():
    chart = funding_chart(FACTS)
    assert chart.alt.startswith("所报资金中数额最大的是九龙坡区2021—2025年计划的60亿余元（来源未注明）。")
    assert f"巫山县累计{format_value(431810000, 'funding_yuan')}（中央补助）" in chart.alt


def test_funding_sources_are_separate_bars_with_chinese_units():
    chart = funding_chart(FACTS)
    wushan = chart.table[chart.table["地方"] == "巫山县"]
    assert wushan[["资金来源", "数字"]].values.tolist() == [
        ["中央补助", format_value(431810000, "funding_yuan")], ["业主自筹", format_value(90000000, "funding_yuan")]]
    assert chart.table["数字"].str.contains(r"[亿万]余?元$").all()
    assert 431810000 + 90000000 not in set(chart.table["数值"])
    assert len(chart.figure.axes) == 3  # one panel per place: 九龙坡区, 巫山县, 白驹社区


# ---------------------------------------------------------------- empty input


@pytest.mark.parametrize("make", [scale_chart, funding_chart])
def test_no_facts_gives_no_chart(make):
    assert make([]) is None
    assert make(None) is None
    assert make(pd.DataFrame(columns=list(Fact.__dataclass_fields__))) is None
    assert make([fact("巫山县", "parking_spaces", 56)]) is None  # facts, but none this chart shows


# ---------------------------------------------------------------- helpers


def test_wrap_keeps_numbers_whole_and_punctuation_off_line_starts():
    # "：" hangs at the end of the line rather than taking 出 with it to the next
    assert wrap("另有3个地方因篇幅未列出：甲、乙", 6).split("\n") == ["另有3个地方", "因篇幅未列出：", "甲、乙"]
    # a line ends after a clause or a name late in it, not inside the word after
    assert wrap("实心：累计；交叉线：已启动。各数字分列，未相加。", 16).split("\n") == ["实心：累计；交叉线：已启动。", "各数字分列，未相加。"]
    assert wrap("未画出：北京市、南宁市、拉萨市", 10).split("\n") == ["未画出：北京市、", "南宁市、拉萨市"]
    # a mark hanging at the very end of the text
    assert wrap("一二三。", 3) == "一二三。" and wrap("一二三四五六。", 3).split("\n") == ["一二三", "四五六。"]
    assert all(len(line) <= 6 for line in wrap("一二三四五2600余个", 6).split("\n"))
    assert "2600余" in wrap("一二三四五2600余个", 6).replace("\n", "|").split("|")[1]
    assert all("2600余" in wrap("改造老旧小区2600余个", width) for width in range(5, 12))


def test_places_with_identical_counts_share_one_panel():
    # a city whose only reporting district is itself: same articles, same counts
    rows = [("南通市", "改造", 55, 437.1, 3.4), ("南通市", "安全", 23, 185.4, 2.3),
            ("崇川区", "改造", 55, 437.1, 3.4), ("崇川区", "安全", 23, 185.4, 2.3),
            ("巫山县", "建设", 34, 289.1, 4.8)]
    table = term_table(rows)
    chart = term_frequency_chart(table, article_counts={"南通市": 13, "崇川区": 13, "巫山县": 20})
    assert len(chart.figure.axes) == 2
    assert "南通市、崇川区（13篇，数字相同）" in chart.texts() and "巫山县（20篇）" in chart.texts()
    assert chart.table["地方"].tolist() == ["巫山县", "南通市", "南通市", "崇川区", "崇川区"]
    assert "南通市、崇川区为“改造”（每万词437.1次）" in chart.alt
    # set against the same rest of the corpus, they have the same z too: one panel there as well
    assert len(distinctive_terms_chart(table).figure.axes) == 2
    apart = term_table([*rows[:2], ("崇川区", "改造", 55, 437.1, 4.0), ("崇川区", "安全", 23, 185.4, 3.1), rows[4]])
    assert len(distinctive_terms_chart(apart).figure.axes) == 3  # only panels that are the same are shared


def test_a_shared_panel_names_its_places_from_the_province_down():
    """Not in the order of their names' characters, which gave 南通市、崇川区、江苏省."""
    rows = [(place, term, 55 - n, 437.1 - n, 3.4) for place in ("崇川区", "江苏省", "南通市") for n, term in enumerate(["改造", "安全"])]
    chart = term_frequency_chart(term_table(rows), article_counts={"崇川区": 13, "江苏省": 13, "南通市": 13})
    assert "江苏省、南通市、崇川区（13篇，数字相同）" in chart.texts()
    assert chart.table["地方"].tolist() == ["江苏省", "江苏省", "南通市", "南通市", "崇川区", "崇川区"]


def test_every_status_has_a_bar_style_and_the_note_names_the_patterns_drawn():
    from analysis.charts import STATUS_STYLE, pattern_note
    from analysis.extract import load_vocab

    assert {c.key for c in load_vocab().statuses} | {""} == set(STATUS_STYLE)
    assert pattern_note(["planned", "completed", "cumulative", "completed"]) == "实心：累计、已完成；斜线：计划。"
    assert pattern_note(["started", ""]) == "交叉线：已启动；灰色：进度未注明。"


# ---------------------------------------------------------------- drawn beside the build


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_charts_drawn_in_their_own_process_are_the_charts_drawn_here(tmp_path):
    from collections import Counter
    from analysis.build import ChartDrawer, draw_charts

    counts = Counter(ARTICLES)
    (tmp_path / "here").mkdir()
    (tmp_path / "there").mkdir()
    here = draw_charts(FACTS, TERMS, counts, tmp_path / "here")
    drawer = ChartDrawer()
    there = drawer.draw(FACTS, TERMS, counts, tmp_path / "there")
    assert not drawer.process.is_alive() and drawer.process.exitcode == 0  # it ends with its one drawing
    assert [(c.slug, c.title, c.alt, c.svg, c.csv, c.places) for c in there] == [(c.slug, c.title, c.alt, c.svg, c.csv, c.places) for c in here]
    assert len(there) == 4 and all(a.table.equals(b.table) for a, b in zip(there, here))
    assert folder_bytes(tmp_path / "there") == folder_bytes(tmp_path / "here")


def test_a_chart_that_fails_to_draw_raises_its_own_error_in_the_build_process(tmp_path, monkeypatch):
    import analysis.build as build_module

    def broken(*args, **kwargs):
        raise ValueError("no room for the legend")

    monkeypatch.setattr(build_module, "draw_charts", broken)  # before the fork: the child draws with it
    drawer = build_module.ChartDrawer()
    with pytest.raises(ValueError, match="no room for the legend"):
        drawer.draw(FACTS, TERMS, {}, tmp_path)
    assert not drawer.process.is_alive()


def test_a_drawing_process_that_dies_is_reported_not_waited_for(tmp_path):
    import os
    import signal

    from analysis.build import ChartDrawer

    drawer = ChartDrawer()
    os.kill(drawer.process.pid, signal.SIGKILL)
    with pytest.raises(RuntimeError, match="ended with status -9 before it drew them"):
        drawer.draw(FACTS, TERMS, {}, tmp_path)


def test_a_build_leaves_no_drawing_process_behind_whether_it_drew_or_found_the_charts_drawn(tmp_path):
    import multiprocessing

    from analysis.build import Progress, build
    from tests.corpus import ROOT, SEEDS

    for _ in range(2):  # the second finds nothing changed: its drawer is let go unused
        build(SEEDS, tmp_path / "out", tmp_path / "work", ROOT / "pelicanconf.py", progress=Progress(quiet=True))
        assert multiprocessing.active_children() == []
    assert len(list((tmp_path / "out" / "charts").glob("*.svg"))) == 4


# ---------------------------------------------------------------- two processes drawing


@pytest.fixture
def copies(monkeypatch):
    """The pids of the processes `share_out` forks, to check each was waited for."""
    import os

    forked, fork = [], os.fork

    def recording_fork():
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    return forked


def reaped(pid: int) -> bool:
    import os

    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def wait_for(path: Path, seconds: float = 60) -> None:
    """Until `path` exists: the other process has taken a task (a rendezvous, not a timing)."""
    import time

    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.01)


def test_tasks_shared_out_are_run_by_both_processes_and_return_in_their_order(tmp_path, copies):
    import os

    from analysis.build import share_out

    here, started = os.getpid(), tmp_path / "copy-started"

    def task(i):
        if os.getpid() == here:
            wait_for(started)  # so the copy takes a task before this process has taken them all
        else:
            started.touch()
        return i, os.getpid()

    results = share_out([lambda i=i: task(i) for i in range(6)], range(5, -1, -1))
    assert [i for i, _ in results] == list(range(6))
    assert {pid for _, pid in results} == {here, *copies} and len(copies) == 1
    assert reaped(copies[0])


def test_one_task_is_run_here_without_a_copy(copies):
    from analysis.build import share_out

    assert share_out([lambda: "一"], [0]) == ["一"] and share_out([], []) == [] and copies == []


def test_an_error_in_the_forked_copy_is_raised_here_as_itself_with_its_traceback(tmp_path, copies):
    import os

    from analysis.build import share_out

    here, started = os.getpid(), tmp_path / "copy-started"

    def lookup():
        if os.getpid() != here:
            started.touch()
            raise KeyError("人口")
        wait_for(started)

    with pytest.raises(KeyError, match="人口") as raised:
        share_out([lookup] * 4, range(4))
    assert any("raised in the forked process" in note and "in lookup" in note for note in raised.value.__notes__)
    assert reaped(copies[0])


class Unpicklable(Exception):  # at module level, so that only its __reduce__ stops pickle
    def __reduce__(self):
        raise TypeError("cannot pickle this error")


class Unrebuildable(Exception):
    def __init__(self, what, where):  # unpickling calls it with the message alone
        super().__init__(f"{what} at {where}")


def test_an_error_that_does_not_pickle_or_unpickle_comes_back_as_its_traceback(tmp_path):
    import os
    import pickle

    from analysis.build import share_out

    with pytest.raises(TypeError):
        pickle.loads(pickle.dumps(Unrebuildable("legend has no room", "the top")))
    for error in (Unpicklable("legend has no room"), Unrebuildable("legend has no room", "the top")):
        here, started = os.getpid(), tmp_path / f"started-{type(error).__name__}"

        def fails(error=error, started=started):
            if os.getpid() != here:
                started.touch()
                raise error
            wait_for(started)

        with pytest.raises(RuntimeError, match=f"(?s){type(error).__name__}: legend has no room"):
            share_out([fails] * 4, range(4))


def test_a_forked_copy_that_dies_is_reported_with_its_status(tmp_path, copies):
    import os

    from analysis.build import share_out

    here, started = os.getpid(), tmp_path / "copy-started"

    def dies():
        if os.getpid() != here:
            started.touch()
            os._exit(5)
        wait_for(started)

    with pytest.raises(RuntimeError, match="ended with status 5 before it replied"):
        share_out([dies] * 4, range(4))
    assert reaped(copies[0])


def test_an_error_here_ends_the_copy_at_once(tmp_path, copies):
    import os
    import time

    from analysis.build import share_out

    here, started, finished = os.getpid(), tmp_path / "copy-started", tmp_path / "copy-finished"

    def fails_here():
        if os.getpid() == here:
            wait_for(started)  # the copy is at work
            raise ValueError("here")
        started.touch()
        time.sleep(2)  # it would go on after the error
        finished.touch()

    with pytest.raises(ValueError, match="here"):
        share_out([fails_here] * 4, range(4))
    assert reaped(copies[0])
    time.sleep(2.5)
    assert not finished.exists()  # ended, not waited for


def test_the_forked_copy_ends_when_the_process_that_forked_it_is_killed(tmp_path):
    import multiprocessing
    import os
    import signal
    import time

    from analysis.build import share_out

    def task(i):
        (tmp_path / f"started-{i}").touch()
        wait_for(tmp_path / f"started-{1 - i}")
        time.sleep(2)
        (tmp_path / f"finished-{i}").touch()

    def shares():
        share_out([lambda i=i: task(i) for i in range(2)], range(2))

    process = multiprocessing.get_context("fork").Process(target=shares)
    process.start()
    for i in range(2):
        wait_for(tmp_path / f"started-{i}")
    os.kill(process.pid, signal.SIGKILL)
    process.join()
    time.sleep(2.5)
    assert not list(tmp_path.glob("finished-*"))
