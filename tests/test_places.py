"""Gazetteer data and place resolution, checked against the real seed pages."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

from analysis.places import (
    DEFAULT_PATH,
    LEVELS,
    Gazetteer,
    Place,
    article_places,
    dateline_place,
    deictic_mentions,
    load_gazetteer,
    places_above,
)

SEEDS = ROOT / "seeds"

# Every place named in the five seed pages (canonical names), found by reading them.
PLACES_IN_SEEDS = {
    "000": ["重庆市", "巫山县", "福山镇", "望霞路35号小区"],
    "001": ["重庆市", "北碚区", "龙车村", "澄江镇", "东阳街道", "天府镇", "金刀峡镇", "静观镇",
            "陕西省", "榆林市", "江北区"],
    "002": ["崇川区", "城东街道", "和平桥街道", "虹桥街道", "新城桥街道", "学田街道", "钟秀街道",
            "任港街道", "任港社区", "姚港社区"],
    "003": ["河南省", "洛阳市", "西工区", "西工街道", "汉屯路街道", "光明社区", "西工地小区",
            "交通花园小区", "健康新村", "西藏自治区", "拉萨市", "广西壮族自治区", "南宁市",
            "江西省", "庐山市"],
    "004": ["重庆市", "两江新区", "邢家桥社区", "九龙坡区", "白驹社区", "渝北区", "双龙湖街道",
            "旺瑞小区", "沙坪坝区", "石井坡街道", "团结坝社区", "渝中区", "中山二路社区", "十八梯",
            "朝天门街道", "北京市", "四川省", "梁平区", "江津区", "广州市"],
}

CAPITALS = {
    "北京市": "北京市", "天津市": "天津市", "上海市": "上海市", "重庆市": "重庆市",
    "河北省": "石家庄市", "山西省": "太原市", "内蒙古自治区": "呼和浩特市", "辽宁省": "沈阳市",
    "吉林省": "长春市", "黑龙江省": "哈尔滨市", "江苏省": "南京市", "浙江省": "杭州市",
    "安徽省": "合肥市", "福建省": "福州市", "江西省": "南昌市", "山东省": "济南市",
    "河南省": "郑州市", "湖北省": "武汉市", "湖南省": "长沙市", "广东省": "广州市",
    "广西壮族自治区": "南宁市", "海南省": "海口市", "四川省": "成都市", "贵州省": "贵阳市",
    "云南省": "昆明市", "西藏自治区": "拉萨市", "陕西省": "西安市", "甘肃省": "兰州市",
    "青海省": "西宁市", "宁夏回族自治区": "银川市", "新疆维吾尔自治区": "乌鲁木齐市",
    "台湾省": "台北市", "香港特别行政区": "香港特别行政区", "澳门特别行政区": "澳门特别行政区",
}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def article(prefix: str, title: str, first: str, stop: str | None) -> tuple[str, list[str]]:
    """Title plus the non-empty lines from the one starting ``first`` up to the one containing ``stop``."""
    lines = [line.strip() for line in seed(prefix).splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = next((i for i in range(start + 1, len(lines)) if stop and stop in lines[i]), len(lines))
    paragraphs = [line for line in lines[start:end] if line]
    assert paragraphs, "article text not found in the seed page"
    return title, paragraphs


# --- the data -----------------------------------------------------------------------------------


def test_csv_header_and_levels():
    with open(DEFAULT_PATH, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert reader.fieldnames == ["name", "level", "parent", "aliases", "slug"]
    assert {row["level"] for row in rows} <= set(LEVELS)
    assert len({row["name"] for row in rows}) == len(rows)


def test_every_place_has_a_page_name_of_its_own(gaz):
    """Place pages are named by pinyin without tones, so 山西省 and 陕西省 would share one page;
    a place whose pinyin is taken gets a slug in the gazetteer."""
    from analysis.articles import place_slug

    by_slug: dict[str, list[str]] = {}
    for place in gaz:
        by_slug.setdefault(place_slug(place.name), []).append(place.name)
    assert {slug: names for slug, names in by_slug.items() if len(names) > 1} == {}
    assert (place_slug("山西省"), place_slug("陕西省")) == ("shan-xi-sheng", "shaan-xi-sheng")
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in by_slug)


def test_every_parent_exists_and_only_provinces_lack_one(gaz):
    for place in gaz:
        if place.level == "province":
            assert place.parent == ""
        else:
            assert place.parent in gaz, place


def test_34_provinces_each_with_a_capital(gaz):
    provinces = {p.name for p in gaz if p.level == "province"}
    assert provinces == set(CAPITALS)
    assert len(provinces) == 34
    for province, capital in CAPITALS.items():
        assert capital in gaz
        if capital != province:
            assert gaz.level(capital) == "city"
            assert gaz.place(capital).parent == province
        else:  # municipalities and SARs are their own capital
            assert gaz.city_of(province) == province


def test_every_place_named_in_the_seed_pages_is_known(gaz):
    missing = [name for names in PLACES_IN_SEEDS.values() for name in names if name not in gaz]
    assert missing == []


@pytest.mark.parametrize("prefix", sorted(PLACES_IN_SEEDS))
def test_scanning_each_seed_page_finds_exactly_the_listed_places(gaz, prefix):
    found = {m.name for m in gaz.find_mentions(seed(prefix))}
    assert found == set(PLACES_IN_SEEDS[prefix])


def test_aliases_are_never_single_characters_or_shared(gaz):
    seen = {}
    for place in gaz:
        for alias in place.aliases:
            assert len(alias) >= 2, alias
            assert seen.setdefault(alias, place.name) == place.name
            assert gaz.resolve(alias) == place.name


def test_bare_xigong_is_not_an_alias(gaz):
    assert gaz.resolve("西工") is None


def test_gazetteer_rejects_broken_data():
    with pytest.raises(ValueError):
        Gazetteer([Place("某区", "district", "不存在市")])
    with pytest.raises(ValueError):
        Gazetteer([Place("甲省", "province"), Place("乙市", "city", "甲省", ("甲省",))])
    with pytest.raises(ValueError):  # a town may not sit above a district
        Gazetteer([Place("甲省", "province"), Place("乙镇", "town", "甲省"), Place("丙区", "district", "乙镇")])


def test_load_gazetteer_default_is_cached_and_path_is_honoured(tmp_path):
    assert load_gazetteer() is load_gazetteer()
    path = tmp_path / "tiny.csv"
    path.write_text("name,level,parent,aliases\n甲省,province,,甲\n乙市,city,甲省,乙城|乙都\n", encoding="utf-8")
    tiny = load_gazetteer(path)
    assert len(tiny) == 2
    assert [m.name for m in tiny.find_mentions("乙都在甲省")] == ["乙市", "甲省"]


# --- hierarchy ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, chain",
    [
        ("旺瑞小区", ["旺瑞小区", "双龙湖街道", "渝北区", "重庆市"]),
        ("团结坝社区", ["团结坝社区", "石井坡街道", "沙坪坝区", "重庆市"]),
        ("邢家桥社区", ["邢家桥社区", "两江新区", "重庆市"]),
        ("白驹社区", ["白驹社区", "九龙坡区", "重庆市"]),
        ("中山二路社区", ["中山二路社区", "渝中区", "重庆市"]),
        ("望霞路35号小区", ["望霞路35号小区", "巫山县", "重庆市"]),
        ("福山镇", ["福山镇", "巫山县", "重庆市"]),
        ("龙车村", ["龙车村", "北碚区", "重庆市"]),
        ("姚港社区", ["姚港社区", "任港街道", "崇川区", "南通市", "江苏省"]),
        ("交通花园小区", ["交通花园小区", "西工街道", "西工区", "洛阳市", "河南省"]),
        ("西工地小区", ["西工地小区", "光明社区", "西工区", "洛阳市", "河南省"]),
        ("健康新村", ["健康新村", "汉屯路街道", "西工区", "洛阳市", "河南省"]),
        ("庐山市", ["庐山市", "九江市", "江西省"]),
        ("拉萨市", ["拉萨市", "西藏自治区"]),
        ("南宁市", ["南宁市", "广西壮族自治区"]),
        ("巫山", ["巫山县", "重庆市"]),  # aliases resolve
    ],
)
def test_hierarchy(gaz, name, chain):
    assert gaz.hierarchy(name) == chain


@pytest.mark.parametrize("town", ["澄江镇", "东阳街道", "天府镇", "金刀峡镇", "静观镇"])
def test_beibei_towns(gaz, town):
    assert gaz.hierarchy(town) == [town, "北碚区", "重庆市"]
    assert gaz.level(town) == "town"


@pytest.mark.parametrize("street", ["城东街道", "和平桥街道", "虹桥街道", "新城桥街道", "学田街道", "钟秀街道", "任港街道"])
def test_chongchuan_streets(gaz, street):
    assert gaz.hierarchy(street)[1:] == ["崇川区", "南通市", "江苏省"]


@pytest.mark.parametrize("district", ["北碚区", "巫山县", "江北区", "两江新区", "九龙坡区", "渝北区", "沙坪坝区", "渝中区", "梁平区", "江津区"])
def test_chongqing_districts_belong_to_the_municipality(gaz, district):
    assert gaz.level(district) == "district"
    assert gaz.province_of(district) == "重庆市"
    assert gaz.city_of(district) == "重庆市"


def test_levels_city_and_province(gaz):
    assert gaz.level("重庆市") == "province"
    assert gaz.level("南通市") == "city"
    assert gaz.level("崇川区") == "district"
    assert gaz.level("旺瑞小区") == "community"
    assert gaz.city_of("交通花园小区") == "洛阳市"
    assert gaz.city_of("庐山市") == "九江市"
    assert gaz.city_of("河南省") is None
    assert gaz.province_of("任港社区") == "江苏省"
    assert "巫山县" in gaz and "巫山" not in gaz and "火星市" not in gaz
    with pytest.raises(KeyError):
        gaz.hierarchy("火星市")


# --- finding mentions ---------------------------------------------------------------------------


def test_longest_match_wins(gaz):
    text = "在西工地小区采访，家住西工区西工街道交通花园小区，望霞路35号小区"
    assert [(m.name, m.surface) for m in gaz.find_mentions(text)] == [
        ("西工地小区", "西工地小区"),
        ("西工区", "西工区"),
        ("西工街道", "西工街道"),
        ("交通花园小区", "交通花园小区"),
        ("望霞路35号小区", "望霞路35号小区"),
    ]


def test_mention_offsets_and_aliases(gaz):
    text = "记者在洛阳市西工区发现，河南省不断推进"
    mentions = gaz.find_mentions(text)
    assert [m.name for m in mentions] == ["洛阳市", "西工区", "河南省"]
    for m in mentions:
        assert text[m.start : m.end] == m.surface
    (m,) = gaz.find_mentions("广西将加大义务教育领域投入")
    assert (m.name, m.surface, m.start, m.end) == ("广西壮族自治区", "广西", 0, 2)


def _brute_force(gaz, text):
    """Leftmost-longest matching the slow, obvious way."""
    surfaces = sorted({s for p in gaz for s in (p.name, *p.aliases)}, key=len, reverse=True)
    out, i = [], 0
    while i < len(text):
        hit = next((s for s in surfaces if text.startswith(s, i)), None)
        if hit:
            out.append((gaz.resolve(hit), hit, i))
            i += len(hit)
        else:
            i += 1
    return out


@pytest.mark.parametrize("prefix", sorted(PLACES_IN_SEEDS))
def test_scanner_agrees_with_brute_force_on_seed_pages(gaz, prefix):
    text = seed(prefix)
    assert [(m.name, m.surface, m.start) for m in gaz.find_mentions(text)] == _brute_force(gaz, text)


# --- datelines and deictic words ----------------------------------------------------------------


@pytest.mark.parametrize(
    "dateline, place",
    [
        ("本报拉萨10月29日电（记者申琳）", "拉萨市"),
        ("本报南宁10月29日电（记者庞革平、郑壹）", "南宁市"),
        ("本报庐山10月29日电（记者郑少忠）", "庐山市"),
        ("本报讯（记者 郝燕来）6月14日", None),
        ("晚报讯 1日上午", None),
        ("本报讯(首席记者 周尤)近日", None),
        ("", None),
    ],
)
def test_dateline_place(gaz, dateline, place):
    assert dateline_place(dateline, gaz) == place


def test_deictic_words_point_at_the_right_level(gaz):
    # A county paper's 全市 is the municipality above it, not the county.
    assert [m.name for m in deictic_mentions("我县开展活动，全县上下，全市推进", gaz, "巫山县")] == [
        "巫山县", "巫山县", "重庆市"]
    assert [m.name for m in deictic_mentions("举全区之力", gaz, "北碚区")] == ["北碚区"]
    assert deictic_mentions("全市场监管、全区域覆盖", gaz, "北碚区") == []
    assert deictic_mentions("我区召开大会", gaz, None) == []
    assert deictic_mentions("全县推进", gaz, "北碚区") == []  # a district has no county to point at


# --- article places on real stories -------------------------------------------------------------


def test_xigong_story_in_003(gaz):
    title, paras = article("003", "河南洛阳西工区深入推进老旧小区改造", "核心阅读", "西藏成立儿童先心病管理机构")
    places = article_places(title, paras, gaz)
    assert "西工区" in gaz.hierarchy(places[0])
    assert "洛阳市" in places and "河南省" in places
    assert places[-1] == "河南省"
    assert not {"西藏自治区", "拉萨市"} & set(places)


def test_lhasa_item(gaz):
    title, paras = article("003", "西藏成立儿童先心病管理机构", "本报拉萨10月29日电", "广西筹资支持农村学生改善营养")
    # Filed from 拉萨, which it never names again: a story of 西藏, as its headline says.
    assert article_places(title, paras, gaz, dateline="本报拉萨10月29日电（记者申琳）") == ["西藏自治区"]


def test_nanning_item(gaz):
    title, paras = article("003", "广西筹资支持农村学生改善营养", "本报南宁10月29日电", "中医药杏林文化传承创新发展大会举行")
    assert article_places(title, paras, gaz, dateline="本报南宁10月29日电（记者庞革平、郑壹）") == ["广西壮族自治区"]


def test_lushan_item_gets_its_prefecture_filled_in(gaz):
    title, paras = article("003", "中医药杏林文化传承创新发展大会举行", "本报庐山10月29日电", "本版责编")
    assert article_places(title, paras, gaz, dateline="本报庐山10月29日电（记者郑少忠）") == [
        "庐山市", "九江市", "江西省"]


def test_wushan_story_using_woxian(gaz):
    title, paras = article("000", "我县开展“安全生产月”宣传活动", "本报讯（记者 郝燕来）6月14日", "政协委员召开紧密型")
    assert article_places(title, paras, gaz, home_place="巫山县") == ["巫山县", "重庆市"]
    assert article_places(title, paras, gaz) == []  # 我县 means nothing without a home place


def test_wushan_story_about_a_town(gaz):
    title, paras = article("000", "政协委员召开紧密型县域医共体建设工作座谈会", "本报讯（记者 郝燕来）6月12日", "县领导王国琼")
    assert article_places(title, paras, gaz, home_place="巫山县") == ["福山镇", "巫山县", "重庆市"]


def test_beibei_civilised_city_story(gaz):
    title, paras = article(
        "001",
        "王俊在我区创建全国文明城市推进大会上强调 举全区之力推进全国文明城市创建工作",
        "本报讯(记者 熊辉)10月19日",
        "王俊在我区创建全国文明城市推进大会上强调",
    )
    assert article_places(title, paras, gaz, home_place="北碚区") == ["北碚区", "重庆市"]


def test_beibei_water_story_leads_with_its_village(gaz):
    title, paras = article("001", "城乡供水一体化惠及30余万群众", "水哗啦啦", "# 王俊在全区加强")
    places = article_places(title, paras, gaz, home_place="北碚区")
    assert places[0] == "龙车村"
    assert places[-2:] == ["北碚区", "重庆市"]


def test_beibei_passing_mention_of_another_province_is_dropped(gaz):
    title, paras = article("001", "区政府召开第163次常务会议", "本报讯(记者 齐宏)10月19日", "## 区政协召开")
    assert "榆林" in "".join(paras)  # the passing mention really is there
    assert article_places(title, paras, gaz, home_place="北碚区") == ["北碚区", "重庆市"]


def test_beibei_cppcc_story(gaz):
    title, paras = article("001", "区政协召开十五届四十次主席会议", "本报讯(记者 霍磊)10月21日", "## 托起")
    assert article_places(title, paras, gaz, home_place="北碚区") == ["北碚区", "重庆市"]


def test_commentary_about_chongqing_is_about_the_places_it_gives_as_instances(gaz):
    """如北碚区通过组织…, 如江北区作为…: each opens the paragraph on its practice, as 以…为例
    does; 北碚区's page (and 北碚报's own district) missed the article."""
    title, paras = article("001", "托起“一老一小”稳稳的幸福", "老人和小孩", None)
    assert any("。如北碚区" in p or p.startswith("如北碚区") for p in paras)
    assert article_places(title, paras, gaz, home_place="北碚区") == ["北碚区", "江北区", "重庆市"]
    # Named in passing, not as a sentence's instance, a district stays out; so do places listed
    # for comparison, or named after a comma.
    for was, now in (("如北碚区", "如同北碚区"), ("如北碚区", "如北碚区、沙坪坝区"), ("。如北碚区", "，如北碚区")):
        passing = [p.replace(was, now).replace("如江北区", "而江北区") for p in paras]
        assert article_places(title, passing, gaz, home_place="北碚区") == ["重庆市"], now


def test_a_place_named_only_in_its_institutions_names_is_not_where_the_article_is(gaz):
    """四川大学 and 四川省科协, partners of a Chongqing think tank, made the article one about 四川省."""
    title, paras = article("004", "市院士工作服务中心副主任秦定龙：推动两家国家级科技智库在渝落地", "“科技智库", "□本报记者")
    assert "四川大学" in "".join(paras) and "四川省科协" in "".join(paras)
    assert article_places(title, paras, gaz) == ["重庆市"]
    # The same names as places still count.
    assert article_places("四川推进改造", ["四川省启动老旧小区改造。"], gaz) == ["四川省"]


def test_without_dominant_place_single_mentions_survive(gaz):
    places = article_places("两地合作", ["北碚区与江北区签订协议。"], gaz)
    assert set(places) == {"北碚区", "江北区", "重庆市"}
    assert places[-1] == "重庆市"


def test_title_mention_outranks_body_mentions_at_the_same_level(gaz):
    assert article_places("北碚区召开会议", ["江北区有关负责人介绍。"], gaz)[0] == "北碚区"
    assert article_places("召开会议", ["江北区有关负责人介绍。北碚区"], gaz)[0] == "江北区"


def test_chongchuan_meeting_story(gaz):
    title, paras = article(
        "002", "崇川区召开2021年老旧小区改造竣工交付暨2022年改造项目推进会", "晚报讯 1日上午", "确保群众度过平安欢乐节日")
    assert article_places(title, paras, gaz, home_place="崇川区") == ["崇川区", "南通市", "江苏省"]


def test_chongchuan_photo_item_names_its_community(gaz):
    title, paras = "", ["上月31日,任港街道姚港社区开展辖区商户安全大检查。"]
    assert article_places(title, paras, gaz, home_place="崇川区") == [
        "姚港社区", "任港街道", "崇川区", "南通市", "江苏省"]


def test_chongqing_renovation_roundup(gaz):
    title, paras = article("004", "重庆“党建+市场”改造老旧小区", "●全市680余个社区", "(原载于《瞭望》新闻周刊)")
    places = article_places(title, paras, gaz, home_place="重庆市")
    assert places[-1] == "重庆市"
    assert places[0] == "邢家桥社区"  # most mentioned of the communities
    assert "两江新区" in places  # filled in as the top place's parent
    assert "北京市" not in places  # 北京愿景集团, once, deep in the body
    # Named once, deep in the body, but as a paragraph's example: 以渝中区中山二路社区为例.
    assert "中山二路社区" in places


def test_a_datelines_city_is_not_the_subject_of_a_story_of_the_province_its_headline_names(gaz):
    """本报南宁10月29日电 over 广西筹资支持农村学生改善营养: a story of all 广西, filed from 南宁."""
    dateline = "本报南宁10月29日电（记者庞革平、郑壹）"
    lead = dateline + "记者从广西壮族自治区财政厅获悉：广西将加大义务教育领域投入保障。"
    assert article_places("广西筹资支持农村学生改善营养", [lead], gaz, dateline=dateline) == ["广西壮族自治区"]
    # Named again in the story, or under a headline that names no place above it, it stays.
    again = lead + "南宁市各校已启动实施。"
    assert article_places("广西筹资支持农村学生改善营养", [again], gaz, dateline=dateline)[0] == "南宁市"
    assert article_places("筹资支持农村学生改善营养", [lead], gaz, dateline=dateline)[0] == "南宁市"


def test_a_place_a_paragraph_takes_as_its_example_is_never_a_mention_in_passing(gaz):
    paragraphs = ["重庆市推进老旧小区改造。" * 30, "重庆市加装电梯。以渝中区中山二路社区为例，居民出行方便了。"]
    assert "中山二路社区" in article_places("重庆改造老旧小区", paragraphs, gaz)
    passing = [paragraphs[0], "重庆市加装电梯。渝中区中山二路社区的居民出行方便了。"]
    assert "中山二路社区" not in article_places("重庆改造老旧小区", passing, gaz)  # the control
    # The example runs from the 以 nearest 为例: 可以为南岸区 before it is a mention in passing.
    beside = [paragraphs[0], "这些做法可以为南岸区提供借鉴以渝中区中山二路社区为例，居民出行方便了。"]
    assert "中山二路社区" in (places := article_places("重庆改造老旧小区", beside, gaz)) and "南岸区" not in places


def test_nothing_found(gaz):
    assert article_places("幼小衔接活动见成效", ["孩子们参观小学实验室。"], gaz) == []
    assert article_places("幼小衔接活动见成效", ["孩子们参观小学实验室。"], gaz, home_place="巫山县") == [
        "巫山县", "重庆市"]


def test_a_listing_names_a_place_and_the_place_it_is_in(gaz):
    from analysis.places import listed_places

    assert listed_places(["巫山县", "重庆市"], gaz) == ["巫山县", "重庆市"]
    assert listed_places(["龙车村", "北碚区", "重庆市"], gaz) == ["龙车村", "北碚区"]  # a municipality's district
    # the city, not the district between: a reader scanning for 南通 did not find it
    assert listed_places(["钟秀街道", "崇川区", "南通市", "江苏省"], gaz) == ["钟秀街道", "南通市"]
    assert listed_places(["任港社区"], gaz) == ["任港社区", "南通市"] and listed_places(["南通市"], gaz) == ["南通市", "江苏省"]
    # Siblings, or places on different lines, give way to the place holding them all.
    assert listed_places(["交通花园小区", "西工地小区", "健康新村", "西工区", "洛阳市", "河南省"], gaz) == ["西工区", "洛阳市"]
    assert listed_places(["朝天门街道", "渝北区", "渝中区", "重庆市"], gaz) == ["重庆市"]  # 朝天门 is not in 渝北区
    assert listed_places([], gaz) == [] and listed_places(["某某镇"], gaz) == ["某某镇"]
    # Several provinces: the most specific place of each.
    assert listed_places(["巫山县", "崇川区", "南通市", "重庆市", "江苏省"], gaz) == ["巫山县", "崇川区"]


def test_main_place_is_the_smallest_place_containing_every_named_place():
    from analysis.places import main_place, report_places

    g = load_gazetteer()
    assert main_place(["交通花园小区", "西工地小区", "健康新村", "洛阳市", "河南省"], g) == "西工区"
    assert main_place(["邢家桥社区", "白驹社区", "重庆市"], g) == "重庆市"
    assert main_place(["重庆市", "四川省"], g) == "重庆市"
    assert main_place([], g) is None
    assert report_places("西工区", g) == ["西工区", "洛阳市", "河南省"]
    assert report_places("任港社区", g) == ["崇川区", "南通市", "江苏省"]


def test_places_above_are_those_an_article_does_not_name_nearest_first():
    gaz = load_gazetteer()
    assert places_above(["白驹社区", "九龙坡区", "重庆市"], gaz) == [p for p in gaz.hierarchy("白驹社区")[1:] if p not in ("九龙坡区", "重庆市")]
    assert places_above(["旺瑞小区"], gaz) == ["双龙湖街道", "渝北区", "重庆市"]
    assert places_above(["不在地名表里的地方", "重庆市"], gaz) == []


def test_a_place_is_addressed_by_the_province_city_and_district_it_lies_in():
    from analysis.places import address_note, with_address

    assert with_address("九龙坡区", "重庆市") == "九龙坡区（重庆市）"
    assert with_address("西工区", "河南省") == "西工区（河南省洛阳市）"  # not 河南省 alone: which city's
    assert with_address("崇川区", "江苏省") == "崇川区（江苏省南通市）"
    # a community: towns and communities above it are left out, as an address leaves them
    assert with_address("望霞路35号小区", "重庆市") == "望霞路35号小区（重庆市巫山县）"
    assert with_address("西工地小区", "河南省") == "西工地小区（河南省洛阳市西工区）"
    assert address_note("重庆市", "重庆市") == "" and address_note("南通市", "江苏省") == "（江苏省）"
    # a place the gazetteer does not hold: its province, if known
    assert with_address("不知名小区", "四川省") == "不知名小区（四川省）" and address_note("不知名小区", "") == ""
    # as an address writes it, the places it lies in first
    from analysis.places import address_of

    assert address_of("巫山县", "重庆市") == "重庆市巫山县" and address_of("重庆市", "重庆市") == "重庆市"
    assert address_of("西工地小区", "河南省") == "河南省洛阳市西工区西工地小区"
