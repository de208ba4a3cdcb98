"""The character-level helpers every stage shares (analysis/text.py)."""
from __future__ import annotations

import pytest

from analysis.text import CLAUSE_SNAP, cut_at_clauses, cut_outside_figures

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


# A sentence of the 九龙坡 article, and where its figure 60多亿元 is.
FUNDED = "九龙坡区2000年以前修建的老旧小区较多，面积816万多平方米，“十四五”期间将全部完成改造，需投入60多亿元。"
FIGURE = (FUNDED.index("60多亿元"), FUNDED.index("60多亿元") + len("60多亿元"))


def clauses(text: str, start: int, end: int, keep: tuple[int, int]) -> str:
    start, end = cut_at_clauses(text, start, end, keep)
    return text[start:end]


def test_a_quote_begins_at_a_clause_not_inside_a_quotation():
    """…四五”期间 cut 十四五 and its quotation in two."""
    start = FUNDED.index("四五")
    assert clauses(FUNDED, start, len(FUNDED), FIGURE) == "“十四五”期间将全部完成改造，需投入60多亿元。"


def test_a_quote_reaches_out_to_the_nearest_clause_edge_within_the_snap():
    text = "县住房城乡建委共争取到国家补助资金43181万元，业主自筹9000万元用于电梯加装、门窗更换、车库建设、室内装修等项目"
    figure = (text.index("9000万元"), text.index("9000万元") + len("9000万元"))
    assert clauses(text, text.index("资金") + 2, text.index("梯加装"), figure) == "业主自筹9000万元用于电梯加装"
    assert clauses(text, text.index("万元，") + 3, text.index("梯加装"), figure) == "业主自筹9000万元用于电梯加装"
    # Out of reach of a mark the cut stays where it was.
    far = "今年以来" + text  # 国家… begins 15 characters in, no mark before it
    assert cut_at_clauses(far, 15, len(far) - 20, (33, 39))[0] == 15
    # The text's own start and end are clauses' edges: 后，路更平了 began 老旧小区改造后，路更平了.
    assert clauses(text, 3, len(text) - 3, figure) == text
    assert clauses("老旧小区改造后，路更平了", 6, 12, (6, 6)) == "老旧小区改造后，路更平了"


def test_a_sentences_end_stays_in_the_quote_and_a_comma_goes():
    text = "共为老旧小区加装电梯3000余部，群众满意。"
    figure = (text.index("3000"), text.index("部") + 1)
    assert clauses(text, 0, len(text) - 2, figure) == text
    assert clauses("改造57个小区，惠及居民一万多户并且同步完成了管网改造", 0, 9, (2, 5)) == "改造57个小区"


def test_a_quote_never_gives_up_its_figure_and_never_begins_with_a_closing_mark():
    text = "，”" + "字" * CLAUSE_SNAP + "投入60亿元"
    figure = (text.index("60"), len(text))
    start, end = cut_at_clauses(text, 1, len(text), figure)
    assert text[start] not in "，”" and start <= figure[0] and end >= figure[1]
    assert clauses(FUNDED, FIGURE[0] + 1, FIGURE[1] - 1, FIGURE)[:1] != "，"


def test_a_list_items_edge_serves_only_where_no_clauses_edge_is_near():
    """…社区书屋、供暖排水等 began inside a list where a clause began a few characters before."""
    text = "目前，建成游园、绿地、社区书屋、供暖排水等公共服务设施420多处"
    figure = (text.index("420"), len(text))
    assert clauses(text, text.index("社区"), len(text), figure).startswith("建成游园、")
    listed = "今年全区累计建成游园、绿地、社区书屋、供暖排水等公共服务设施420多处"  # no clause's edge near
    assert clauses(listed, listed.index("区书"), len(listed), (listed.index("420"), len(listed))).startswith("社区书屋")


def test_a_clause_inside_a_quotation_is_quoted_from_the_quotations_opening():
    """Begun after 今年以来， a quote kept ” with no “ before it."""
    text = "区长介绍说：“今年以来，我们全区累计投入资金60亿元，完成改造老旧小区200个。”"
    figure = (text.index("200个"), text.index("200个") + 4)
    assert clauses(text, text.index("我们") + 1, len(text), figure).startswith("“今年以来")


def test_words_cut_from_a_text_are_made_quotable_inside_our_own_quotation_marks():
    from analysis.text import quotable

    # a quotation begun before the words ends them; so does one they open and do not close
    assert quotable("在抗疫的关键时刻，我们必须彰显出应有的担当。”他说") == "在抗疫的关键时刻，我们必须彰显出应有的担当"
    assert quotable("居民说“好") == "居民说"
    assert quotable("“老旧小区改造后，路更平了，") == "老旧小区改造后，路更平了"
    # whole quotations stay, in the inner marks
    assert quotable("“成长快。”负责人介绍，") == "‘成长快。’负责人介绍"
    assert quotable("“里子工程”见实效。") == "‘里子工程’见实效"
