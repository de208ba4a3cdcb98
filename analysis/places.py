"""Place names: the gazetteer, finding mentions in text, and deciding which places an article is about.

Every place name lives in ``data/gazetteer.csv`` (name, level, parent, aliases, and a slug for
the few whose pinyin another place shares, such as 陕西省 and 山西省); this module only
knows the shape of the administrative hierarchy, so adding a place never means editing code.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .settings import DATA_DIR, data_table, reading, word_list

DEFAULT_PATH = DATA_DIR / "gazetteer.csv"

# Most specific first; the index is the sort key for "most specific first" lists.
LEVELS = ("community", "town", "district", "city", "province")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}
ALIAS_SEPARATOR = "|"

# Province-level units whose name ends like this govern districts directly
# (直辖市, 特别行政区), so they are their own city.
CITY_LIKE_PROVINCE_SUFFIXES = ("市", "特别行政区")

# Words meaning "our county / the whole district / this city" (我县, 全区, 本市), by the suffix of
# the place they point at, and the characters that make them other words (全市场): see
# data/page_furniture.toml.
_DEICTIC = data_table("page_furniture.toml")["deictic"]
DEICTIC_WORDS = {suffix: tuple(prefix + suffix for prefix in _DEICTIC["prefixes"]) for suffix in _DEICTIC["suffixes"]}
DEICTIC_BLOCKERS = tuple(_DEICTIC["blockers"])

# How much one mention counts towards "the article is about this place", by where it occurs.
TITLE_WEIGHT = 3
DATELINE_WEIGHT = 3
LEAD_WEIGHT = 2
BODY_WEIGHT = 1
LEAD_CHARS = 120  # about a news lead sentence; body mentions after this offset are "deep"
# A place is clearly dominant when it outweighs every unrelated place this many times over.
DOMINANCE_RATIO = 2
MIN_DOMINANT_WEIGHT = 3

_DATELINE_RE = re.compile(
    r"^\s*(?P<head>[^\s\d（）()，,。：:]{1,30}?)\s*(?:\d{1,2}\s*月\s*)?(?:\d{1,2}\s*日)?\s*电"
)


@dataclass(frozen=True)
class Place:
    """One row of the gazetteer."""

    name: str
    level: str
    parent: str = ""  # empty only for provinces
    aliases: tuple[str, ...] = ()
    slug: str = ""  # the place page's name when the pinyin of the name would not do


@dataclass(frozen=True)
class Mention:
    """One occurrence of a place in a text; ``name`` is canonical, ``surface`` what the text says."""

    name: str
    surface: str
    start: int
    end: int


def read_places(path: str | Path) -> list[Place]:
    """Parse the gazetteer CSV; blank alias cells and stray spaces are tolerated."""
    with open(path, encoding="utf-8", newline="") as f:
        return [
            Place(
                name=row["name"].strip(),
                level=row["level"].strip(),
                parent=(row.get("parent") or "").strip(),
                aliases=tuple(a.strip() for a in (row.get("aliases") or "").split(ALIAS_SEPARATOR) if a.strip()),
                slug=(row.get("slug") or "").strip(),
            )
            for row in csv.DictReader(f)
            if (row.get("name") or "").strip()
        ]


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex equivalent to the alternation of ``words`` that always takes the longest match.

    Built as a character trie so the engine follows one branch per character instead of trying
    every name at every position - this runs over tens of thousands of articles.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # end-of-word marker

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy optional: try the longer names first, fall back to the word ending here.
        return f"(?:{body})?" if "" in node else body

    return build(trie)


class Gazetteer:
    """The known places, their hierarchy, and a fast scanner for their names in text."""

    def __init__(self, places: Iterable[Place]):
        self._places: dict[str, Place] = {}
        for place in places:
            if place.name in self._places:
                raise ValueError(f"duplicate place name {place.name!r}")
            self._places[place.name] = place
        self._surfaces = self._index_surfaces()
        self._chains = {name: self._walk_up(name) for name in self._places}
        self._validate_levels()
        self._scanner = re.compile(_trie_pattern(self._surfaces)) if self._surfaces else None
        self.main_places: dict[tuple[str, ...], str | None] = {}  # `main_place` answers, asked several times an article

    def _index_surfaces(self) -> dict[str, str]:
        """Map every name and alias to its canonical name; an alias shared by two places is an error."""
        surfaces: dict[str, str] = {}
        for place in self._places.values():
            for surface in (place.name, *place.aliases):
                owner = surfaces.setdefault(surface, place.name)
                if owner != place.name:
                    raise ValueError(f"{surface!r} names both {owner!r} and {place.name!r}")
        return surfaces

    def _walk_up(self, name: str) -> tuple[str, ...]:
        chain = [name]
        while parent := self._places[chain[-1]].parent:
            if parent not in self._places:
                raise ValueError(f"{chain[-1]!r} has unknown parent {parent!r}")
            if parent in chain:
                raise ValueError(f"cycle in hierarchy at {parent!r}")
            chain.append(parent)
        return tuple(chain)

    def _validate_levels(self) -> None:
        """Every chain must climb (never descend) the levels and end at a province."""
        for name, chain in self._chains.items():
            if self._places[name].level not in LEVEL_RANK:
                raise ValueError(f"{name!r} has unknown level {self._places[name].level!r} (levels: {', '.join(LEVELS)}; a county is a district)")
            if self._places[chain[-1]].level != "province":
                raise ValueError(f"{name!r} does not lead up to a province")
            ranks = [LEVEL_RANK[self._places[p].level] for p in chain]
            if ranks != sorted(ranks):
                raise ValueError(f"{name!r} sits above its parent in the level order: {chain}")

    # --- lookups -----------------------------------------------------------------------------

    def __contains__(self, name: object) -> bool:
        """True for canonical names only; use ``resolve`` for aliases."""
        return name in self._places

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def __len__(self) -> int:
        return len(self._places)

    def resolve(self, surface: str) -> str | None:
        """The canonical name for a name or alias, or None when unknown."""
        return self._surfaces.get(surface)

    def _canonical(self, name: str) -> str:
        canonical = self.resolve(name)
        if canonical is None:
            raise KeyError(name)
        return canonical

    def place(self, name: str) -> Place:
        return self._places[self._canonical(name)]

    def level(self, name: str) -> str:
        return self.place(name).level

    def hierarchy(self, name: str) -> list[str]:
        """The place and its ancestors, ending at the province: 旺瑞小区 -> 双龙湖街道 -> 渝北区 -> 重庆市."""
        return list(self._chains[self._canonical(name)])

    def is_within(self, name: str, ancestor: str) -> bool:
        """True when ``ancestor`` is ``name`` itself or above it."""
        return self._canonical(ancestor) in self._chains[self._canonical(name)]

    def province_of(self, name: str) -> str:
        return self._chains[self._canonical(name)][-1]

    def city_of(self, name: str) -> str | None:
        """The prefecture-level city above a place; a municipality is the city of its own districts."""
        chain = self._chains[self._canonical(name)]
        for ancestor in chain:
            if self._places[ancestor].level == "city":
                return ancestor
        province = chain[-1]
        return province if province.endswith(CITY_LIKE_PROVINCE_SUFFIXES) else None

    # --- text --------------------------------------------------------------------------------

    def find_mentions(self, text: str) -> list[Mention]:
        """Every known name or alias in ``text``, leftmost-longest and non-overlapping."""
        if not self._scanner or not text:
            return []
        return [
            Mention(self._surfaces[m.group()], m.group(), m.start(), m.end())
            for m in self._scanner.finditer(text)
            if m.group()
        ]


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """The gazetteer at ``path``, or the packaged one (loaded once per process)."""
    if path is None:
        return _default_gazetteer()
    with reading(Path(path)):
        return Gazetteer(read_places(path))


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    with reading(DEFAULT_PATH):
        return Gazetteer(read_places(DEFAULT_PATH))


def _deictic_pattern() -> re.Pattern[str]:
    words = sorted((w for ws in DEICTIC_WORDS.values() for w in ws), key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, words)) + ")(?!" + "|".join(map(re.escape, DEICTIC_BLOCKERS)) + ")")


_DEICTIC_RE = _deictic_pattern()
_DEICTIC_SUFFIX = {word: suffix for suffix, words in DEICTIC_WORDS.items() for word in words}


def resolve_deictic(word: str, home_place: str, gazetteer: Gazetteer) -> str | None:
    """The place a word like 我县 or 全市 points at, seen from a paper based in ``home_place``."""
    suffix = _DEICTIC_SUFFIX.get(word)
    if suffix is None:
        return None
    return next((p for p in gazetteer.hierarchy(home_place) if p.endswith(suffix)), None)


def deictic_mentions(text: str, gazetteer: Gazetteer, home_place: str | None) -> list[Mention]:
    """Mentions of the home place (or its ancestors) made through words like 我区 / 全市."""
    if not home_place or not text:
        return []
    found = []
    for m in _DEICTIC_RE.finditer(text):
        place = resolve_deictic(m.group(), home_place, gazetteer)
        if place is not None:
            found.append(Mention(place, m.group(), m.start(), m.end()))
    return found


def collapse_qualifiers(mentions: Sequence[Mention], gazetteer: Gazetteer, text: str) -> list[Mention]:
    """Drop a mention that only qualifies the next one: 河南省洛阳市西工区 is one mention of 西工区.

    Otherwise an address would count as evidence that the article is about the province too.
    """
    kept = []
    for here, after in zip(mentions, [*mentions[1:], None]):
        qualifies = (
            after is not None
            and not text[here.end : after.start].strip()
            and here.name != after.name
            and gazetteer.is_within(after.name, here.name)
        )
        if not qualifies:
            kept.append(here)
    return kept


@lru_cache(maxsize=1)
def _institution_words() -> tuple[str, ...]:
    return tuple(word_list("institutions.txt"))


def names_an_institution(mention: Mention, text: str) -> bool:
    """True when the name is part of an institution's (四川大学, 四川省科协): data/institutions.txt."""
    return text.startswith(_institution_words(), mention.end)


def place_mentions(text: str, gazetteer: Gazetteer, home_place: str | None = None) -> list[Mention]:
    """Named and deictic mentions in reading order, with address qualifiers collapsed and the
    names of institutions left out."""
    named = [m for m in gazetteer.find_mentions(text) if not names_an_institution(m, text)]
    named = collapse_qualifiers(named, gazetteer, text)
    return sorted([*named, *deictic_mentions(text, gazetteer, home_place)], key=lambda m: m.start)


def dateline_place(dateline_text: str, gazetteer: Gazetteer) -> str | None:
    """The place in a wire-style dateline (本报拉萨10月29日电 -> 拉萨市); None for 本报讯 and the like."""
    match = _DATELINE_RE.match(dateline_text or "")
    if not match:
        return None
    mentions = gazetteer.find_mentions(match.group("head"))
    return mentions[-1].name if mentions else None


@dataclass
class _Evidence:
    """What the article says about one place."""

    weight: int = 0
    count: int = 0
    prominent: bool = False  # in the title, the dateline or the lead, or a paragraph's example
    first: int = 0  # reading-order index of the first mention, for stable ties
    dateline: int = 0  # of `count`, the dateline's and its words' in the lead (本报南宁…电)
    titled: bool = False  # named in the headline


def _gather_evidence(
    title: str, paragraphs: Sequence[str], gazetteer: Gazetteer, dateline: str, home_place: str | None
) -> dict[str, _Evidence]:
    evidence: dict[str, _Evidence] = {}

    def add(name: str, weight: int, prominent: bool, dated: bool = False) -> _Evidence:
        e = evidence.setdefault(name, _Evidence(first=len(evidence)))
        e.weight += weight
        e.count += 1
        e.prominent = e.prominent or prominent
        e.dateline += dated
        return e

    if (place := dateline_place(dateline, gazetteer)) is not None:
        add(place, DATELINE_WEIGHT, True, dated=True)
    for m in place_mentions(title, gazetteer, home_place):
        add(m.name, TITLE_WEIGHT, True).titled = True
    offset = 0
    for paragraph in paragraphs:
        examples = [m.span(1) for m in _EXAMPLE.finditer(paragraph)]
        mentions = place_mentions(paragraph, gazetteer, home_place)
        # 如杭州市、成都市 is a list, not one instance
        instances = {m.end() for m in _INSTANCE.finditer(paragraph)} - {m.start for m in mentions if paragraph.startswith("、", m.end)}
        in_dateline = len(dateline) if dateline and paragraph.startswith(dateline) else 0
        for m in mentions:
            in_lead = offset + m.start < LEAD_CHARS
            # A place the paragraph takes as its example (以渝中区中山二路社区为例, 如北碚区通过…)
            # is what the paragraph is about, however deep in the article: never in passing.
            example = any(start <= m.start < end for start, end in examples) or m.start in instances
            add(m.name, LEAD_WEIGHT if in_lead else BODY_WEIGHT, in_lead or example, dated=m.start < in_dateline)
        offset += len(paragraph) + 1
    return evidence


# 以…为例 within a clause, from the 以 nearest it (not 可以为南岸区…以旺瑞小区为例's first 以).
_EXAMPLE = re.compile(r"以((?:(?!以)[^，。；：、“”]){2,20})为例")
# 。如北碚区通过…: a sentence that opens on one place, as its instance of what the one before
# says; not ，如杭州市、成都市…, places listed for comparison (如果, 如何, 如今 open no place).
_INSTANCE = re.compile(r"(?:^|(?<=[。；！？]))(?:例如|比如|譬如|如)，?")


def _dominant_place(evidence: dict[str, _Evidence], gazetteer: Gazetteer) -> str | None:
    """The place the article is clearly about, if one outweighs every unrelated place."""
    top = max(evidence, key=lambda p: (evidence[p].weight, -evidence[p].first))
    unrelated = [
        e.weight
        for p, e in evidence.items()
        if not gazetteer.is_within(p, top) and not gazetteer.is_within(top, p)
    ]
    top_weight = evidence[top].weight
    if top_weight >= MIN_DOMINANT_WEIGHT and top_weight >= DOMINANCE_RATIO * max(unrelated, default=0):
        return top
    return None


def _in_passing(place: str, evidence: dict[str, _Evidence], dominant: str, gazetteer: Gazetteer) -> bool:
    """Mentioned once, deep in the body, with nothing inside it mentioned either."""
    e = evidence[place]
    if place == dominant or gazetteer.is_within(dominant, place) or e.prominent or e.count > 1:
        return False
    return not any(other != place and gazetteer.is_within(other, place) for other in evidence)


def article_places(
    title: str,
    paragraphs: Sequence[str],
    gazetteer: Gazetteer,
    *,
    dateline: str = "",
    home_place: str | None = None,
) -> list[str]:
    """The places an article is about, most specific first, ending at the top place's province.

    Title and dateline mentions outweigh body ones; 我县/全区/全市 count for ``home_place``; places
    named once in passing are dropped when another place clearly dominates the article.
    """
    evidence = _gather_evidence(title, paragraphs, gazetteer, dateline, home_place)
    # A dateline names where the story was filed: 本报南宁10月29日电 over 广西筹资支持农村学生
    # 改善营养, a story of all 广西, which never names 南宁 again. Named nowhere else, under a
    # headline naming a place above it, it is not what the story is about.
    dated = next((p for p, e in evidence.items() if e.dateline), None)
    if dated is not None and evidence[dated].count == evidence[dated].dateline:
        if any(p != dated and e.titled and gazetteer.is_within(dated, p) for p, e in evidence.items()):
            del evidence[dated]
    if not evidence:
        return gazetteer.hierarchy(home_place) if home_place else []
    dominant = _dominant_place(evidence, gazetteer)
    if dominant is not None:
        evidence = {p: e for p, e in evidence.items() if not _in_passing(p, evidence, dominant, gazetteer)}

    def order(place: str) -> tuple[int, int, int]:
        e = evidence.get(place, _Evidence(first=len(evidence)))
        return (LEVEL_RANK[gazetteer.level(place)], -e.weight, e.first)

    ranked = sorted(evidence, key=order)
    ancestors = [p for p in gazetteer.hierarchy(ranked[0]) if p not in evidence]
    return sorted([*ranked, *ancestors], key=order)


def report_places(place: str, gazetteer: Gazetteer) -> list[str]:
    """The places a figure or article is counted under in the report: its district or county,
    its city and its province (each once, most specific first)."""
    if place not in gazetteer:
        return []
    chain = gazetteer.hierarchy(place)
    district = next((p for p in chain if gazetteer.level(p) == "district"), None)
    wanted = [district, gazetteer.city_of(place), gazetteer.province_of(place)]
    return list(dict.fromkeys(p for p in wanted if p))


def listed_places(places: Sequence[str], gazetteer: Gazetteer, n: int = 2) -> list[str]:
    """The `n` places a listing names for an article (`places` most specific first), each
    within the next: its most specific place when everything it names lies on that one line,
    else its main place (西工区 for several of its communities); then the city it lies in, or
    for a municipality's place its district or county (钟秀街道 · 南通市, 龙车村 · 北碚区,
    巫山县 · 重庆市): 钟秀街道 · 崇川区 left a reader scanning for 南通 without it. Not the two
    most specific places it names: they could be siblings (交通花园小区 · 西工地小区) or
    strangers (朝天门街道 · 渝北区, though 朝天门 is in 渝中区), which read as a place and the
    place it is in. An article of several provinces names instead the most specific place of
    each (巫山县 · 崇川区), no city. Names the gazetteer lacks are shown only when it knows none."""
    known = [p for p in places if p in gazetteer]
    if not known:
        return list(places[:n])
    by_province = list(dict.fromkeys(gazetteer.province_of(p) for p in known))
    if len(by_province) > 1:
        return [next(p for p in known if gazetteer.province_of(p) == province) for province in by_province][:n]
    line = gazetteer.hierarchy(known[0])
    top = known[0] if all(p in line for p in known) else main_place(known, gazetteer)
    chain = gazetteer.hierarchy(top)
    city = gazetteer.city_of(top)
    anchor = chain[-2] if city == chain[-1] and len(chain) > 1 else city  # a municipality's district
    return [top, anchor][:n] if anchor and anchor != top else chain[:n]


# The levels an address names above a place: 白驹社区 is 重庆市九龙坡区's, not 重庆市's alone.
ADDRESS_LEVELS = ("province", "city", "district")


def address_note(place: str, province: str) -> str:
    """The province, city and district a place lies in, as an address writes them: （重庆市）
    after 九龙坡区, （河南省洛阳市） after 西工区, （重庆市巫山县） after 望霞路35号小区 (towns and
    communities above it left out); nothing after a province. A place the gazetteer does not
    hold gets its province alone, or nothing when that is unknown."""
    gazetteer = load_gazetteer()
    if place in gazetteer:
        above = [p for p in gazetteer.hierarchy(place)[1:] if gazetteer.level(p) in ADDRESS_LEVELS]
        return f"（{''.join(reversed(above))}）" if above else ""
    return f"（{province}）" if province and province != place else ""


def address_of(place: str, province: str) -> str:
    """The place as an address writes it, the places it lies in first: 重庆市巫山县,
    河南省洛阳市西工区; a province alone."""
    return address_note(place, province).removeprefix("（").removesuffix("）") + place


def with_address(place: str, province: str) -> str:
    """西工区（河南省洛阳市）: a place named with the places it lies in, as a chart or a table
    heads its rows: a reader asking what 重庆 spent found 九龙坡区's 60多亿元 only so."""
    return place + address_note(place, province)


def main_place(places: Sequence[str], gazetteer: Gazetteer) -> str | None:
    """The one place an article is filed under: the most specific place that contains every
    place it names (西工地小区 + 健康新村 -> 西工区; 两江新区 + 九龙坡区 -> 重庆市).
    Articles spanning provinces fall back to their first place."""
    key = tuple(places)
    if key not in gazetteer.main_places:
        gazetteer.main_places[key] = _main_place(key, gazetteer)
    return gazetteer.main_places[key]


def _main_place(places: tuple[str, ...], gazetteer: Gazetteer) -> str | None:
    known = [p for p in places if p in gazetteer]
    if not known:
        return None
    # Only the most specific mentions matter: 河南省 listed beside 西工区 is its ancestor, not a rival.
    known = [p for p in known if not any(q != p and gazetteer.is_within(q, p) for q in known)]
    chains = [list(reversed(gazetteer.hierarchy(p))) for p in known]
    common = None
    for level in zip(*chains):
        if len(set(level)) != 1:
            break
        common = level[0]
    return common or known[0]


def places_above(places: Sequence[str], gazetteer: Gazetteer) -> list[str]:
    """The places above an article's places that it does not name itself, nearest first: a
    place's page lists the articles of every place within it (白驹社区's on 九龙坡区's), and
    search finds them under it as well."""
    named = set(places)
    above = (a for p in places if p in gazetteer for a in gazetteer.hierarchy(p)[1:])
    return [a for a in dict.fromkeys(above) if a not in named]


def filed_under(places: Sequence[str], gazetteer: Gazetteer) -> list[str]:
    """The report places an article is counted under: those of its main place."""
    home = main_place(places, gazetteer)
    return report_places(home, gazetteer) if home else []
