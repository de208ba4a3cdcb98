"""The scale table never double counts: no roll-up to parent places, no sum over statuses,
one figure per cell however many articles state it; hedges stay visible."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]

from analysis.aggregate import COLUMNS, KEY, format_value, scale_by_place
from analysis.extract import Fact
from analysis.ingest import read_corpus
from analysis.pipeline import analyse
from analysis.settings import load_settings
from tests.corpus import SEEDS

BASE = Fact(
    article_id="a1", article_url="articles/a1.html", page="p.txt", place="巫山县", province="重庆市",
    metric="households", value=5532, unit="户", printed="5532户", qualifier="exact", status="completed", year="2022",
    funding_source="", sentence="…", anchor="s-0",
)


def fact(**changes) -> Fact:
    # another value is not printed as BASE's 5532户: unknown unless given
    return replace(BASE, **{**({"printed": ""} if "value" in changes else {}), **changes})


def cell(table: pd.DataFrame, **key) -> pd.DataFrame:
    mask = pd.Series(True, index=table.index)
    for column, value in key.items():
        mask &= table[column] == value
    return table[mask]


# --- rule 1: a figure stays at the place it was stated for --------------------------------------


def test_a_community_figure_is_not_added_to_its_district():
    table = scale_by_place([
        fact(place="巫山县", value=5532),
        fact(place="望霞路35号小区", value=213, article_id="a2"),
    ])
    assert sorted(zip(table["place"], table["value"])) == [("巫山县", 5532), ("望霞路35号小区", 213)]
    assert 5532 + 213 not in set(table["value"])


def test_a_district_gets_no_total_from_its_communities_alone():
    table = scale_by_place([fact(place="望霞路35号小区", value=213), fact(place="白驹社区", value=300)])
    assert set(table["place"]) == {"望霞路35号小区", "白驹社区"}


# --- rule 2: statuses are never summed ---------------------------------------------------------


def test_planned_and_completed_are_separate_cells():
    table = scale_by_place([
        fact(metric="communities", value=10, unit="个", status="completed", year="2023"),
        fact(metric="communities", value=57, unit="个", status="planned", year="2023"),
    ])
    assert sorted(zip(table["status"], table["value"])) == [("completed", 10), ("planned", 57)]
    assert 67 not in set(table["value"])


def test_years_and_funding_sources_are_keys_too():
    table = scale_by_place([
        fact(metric="funding_yuan", value=431810000, unit="万元", funding_source="central_subsidy", status="cumulative", year=""),
        fact(metric="funding_yuan", value=90000000, unit="万元", funding_source="owners", status="cumulative", year=""),
        fact(year="2021", value=4000),
        fact(year="2022", value=5532),
    ])
    assert len(table) == 4
    funding = cell(table, metric="funding_yuan")
    assert sorted(funding["funding_source"]) == ["central_subsidy", "owners"]


# --- rule 3: one figure per cell, however many sources --------------------------------------------


def test_the_same_figure_from_several_articles_is_taken_once_with_its_source_count():
    same = dict(place="重庆市", metric="communities", value=2600, unit="个", qualifier="more_than",
                status="cumulative", year="2018-")
    table = scale_by_place([fact(article_id=a, **same) for a in ("a1", "a2", "a3")])
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["value"], row["n_sources"], row["sources"], bool(row["agree"])) == (2600, 3, "a1,a2,a3", True)
    assert row["display"] == "2600余个"


def test_a_figure_repeated_within_one_article_is_one_source():
    table = scale_by_place([fact(), fact(sentence="again"), fact(article_id="a2")])
    assert table["n_sources"].tolist() == [2]


def test_disagreeing_sources_keep_the_majority_figure_and_show_the_others():
    key = dict(place="西工区", metric="communities", unit="个", status="cumulative", year="")
    table = scale_by_place([
        fact(article_id="a1", value=450, qualifier="about", **key),
        fact(article_id="a2", value=460, qualifier="exact", **key),
        fact(article_id="a3", value=450, qualifier="about", **key),
    ])
    row = table.iloc[0]
    assert (row["value"], row["qualifier"], row["display"]) == (450, "about", "约450个")
    assert (bool(row["agree"]), row["other_figures"], row["n_sources"]) == (False, "460个", 3)


def test_on_a_tie_the_first_stated_figure_is_kept():
    key = dict(metric="communities", unit="个")
    table = scale_by_place([fact(article_id="a1", value=10, **key), fact(article_id="a2", value=12, **key)])
    assert table["value"].tolist() == [10]


facts_strategy = st.lists(
    st.builds(
        fact,
        article_id=st.sampled_from(["a1", "a2", "a3"]),
        place=st.sampled_from(["巫山县", "望霞路35号小区", "重庆市"]),
        metric=st.sampled_from(["households", "communities", "funding_yuan"]),
        value=st.integers(min_value=1, max_value=10**9),
        qualifier=st.sampled_from(["exact", "more_than", "about", "nearly", "up_to"]),
        status=st.sampled_from(["", "completed", "planned", "cumulative"]),
        year=st.sampled_from(["", "2022", "2021-2025"]),
    ),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(facts_strategy)
def test_every_cell_holds_a_figure_that_was_stated_for_exactly_that_cell(facts):
    table = scale_by_place(facts)
    stated: dict[tuple, set] = {}
    for f in facts:
        stated.setdefault(tuple(getattr(f, k) for k in KEY), set()).add(f.value)
    assert len(table) == len(stated)
    for row in table.to_dict("records"):
        assert row["value"] in stated[tuple(row[k] for k in KEY)]  # never a sum


# --- display ---------------------------------------------------------------------------------


def test_a_places_rows_follow_the_reading_order_of_metrics():
    table = scale_by_place([fact(metric=m, value=10, unit="个") for m in ("managed_communities", "area_m2", "communities")])
    assert table["metric"].tolist() == ["communities", "area_m2", "managed_communities"]


def test_a_cell_keeps_the_hedge_where_its_figure_was_printed():
    table = scale_by_place([fact(metric="funding_yuan", value=6000000000, unit="亿元", qualifier="more_than", printed="60多亿元")])
    assert table["display"].tolist() == ["60多亿元"]
    # Hedged elsewhere it is another figure: the one most articles print is shown, the other noted.
    stated = [fact(article_id=a, metric="funding_yuan", value=6000000000, unit="亿元", qualifier="more_than", printed=p)
              for a, p in (("a1", "60亿多元"), ("a2", "60多亿元"), ("a3", "60多亿元"))]
    row = scale_by_place(stated).iloc[0]
    assert (row["display"], row["agree"], row["other_figures"]) == ("60多亿元", False, "60亿多元")
    # In the scale it was printed in, so a hedge before 万 stays before it.
    assert format_value(431810000, "funding_yuan", "more_than", printed="43181多万元") == "43181多万元"


def test_a_figure_printed_in_digits_keeps_the_papers_scale():
    # the figure a reader searches for, not the same amount in a larger unit
    assert format_value(431810000, "funding_yuan", printed="43181万元") == "43181万元"
    assert format_value(431810000, "funding_yuan", printed="4.3181亿元") == "4.3181亿元"
    assert format_value(12000, "households", printed="12000户") == "12000户"
    assert format_value(680000, "households", "more_than", printed="68万多户") == "68万多户"
    # unknown, or printed in Chinese numerals: scaled to 万/亿
    assert format_value(431810000, "funding_yuan", printed="") == "4.3181亿元"
    assert format_value(30000, "households", printed="三万户") == "3万户"
    assert format_value(50000000, "funding_yuan", printed="5千万元") == "5000万元"  # 千万 is no scale the report writes
    # a measure word metrics.toml lets through as printed (名 for 人); a noun instead of one is not
    assert format_value(45000, "residents", "more_than", printed="4.5万多名") == "4.5万多名"
    assert format_value(254000, "residents", printed="25.4万老旧小区居民") == "25.4万人"
    assert format_value(3000000, "funding_yuan", printed="3百万元") == "300万元"


def test_more_than_about_and_nearly_stay_visible_in_the_table():
    table = scale_by_place([
        fact(metric="communities", value=2600, unit="个", qualifier="more_than"),
        fact(metric="area_m2", value=100000000, unit="亿平方米", qualifier="about"),
        fact(metric="elevators", value=200, unit="部", qualifier="nearly"),
    ])
    assert sorted(table["display"]) == ["2600余个", "约1亿平方米", "近200部"]


def test_format_value_uses_chinese_large_units():
    assert format_value(431810000, "funding_yuan") == "4.3181亿元"
    assert format_value(592800, "area_m2") == "59.28万平方米"
    assert format_value(2600, "communities", "more_than") == "2600余个"
    assert format_value(100000000, "area_m2", "about") == "约1亿平方米"
    assert format_value(43500, "buildings", "about") == "约4.35万栋"
    assert format_value(680000, "households", "more_than") == "68万余户"
    assert format_value(6000000000, "funding_yuan", "more_than") == "60亿余元"
    # A hedge the paper put before 万 or 亿 stays there: sixty-odd 亿 is not 60亿 and a little.
    assert format_value(6000000000, "funding_yuan", "more_than", printed="60余亿元") == "60余亿元"
    assert format_value(300000, "residents", "more_than", printed="三十余万") == "30余万人"


def test_a_figure_keeps_the_hedge_word_its_digits_are_printed_with():
    # so the figure a reader copies from a table finds its article in search
    assert format_value(2600, "communities", "more_than", printed="2600多个") == "2600多个"
    assert format_value(680000, "households", "more_than", printed="68万多户") == "68万多户"
    assert format_value(3000, "elevators", "more_than", printed="3000余部") == "3000余部"
    # stated by several articles, the figure takes the word most of them print
    stated = [fact(article_id=a, metric="communities", value=2600, unit="个", qualifier="more_than", printed=p)
              for a, p in (("a1", "2600余个"), ("a2", "2600多个"), ("a3", "2600多个"), ("a1", "2600余个"))]
    assert scale_by_place(stated).iloc[0][["display", "agree", "n_sources"]].tolist() == ["2600多个", True, 3]
    # a hedge printed before the figure, or after Chinese numerals, is shown in the table's word
    assert format_value(4000000, "residents", "more_than", printed="超过400万") == "400万余人"
    assert format_value(10, "communities", "more_than", printed="十几个") == "10余个"
    # other qualifiers have no word after the digits to keep
    assert format_value(450, "communities", "about", printed="约450个") == "约450个"
    assert format_value(200, "elevators", "nearly") == "近200部"
    assert format_value(50, "households", "up_to") == "不超过50户"
    assert format_value(5532, "households") == "5532户"
    assert format_value(254000, "residents") == "25.4万人"


def test_empty_input_gives_an_empty_table_with_the_columns():
    table = scale_by_place([])
    assert list(table.columns) == COLUMNS and table.empty


def test_facts_may_be_given_as_dicts():
    table = scale_by_place([fact().to_dict()])
    assert table[["place", "metric", "value", "display"]].values.tolist() == [["巫山县", "households", 5532, "5532户"]]


def test_a_scale_table_cell_links_its_first_sources_and_counts_the_rest():
    from analysis import report

    facts = [fact(article_id=f"a{i}", anchor=f"s-{i}", sentence=f"巫山县第{i}篇说，2022年完成改造5532户。") for i in range(1, report.SOURCES_LINKED + 3)]
    (row,) = report.scale_rows(scale_by_place(facts), facts)
    (cell,) = [c for c in row if "{filename}/articles/" in c]  # the figure's cell
    linked = re.findall(r"\{filename\}/articles/(a\d+)\.md#(s-\d+)", cell)
    assert len(linked) == report.SOURCES_LINKED
    # "[2]" names, for a screen reader, the words of the sentence it leads to
    assert re.search(r'\[\\\[2\\\]<span class="visually-hidden">：“[^<]*第2篇[^<]*5532户[^<]*”</span>\]\(\{filename\}/articles/a2\.md#s-2\)', cell), cell
    assert all(anchor == f"s-{ident[1:]}" for ident, anchor in linked)  # each link to that article's sentence
    assert cell.endswith(f"等 {len(facts)} 篇")


def test_a_scale_table_cell_whose_sources_disagree_names_the_other_figures():
    """The report showed the figure most articles state and nothing of another's."""
    from analysis import report

    facts = [fact(article_id=a, anchor=f"s-{a}", value=v, printed=f"{v}户") for a, v in (("a1", 5532), ("a2", 5532), ("a3", 5600))]
    (row,) = report.scale_rows(scale_by_place(facts), facts)
    (cell,) = [c for c in row if "{filename}/articles/" in c]
    assert "5532户" in cell and cell.endswith("（另有文章作5600户）")
    (agreed,) = report.scale_rows(scale_by_place(facts[:2]), facts[:2])
    assert "另有文章作" not in "".join(agreed)


def test_a_scale_table_cell_quotes_its_figure_as_printed_where_it_writes_it_otherwise():
    """25.4万人 is printed 25.4万老旧小区居民: a reader searching the report's figure found nothing."""
    from analysis import report

    residents = fact(metric="residents", value=254000, printed="25.4万老旧小区居民", anchor="s-1")
    (row,) = report.scale_rows(scale_by_place([residents]), [residents])
    (cell,) = [c for c in row if "{filename}/articles/" in c]
    assert "25.4万人" in cell and cell.endswith("（原文作“25.4万老旧小区居民”）</span>")
    (plain,) = report.scale_rows(scale_by_place([fact(anchor="s-2")]), [fact(anchor="s-2")])
    assert "原文作" not in "".join(plain)  # 5532户 is printed 5532户


def test_a_scale_table_cells_figure_links_a_sentence_stating_it_though_another_was_stated_first():
    """5000户 stated first, 5532户 by two later articles: the cell showed 5532户 linked to the
    5000户 sentence, and called it 5532户（原文作“5000户”）."""
    from analysis import report

    facts = [fact(article_id=a, anchor=f"s-{a}", value=v, printed=f"{v}户") for a, v in (("a1", 5000), ("a2", 5532), ("a3", 5532))]
    (row,) = report.scale_rows(scale_by_place(facts), facts)
    (cell,) = [c for c in row if "{filename}/articles/" in c]
    linked = re.findall(r"\{filename\}/articles/(a\d)\.md#(s-a\d)", cell)
    assert linked[0] == ("a2", "s-a2") and ("a1", "s-a1") in linked  # the figure links a sentence stating it
    assert "原文作" not in cell and cell.endswith("（另有文章作5000户）")
    # a figure whose printed form is unknown gets no note quoting nothing
    unknown = [fact(anchor="s-1", value=5532, printed="")]
    assert "原文作" not in "".join(report.scale_rows(scale_by_place(unknown), unknown)[0])


def test_a_scale_table_cell_with_few_sources_links_them_all():
    from analysis import report

    facts = [fact(article_id=f"a{i}", anchor=f"s-{i}") for i in range(1, 3)]
    (row,) = report.scale_rows(scale_by_place(facts), facts)
    (cell,) = [c for c in row if "{filename}/articles/" in c]
    assert len(re.findall(r"\{filename\}/articles/a\d+\.md#s-\d+", cell)) == 2 and "等" not in cell


@given(facts_strategy)
def test_a_fact_as_a_dict_is_what_dataclasses_asdict_gives(facts):
    from dataclasses import asdict

    assert [f.to_dict() for f in facts] == [asdict(f) for f in facts]
    assert all(list(f.to_dict()) == list(asdict(f)) for f in facts)  # same column order


_cells = st.one_of(st.none(), st.text(alphabet=st.sampled_from('a,"\n 改造区'), max_size=6))


@given(
    st.lists(
        st.tuples(_cells, st.integers(-10**12, 10**12), st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)), st.booleans()),
        max_size=8,
    )
)
def test_a_table_as_csv_is_what_pandas_to_csv_gives(rows):
    from analysis.pages import csv_float, table_csv

    table = pd.DataFrame(rows, columns=["text", "count", "share", "agree"])
    table = table.astype({"text": "string", "count": "int64", "share": "float64"})
    assert table_csv(table) == table.to_csv(index=False, lineterminator="\n", float_format=csv_float)


def test_the_report_tables_as_csv_are_what_pandas_to_csv_gives():
    from analysis.pages import csv_float, table_csv

    analysis = analyse(read_corpus(SEEDS, load_settings()), load_settings())
    for table in (analysis.scale, analysis.terms_by_place, analysis.terms_by_topic):
        assert len(table) > 10
        assert table_csv(table) == table.to_csv(index=False, lineterminator="\n", float_format=csv_float)


def test_figures_keep_every_digit_in_the_scale_table_when_one_figure_has_decimals():
    from analysis.pages import table_csv

    table = scale_by_place([fact(metric="funding_yuan", value=431815000, unit="万元"), fact(metric="pipes_km", value=12.5, unit="公里")])
    assert table["value"].dtype.kind == "f"
    rows = list(csv.DictReader(io.StringIO(table_csv(table))))
    assert sorted(r["value"] for r in rows) == ["12.5", "431815000"]


def test_the_report_names_a_long_list_of_placeless_articles_by_count_and_links_the_first_few():
    from analysis.places import load_gazetteer
    from analysis.report import PLACELESS_LINKED, coverage

    articles = analyse(read_corpus(SEEDS, load_settings()), load_settings()).articles
    advert = next(a for a in articles if not a.places)
    few = coverage(articles, load_gazetteer(), [])
    assert f"未能识别地方的文章：[{advert.title}]" in few
    many = articles + [replace(advert, id=f"copy{i}", title=f"广告{i}") for i in range(PLACELESS_LINKED + 5)]
    line = next(line for line in coverage(many, load_gazetteer(), []).splitlines() if "未能识别地方" in line)
    assert f"共 {PLACELESS_LINKED + 6} 篇" in line
    assert len(re.findall(r"\]\(\{filename\}/articles/", line)) == PLACELESS_LINKED
    assert "({filename}/pages/data.md)" in line and "articles.csv" in line
