"""Topic rules against the real seed pages.

Page segmentation lives elsewhere; here each article is cut out of its page file
between two marker strings (its first body line and the next item's first line),
which is enough to feed assign_topics real text.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.model import Article, Section
from analysis.topics import (
    TopicRules,
    assign_topics,
    body_text,
    keyword_hits,
    load_topics,
    parse_topics,
    score_topics,
    topic_score_parts,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PAGES = {
    "000": "000_697f09e09f9696df.txt",
    "001": "001_0953af9a41337ccc.txt",
    "002": "002_201c16f9bfab485f.txt",
    "003": "003_0481c57dea6bb45b.txt",
    "004": "004_d8c85efb5c0ba2a7.txt",
}

# id: (page, headline, subtitle, body starts with, body ends before — None for end of page)
SEED_ARTICLES = {
    "wushan-renovation": ("000", "巫山：老旧小区“改”出幸福新生活", "", "后，路更平了", "仙桥小学：幼小衔接活动见成效"),
    "safety-month": ("000", "我县开展“安全生产月”宣传活动", "", "本报讯（记者 郝燕来）6月14日", "政协委员召开紧密型"),
    "medical-alliance": ("000", "政协委员召开紧密型县域医共体建设工作座谈会", "", "本报讯（记者 郝燕来）6月12日", "后，路更平了"),
    "xianqiao-school": ("000", "仙桥小学：幼小衔接活动见成效", "", "本报讯（通讯员 谭晓柳", "积极融入西部陆海新通道建设 着力打造"),
    "land-sea-corridor": ("000", "积极融入西部陆海新通道建设 着力打造多式联运商贸物流枢纽", "", "（上接第一版）", None),
    "beibei-civilised-city": ("001", "王俊在我区创建全国文明城市推进大会上强调 举全区之力推进全国文明城市创建工作", "", "本报讯(记者 熊辉)10月19日", "王俊在我区创建全国文明城市推进大会上强调"),
    "beibei-water": ("001", "城乡供水一体化惠及30余万群众", "", "水哗啦啦地流了出来", "# 王俊在全区加强和创新基层治理"),
    "beibei-governance": ("001", "王俊在全区加强和创新基层治理工作推进会上强调", "", "本报讯(记者 霍磊)10月20日", "## 区政府召开"),
    "beibei-standing-meeting": ("001", "区政府召开第163次常务会议", "", "本报讯(记者 齐宏)", "## 区政协召开"),
    "beibei-cppcc": ("001", "区政协召开十五届四十次主席会议", "", "本报讯(记者 霍磊)10月21日", "## 托起"),
    "elderly-and-young": ("001", "托起“一老一小”稳稳的幸福", "", "■王先明", None),
    "chongchuan-renovation": ("002", "努力把老旧小区变成群众“幸福里”", "崇川区召开2021年老旧小区改造竣工交付暨2022年改造项目推进会", "晚报讯 1日上午", "确保群众度过平安欢乐节日"),
    "chongchuan-inspection": ("002", "确保群众度过平安欢乐节日", "胡拥军率队督查安全生产、疫情防控等工作", "晚报讯 上月31日", "仇纳川"),
    "chongchuan-photos": ("002", "", "", "1日,钟秀街道", None),
    "xigong-renovation": ("003", "河南洛阳西工区深入推进老旧小区改造", "倾听居民想法 难题找到解法", "核心阅读", "西藏成立儿童先心病管理机构"),
    "tibet-heart": ("003", "西藏成立儿童先心病管理机构", "", "本报拉萨10月29日电", "广西筹资支持"),
    "guangxi-nutrition": ("003", "广西筹资支持农村学生改善营养", "", "本报南宁", "中医药杏林文化传承创新发展大会举行"),
    "tcm-conference": ("003", "中医药杏林文化传承创新发展大会举行", "", "本报庐山", "本版责编"),
    "mobile-advert": ("003", "中国移动 China Mobile 5G+", "", "毫厘之间", None),
    "chongqing-party-market": ("004", "重庆“党建+市场”改造老旧小区", "", "●全市680余个社区", "民盟重庆市第六次代表大会召开"),
    "democratic-league": ("004", "民盟重庆市第六次代表大会召开", "", "本报讯(首席记者 周尤)", "重庆市担当作为好干部"),
    "think-tank": ("004", "市院士工作服务中心副主任秦定龙:推动两家国家级科技智库在渝落地", "", "□本报首席记者 张亦筑", "重庆杂技艺术团有限责任公司总经理陈涛"),
    "acrobatics": ("004", "重庆杂技艺术团有限责任公司总经理陈涛:让精品力作焕发出应有价值", "", "□本报记者 刘一叶", "智慧田园"),
    "smart-farm": ("004", "智慧田园", "", "3月24日,梁平区", "(上接1版)"),
    "jiangjin-firms": ("004", "", "", "辅导上榜", "“在抗疫的关键时刻"),
    "ecommerce-supply": ("004", "", "", "“在抗疫的关键时刻", None),
}


def cut(page: str, start: str, end: str | None) -> str:
    """page[start marker : end marker), searching for the end only after the start."""
    i = page.index(start)
    return page[i : page.index(end, i + len(start)) if end else len(page)]


def seed_article(article_id: str) -> Article:
    page, title, subtitle, start, end = SEED_ARTICLES[article_id]
    text = cut((SEEDS / PAGES[page]).read_text("utf-8"), start, end)
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return Article(id=article_id, page=PAGES[page], title=title, subtitle=subtitle,
                   sections=[Section("", paragraphs)])


@pytest.fixture(scope="module")
def rules() -> TopicRules:
    return load_topics()


def topics_of(article_id: str, rules: TopicRules) -> list[str]:
    return assign_topics(seed_article(article_id), rules)


@pytest.mark.parametrize("article_id", ["wushan-renovation", "xigong-renovation", "chongqing-party-market"])
def test_renovation_stories_get_renovation(article_id, rules):
    assert "renovation" in topics_of(article_id, rules)


def test_renovation_story_with_renovation_headline_ranks_it_first(rules):
    assert topics_of("wushan-renovation", rules)[0] == "renovation"


def test_xigong_story_gets_elevator_property_and_party_building(rules):
    topics = topics_of("xigong-renovation", rules)
    assert {"renovation", "elevator-retrofit", "property-management", "party-building"} <= set(topics)


@pytest.mark.parametrize(
    "article_id, slug",
    [
        ("safety-month", "safety-production"),
        ("medical-alliance", "health-care"),
        ("xianqiao-school", "education"),
        ("land-sea-corridor", "transport-logistics"),
        ("beibei-civilised-city", "civilised-city"),
        ("beibei-water", "water-supply"),
        ("beibei-governance", "grassroots-governance"),
        ("beibei-cppcc", "industry-enterprise"),
        ("elderly-and-young", "elderly-childcare"),
        ("acrobatics", "culture"),
        ("tibet-heart", "health-care"),
        ("guangxi-nutrition", "education"),
    ],
)
def test_single_subject_stories_lead_with_their_subject(article_id, slug, rules):
    assert topics_of(article_id, rules)[0] == slug


@pytest.mark.parametrize("article_id", ["medical-alliance", "beibei-standing-meeting", "beibei-cppcc", "democratic-league"])
def test_meeting_reports_get_meetings(article_id, rules):
    assert "meetings" in topics_of(article_id, rules)


def test_zero_weight_keywords_exclude_party_education(rules):
    # 重庆 story says 干部受教育 twice: cadres "being educated", not schooling.
    education = next(t for t in rules.topics if t.slug == "education")
    hits = keyword_hits(education, body_text(seed_article("chongqing-party-market")))
    assert hits["受教育"] == 2 and hits["教育"] == 0
    assert "education" not in topics_of("chongqing-party-market", rules)


def test_place_name_containing_jiaotong_is_not_transport(rules):
    # 交通花园小区 is a residential compound in 西工区, not transport.
    assert "transport-logistics" not in topics_of("xigong-renovation", rules)


@pytest.mark.parametrize("article_id", sorted(SEED_ARTICLES))
def test_every_seed_article_gets_a_known_topic(article_id, rules):
    topics = topics_of(article_id, rules)
    assert topics and len(set(topics)) == len(topics)
    assert set(topics) <= set(rules.names())


def test_headline_hit_counts_title_weight_times_a_body_hit(rules):
    in_title = Article(id="a", page="p", title="老旧小区", sections=[])
    in_body = Article(id="b", page="p", title="", sections=[Section("", ["老旧小区"])])
    scores_title, scores_body = score_topics(in_title, rules), score_topics(in_body, rules)
    assert scores_title["renovation"] == rules.title_weight * scores_body["renovation"]


def test_body_hits_are_capped_per_keyword(rules):
    many = Article(id="a", page="p", title="", sections=[Section("", ["电梯。" * 50])])
    assert score_topics(many, rules)["elevator-retrofit"] == rules.body_cap * 1.0


def test_empty_article_falls_back(rules):
    assert assign_topics(Article(id="x", page="p", title=""), rules) == [rules.fallback.slug]
    assert rules.names()[rules.fallback.slug] == "综合"


@settings(max_examples=50, deadline=None)
@given(title=st.text(max_size=30), body=st.lists(st.text(max_size=200), max_size=5))
def test_any_article_gets_at_least_one_topic(title, body):
    article = Article(id="h", page="p", title=title, sections=[Section("", body)])
    assert assign_topics(article, load_topics())


@settings(max_examples=100, deadline=None)
@given(headline=st.text(alphabet="老旧小区改造电梯物业加装党建。", max_size=20),
       body=st.text(alphabet="老旧小区改造电梯物业加装党建主题教育。", max_size=200))
def test_a_topic_score_sums_weight_times_hits_over_every_keyword(headline, body):
    rules = load_topics()
    for topic in rules.topics:
        head, main = keyword_hits(topic, headline), keyword_hits(topic, body)
        expected = (rules.title_weight * sum(w * head[kw] for kw, w in topic.keywords),
                    sum(w * min(main[kw], rules.body_cap) for kw, w in topic.keywords))
        assert topic_score_parts(topic, headline, body, rules) == expected


def test_bad_slug_is_rejected():
    data = {"fallback": {"slug": "other", "name": "综合"},
            "topics": [{"slug": "老旧小区", "name": "x", "threshold": 1, "keywords": {"a": 1}}]}
    with pytest.raises(ValueError):
        parse_topics(data)


def test_the_focus_topic_is_one_of_the_topics():
    data = {"settings": {"focus": "renovatoin"}, "fallback": {"slug": "other", "name": "综合"},
            "topics": [{"slug": "renovation", "name": "老旧小区改造", "threshold": 1, "keywords": {"a": 1}}]}
    with pytest.raises(ValueError, match="focus"):
        parse_topics(data)
    data["settings"]["focus"] = "renovation"
    assert parse_topics(data).focus == "renovation"
