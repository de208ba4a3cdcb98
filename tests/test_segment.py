"""Segmentation on the five real pages against a hand count, plus small pages for the odd cases."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.segment import Draft, bigrams, merge_into, segment_page, starts_mid_sentence
from analysis.text import CJK, normalise_paragraph

from tests.corpus import SEEDS, load_fixture, seed_pages

FIXTURE = load_fixture("page_items.toml")


def segmented(name: str):
    return segment_page((SEEDS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(FIXTURE))
def test_each_page_yields_the_hand_counted_items_with_exact_headlines(name):
    items = segmented(name).items
    assert [a.title for a in items] == [e["title"] for e in FIXTURE[name]]


@pytest.mark.parametrize("name", sorted(FIXTURE))
def test_kind_kicker_subtitle_and_byline_match_the_hand_count(name):
    for article, expected in zip(segmented(name).items, FIXTURE[name]):
        assert article.kind == expected["kind"], article.title
        for field in ("kicker", "subtitle", "byline"):
            if field in expected:
                assert getattr(article, field) == expected[field], (article.title, field)


@pytest.mark.parametrize("name", sorted(FIXTURE))
def test_fragments_are_reattached_to_the_article_they_continue(name):
    for article, expected in zip(segmented(name).items, FIXTURE[name]):
        starts = [r["starts"] for r in article.reattached]
        wanted = expected.get("reattached", [])
        assert len(starts) == len(wanted), article.title
        for start, prefix in zip(starts, wanted):
            assert start.startswith(prefix), article.title


@pytest.mark.parametrize("name", sorted(FIXTURE))
def test_section_headings_and_captions_are_kept(name):
    for article, expected in zip(segmented(name).items, FIXTURE[name]):
        headings = [s.heading for s in article.sections if s.heading]
        if "headings" in expected:
            assert headings == expected["headings"], article.title
        if "captions" in expected:
            assert article.captions == expected["captions"], article.title
        if "summary" in expected:  # the opening words of each key point
            assert [p[: len(e)] for p, e in zip(article.summary, expected["summary"])] == expected["summary"], article.title
            assert len(article.summary) == len(expected["summary"]), article.title


def item_text(article) -> str:
    parts = [article.kicker, article.subtitle, article.byline, article.continued_from, article.summary_label, *article.summary, *article.captions]
    if not article.title_generated:
        parts.append(article.title)
    for section in article.sections:
        parts.append(section.heading)
        parts.extend(section.paragraphs)
    return "".join(parts)


def visible_chars(text: str) -> Counter:
    return Counter(re.sub(r"[\s#]", "", text))


@pytest.mark.parametrize("path", seed_pages(), ids=lambda p: p.name)
def test_no_body_text_is_lost_or_duplicated(path):
    page = path.read_text(encoding="utf-8")
    expected = visible_chars("".join(normalise_paragraph(line.lstrip("# ")) for line in page.split("\n")))
    result = segment_page(page)
    got = visible_chars("".join(item_text(a) for a in result.items) + "".join(result.furniture))
    assert got == expected, (expected - got, got - expected)


def test_the_renovation_story_reads_in_order_across_its_fragments():
    story = segmented("000_697f09e09f9696df.txt").items[0]
    body = "".join(story.paragraphs)
    # The quote cut at "老旧小区改造" continues in the fragment that begins "后，路更平了".
    assert "“老旧小区改造后，路更平了" in body
    # A column break inside a word is joined: "2023年，巫" + "山计划改造".
    assert "2023年，巫山计划改造57个老旧小区" in body
    assert body.index("改造，再加上安装工程") < body.index("从拆除私搭乱建")


def test_jumped_paragraph_moves_to_the_continued_story_it_belongs_to():
    items = segmented("004_d8c85efb5c0ba2a7.txt").items
    jiangjin, delivery = items[-2], items[-1]
    assert not any("重报电商" in p for p in jiangjin.paragraphs)
    assert any(p.startswith("“在抗疫的关键时刻") for p in delivery.paragraphs)


def test_repeated_jump_heads_and_slogans_are_page_furniture_not_articles():
    result = segmented("001_0953af9a41337ccc.txt")
    assert "王俊在全区加强和创新基层治理工作推进会上强调" in result.furniture
    # The paragraph split around those repeated lines is joined again.
    governance = result.items[2]
    assert any("是推动高质量发展、创造高品质生活的重要保障" in p for p in governance.paragraphs)
    assert "办好民生实事" in segmented("000_697f09e09f9696df.txt").furniture


@pytest.mark.parametrize(
    "text, expected",
    [
        ("后，路更平了，环境更好了。", True),
        ("改造，再加上安装工程，目前……", True),
        ("机室、实验室等多功能教室。", True),
        ("如今，西工地小区通过拆除围墙。", False),
        ("据悉，面对居民的诉求。", False),
        ("本报讯（记者 郝燕来）6月14日，我县开展活动。", False),
        ("“我去送！”司机说。", False),
    ],
)
def test_mid_sentence_starts(text, expected):
    assert starts_mid_sentence(text) is expected


def test_a_title_line_opening_with_who_said_it_has_that_part_for_its_kicker():
    page = "王俊在全区推进会上强调 加强基层治理 促进社会和谐\n\n本报讯（记者 霍磊）10月20日，全区召开推进会。\n"
    item = segment_page(page).items[0]
    assert (item.kicker, item.title) == ("王俊在全区推进会上强调", "加强基层治理 促进社会和谐")
    for headline in ("人人讲安全 个个会应急", "播种希望 收获未来", "居民这样说 改造改到心坎上"):
        plain = segment_page(f"{headline}\n\n本报讯（记者 郝燕来）6月14日，我县开展活动。\n").items[0]
        assert (plain.kicker, plain.title) == ("", headline)  # no one said it anywhere: one title


def test_the_paragraph_under_a_summary_box_label_is_the_summary_even_when_cut():
    page = ("倾听居民想法 难题找到解法\n\n本报记者 毕京津\n\n核心阅读\n\n西工区承担了全市中心城区54%的老旧小区改造工作，点多、面广、\n\n"
            "任务重，取得了良好效果。\n\n主题教育开展以来，西工区集中连片改造。\n")
    result = segment_page(page)
    item = result.items[0]
    assert item.summary == ["西工区承担了全市中心城区54%的老旧小区改造工作，点多、面广、任务重，取得了良好效果。"]
    assert item.summary_label == "核心阅读" and "核心阅读" not in result.furniture  # the box's label, kept with it
    assert [s.heading for s in item.sections if s.heading] == []
    assert item.sections[0].paragraphs == ["主题教育开展以来，西工区集中连片改造。"]


def test_a_reattached_fragment_s_box_label_never_heads_the_article_s_own_points():
    points, boxed = Draft(title="甲", summary=["●要点一"]), Draft(summary=["核心阅读的一段"], summary_label="核心阅读")
    merge_into(points, boxed)
    assert points.summary == ["●要点一", "核心阅读的一段"] and points.summary_label == ""
    bare = Draft(title="乙")
    merge_into(bare, Draft(summary=["核心阅读的一段"], summary_label="核心阅读"))
    assert bare.summary_label == "核心阅读"


def test_a_question_cut_in_two_by_a_line_break_is_one_paragraph():
    page = ("确保群众度过平安欢乐节日\n\n晚报讯 上月31日，区委书记率队督查安全生产。\n\n“驻企专班人员在岗情况如何？”\n\n"
            "工人‘两点一线’要求执行得怎么样？”在码头，他详细询问。\n\n“请大家放心。”经理说。\n")
    paragraphs = segment_page(page).items[0].paragraphs
    assert paragraphs[1] == "“驻企专班人员在岗情况如何？”工人‘两点一线’要求执行得怎么样？”在码头，他详细询问。"
    assert paragraphs[2] == "“请大家放心。”经理说。"  # a quotation that opens its own paragraph stays apart


def test_a_story_whose_text_runs_off_the_page_says_so_at_that_end():
    cut = segment_page("巫山：老旧小区改出新生活\n\n改造，再加上安装工程，计划还有一个月完工。”\n\n下一步，将继续推进。\n").items[0]
    assert (cut.cut_at_start, cut.cut_at_end) == (True, False)
    runs_on = segment_page("王俊强调 举全区之力推进工作\n\n本报讯 10月19日，我区召开大会。\n\n要坚持常态长效，因街而异、因事\n").items[0]
    assert (runs_on.cut_at_start, runs_on.cut_at_end) == (False, True)
    whole = segment_page("重庆改造老旧小区\n\n全市改造小区200个。\n\n（原载于《瞭望》新闻周刊）\n").items[0]
    assert (whole.cut_at_start, whole.cut_at_end) == (False, False)
    continued = segment_page("积极融入新通道建设\n\n（上接第一版）要准确把握部署要求，紧盯项目。\n").items[0]
    assert continued.continued_from and (continued.cut_at_start, continued.cut_at_end) == (False, False)


def test_a_story_opening_on_she_or_he_before_anyone_is_named_is_marked_cut_at_its_start():
    def opening_cut(text: str) -> bool:
        return segment_page(f"城乡供水惠及群众\n\n{text}\n\n下一步，将继续推进。\n").items[0].cut_at_start

    assert opening_cut("水哗啦啦地流了出来。她告诉记者：“现在方便了。”")
    assert opening_cut("清晨时分，水哗啦啦地流了出来。她笑着说：“现在方便了。”")  # 时分 is no name
    assert opening_cut("他告诉记者，村里通了自来水。")
    # someone to refer back to: a person's title, or a word naming a person, in the first sentence
    assert not opening_cut("张大爷拧开水龙头。他告诉记者：“现在方便了。”")
    assert not opening_cut("本报讯 近日，区委书记到村里调研。他强调，要保障饮水安全。")
    assert not opening_cut("本报讯 近日，书记到村里调研。他强调，要保障饮水安全。")
    # a feature may open on him or her, saying who they are; 他人 and 他山之石 are no one
    assert not opening_cut("他叫张三，是社区书记。")
    assert not opening_cut("“他是我们的贴心人。”居民说。")
    assert not opening_cut("他山之石，可以攻玉。")
    assert not opening_cut("他人的困难就是我们的困难。")
    # a pronoun after the second sentence is no opening
    assert not opening_cut("水流了出来。村里通了自来水。她说很方便。")


def test_on_the_real_pages_only_stories_missing_text_are_marked_cut():
    marked = {(a.title[:8], a.cut_at_start, a.cut_at_end)
              for name in sorted(FIXTURE) for a in segmented(name).items if a.cut_at_start or a.cut_at_end}
    assert marked == {
        ("巫山：老旧小区“", True, False),  # opens inside a quotation whose start is not on the page
        ("城乡供水一体化惠", True, False),  # opens on 她告诉记者: the OCR lost the lines naming her
        ("积极融入西部陆海", False, True),  # three stories continue on another page
        ("王俊在我区创建全", False, True),
        ("加强基层治理体系", False, True),
    }


def test_a_file_holding_a_single_article_is_a_page_with_one_item():
    page = "老旧小区改造惠及千户居民\n第3版：要闻\n今年以来，我市完成改造。居民很满意。\n\n下一步将继续推进。\n"
    result = segment_page(page)
    assert [a.title for a in result.items] == ["老旧小区改造惠及千户居民"]
    assert result.items[0].paragraphs == ["今年以来，我市完成改造。居民很满意。", "下一步将继续推进。"]
    assert result.furniture == ["第3版：要闻"]


def test_a_web_page_with_ascii_punctuation_and_spaced_numbers_is_normalised():
    page = "City renovates old estates 老旧小区改造提速\n\n本报讯 今年,全市改造老旧小区1200 户,投入3.7亿元.\n"
    article = segment_page(page).items[0]
    assert article.paragraphs == ["本报讯 今年，全市改造老旧小区1200户，投入3.7亿元。"]


def test_a_page_without_any_headline_yields_no_items():
    page = "今年以来，我市完成改造老旧小区一百个，惠及居民上万户，群众满意度不断提升，各项工作稳步推进。\n"
    assert segment_page(page).items == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="老旧小区改造电梯，。 a1\n", max_size=80))
def test_bigrams_count_each_pair_of_adjacent_chinese_characters_in_order_of_first_appearance(text):
    pairs = [text[i : i + 2] for i in range(len(text) - 1)]
    expected = Counter(p for p in pairs if re.fullmatch(rf"[{CJK}]{{2}}", p))
    assert list(bigrams(text).items()) == list(expected.items())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["heading", "byline", "paragraph"]), st.text("王俊在区会上强调举全力", min_size=1, max_size=9)), max_size=30))
def test_repeated_headings_are_found_as_the_plain_definition_finds_them(rows):
    """A heading or byline equal to an earlier one, or of six or more characters opening one."""
    from analysis.segment import Line, mark_repeats

    lines = [Line(text, role, False) for role, text in rows]
    mark_repeats(lines)
    seen, expected = [], []
    for role, text in rows:
        if role in ("heading", "byline") and any(s == text or (len(text) >= 6 and s.startswith(text)) for s in seen):
            expected.append("furniture")
            continue
        if role in ("heading", "byline"):
            seen.append(text)
        expected.append(role)
    assert [line.role for line in lines] == expected


def test_a_headline_with_no_text_under_it_is_named_in_a_warning_not_archived(tmp_path):
    """A page cut off after 巫山：老旧小区“改”出幸福新生活 made an article of its headline alone."""
    from analysis.ingest import read_corpus
    from analysis.pipeline import analyse_page
    from analysis.settings import load_settings

    (tmp_path / "page.txt").write_bytes(sorted(SEEDS.glob("*.txt"))[0].read_bytes()[:1001])
    settings = load_settings()
    result = analyse_page(read_corpus(tmp_path, settings).pages[0], settings)
    assert result.articles and all(a.paragraphs or a.captions for a in result.articles)
    assert "巫山：老旧小区“改”出幸福新生活" not in [a.title for a in result.articles]
    assert [str(n) for n in result.notes] == ["page.txt: warning: headline without text, left out: 巫山：老旧小区“改”出幸福新生活"]
    # a page of headlines alone gives no article, and says why
    (tmp_path / "page.txt").write_text("巫山：老旧小区“改”出幸福新生活\n\n", encoding="utf-8")
    alone = analyse_page(read_corpus(tmp_path, settings).pages[0], settings)
    assert alone.articles == [] and "no text under its headline(s) (巫山：老旧小区“改”出幸福新生活)" in alone.problem.problem
