"""The number reader: every printed form of a figure in the seed pages and beyond."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]

from analysis.extract import load_vocab
from analysis.numbers import Qualifiers, find_quantities, parse_number

VOCAB = load_vocab()
Q = VOCAB.qualifiers
UNITS = (*VOCAB.units, "份", "块", "岁", "年", "层", "座")


def one(text: str, units=UNITS):
    found = find_quantities(text, Q, units)
    assert len(found) == 1, found
    return found[0]


# (text, value, qualifier) - the whole text is one figure
SINGLE = [
    # Arabic digits, decimals, 万/亿
    ("3.7亿", 370000000, "exact"),
    ("59.28万", 592800, "exact"),
    ("4.35万", 43500, "exact"),
    ("1亿", 100000000, "exact"),
    ("43181万", 431810000, "exact"),
    ("3千万", 30000000, "exact"),
    ("0.5", 0.5, "exact"),
    ("12345", 12345, "exact"),
    # thousands separators
    ("1,200", 1200, "exact"),
    ("12,345.5", 12345.5, "exact"),
    ("1,234,567", 1234567, "exact"),
    # Chinese numerals
    ("十", 10, "exact"),
    ("两", 2, "exact"),
    ("二十六", 26, "exact"),
    ("一百零五", 105, "exact"),
    ("两千", 2000, "exact"),
    ("三千五", 3500, "exact"),
    ("两万五", 25000, "exact"),
    ("十万", 100000, "exact"),
    ("一亿二千万", 120000000, "exact"),
    ("二〇二三", 2023, "exact"),
    ("零", 0, "exact"),
    ("〇", 0, "exact"),
    # more_than
    ("两千余", 2000, "more_than"),
    ("1.5万余", 15000, "more_than"),
    ("30余万", 300000, "more_than"),
    ("三十余万", 300000, "more_than"),
    ("2000万余", 20000000, "more_than"),
    ("68万多", 680000, "more_than"),
    ("2600多", 2600, "more_than"),
    ("三千多万", 30000000, "more_than"),
    ("十几", 10, "more_than"),
    ("超过400万", 4000000, "more_than"),
    ("逾百分之五十", 50, "more_than"),
    ("300以上", 300, "more_than"),
    # about
    ("约450", 450, "about"),
    ("约1亿", 100000000, "about"),
    ("300左右", 300, "about"),
    # nearly
    ("近200", 200, "nearly"),
    ("将近200", 200, "nearly"),
    ("接近200", 200, "nearly"),
    # up_to
    ("不超过50", 50, "up_to"),
    ("最多3", 3, "up_to"),
    ("100以内", 100, "up_to"),
    ("不到30%", 30, "up_to"),
]


@pytest.mark.parametrize("text,value,qualifier", SINGLE, ids=[c[0] for c in SINGLE])
def test_single_figures(text, value, qualifier):
    q = parse_number(text, Q)
    assert q is not None
    assert (q.value, q.qualifier, q.is_range) == (value, qualifier, False)
    assert (q.start, q.end, q.text) == (0, len(text), text)


# (text in a sentence, units, value, qualifier, matched text, unit, multiplier)
IN_CONTEXT = [
    ("发放宣传资料1.5万余份。", "1.5万余份", 15000, "more_than", "份", "万"),
    ("加装近200部电梯", "近200部", 200, "nearly", "部", ""),
    ("改造面积59.28万平方米，", "59.28万平方米", 592800, "exact", "平方米", "万"),
    ("惠及居民68万多户，", "68万多户", 680000, "more_than", "户", "万"),
    ("需投入60多亿元。", "60多亿元", 6000000000, "more_than", "元", "亿"),
    ("面积5000平方米以上的小区", "5000平方米以上", 5000, "more_than", "平方米", ""),
    ("惠及300户左右居民", "300户左右", 300, "about", "户", ""),
    ("涉及约4.35万栋居民楼", "约4.35万栋", 43500, "about", "栋", "万"),
    ("１２００户居民", "１２００户", 1200, "exact", "户", ""),
    # 近 ending another word hedges nothing
    ("小区附近3个停车场", "3个", 3, "exact", "个", ""),
    ("最近2年改造", "2年", 2, "exact", "年", ""),
    ("靠近200户居民", "200户", 200, "exact", "户", ""),
]


@pytest.mark.parametrize("sentence,matched,value,qualifier,unit,multiplier", IN_CONTEXT, ids=[c[1] for c in IN_CONTEXT])
def test_figures_in_a_sentence_keep_their_exact_span_and_unit(sentence, matched, value, qualifier, unit, multiplier):
    q = one(sentence)
    assert (q.value, q.qualifier, q.unit, q.multiplier) == (value, qualifier, unit, multiplier)
    assert q.text == matched == sentence[q.start : q.end]


# (text, low, high, qualifier, unit)
RANGES = [
    ("3至5个", 3, 5, "exact", "个"),
    ("3-5个", 3, 5, "exact", "个"),
    ("3到5个", 3, 5, "exact", "个"),
    ("3～5万", 30000, 50000, "exact", ""),
    ("三至五个", 3, 5, "exact", "个"),
    ("约3至5栋", 3, 5, "about", "栋"),
    # neighbouring digits are a rough range, never a figure to report
    ("三五年", 3, 5, "about", "年"),
    ("八九层", 8, 9, "about", "层"),
    ("七八十年代", 70, 80, "about", "年"),
]


@pytest.mark.parametrize("text,low,high,qualifier,unit", RANGES, ids=[c[0] for c in RANGES])
def test_ranges(text, low, high, qualifier, unit):
    q = one(text)
    assert q.is_range
    assert (q.low, q.high, q.value, q.qualifier, q.unit) == (low, high, low, qualifier, unit)


def test_a_falling_pair_is_two_figures_not_a_range():
    found = find_quantities("5至3个", Q, UNITS)
    assert [(q.value, q.is_range) for q in found] == [(5, False), (3, False)]


PERCENTAGES = [
    ("54%", 54, "exact"),
    ("11.9%", 11.9, "exact"),
    ("54％", 54, "exact"),
    ("百分之九十", 90, "exact"),
    ("百分之五十以上", 50, "more_than"),
    ("超过60%", 60, "more_than"),
]


@pytest.mark.parametrize("text,value,qualifier", PERCENTAGES, ids=[c[0] for c in PERCENTAGES])
def test_percentages(text, value, qualifier):
    q = one(text)
    assert (q.value, q.qualifier, q.percent, q.unit, q.text) == (value, qualifier, True, "%", text)


NOT_FIGURES = [
    "千家万户",  # a word
    "数千名居民",  # several thousand: no figure
    "几十盆鲜花",
    "上百次",
    "好几十",
    "第163次",  # an ordinal
    "第三十三次",
    "十四五",  # a plan's name
    "13800138000",  # a phone number
    "023-68881234",
    "5G",
    "G20",
    "十十",
]


@pytest.mark.parametrize("text", NOT_FIGURES)
def test_words_ordinals_and_codes_are_not_figures(text):
    assert find_quantities(text, Q, UNITS) == []


def test_an_iso_date_is_not_a_range():
    assert all(not q.is_range for q in find_quantities("2021-10-19", Q, UNITS))


def test_several_figures_in_one_sentence_in_order():
    found = find_quantities("2022年，巫山县10个老旧小区，272栋房屋，惠及5532户居民", Q, UNITS)
    assert [(q.value, q.unit) for q in found] == [(2022, "年"), (10, "个"), (272, "栋"), (5532, "户")]


def test_a_list_comma_between_digits_is_not_a_thousands_separator():
    assert [q.value for q in find_quantities("1,2", Q)] == [1, 2]


def test_without_hedging_words_a_hedged_figure_is_not_one_number():
    assert parse_number("1.5万余", Qualifiers()) is None
    assert parse_number("1.5万余", Q).value == 15000


def test_qualifiers_come_from_the_vocabulary():
    assert ("余", "more_than") in Q.infix
    assert ("不超过", "up_to") in Q.prefix and Q.prefix.index(("不超过", "up_to")) < Q.prefix.index(("超过", "more_than"))


# --- properties ------------------------------------------------------------------------------

NUMERALISH = st.text(alphabet="0123456789.,%％-—至到约近余多以上左右内不超过万亿十百千零〇一二两三四五六七八九几数第个户栋元年 ，。")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), NUMERALISH))
def test_never_crashes_and_never_negative(text):
    for q in find_quantities(text, Q, UNITS):
        assert q.value >= 0
        assert q.low is None or q.low >= 0
        assert q.high is None or q.high >= 0
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text


@given(st.integers(min_value=0, max_value=9_999_999_999))
def test_arabic_integers_round_trip(n):
    q = parse_number(str(n), Q)
    assert (q.value, q.qualifier) == (n, "exact")


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_arabic_integers_with_separators_round_trip(n):
    assert parse_number(f"{n:,}", Q).value == n


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_arabic_decimals_round_trip(d):
    assert parse_number(format(d, "f"), Q).value == pytest.approx(float(d))


@given(st.integers(min_value=0, max_value=99_999), st.sampled_from([("万", 10**4), ("亿", 10**8)]))
def test_arabic_with_a_multiplier_round_trips(n, multiplier):
    word, factor = multiplier
    assert parse_number(f"{n}{word}", Q).value == n * factor


_CN_DIGITS = "零一二三四五六七八九"


def _section(n: int) -> str:
    """0 < n < 10000 in standard Chinese, with 零 for skipped places inside."""
    out, gap = "", False
    for size, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // size % 10
        if digit == 0:
            gap = gap or bool(out)
        else:
            out += ("零" if gap else "") + _CN_DIGITS[digit] + unit
            gap = False
    return out


def to_chinese(n: int) -> str:
    if n == 0:
        return "零"
    yi, rest = divmod(n, 10**8)
    wan, ones = divmod(rest, 10**4)
    out = _section(yi) + "亿" if yi else ""
    if wan:
        out += ("零" if yi and wan < 1000 else "") + _section(wan) + "万"
    if ones:
        out += ("零" if (yi or wan) and (ones < 1000 or not wan) else "") + _section(ones)
    return out


def test_chinese_encoder_of_this_test():
    assert [to_chinese(n) for n in (26, 105, 10005, 100001000, 120000000)] == [
        "二十六", "一百零五", "一万零五", "一亿零一千", "一亿二千万"]


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_numerals_round_trip(n):
    q = parse_number(to_chinese(n), Q)
    assert q is not None and q.value == n


@pytest.mark.parametrize(("text", "cut", "kept"), [
    ("改造约1亿平方米", 3, "约1亿平方米"),  # on the figure, after its hedge
    ("改造不超过50户", 3, "不超过50户"),  # inside the hedge: …超过 says the opposite
    ("改造不超过50户", 4, "不超过50户"),
    ("联合附近13个小区", 3, "附近13个小区"),  # inside a word that only ends like a hedge
    ("投资1亿元", 2, "1亿元"),  # no hedge: the cut stays
    ("投资约1亿元", 2, "约1亿元"),  # before the hedge: the cut stays
    ("改造小区", 2, "小区"),  # no figure near
])
def test_a_cut_moves_back_to_the_start_of_the_hedge_of_the_figure_it_falls_on(text, cut, kept):
    from analysis.extract import load_vocab

    assert text[load_vocab().qualifiers.hedge_start(text, cut):] == kept


def test_a_qualifiers_shown_infix_is_the_one_listed_first_whatever_its_length():
    from analysis.numbers import Qualifiers

    table = {"more_than": {"infix": ["余", "多"]}, "long_first": {"infix": ["有余", "余"]}, "exact": {}}
    qualifiers = Qualifiers.from_mapping(table)
    assert [qualifiers.default_infix(q) for q in ("more_than", "long_first", "exact")] == ["余", "有余", ""]
