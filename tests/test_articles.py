"""Article records: dates as precise as the page allows, and never a date no calendar has."""
from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.articles import article_date, iso_date


@pytest.mark.parametrize(
    "lead, dateline, issue, expected",
    [
        ("本报讯 6月14日，我县召开会议。", "本报讯", (2023, None, None), "2023-06-14"),
        ("晚报讯 1日上午，崇川区召开推进会。", "晚报讯", (2022, 1, None), "2022-01-01"),
        ("上月31日，任港社区开展活动。", "", (2022, 1, None), "2021-12-31"),
        ("上月31日，任港社区开展活动。", "", (2022, 3, None), "2022-02"),  # no 31 February
        ("本报讯 6月31日，我县召开会议。", "本报讯", (2023, None, None), "2023-06"),  # an OCR slip
        ("本报讯 13月5日，我县召开会议。", "本报讯", (2023, 4, None), "2023-04"),  # no 13th month: the issue's
        ("2024年2月29日，全市开工。", "", (2024, None, None), "2024-02-29"),
        ("2023年2月29日，全市开工。", "", (2023, None, None), "2023-02"),
        ("会议强调，要抓好落实。", "", (None, None, None), ""),
        # a lead that opens with a quotation: the date comes after it
        ("“科技智库汇聚的是科技创新领域的‘最强大脑’。”3月25日，秦定龙说。", "", (2022, None, None), "2022-03-25"),
    ],
)
def test_an_article_is_dated_as_precisely_as_a_real_date_allows(lead, dateline, issue, expected):
    assert article_date(lead, dateline, issue) == expected


_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@given(st.one_of(st.none(), st.integers(1900, 2100)), st.one_of(st.none(), st.integers(0, 99)), st.one_of(st.none(), st.integers(0, 99)))
def test_an_iso_date_is_always_real_and_keeps_every_part_that_is(year, month, day):
    text = iso_date(year, month, day)
    if year is None:
        assert text == ""
        return
    y, m, d = _ISO.fullmatch(text).groups()
    datetime.date(int(y), int(m or 1), int(d or 1))  # raises if no calendar has it
    real_month = month is not None and 1 <= month <= 12
    assert (m is not None) == real_month
    if real_month and day:
        try:
            datetime.date(year, month, day)
            assert int(d) == day
        except ValueError:
            assert d is None


@pytest.mark.parametrize("last, source", [
    ("（原载于《瞭望》新闻周刊）", "《瞭望》新闻周刊"),
    ("(原载于《瞭望》新闻周刊)", "《瞭望》新闻周刊"),
    ("转载自《人民日报》", "《人民日报》"),
    ("摘自《新华每日电讯》2023年6月1日", "《新华每日电讯》2023年6月1日"),
    ("（原载于《瞭望》新闻周刊。）", "《瞭望》新闻周刊"),
    ("原载于《瞭望》新闻周刊。", "《瞭望》新闻周刊"),
    ("这些经验原载于地方志，至今仍有借鉴意义。", ""),  # a sentence of the story, not a note on it
    ("原载客量为30人的公交车已更换", ""),  # a marker's characters beginning a sentence
    ("摘自群众来信的意见已全部转交有关部门处理", ""),
    ("居民们说，改造让生活更方便了。", ""),
])
def test_a_reprinted_story_names_where_it_first_appeared_from_its_last_line(last, source):
    from analysis.articles import first_published

    assert first_published(["第一段。", last]) == source
    assert first_published([]) == ""
