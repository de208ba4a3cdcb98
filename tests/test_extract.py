"""Renovation facts from the real seed pages, checked against a hand-made list, plus the rules
behind them on short sentences."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

from analysis.extract import Fact, extract_facts, is_renovation_article, load_vocab
from analysis.model import Article, Section
from analysis.places import load_gazetteer
from analysis.text import normalise_paragraph, sentence_anchor, split_sentences
from tests.corpus import SEEDS, load_fixture

# --- the seed pages as articles -----------------------------------------------------------------
# Each item is cut from its page by the opening words of its first and last paragraphs, so the
# test reads the real text. ``joins`` are paragraph endings where the page broke a sentence in two
# (巫 / 山计划…); ``headings`` are in-article sub-headings; ``summary`` are "●" key points.


@dataclass(frozen=True)
class Item:
    key: str
    page: str
    title: str
    first: str
    last: str
    places: tuple[str, ...]
    date: str
    also: tuple[tuple[str, str], ...] = ()  # further (first, last) runs of the same article
    joins: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()


P0, P1, P2, P3, P4 = (
    "000_697f09e09f9696df.txt",
    "001_0953af9a41337ccc.txt",
    "002_201c16f9bfab485f.txt",
    "003_0481c57dea6bb45b.txt",
    "004_d8c85efb5c0ba2a7.txt",
)

ITEMS = (
    Item("wushan", P0, "巫山：老旧小区“改”出幸福新生活", "后，路更平了", "县住房和城乡建设委党委书记",
         ("望霞路35号小区", "巫山县", "重庆市"), "2023-06", also=(("改造，再加上安装工程", "去年5月，望霞路35号小区"),),
         joins=("2023年，巫",), headings=("网格模式，小区改造成果靠管理", "分类施策，改出群众满意小区")),
    Item("safety", P0, "我县开展“安全生产月”宣传活动", "本报讯（记者 郝燕来）6月14日", "据了解，此次活动",
         ("巫山县", "重庆市"), "2023-06-14"),
    Item("clinics", P0, "政协委员召开紧密型县域医共体建设工作座谈会", "本报讯（记者 郝燕来）6月12日", "县领导王国琼",
         ("福山镇", "巫山县", "重庆市"), "2023-06-12"),
    Item("school", P0, "仙桥小学：幼小衔接活动见成效", "本报讯（通讯员 谭晓柳", "本次活动，给孩子们",
         ("巫山县", "重庆市"), "2023-06-12"),
    Item("corridor", P0, "积极融入西部陆海新通道建设", "（上接第一版）", "县交通局围绕建设",
         ("巫山县", "重庆市"), "2023-06"),
    Item("civility", P1, "王俊在我区创建全国文明城市推进大会上强调", "本报讯（记者 熊辉）10月19日", "王俊强调，创建全国文明城市，是全区",
         ("北碚区", "重庆市"), "2021-10-19"),
    Item("water", P1, "城乡供水一体化惠及30余万群众", "水哗啦啦地流了出来", "北碚区水利局党组成员",
         ("龙车村", "北碚区", "重庆市"), "2021-10"),
    Item("governance", P1, "王俊在全区加强和创新基层治理工作推进会上强调", "本报讯（记者 霍磊）10月20日", "王俊强调，要明确目标思路",
         ("北碚区", "重庆市"), "2021-10-20", also=(("发展、创造高品质生活", "发展、创造高品质生活"),)),
    Item("meeting163", P1, "区政府召开第163次常务会议", "本报讯（记者 齐宏）", "项重点交通工程",
         ("北碚区", "重庆市"), "2021-10-19", joins=("中", "落实市委、市政府相关", "加快推动各")),
    Item("cppcc", P1, "区政协召开十五届四十次主席会议", "本报讯（记者 霍磊）10月21日", "会前，区政协",
         ("北碚区", "重庆市"), "2021-10-21", joins=("习近平", "座谈", "积")),
    Item("oldyoung", P1, "托起“一老一小”稳稳的幸福", "老人和小孩是每个家庭", "随着我市进一步迈入",
         ("重庆市",), "2021-10"),
    Item("chongchuan", P2, "努力把老旧小区变成群众“幸福里”", "晚报讯1日上午", "区四套班子全体领导",
         ("崇川区", "南通市", "江苏省"), "2022-02-01"),
    Item("inspection", P2, "确保群众度过平安欢乐节日", "晚报讯 上月31日", "督查中，胡拥军强调",
         ("崇川区", "南通市", "江苏省"), "2022-01-31", joins=("胡拥军仔",)),
    Item("aunties", P2, "“江海好阿姨”嘉年华", "1日，钟秀街道举办", "1日，钟秀街道举办",
         ("钟秀街道", "崇川区"), "2022-02-01"),
    Item("xigong", P3, "河南洛阳西工区深入推进老旧小区改造", "河南省洛阳市西工区承担了", "据统计，西工区已组建",
         ("交通花园小区", "西工地小区", "健康新村", "光明社区", "汉屯路街道", "西工街道", "西工区", "洛阳市", "河南省"),
         "2023-10-30", joins=("为改造开", "有效的"),
         headings=("集中连片改造，为公共服务拆出空间", "阶梯收费、增加阳光房，让加装电梯顺利推进",
                   "党建+物业，做好物业管理后半篇文章")),
    Item("tibet", P3, "西藏成立儿童先心病管理机构", "本报拉萨10月29日电", "据了解，西藏这一",
         ("西藏自治区",), "2023-10-29"),
    Item("guangxi", P3, "广西筹资支持农村学生改善营养", "本报南宁10月29日电", "为确保营养改善计划",
         ("广西壮族自治区",), "2023-10-29"),
    Item("tcm", P3, "中医药杏林文化传承创新发展大会举行", "本报庐山10月29日电", "近年来，江西纵深推进",
         ("庐山市", "九江市", "江西省"), "2023-10-29"),
    Item("advert", P3, "4400座北斗卫星基准站助力", "中国移动4400座", "中国移动4400座", (), "2023-10-30"),
    Item("chongqing", P4, "重庆“党建+市场”改造老旧小区", "城镇老旧小区改造是重大民生工程", "用心用情的老旧小区改造",
         ("邢家桥社区", "白驹社区", "团结坝社区", "双龙湖街道", "九龙坡区", "两江新区", "重庆市"), "2022-03", joins=("可", "近年来重庆市将基层治理能力", "有望在第7年实现"),
         headings=("实施难、治理难、筹资难", "“党建+市场”促全面改善", "得民心、助发展"),
         summary=("●全市680余个社区", "●“十四五”期间")),
    Item("league", P4, "民盟重庆市第六次代表大会召开", "本报讯（首席记者 周尤）", "（女）、刘建",
         ("重庆市",), "2022-03", joins=("作出了",)),
    Item("thinktank", P4, "市院士工作服务中心副主任秦定龙", "“科技智库汇聚的是", "“目前，我们已联合",
         ("重庆市",), "2022-03-25", joins=("研究",)),
    Item("acrobats", P4, "重庆杂技艺术团有限责任公司总经理陈涛", "“由于疫情原因", "“票房收入增加",
         ("重庆市",), "2022-03-25"),
    Item("farm", P4, "智慧田园", "3月24日，梁平区重庆数谷农场", "据了解，该农场",
         ("梁平区", "重庆市"), "2022-03-24"),
    Item("jiangjin", P4, "辅导上榜", "“成长快，得益于", "截至目前，江津区已培育",
         ("江津区", "重庆市"), "2022-03", joins=("江津", "有", "“专")),
    Item("water_delivery", P4, "抗疫保供", "“在抗疫的关键时刻", "“我去送！”",
         ("重庆市",), "2022-03"),
)

ITEM_BY_KEY = {item.key: item for item in ITEMS}


@lru_cache(maxsize=None)
def page_paragraphs(page: str) -> tuple[str, ...]:
    """The page's blank-line separated paragraphs, normalised as the pipeline does."""
    text = (SEEDS / page).read_text(encoding="utf-8")
    raw = (normalise_paragraph(p) for p in re.split(r"\n\s*\n", text))
    return tuple(p for p in raw if p)


def _run(paragraphs: tuple[str, ...], first: str, last: str) -> list[str]:
    start = next(i for i, p in enumerate(paragraphs) if p.startswith(first))
    end = next(i for i in range(start, len(paragraphs)) if paragraphs[i].startswith(last))
    return list(paragraphs[start : end + 1])


def _join_breaks(paragraphs: list[str], joins: tuple[str, ...]) -> list[str]:
    joined: list[str] = []
    for p in paragraphs:
        if joined and joined[-1].endswith(joins):
            joined[-1] += p
        else:
            joined.append(p)
    return joined


def _sections(paragraphs: list[str], headings: tuple[str, ...]) -> list[Section]:
    sections = [Section("", [])]
    for p in paragraphs:
        if p in headings:
            sections.append(Section(p, []))
        else:
            sections[-1].paragraphs.append(p)
    return [s for s in sections if s.paragraphs or s.heading]


def build_article(item: Item) -> Article:
    paragraphs = page_paragraphs(item.page)
    body = [p for first, last in ((item.first, item.last), *item.also) for p in _run(paragraphs, first, last)]
    summary = [p for p in paragraphs if p.startswith(item.summary)] if item.summary else []
    return Article(
        id=item.key,
        page=item.page,
        title=item.title,
        date=item.date,
        url=f"articles/{item.key}.html",
        places=list(item.places),
        summary=summary,
        sections=_sections(_join_breaks(body, item.joins), item.headings),
    )


@lru_cache(maxsize=1)
def seed_articles() -> tuple[Article, ...]:
    return tuple(build_article(item) for item in ITEMS)


@lru_cache(maxsize=1)
def seed_facts() -> tuple[Fact, ...]:
    gazetteer = load_gazetteer()
    return tuple(f for a in seed_articles() for f in extract_facts(a, gazetteer))


FIXTURE = load_fixture("renovation_facts.toml")
FACT_FIELDS = ("metric", "value", "unit", "qualifier", "status", "year", "funding_source", "place", "province")


def _facts_of(article_key: str) -> list[Fact]:
    return [f for f in seed_facts() if f.article_id == article_key]


def _matches(fact: Fact, expected: dict) -> bool:
    return expected["sentence"] in fact.sentence and all(getattr(fact, k) == expected[k] for k in FACT_FIELDS)


def _label(entry: dict) -> str:
    return f"{entry['article']}:{entry['metric'] if 'metric' in entry else ''}:{entry.get('sentence', entry.get('text'))}"


# --- the hand-checked figures of the seed pages ------------------------------------------------


@pytest.mark.parametrize("expected", FIXTURE["fact"], ids=_label)
def test_every_hand_checked_figure_is_found_exactly(expected):
    candidates = [f for f in _facts_of(expected["article"]) if expected["sentence"] in f.sentence]
    same_metric = [f for f in candidates if f.metric == expected["metric"] and f.value == expected["value"]]
    assert len(same_metric) == 1, f"expected one {expected['metric']}={expected['value']}, got {candidates}"
    got = same_metric[0]
    assert {k: getattr(got, k) for k in FACT_FIELDS} == {k: expected[k] for k in FACT_FIELDS}


def test_nothing_is_reported_beyond_the_hand_checked_list():
    unexpected = [f for f in seed_facts() if not any(_matches(f, e) for e in FIXTURE["fact"] if e["article"] == f.article_id)]
    assert unexpected == []
    assert len(seed_facts()) == len(FIXTURE["fact"])


@pytest.mark.parametrize("entry", FIXTURE["not_a_fact"], ids=_label)
def test_distractor_numbers_are_never_reported(entry):
    article = build_article(ITEM_BY_KEY[entry["article"]])
    assert any(entry["text"] in p for p in article.paragraphs), "the distractor must be on the page"
    reported = [f for f in seed_facts() if entry["text"] in f.sentence and f.value == entry["value"]]
    assert reported == []


def test_fixture_articles_exist_and_every_renovation_article_is_covered():
    keys = {e["article"] for e in FIXTURE["fact"] + FIXTURE["not_a_fact"]}
    assert keys <= set(ITEM_BY_KEY)
    assert {f.article_id for f in seed_facts()} == {"wushan", "xigong", "chongqing"}


def test_renovation_articles_are_recognised_and_a_passing_mention_is_not_enough():
    vocab = load_vocab()
    renovation = {a.id for a in seed_articles() if is_renovation_article(a, vocab)}
    assert renovation == {"wushan", "chongchuan", "xigong", "chongqing"}  # not "civility": one mention


def test_sentence_and_anchor_come_from_the_shared_splitter():
    articles = {a.id: a for a in seed_articles()}
    for fact in seed_facts():
        article = articles[fact.article_id]
        sentences = {s for p in article.paragraphs for s in split_sentences(p)}
        assert fact.sentence in sentences
        assert fact.anchor == sentence_anchor(fact.sentence)
        assert (fact.article_url, fact.page) == (article.url, article.page)


def test_extraction_is_pure():
    article = build_article(ITEM_BY_KEY["chongqing"])
    before = article.to_dict()
    gazetteer = load_gazetteer()
    assert extract_facts(article, gazetteer) == extract_facts(article, gazetteer)
    assert article.to_dict() == before


# --- the rules, on short sentences with a small gazetteer of our own -----------------------------


@dataclass(frozen=True)
class FakeMention:
    name: str
    surface: str
    start: int
    end: int


class FakeGazetteer:
    """Just enough of analysis.places.Gazetteer: names, aliases, levels and parents."""

    PLACES = {  # name: (level, parent, aliases)
        "重庆市": ("province", "", ("重庆",)),
        "北京市": ("province", "", ("北京",)),
        "巫山县": ("district", "重庆市", ("巫山",)),
        "九龙坡区": ("district", "重庆市", ()),
        "北碚区": ("district", "重庆市", ()),
        "望霞路35号小区": ("community", "巫山县", ()),
        "白驹社区": ("community", "九龙坡区", ()),
    }

    def __init__(self):
        self._surfaces = {s: n for n, (_, _, aliases) in self.PLACES.items() for s in (n, *aliases)}
        alternation = "|".join(sorted(map(re.escape, self._surfaces), key=len, reverse=True))
        self._scanner = re.compile(alternation)

    def find_mentions(self, text):
        return [FakeMention(self._surfaces[m.group()], m.group(), m.start(), m.end()) for m in self._scanner.finditer(text)]

    def hierarchy(self, name):
        chain = [self._surfaces[name]]
        while parent := self.PLACES[chain[-1]][1]:
            chain.append(parent)
        return chain

    def level(self, name):
        return self.PLACES[self._surfaces[name]][0]

    def province_of(self, name):
        return self.hierarchy(name)[-1]

    def city_of(self, name):
        return self.province_of(name)


FAKE = FakeGazetteer()


def article_of(*paragraphs: str, title: str = "老旧小区改造新闻", places=("巫山县", "重庆市"), date="2023-06-01") -> Article:
    return Article(id="a1", page="p.txt", title=title, url="articles/a1.html", date=date,
                   places=list(places), sections=[Section("", list(paragraphs))])


def facts_of(*paragraphs: str, **kw) -> list[Fact]:
    return extract_facts(article_of(*paragraphs, **kw), FAKE)


def brief(facts: list[Fact]) -> list[tuple]:
    return [(f.metric, f.value, f.qualifier, f.status) for f in facts]


def test_a_sentence_listing_several_quantities_gives_one_fact_each():
    facts = facts_of("2022年，巫山县完成改造10个老旧小区，272栋房屋，改造面积59.28万平方米，惠及5532户居民。")
    assert brief(facts) == [
        ("communities", 10, "exact", "completed"),
        ("buildings", 272, "exact", "completed"),
        ("area_m2", 592800, "exact", "completed"),
        ("households", 5532, "exact", "completed"),
    ]
    assert {f.year for f in facts} == {"2022"} and {f.place for f in facts} == {"巫山县"}
    assert [f.unit for f in facts] == ["个", "栋", "万平方米", "户"]
    assert [f.printed for f in facts] == ["10个", "272栋", "59.28万平方米", "5532户"]


def test_a_figure_as_printed_is_found_in_its_sentence_with_its_noun_when_it_has_no_unit():
    facts = facts_of("老旧小区改造后，“15分钟生活圈”惠及25.4万老旧小区居民，直接惠及4.5万多名居民。")
    assert [(f.metric, f.value, f.printed) for f in facts] == [("residents", 254000, "25.4万老旧小区居民"), ("residents", 45000, "4.5万多名")]
    assert [f.unit for f in facts] == ["万", "万名"]  # a noun is what is counted, not a unit
    assert all(f.printed in f.sentence for f in facts)


def test_a_figure_repeated_in_one_article_is_one_fact():
    sentence = "截至目前，巫山县完成约450个老旧小区改造。"
    facts = facts_of(sentence, "据统计，" + sentence)
    assert brief(facts) == [("communities", 450, "about", "cumulative")]


def test_the_same_figure_for_two_years_is_two_facts():
    facts = facts_of("2021年，巫山县已改造老旧小区10个；2022年，巫山县已改造老旧小区10个。")
    assert [(f.value, f.year) for f in facts] == [(10, "2021"), (10, "2022")]


def test_the_same_value_from_two_funding_sources_is_two_facts():
    facts = facts_of("开展老旧小区改造以来，争取中央补助资金9000万元，业主自筹9000万元。")
    assert [(f.value, f.funding_source) for f in facts] == [(90000000, "central_subsidy"), (90000000, "owners")]


def test_planned_wins_over_completed_and_cumulative_over_completed():
    planned = facts_of("九龙坡区“十四五”期间将全部完成改造，投入60多亿元。")
    assert brief(planned) == [("funding_yuan", 6000000000, "more_than", "planned")]
    assert planned[0].year == "2021-2025"
    cumulative = facts_of("截至目前，巫山县已完成改造老旧小区120个。")
    assert brief(cumulative) == [("communities", 120, "exact", "cumulative")]


def test_communities_started_are_not_communities_renovated():
    facts = facts_of("自2018年以来，重庆累计启动改造老旧小区2600多个，惠及居民68万多户。", places=("重庆市",))
    # 惠及…, a clause with no state of its own: the households of the communities started
    assert brief(facts) == [("communities", 2600, "more_than", "started"), ("households", 680000, "more_than", "started")]
    assert {f.year for f in facts} == {"2018-"}
    assert brief(facts_of("今年计划启动改造老旧小区30个。")) == [("communities", 30, "exact", "planned")]


def test_a_credit_line_is_money_promised_not_money_spent():
    facts = facts_of("目前已授信37亿元支持市场主体参与老旧小区改造。", places=("重庆市",))
    assert [(f.value, f.status, f.funding_source) for f in facts] == [(3700000000, "committed", "bank_credit")]
    seed_money = facts_of("县财政已拨付老旧小区改造启动资金500万元。")  # paid: 启动资金 is no work begun
    assert [(f.value, f.status) for f in seed_money] == [(5000000, "completed")]


def test_a_place_named_for_a_part_is_not_the_place_of_the_whole():
    """其中 opens the parts of a whole: the whole's figure keeps its own place."""
    county = facts_of("巫山县改造老旧小区10个，其中望霞路35号小区涉及6栋居民楼。", places=("重庆市",))
    assert [(f.value, f.place) for f in county] == [(10, "巫山县"), (6, "望霞路35号小区")]
    city = facts_of("重庆市改造老旧小区惠及68万户居民，其中巫山县惠及5532户，北碚区惠及3000户。", places=("重庆市",))
    assert [(f.value, f.place) for f in city] == [(680000, "重庆市"), (5532, "巫山县"), (3000, "北碚区")]
    # a part's place written short (巫山 for 巫山县) is still the nearest before its figure
    short = facts_of("重庆市改造老旧小区惠及68万户居民，其中北碚区惠及3000户，巫山惠及5532户。", places=("重庆市",))
    assert [(f.value, f.place) for f in short] == [(680000, "重庆市"), (3000, "北碚区"), (5532, "巫山县")]
    # 其中之一 and 乐在其中 open no parts
    from analysis.extract import subset_scope

    for sentence in ("居民乐在其中，全县改造老旧小区10个。", "巫山县是其中之一，全县改造老旧小区10个。"):
        assert subset_scope(sentence, sentence.index("10"), load_vocab()) == (None, sentence)
    parts = "全县改造10个，其中城区8个。"
    assert subset_scope(parts, parts.index("8"), load_vocab()) == ("其中城区", "全县改造10个，")


def test_a_sentence_without_a_subject_takes_the_time_and_state_of_the_one_before():
    facts = facts_of("去年5月，望霞路35号小区开始全面升级改造，多项工程同时开工。涉及6栋居民楼，惠及213户居民。"
                     "如今该小区共有56个停车位。", places=("巫山县",))
    assert [(f.value, f.place, f.year, f.status) for f in facts] == [
        (6, "望霞路35号小区", "2022", "started"), (213, "望霞路35号小区", "2022", "started"),
        (56, "望霞路35号小区", "", ""),  # 如今…: a sentence of its own, about now
    ]
    # where the sentence before left off: its last year and the state of its last clause with one
    finished = facts_of("望霞路35号小区去年5月开工改造，今年3月全部完工。涉及6栋居民楼。", places=("巫山县",))
    assert [(f.year, f.status) for f in finished] == [("2023", "completed")]
    done_last = facts_of("明年计划改造20个老旧小区，去年已完成改造10个老旧小区。涉及6栋居民楼。", places=("巫山县",))
    assert [(f.value, f.year, f.status) for f in done_last][-1] == (6, "2022", "completed")


def test_each_figure_takes_the_status_of_its_own_clause_first():
    facts = facts_of("巫山县2022年完成改造10个老旧小区，2023年计划改造57个老旧小区。")
    assert [(f.value, f.status, f.year) for f in facts] == [(10, "completed", "2022"), (57, "planned", "2023")]
    reversed_order = facts_of("巫山县2023年将改造57个老旧小区，2022年完成改造10个老旧小区。")
    assert [(f.value, f.status) for f in reversed_order] == [(57, "planned"), (10, "completed")]


def test_money_a_plan_needs_is_not_money_planned():
    facts = facts_of("九龙坡区“十四五”期间将全部完成改造，需投入60多亿元。明年计划投入资金5亿元。")
    assert [(f.value, f.status) for f in facts] == [(6000000000, "needed"), (500000000, "planned")]
    # 需投入 speaks for its own clause's amount only: the area before it is what is planned
    area = facts_of("九龙坡区老旧小区面积816万多平方米，“十四五”期间将全部完成改造，需投入60多亿元。")
    assert [(f.metric, f.status) for f in area] == [("area_m2", "planned"), ("funding_yuan", "needed")]
    # nor is a count in the same clause: the money is needed; the communities' state is unsaid
    counted = facts_of("巫山县需投入资金3亿元改造老旧小区57个。")
    assert sorted((f.metric, f.status) for f in counted) == [("communities", ""), ("funding_yuan", "needed")]
    planned = facts_of("巫山县计划改造老旧小区57个，需投入资金3亿元。")
    assert sorted((f.metric, f.status) for f in planned) == [("communities", "planned"), ("funding_yuan", "needed")]


def test_money_secured_is_not_money_spent():
    """争取到国家补助资金43181万元 headed the home page's figures as money already put in."""
    facts = facts_of("开展老旧小区改造工作以来，巫山县共争取到国家补助资金43181万元，业主自筹9000万元用于电梯加装。")
    assert [(f.value, f.status, f.funding_source) for f in facts] == [
        (431810000, "secured", "central_subsidy"), (90000000, "cumulative", "owners")]  # 争取到 speaks for its clause only
    assert "secured" not in load_vocab().done_statuses
    # a year striven for is no money: the communities are planned
    striven = facts_of("巫山县计划改造老旧小区57个，争取到2025年全部完成。")
    assert [(f.metric, f.status) for f in striven] == [("communities", "planned")]
    # 争取 also means "seek": money sought in a plan is planned; in a year's summary, secured
    assert [f.status for f in facts_of("巫山县计划争取资金5000万元。")] == ["planned"]
    assert [f.status for f in facts_of("巫山县将积极争取补助资金5000万元。")] == ["planned"]
    summary = facts_of("2023年，巫山县争取中央补助资金3000万元，完成改造老旧小区20个。")
    assert sorted((f.metric, f.status) for f in summary) == [("communities", "completed"), ("funding_yuan", "secured")]
    assert [f.status for f in facts_of("巫山县力争取得新突破，已投入资金5000万元。")] == ["completed"]  # 力争取得 is no 争取


def test_a_running_total_frame_covers_the_figures_after_it_but_not_a_plan():
    facts = facts_of("截至目前，巫山县已完成改造100个老旧小区，明年计划改造50个老旧小区。")
    assert [(f.value, f.status) for f in facts] == [(100, "cumulative"), (50, "planned")]
    assert [f.year for f in facts] == ["", "2024"]


def test_a_year_after_the_figure_counts_unless_it_opens_another_figure():
    assert [f.year for f in facts_of("巫山县改造面积59.28万平方米，于2022年全部完成。")] == ["2022"]
    assert [f.year for f in facts_of("九龙坡区老旧小区面积816万多平方米，“十四五”期间将全部完成改造。")] == ["2021-2025"]


def test_a_funding_source_does_not_carry_over_to_the_next_amount():
    facts = facts_of("巫山县老旧小区改造争取中央补助资金3亿元，另投入资金2亿元。")
    assert [(f.value, f.funding_source) for f in facts] == [(300000000, "central_subsidy"), (200000000, "")]


def test_year_falls_back_to_the_article_date_only_for_this_year_and_last_year():
    assert [f.year for f in facts_of("今年巫山县计划改造30个老旧小区。", date="2023-06-01")] == ["2023"]
    assert [f.year for f in facts_of("去年巫山县完成改造20个老旧小区。", date="2023-06-01")] == ["2022"]
    assert [f.year for f in facts_of("巫山县完成改造20个老旧小区。", date="2023-06-01")] == [""]
    assert [f.year for f in facts_of("2000年以前修建的老旧小区，面积816万多平方米。")] == [""]
    assert [f.year for f in facts_of("自2018年以来，重庆累计启动改造老旧小区2600多个。")] == ["2018-"]


def test_place_is_the_most_specific_in_reach():
    in_sentence = facts_of("望霞路35号小区改造涉及6栋居民楼。")
    assert [(f.place, f.province) for f in in_sentence] == [("望霞路35号小区", "重庆市")]
    from_paragraph = facts_of("九龙坡区推进老旧小区改造。共改造老旧小区40个。")
    assert [f.place for f in from_paragraph] == ["九龙坡区"]
    from_article = facts_of("老旧小区改造稳步推进。", "共改造老旧小区40个。")
    assert [f.place for f in from_article] == ["巫山县"]


def test_an_article_wide_figure_never_lands_on_a_community_met_in_passing():
    facts = facts_of("记者走进望霞路35号小区。", "开展老旧小区改造以来，共争取中央补助资金43181万元。",
                     title="老旧小区“改”出幸福新生活", places=("望霞路35号小区", "巫山县", "重庆市"))
    assert [f.place for f in facts] == ["巫山县"]


def test_a_sentence_pointing_back_takes_the_community_named_before():
    facts = facts_of("白驹社区如今设施一应俱全。这是重庆市首个老旧小区改造PPP项目，由北京愿景集团投资3.7亿元改造运营。")
    assert [(f.place, f.funding_source, f.value) for f in facts] == [("白驹社区", "social_capital", 370000000)]


def test_a_longer_funding_cue_wins_at_the_same_place():
    facts = facts_of("巫山县老旧小区改造获政府投资2亿元。")
    assert [f.funding_source for f in facts] == ["local_government"]


def test_a_total_investment_names_no_source():
    facts = facts_of("巫山县老旧小区改造项目总投资2亿元。")
    assert [(f.value, f.funding_source) for f in facts] == [(200000000, "")]


def test_figures_outside_renovation_are_not_facts():
    water = article_of("我区今年已累计投入9000余万元改善农村饮水。", title="城乡供水一体化惠及30余万群众", places=("北碚区",))
    assert extract_facts(water, FAKE) == []
    assert facts_of("此次活动共设置宣传展板32块，发放宣传资料1.5万余份。") == []


def test_speech_rates_events_and_community_sizes_are_not_facts():
    # each of these would match a metric but for the rule it illustrates
    assert facts_of("刘兰荣说：“我们楼加装了2部电梯，老旧小区改造真好。”") == []
    assert brief(facts_of("老旧小区改造后加装了2部电梯。")) == [("elevators", 2, "exact", "")]
    assert facts_of("老旧小区改造后，每栋楼加装2部电梯。") == []
    assert facts_of("会上，现场连线16个老旧小区现场点位。") == []
    assert facts_of("旺瑞小区为开放式老旧小区，有19栋楼、住户和商户共1166户。") == []
    kept = facts_of("改造后，该小区如今共有56个停车位。", "望霞路35号小区")
    assert brief(kept) == [("parking_spaces", 56, "exact", "")]


def test_numbers_that_are_not_quantities_are_not_facts():
    assert facts_of("区政府第163次常务会议研究老旧小区改造。") == []
    assert facts_of("一栋楼里有一户不同意，老旧小区改造就难以实施。") == []
    assert facts_of("老旧小区改造，三五年后问题又出现，涉及3至5栋楼。") == []
    assert facts_of("老旧小区改造居民支持率从23%上升为100%。") == []
    assert facts_of("住在5栋3单元的居民说，老旧小区改造后楼道亮了。") == []
    assert facts_of("住在5栋的居民说，老旧小区改造后楼道亮了。") == []
    assert brief(facts_of("老旧小区改造涉及12栋。")) == [("buildings", 12, "exact", "")]


def test_unknown_article_place_gives_no_province():
    facts = facts_of("共改造老旧小区40个。", places=("某某镇",))
    assert [(f.place, f.province) for f in facts] == [("某某镇", "")]


def test_vocabulary_lists_every_metric_once_with_a_display_unit():
    vocab = load_vocab()
    keys = [m.key for m in vocab.metrics]
    assert len(keys) == len(set(keys))
    assert sorted(vocab.report["reading_order"]) == sorted(keys)  # each metric once in the report's order
    assert all(m.display_unit and m.forms for m in vocab.metrics)
    assert {s.key for s in vocab.statuses} == {"needed", "secured", "planned", "committed", "started", "cumulative", "in_progress", "completed"}
    assert vocab.done_statuses == ("cumulative", "completed")
    assert {s.key for s in vocab.funding_sources} == {
        "central_subsidy", "local_government", "owners", "social_capital", "bank_credit"}


def test_the_full_pipeline_finds_the_same_figures_on_the_real_pages():
    """The hand-checked list holds for articles as the real segmenter produces them, too."""
    from analysis.ingest import read_corpus
    from analysis.pipeline import analyse
    from analysis.settings import load_settings

    facts = analyse(read_corpus(SEEDS, load_settings()), load_settings()).facts
    expected = FIXTURE["fact"]
    assert len(facts) == len(expected)
    for entry in expected:
        found = [f for f in facts if _matches(f, entry)]
        assert len(found) == 1, _label(entry)


@pytest.mark.parametrize("year, label", [("2022", "2022年"), ("2018-", "2018年起"), ("2021-2025", "2021—2025年"), ("", "")])
def test_a_figures_year_reads_as_metrics_toml_says(year, label):
    assert load_vocab().year_label(year) == label


def test_a_table_cell_says_when_the_paper_gives_no_status_or_funding_source():
    vocab = load_vocab()
    assert (vocab.status_cell(""), vocab.funding_cell("")) == (vocab.report["status_unknown"], vocab.report["funding_unknown"])
    assert (vocab.status_cell("planned"), vocab.status_label("")) == ("计划", "")

