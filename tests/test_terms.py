"""Segmentation and term statistics, with real jieba and small corpora worked out by hand."""
from __future__ import annotations

import math
import random
import re
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

import analysis.terms as terms_module
from analysis import lexicon
from analysis.model import Article, Section
from analysis.terms import (
    COLUMNS,
    CONTENT_TAGS,
    KwicLine,
    article_text,
    concordance,
    document_frequencies,
    headline_words,
    is_content_word,
    log_odds_z,
    pos_tag,
    similar_documents,
    corpus_counts,
    term_counts,
    tokenize,
    top_keywords,
)
from analysis.segment import BULLET, is_name_list
from analysis.settings import load_settings
from analysis.text import cut_outside_figures
from tests.corpus import SEEDS, seed_pages

# ---------------------------------------------------------------- headline_words


@pytest.mark.parametrize("title, pieces", [
    ("努力把老旧小区变成群众“幸福里”", ["努力把", "老旧小区", "变成", "群众", "“幸福里”"]),
    ("城乡供水一体化惠及30余万群众", ["城乡", "供水一体化", "惠及", "30余万", "群众"]),
    ("重庆“党建+市场”模式", ["重庆", "“党建+市场”", "模式"]),
    ("（上接1版）“一共有542件水……”", ["（上接1版）", "“一共有", "542件水……”"]),
    ("进度未注明（社会资本）", ["进度", "未注明", "（社会资本）"]),
    ("巫山：老旧小区“改”出幸福新生活", ["巫山：", "老旧小区", "“改”出", "幸福", "新生活"]),
    ("区委常委会召开会", ["区委", "常委会", "召开会"]),
    ("王俊在我区创建全国文明城市推进大会上强调", ["王俊", "在我区", "创建", "全国文明城市", "推进", "大会上", "强调"]),
], ids=["quote-kept-whole", "number-with-its-unit", "quote-with-a-plus", "short-bracket-kept-whole", "status-with-its-source",
        "one-character-word-with-the-word-it-begins", "last-one-character-word-with-the-word-before",
        "one-character-words-in-a-row"])
def test_a_headline_breaks_only_between_words(title, pieces):
    assert headline_words(title) == pieces


def test_headline_words_join_back_into_every_seed_title_and_never_cut_a_dictionary_word():
    lines = [line.strip() for page in seed_pages() for line in page.read_text(encoding="utf-8").splitlines()]
    titles = [line for line in lines if 4 <= len(line) <= 30]
    assert len(titles) > 50
    for title in titles:
        pieces = headline_words(title)
        assert "".join(pieces) == title
        # each break is a break of jieba's own cut (without HMM): no piece boundary inside a word
        cut_ends, at = set(), 0
        for word in lexicon.tokenizer().cut(title, HMM=False):
            at += len(word)
            cut_ends.add(at)
        breaks = {sum(map(len, pieces[:i])) for i in range(1, len(pieces))}
        assert breaks <= cut_ends, (title, pieces)
        assert not any(p[0] in "”，。、）" or p[-1] in "“（" for p in pieces[1:]), pieces


def test_an_empty_headline_has_no_pieces():
    assert headline_words("") == []


# ---------------------------------------------------------------- tokenize


def test_domain_terms_are_single_tokens():
    assert tokenize("老旧小区加装电梯") == ["老旧小区", "加装电梯"]
    assert "雨污分流" in tokenize("小区实施雨污分流工程")
    assert "党建引领" in tokenize("突出党建引领，凝聚道德力量")


def test_place_names_from_user_dictionary_are_kept_as_place_names():
    assert tokenize("西工区和巫山县") == ["西工区", "巫山县"]
    assert pos_tag("西工区") == "ns" and pos_tag("北碚") == "ns"  # dict.txt says nr for 北碚


def test_boilerplate_numbers_and_single_characters_are_dropped():
    text = "本报讯（记者 张三）6月14日，我县积极推进老旧小区改造工作，进一步提升居民满意度。"
    # jieba cuts: 本报讯 （ 记者 张 三 ） 6 月 14 日 ， 我 县 积极 推进 老旧小区 改造 工作 ，
    #             进一步 提升 居民 满意度 。
    assert tokenize(text) == ["老旧小区", "改造", "居民", "满意度"]


def test_latin_words_are_kept_but_numbers_with_letters_are_not():
    assert tokenize("PPP项目和App上线，5G覆盖，2022年") == ["PPP", "项目", "App", "上线", "覆盖"]


@pytest.mark.parametrize("word", ["非常", "然后", "为了", "尽管", "之间", "或者", "那么"])
def test_pos_filter_drops_function_words_not_in_the_stopword_list(word):
    # Not stopwords: it is the dictionary tag (d, c, p, f, r) that removes them.
    assert pos_tag(word) not in CONTENT_TAGS
    assert tokenize(f"居民{word}满意") == ["居民", "满意"]


def test_stopword_file_format():
    from analysis.settings import parse_word_list

    assert parse_word_list(["# comment", "", " 记者 ", "表示  # trailing comment", "核心阅读 阅读提示"]) == {
        "记者", "表示", "核心阅读", "阅读提示"}


# ---------------------------------------------------------------- term_counts
#
# Hand-worked corpus (tokens given directly, so the arithmetic does not depend on jieba):
#   A: 老旧小区 x3, 电梯 x1                 n_A = 4
#   B: 老旧小区 x1, 电梯 x3, 医院 x4         n_B = 8          N = 12
# Every word has corpus count 4, share 4/12 = 1/3. With alpha0 = 3, a_w = 3 * 1/3 = 1.
#
# A, 老旧小区: y_i=3, n_i=4, y_j=1, n_j=8
#   delta = ln((3+1)/(4+3-3-1)) - ln((1+1)/(8+3-1-1)) = ln(4/3) - ln(2/9) = ln 6
#   var   = 1/(3+1) + 1/(1+1) = 3/4           z = ln 6 / sqrt(3/4) = 2.0689456237637573
# A, 电梯: y_i=1, y_j=3
#   delta = ln(2/(4+3-1-1)) - ln(4/(8+3-3-1)) = ln(2/5) - ln(4/7) = ln(7/10)
#   var   = 1/2 + 1/4 = 3/4                   z = ln 0.7 / sqrt(3/4) = -0.41185274979244374
# B, 医院: y_i=4, n_i=8, y_j=0, n_j=4
#   delta = ln(5/(8+3-4-1)) - ln(1/(4+3-0-1)) = ln(5/6) - ln(1/6) = ln 5
#   var   = 1/5 + 1/1 = 6/5                   z = ln 5 / sqrt(6/5) = 1.469209082573635
# With two groups B's z for a shared word is minus A's (rest-of-corpus is the other group).
#
# per_10k: A 老旧小区 3/4*1e4 = 7500, A 电梯 2500, B 医院 5000, B 电梯 3750, B 老旧小区 1250.
# tfidf, 2 groups, smooth idf = ln((1+2)/(1+df)) + 1: df 2 -> 1, df 1 -> 1 + ln 1.5.
#   A 老旧小区 0.75 * 1 = 0.75;  B 医院 0.5 * (1 + ln 1.5) = 0.7027325540540822.

DOCS = [
    ("A", ["老旧小区", "老旧小区", "电梯"]),
    ("A", ["老旧小区"]),  # a group's docs are pooled
    ("B", ["老旧小区", "电梯", "电梯", "电梯", "医院", "医院", "医院", "医院"]),
]


@pytest.fixture
def table():
    return term_counts(DOCS, alpha0=3.0).set_index(["place", "term"])


def test_columns_exactly():
    assert list(term_counts(DOCS, alpha0=3.0).columns) == COLUMNS
    assert COLUMNS == ["place", "term", "count", "per_10k", "tfidf", "log_odds_z"]


def test_log_odds_z_by_hand(table):
    z = table["log_odds_z"]
    assert z["A", "老旧小区"] == pytest.approx(2.0689456237637573, abs=1e-6)
    assert z["A", "电梯"] == pytest.approx(-0.41185274979244374, abs=1e-6)
    assert z["B", "医院"] == pytest.approx(1.469209082573635, abs=1e-6)
    assert z["B", "老旧小区"] == pytest.approx(-2.0689456237637573, abs=1e-6)
    assert z["B", "电梯"] == pytest.approx(0.41185274979244374, abs=1e-6)


def test_stronger_prior_shrinks_z_towards_zero():
    # alpha0 = 30 -> a_w = 10.  A, 老旧小区:
    #   delta = ln(13/(4+30-3-10)) - ln(11/(8+30-1-10)) = ln(13/21) - ln(11/27) = ln(117/77)
    #   var   = 1/13 + 1/11 = 24/143               z = 1.0212248855560233  (was 2.069 at alpha0 = 3)
    strong = term_counts(DOCS, alpha0=30.0).set_index(["place", "term"])["log_odds_z"]
    assert strong["A", "老旧小区"] == pytest.approx(1.0212248855560233, abs=1e-6)
    weak = term_counts(DOCS, alpha0=3.0).set_index(["place", "term"])["log_odds_z"]
    assert all(abs(strong[k]) < abs(weak[k]) for k in weak.index)


def test_prior_is_proportional_to_corpus_frequency():
    # A: 医院 x2, 学校 x1 (n_A = 3);  B: 学校 x1, 小区 x5 (n_B = 6);  N = 9.
    # Corpus counts 医院 2, 学校 2, 小区 5; alpha0 = 9 -> a_w = 9 * count/9 = 2, 2, 5.
    # A, 医院: y_i=2, n_i=3, y_j=0, n_j=6, a_w=2
    #   delta = ln(4/(3+9-2-2)) - ln(2/(6+9-0-2)) = ln(1/2) - ln(2/13) = ln(13/4)
    #   var   = 1/4 + 1/2 = 3/4          z = ln 3.25 / sqrt(3/4)
    # B, 小区: y_i=5, n_i=6, y_j=0, n_j=3, a_w=5
    #   delta = ln(10/(6+9-5-5)) - ln(5/(3+9-0-5)) = ln 2 - ln(5/7) = ln(14/5)
    #   var   = 1/10 + 1/5 = 3/10        z = ln 2.8 / sqrt(3/10)
    docs = [("A", ["医院", "医院", "学校"]), ("B", ["学校"] + ["小区"] * 5)]
    z = term_counts(docs, alpha0=9.0).set_index(["place", "term"])["log_odds_z"]
    assert z["A", "医院"] == pytest.approx(1.3609935588, abs=1e-6)
    assert z["B", "小区"] == pytest.approx(1.8798192681, abs=1e-6)
    assert math.log(3.25) / math.sqrt(3 / 4) == pytest.approx(1.3609935588, abs=1e-9)
    assert math.log(2.8) / math.sqrt(3 / 10) == pytest.approx(1.8798192681, abs=1e-9)


def test_groups_of_the_same_documents_are_set_against_the_same_rest_of_the_corpus():
    """A county and its city filed with the same articles (崇川区 and 南通市) get the same z; the
    rest of the corpus is every document neither holds, counted once however many groups hold it."""
    nantong = [["安全生产", "改造", "改造"], ["社区", "改造"]]
    chongqing = [["改造", "小区"], ["党建", "小区", "小区"]]
    docs = [(g, d) for d in nantong for g in ("崇川区", "南通市")] + [("重庆市", d) for d in chongqing]
    corpus = corpus_counts(Counter(d) for d in nantong + chongqing)
    assert corpus == Counter(改造=4, 小区=3, 安全生产=1, 社区=1, 党建=1)
    z = term_counts(docs, alpha0=3.0, corpus=corpus).set_index(["place", "term"])["log_odds_z"]
    assert all(z["崇川区", t] == z["南通市", t] for t in ("安全生产", "改造", "社区"))
    # against the rest of the corpus, 重庆市's own two documents: what the 南通 pair alone gives
    alone = term_counts([("南通", d) for d in nantong] + [("重庆", d) for d in chongqing], alpha0=3.0)
    assert z["南通市", "改造"] == pytest.approx(alone.set_index(["place", "term"])["log_odds_z"]["南通", "改造"])


def test_per_10k_and_tfidf_by_hand(table):
    assert table.loc[("A", "老旧小区"), "count"] == 3
    assert table["per_10k"].to_dict() == pytest.approx(
        {("A", "老旧小区"): 7500, ("A", "电梯"): 2500, ("B", "医院"): 5000,
         ("B", "电梯"): 3750, ("B", "老旧小区"): 1250}
    )
    assert table.loc[("A", "老旧小区"), "tfidf"] == pytest.approx(0.75, abs=1e-9)
    assert table.loc[("B", "医院"), "tfidf"] == pytest.approx(0.7027325540540822, abs=1e-9)


def test_rows_sorted_by_place_then_count_desc_then_term():
    docs = [("B", ["医院", "电梯", "学校", "学校"]), ("A", ["电梯", "小区"])]
    out = term_counts(docs)
    assert list(zip(out["place"], out["term"])) == [
        ("A", "小区"), ("A", "电梯"),  # tie on count 1: by term (code point order)
        ("B", "学校"), ("B", "医院"), ("B", "电梯"),
    ]


def test_output_is_byte_reproducible_whatever_the_input_order():
    docs = [(g, t) for g, t in DOCS] + [("C", ["学校", "医院", "老旧小区"])]
    first = term_counts(docs).to_csv(index=False)
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    assert term_counts(shuffled).to_csv(index=False) == first


def test_text_input_is_tokenized():
    out = term_counts([("巫山", "老旧小区加装电梯，老旧小区"), ("北碚", "创建全国文明城市")])
    counts = dict(zip(zip(out["place"], out["term"]), out["count"]))
    assert counts == {("巫山", "老旧小区"): 2, ("巫山", "加装电梯"): 1,
                      ("北碚", "创建"): 1, ("北碚", "全国文明城市"): 1}


def test_min_count_filters_rows_but_not_statistics():
    full = term_counts(DOCS, alpha0=3.0)
    kept = term_counts(DOCS, alpha0=3.0, min_count=3)
    assert set(kept["term"] + kept["place"]) == {"老旧小区A", "电梯B", "医院B"}
    merged = kept.merge(full, on=["place", "term"], suffixes=("", "_full"))
    assert (merged["log_odds_z"] == merged["log_odds_z_full"]).all()


def test_undefined_odds_give_nan_not_an_error():
    # One word type: a_w = alpha0, so n + a0 - y - a_w = 0 in both groups.
    out = term_counts([("A", ["小区"]), ("B", ["小区"])])
    assert out["count"].tolist() == [1, 1] and out["log_odds_z"].isna().all()


def test_empty_input_gives_empty_table_with_columns():
    assert list(term_counts([]).columns) == COLUMNS


# ---------------------------------------------------------------- top_keywords


def test_top_keywords_tfidf_by_hand():
    stats = document_frequencies([["老旧小区", "居民"], ["居民", "医院"], ["居民", "学校"]])
    assert stats.n_docs == 3 and stats.df["居民"] == 3
    # idf = ln((1+3)/(1+df)) + 1:  居民 df 3 -> 1;  老旧小区 df 1 -> 1.693;  电梯 unseen -> 2.386
    # scores: 居民 2 * 1 = 2;  老旧小区 1 * 1.693;  电梯 1 * 2.386
    assert top_keywords(["居民", "居民", "老旧小区", "电梯"], stats, k=3) == ["电梯", "居民", "老旧小区"]
    assert top_keywords(["居民", "居民", "老旧小区", "电梯"], stats, k=1) == ["电梯"]


def test_top_keywords_leave_out_the_words_asked_and_take_the_next():
    stats = document_frequencies([["西工区", "居民"], ["老旧小区"], ["电梯"]])
    words = ["西工区", "西工区", "居民", "老旧小区"]
    assert top_keywords(words, stats, k=2) == ["西工区", "居民"]
    assert top_keywords(words, stats, k=2, leave_out={"西工区"}) == ["居民", "老旧小区"]


def test_top_keywords_ties_break_on_term_and_text_is_tokenized():
    stats = document_frequencies(["老旧小区", "加装电梯"])
    assert top_keywords("加装电梯和老旧小区", stats, k=2) == sorted(["加装电梯", "老旧小区"])


def _similar_by_brute_force(docs, k, terms_per_doc, min_score=0.0):
    """Cosine of every pair of documents over each one's heaviest terms, no index."""
    idf = document_frequencies(docs).idf
    vectors = []
    for tokens in docs:
        weights = sorted(((t, c * idf[t]) for t, c in Counter(tokens).items()), key=lambda tw: (-tw[1], tw[0]))[:terms_per_doc]
        norm = math.sqrt(sum(w * w for _, w in weights)) or 1.0
        vectors.append({t: w / norm for t, w in weights})
    result = []
    for i, vector in enumerate(vectors):
        scores = {j: sum(w * other[t] for t, w in vector.items() if t in other)
                  for j, other in enumerate(vectors) if j != i and vector.keys() & other.keys()}
        scores = {j: score for j, score in scores.items() if score >= min_score}
        result.append([j for j, _ in sorted(scores.items(), key=lambda js: (-js[1], js[0]))[:k]])
    return result


@given(st.lists(st.lists(st.sampled_from("改造 电梯 居民 管网 加装 社区 物业 资金".split()), max_size=12), min_size=1, max_size=12))
def test_similar_documents_are_the_nearest_by_cosine_over_each_documents_heaviest_terms(docs):
    assert similar_documents(docs, k=3, terms_per_doc=4) == _similar_by_brute_force(docs, 3, 4)
    assert similar_documents([Counter(d) for d in docs], k=3, terms_per_doc=4) == _similar_by_brute_force(docs, 3, 4)
    assert similar_documents(docs, k=3, terms_per_doc=4, min_score=0.4321) == _similar_by_brute_force(docs, 3, 4, 0.4321)


# ---------------------------------------------------------------- concordance


def _article(aid: str, title: str, *paragraphs: str) -> Article:
    return Article(id=aid, page="p.txt", title=title, sections=[Section("", list(paragraphs))])


def test_concordance_lines_have_term_and_context():
    articles = [
        _article("a1", "老旧小区改造", "巫山县推进老旧小区改造，城镇老旧小区焕新。", "没有关键词的段落。"),
        _article("a2", "", "加装电梯后，老旧小区"),
        _article("a3", "", "今年以来记者在采访中了解到河南省洛阳市西工区承担了全市中心城区54%的老旧小区改造工作，点多、面广、任务重。"),
    ]
    lines = concordance("老旧小区", articles, width=4)
    assert lines == [
        KwicLine("", "老旧小区", "改造", "a1"),  # headline line: nothing to the left
        # on to the line's start and the sentence's end, each within KWIC_SNAP characters
        KwicLine("巫山县推进", "老旧小区", "改造，城镇老旧小区焕新。", "a1"),
        # 城镇老旧小区 is one token, so it is not a hit: lines match the counts.
        KwicLine("加装电梯后，", "老旧小区", "", "a2"),
        # no clause's edge near: drawn back to a word's (54%的, not 4%的); a clause's end near
        KwicLine("54%的", "老旧小区", "改造工作", "a3"),
    ]
    assert all(line.left + line.term + line.right in article_text(a)
               for line in lines for a in articles if a.id == line.article_id)
    # Whether the text goes on past the context either side
    assert [(line.cut_left, line.cut_right) for line in lines] == [(False, False), (False, False), (False, False), (True, True)]


def test_a_concordance_line_begins_and_ends_between_words():
    """…省洛阳市 cut 河南省, 社区医… 医疗: a context with no clause's edge near ends on a word's."""
    text = "今年以来记者在采访中了解到河南省洛阳市西工区承担了全市中心城区54%的老旧小区改造工作"
    [line] = concordance("西工区", [_article("w", "", text)], width=4)
    assert (line.left, line.right) == ("洛阳市", "承担了")
    words = [w for w, _, _ in lexicon.tokenizer().tokenize(text, HMM=False)]
    edges = {sum(map(len, words[:i])) for i in range(len(words) + 1)}
    for width in range(1, 12):
        for line in concordance("西工区", [_article("w", "", text)], width=width):
            start = text.index(line.left + line.term)
            assert start in edges and start + len(line.left + line.term + line.right) in edges, (width, line)


def test_a_concordance_line_never_begins_nor_ends_on_a_clauses_mark():
    """A mark right at the cut (…，居民) or a clause's edge just inside it (…到，“老旧小区) was
    passed over, and the line began with the mark."""
    far = "今年以来记者在采访中了解到"
    texts = [far + "面对诉求，居民对这种修补很不满意，小区改造，大家都说好", far + "说到，“老旧小区改造后路更平了”他说道了这些事情很多"]
    lines = [line for width in range(1, 12) for text in texts for term in ("居民", "老旧小区", "改造")
             for line in concordance(term, [_article("a", "", text)], width=width)]
    assert len(lines) >= 33
    assert not [line for line in lines if line.left[:1] in tuple("，、：”") or line.right[-1:] in tuple("，、：“")]


def test_a_concordance_line_shows_a_quotation_cut_near_its_mark_whole_and_marks_a_story_begun_elsewhere():
    text = "今年以来记者在采访中了解到老旧小区改造是系统工程，简单的“头痛医头，脚痛医脚”不仅不能彻底解决问题"
    [line] = concordance("简单", [_article("q", "", text)], width=6)
    assert line.right.endswith("“头痛医头，脚痛医脚”") or "“" not in line.right, line
    assert line.left.count("“") == line.left.count("”") and line.right.count("“") <= line.right.count("”"), line
    # stopped short of a quotation it cannot close, the line ends on no comma
    told = "今年以来记者在采访中了解到老人覃先国便是受惠及的群众之一，他告诉记者，“老旧小区改造后，路更平了，环境更好了，同时还增加了一些健身器材”"
    [line] = concordance("群众", [_article("t", "", told)], width=14)
    assert not line.right.endswith(("，", "“")) and "“" not in line.right, line
    # The first paragraph of a story printed from elsewhere goes on before it.
    begun = Article(id="c", page="p.txt", title="", sections=[Section("", ["改造，再加上安装工程全面完工。", "老旧小区改造后路更平了。"])],
                    cut_at_start=True)
    assert [(line.left, line.cut_left) for line in concordance("改造", [begun], width=4)] == [("", True), ("老旧小区", False)]


def test_concordance_leaves_out_a_key_points_mark():
    article = Article(id="k", page="p.txt", title="标题", summary=["●“十四五”期间，重庆市将继续实施老旧小区改造"])
    [line] = concordance("重庆市", [article], width=12)
    assert line.left == "“十四五”期间，" and line.right == "将继续实施老旧小区改造"


def test_concordance_never_cuts_a_figure_nor_the_hedge_before_it():
    """…8万多户 for 68万多户 is another number; …450个 for 约450个 an exact one; …超过50户 for
    不超过50户 the opposite one; …近13个 for 附近13个 a hedged one."""
    from analysis.extract import load_vocab

    far = "今年以来记者在采访中了解到"  # no line's start within reach
    articles = [_article("f", "", far + "惠及居民68万多户老旧小区"), _article("h", "", far + "西工区完成约450个老旧小区"),
                _article("m", "", far + "每年改造不超过50户老旧小区"), _article("n", "", far + "联合附近13个老旧小区")]
    qualifiers = load_vocab().qualifiers
    assert [line.left for line in concordance("老旧小区", articles, width=4, qualifiers=qualifiers)] == ["68万多户", "约450个", "不超过50户", "附近13个"]
    # Without the qualifiers, figures stay whole and their hedges are left out.
    assert [line.left for line in concordance("老旧小区", articles, width=4)] == ["68万多户", "450个", "50户", "13个"]


def test_concordance_agrees_with_token_counts():
    article = _article("a", "老旧小区", "老旧小区改造，城镇老旧小区。", "老旧小区居民")
    assert len(concordance("老旧小区", [article])) == tokenize(article_text(article)).count("老旧小区") == 3


def test_concordance_cuts_only_the_clauses_holding_the_term_and_finds_what_cutting_whole_lines_finds():
    import jieba

    tokenizer = lexicon.tokenizer()
    for page in seed_pages():
        for line in page.read_text(encoding="utf-8").splitlines():
            if is_name_list(line):
                continue  # its names are not counted (article_text)
            line = BULLET.sub("", line)  # a key point's mark, which no line shows
            whole = [(w, s, e) for w, s, e in tokenizer.tokenize(line, HMM=False)]
            for term in {w for w, _, _ in whole if len(w) > 1 and is_content_word(w, pos_tag(w))}:
                found = concordance(term, [_article("a", "", line)])
                assert [(k.term, line.index(k.left + k.term + k.right) + len(k.left)) for k in found] == \
                    [(w, s) for w, s, e in whole if w == term], (page.name, term)
    assert jieba.re_han_default.pattern.strip("()") == terms_module._CUT_RUN.pattern


def test_idf_worked_out_once_per_term_equals_smooth_idf_and_covers_unseen_terms():
    from analysis.terms import smooth_idf

    stats = document_frequencies([["老旧小区", "加装电梯"], ["老旧小区"], ["停车位"]])
    assert stats.idf == {term: smooth_idf(3, df) for term, df in stats.df.items()}
    assert stats.idf_of("老旧小区") == smooth_idf(3, 2) and stats.idf_of("没见过") == smooth_idf(3, 0)


def jieba_cut_runs(text: str) -> list[list[str]]:
    tokenizer = lexicon.tokenizer()
    return [list(tokenizer.cut(run, HMM=False)) for run in terms_module._CUT_RUN.findall(text)]


def our_cut_runs(text: str) -> list[list[str]]:
    tokenizer = lexicon.tokenizer()
    return [terms_module.cut_run(run, tokenizer.FREQ, math.log(tokenizer.total)) for run in terms_module._CUT_RUN.findall(text)]


def test_cutting_a_run_gives_the_words_jieba_cuts_on_every_seed_page():
    for page in seed_pages():
        text = page.read_text(encoding="utf-8")
        assert our_cut_runs(text) == jieba_cut_runs(text), page.name


# Characters the runs are made of, weighted towards the domain's words and their pieces.
RUN_TEXT = st.text(alphabet=st.sampled_from(list("老旧小区改造加装电梯城镇居民楼栋户万元平方米重庆南通洛阳的了和是在有一二三年月日") + list("abcXYZ019+#&._%-")), max_size=40)


@settings(deadline=None)  # the first example loads jieba's dictionary
@given(RUN_TEXT)
def test_cutting_a_run_gives_the_words_jieba_cuts_for_any_mix_of_words_letters_and_digits(text):
    assert our_cut_runs(text) == jieba_cut_runs(text)


def test_tokenize_keeps_what_jieba_cuts_and_the_filter_keeps():
    tokenizer = lexicon.tokenizer()
    for page in seed_pages():
        text = page.read_text(encoding="utf-8")
        assert tokenize(text) == [w for w in tokenizer.cut(text, HMM=False) if is_content_word(w, pos_tag(w))], page.name


def test_on_equal_probability_the_cut_takes_the_longer_word_as_jieba_does():
    import jieba

    freq = {"甲": 1, "乙": 1, "甲乙": 1, "丙": 1}  # total 1: every cut of 甲乙 has probability 1
    toy = jieba.Tokenizer()
    toy.FREQ, toy.total, toy.initialized = dict(freq), 1, True
    assert list(toy.cut("甲乙丙", HMM=False)) == ["甲乙", "丙"]
    assert terms_module.cut_run("甲乙丙", freq, 0.0) == ["甲乙", "丙"]


@pytest.mark.parametrize(
    "text, kept",
    [
        ("区委书记胡拥军出席会议。胡拥军强调，做好拥军优属工作。", "区委书记，出席会议。，强调，做好拥军优属工作。"),
        ("书记王俊出席活动。", "书记，出席活动。"),  # 王俊, not 王俊出: 出席 is a word
        ("本报记者 张亦筑", "本报记者 ，"),
        ("区委书记高度重视此事。", "区委书记高度重视此事。"),  # 高度 is a word, not a name
        ("居民和小孩一起。副县长任组长。", "居民和小孩一起。副县长任组长。"),  # 和, 任: words of their own here
        ("拥军优属，双拥共建。", "拥军优属，双拥共建。"),  # no title, no name
    ],
)
def test_names_a_title_introduces_are_left_out_of_the_words_wherever_they_occur(text, kept):
    from analysis.terms import without_person_names

    assert without_person_names(text) == kept


@pytest.fixture(scope="module")
def seed_analysis():
    from analysis.ingest import read_corpus
    from analysis.pipeline import analyse

    return analyse(read_corpus(SEEDS, load_settings()), load_settings())


def test_a_given_name_that_is_a_word_is_not_a_word_of_the_places_reporting(seed_analysis):
    """胡拥军, 崇川区's party secretary, gave 拥军 (support the army) as a top word of 南通市."""
    analysis = seed_analysis
    nantong = analysis.terms_by_place[analysis.terms_by_place["place"] == "南通市"]
    assert len(nantong) > 20 and "拥军" not in set(nantong["term"])
    assert {"改造", "安全生产"} <= set(nantong["term"])


def test_word_tables_leave_out_place_names_which_head_a_places_words_because_articles_are_filed_by_them(seed_analysis):
    """西工区 was 西工区's most distinctive word, 重庆市 and 重庆 重庆市's: true of any place's
    articles. A topic's words follow the same rule (重庆市 was the renovation topic's sixth word, and so
    a leading term the report showed in context)."""
    from analysis.places import load_gazetteer

    gazetteer = load_gazetteer()
    by_place, by_topic = seed_analysis.terms_by_place, seed_analysis.terms_by_topic
    assert not [t for t in by_place["term"].unique() if gazetteer.resolve(t)]
    assert not [t for t in by_topic["term"].unique() if gazetteer.resolve(t)]
    assert {"改造", "老旧小区"} <= set(by_topic["term"]) and len(by_topic) > 100
    xigong = by_place[by_place["place"] == "西工区"].sort_values("log_odds_z", ascending=False)
    assert xigong["term"].iloc[0] == "物业"


def test_place_names_are_left_out_after_counting_so_the_other_words_keep_their_rates_and_z():
    from analysis.pipeline import without_place_names
    from analysis.places import load_gazetteer

    docs = [("洛阳市", "洛阳 物业 洛阳市 物业 洛阳"), ("重庆市", "重庆 改造 物业")]
    counted = term_counts(docs)
    kept = without_place_names(counted, load_gazetteer())
    assert set(kept["term"]) == {"物业", "改造"}
    assert kept.to_dict("records") == counted[counted["term"].isin(["物业", "改造"])].to_dict("records")
    # An empty table keeps its columns, so its CSV still has a header.
    empty = without_place_names(term_counts([]), load_gazetteer())
    assert empty.empty and list(empty.columns) == list(counted.columns)


def test_a_name_list_counts_only_its_labels():
    """Names cut without jieba's HMM come out as dictionary words that are no names (刘安 of 刘安兵)."""
    from analysis.terms import article_text

    article = Article(id="x", page="p.txt", title="民盟重庆市委员会名单", sections=[Section("", [
        "主任委员：杜惠平", "常务委员：王某、刘安兵、吴兴刚、刘恩梅（女）", "（女）、刘建、刘加胜、刘安兵",
        "会议强调：要抓好老旧小区改造。"])])
    assert article_text(article).split("\n") == ["民盟重庆市委员会名单", "主任委员", "常务委员", "会议强调：要抓好老旧小区改造。"]
    assert not {"刘安", "吴兴"} & set(tokenize(article_text(article)))


def test_each_line_in_context_links_to_a_sentence_its_articles_page_holds():
    """A key point's line (its ● left out), a name list's label and a paragraph link to ids the
    page gives its sentences; a headline's line, whose page gives it none, to none."""
    from analysis.pages import article_body_html

    article = Article(id="m", page="p.txt", title="委员名单", subtitle="委员会议", summary=["●委员会议提出要求。"], sections=[Section("", [
        "常务委员：王某、刘安兵、吴兴刚、刘恩梅（女）", "会议指出，老旧小区改造很重要。委员会议要求加快。"])])
    ids = set(re.findall(r'<span class="sentence" id="([^"]+)"', article_body_html(article)))
    lines = [line for term in ("委员", "会议", "常务委员") for line in concordance(term, [article], width=6)]
    assert [line.anchor in ids for line in lines if line.term == "常务委员"] == [True]  # the label, its list's id
    linked = [line.anchor for line in lines]
    assert "" in linked  # the subtitle's line
    assert {anchor for anchor in linked if anchor} <= ids and len({a for a in linked if a}) >= 3, (linked, ids)
    for line in lines:
        if line.anchor:
            sentence = re.search(rf'id="{line.anchor}">(?:<span[^>]*></span>)?([^<]*)', article_body_html(article)).group(1)
            within = re.split(r"[。！？]", line.left)[-1]  # the line's words before the term, in its sentence
            assert within + line.term in sentence, (line, sentence)
