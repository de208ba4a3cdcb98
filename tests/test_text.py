"""The character-level helpers every stage shares (analysis/text.py)."""
from __future__ import annotations

import pytest

from analysis.text import cut_outside_figures

SENTENCE = "截至9月底专项调度下达7亿元资金，2000年以前修建的小区增长50%以上，G20峰会"


def cut(text: str, start: int, end: int) -> str:
    start, end = cut_outside_figures(text, start, end)
    return text[start:end]


@pytest.mark.parametrize(("start", "end", "kept"), [
    (0, 12, "截至9月底专项调度下达"),  # 下达7|亿元: the figure goes, not its unit alone
    (0, 11, "截至9月底专项调度下达"),  # a cut before the figure stays
    (0, 13, "截至9月底专项调度下达7亿"),  # 7亿 is the figure's value; 元 only its unit's end
    (19, 27, "2000年以前修建的"),  # 20|00年: widened to the whole figure
    (21, 27, "2000年以前修建的"),  # |年: the figure the unit belongs to comes along
    (27, 32, "小区增长"),  # 增长5|0%: the figure goes
    (27, 33, "小区增长"),  # 增长50|%: a sign is a unit too
    (38, 42, "G20峰会"),  # G|20: the letters a figure begins with are part of it
    (0, len(SENTENCE), SENTENCE),  # at both ends of the text nothing is cut
    (5, 5, ""),
])
def test_a_cut_never_parts_a_figure_from_its_digits_or_its_unit(start, end, kept):
    assert cut(SENTENCE, start, end) == kept


def test_an_end_that_would_leave_nothing_takes_the_whole_figure_instead():
    assert cut("2000年以前修建的", 0, 2) == "2000年"
    assert cut("4.3181亿元", 0, 3) == "4.3181亿"


def test_a_cut_between_words_or_after_punctuation_is_left_alone():
    assert cut("投入10亿元，改造57个小区", 0, 7) == "投入10亿元，"
    assert cut("投入10亿元，改造57个小区", 7, 14) == "改造57个小区"
