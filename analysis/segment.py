"""Stage 2: page -> articles.

An OCR'd newspaper page is a sequence of lines: headlines, kickers, bylines,
datelines, body paragraphs, photo captions, adverts, name lists, and page
furniture (slogans, editors' lines, repeated jump heads). OCR also puts parts of
long articles out of order. Segmentation runs in three passes:

1. `classify_lines` gives every line a role from its own shape;
2. `draft_items` walks the lines once and groups them into drafts — articles that
   start at a headline, and fragments that start mid-sentence;
3. `reattach_fragments` moves each fragment into the article it continues, by
   sentence continuity and lexical similarity.

Nothing is dropped: every character of a page with a headline ends up in exactly one
article field or in the page's furniture list (`SegmentedPage.furniture`); a page with
no headline at all yields no article and is reported as skipped.
"""
from __future__ import annotations

import math
import operator
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .model import Page, Section
from .settings import data_table, word_list
from .text import CJK, SENTENCE_END, cjk_count, ends_sentence, has_cjk, normalise_paragraph, split_sentences

HEADLINE_MAX_CHARS = 64
CAPTION_MAX_CHARS = 40
# A boundary paragraph moves to the next item only when it is clearly more like it.
STRAY_MIN_SIMILARITY = 0.03
STRAY_MARGIN = 2.0

_MARKDOWN_HEADING = re.compile(r"^#{1,6}(?:\s+|$)")
_CONTINUATION = re.compile(r"^[（(]\s*(?:上接|接上|紧接)\s*(?:第?\s*[一二三四五六七八九十\d]+\s*版|上页)\s*[）)]")
FURNITURE = data_table("page_furniture.toml")


def _any_of(words: list[str]) -> str:
    return "|".join(map(re.escape, words))


# What a report's first paragraph opens with: 本报讯, 新华社北京10月1日电, 本报拉萨10月29日电
# (then perhaps its byline in brackets), and a lead's date (6月14日，, 1日上午，).
DATELINE_HEAD = (rf"(?:{_any_of(FURNITURE['dateline']['openers'])}|(?:{_any_of(FURNITURE['dateline']['agencies'])})[{CJK}]{{0,8}}?电"
                 rf"|本报[{CJK}]{{1,6}}?\d{{1,2}}月\d{{1,2}}日电)")
_DATELINE = re.compile(rf"^{DATELINE_HEAD}(?:\s*[（(][^）)]{{0,40}}[）)])?")
LEAD_DATE = r"(?:(?:\d{4}年)?\d{1,2}月\d{1,2}日|(?:上月|本月)?\d{1,2}日)(?:[上下]午|晚|早)?"
_DATE_LED = re.compile(rf"^{LEAD_DATE}[，、]")
BYLINE_ROLES = _any_of(FURNITURE["byline"]["roles"])
_BYLINE = re.compile(
    rf"^[□■◆]?\s*(?:本报|《[^》]{{1,12}}》[{CJK}]{{0,6}}?)?(?:{_any_of(FURNITURE['byline']['ranks'])})?(?:{BYLINE_ROLES})\s*"
    rf"[{CJK}]{{2,4}}(?:[\s、，]+(?:{_any_of(FURNITURE['byline']['further_roles'])})?\s*[{CJK}]{{2,4}})*(?:\s*摄(?:/\S+)?)?$"
)
_COMMENTATOR = re.compile(rf"^[□■]\s*[{CJK}]{{2,4}}$")
_EDITOR_LINE = re.compile(rf"^(?:{_any_of(FURNITURE['editors']['labels'])})\s*[：:]")
_PAGE_LABEL = re.compile(r"^第\s*[一二三四五六七八九十\d]+\s*版(?:\s*[：:]\s*\S{1,8})?$")
BULLET = re.compile(r"^[●◆▲■]\s*")  # a key point's mark, which its text begins with
_LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
_NOTE = re.compile(r"^[（(][^（）()]*[）)]$")
_TRAILING_CREDIT = re.compile(rf"(?<=[{SENTENCE_END}”])([{CJK}]{{2,3}})$")
_CLAUSE_END = re.compile(r"[，、；。：！？,;:!?”]")
_NAME_LIST_SEP = re.compile(r"[、，]")
_WOMAN_MARK = re.compile(r"[（(]女[）)]")
_HEADLINE_SPLIT = re.compile(r"\s+")

# A paragraph cannot start with these: particles and closing marks mean it continues a sentence.
_CONTINUING_STARTS = set("，。、；：！？”’）》】的们")


def sentence_openers() -> frozenset[str]:
    return word_list("sentence_openers.txt")


def surnames() -> frozenset[str]:
    return word_list("surnames.txt")


# ---------------------------------------------------------------------------
# Pass 1: what each line is, from its own shape


@dataclass
class Line:
    text: str  # normalised text, Markdown heading marks removed
    role: str  # heading | paragraph | byline | continuation | bullet | list | furniture
    marked: bool = False  # carried a Markdown heading mark ("# ") in the source
    dateline: str = ""  # the dateline prefix of a paragraph, if any


def is_personal_name(token: str) -> bool:
    token = _WOMAN_MARK.sub("", token)
    if not 2 <= len(token) <= 4 or cjk_count(token) != len(token):
        return False
    if len(token) == 4:
        return token[:2] in surnames()
    return token[0] in surnames()


def is_name_line(text: str) -> bool:
    """A credit of one to four personal names: "季陆军 王菲", "仇纳川"."""
    tokens = text.split()
    return 1 <= len(tokens) <= 4 and all(is_personal_name(t) for t in tokens)


def is_byline(text: str) -> bool:
    return bool(_BYLINE.match(text) or _COMMENTATOR.match(text)) or is_name_line(text)


def is_name_list(text: str) -> bool:
    """A line of a name list: "副主任委员：温涛、蒙格丽（女）…" or "（女）、刘建、刘加胜…"."""
    label, sep, rest = text.partition("：")
    names = rest if sep and len(label) <= 20 else text
    parts = [_WOMAN_MARK.sub("", p).strip() for p in _NAME_LIST_SEP.split(names)]
    parts = [p for p in parts if p]
    if not parts or any(len(p) > 5 or not has_cjk(p) for p in parts):
        return False
    names = sum(is_personal_name(p) for p in parts)
    return (len(parts) >= 3 and names >= 0.6 * len(parts)) or (bool(sep) and names == len(parts))


def summary_labels() -> frozenset[str]:
    return word_list("summary_labels.txt")


def reporting_verbs() -> frozenset[str]:
    return word_list("reporting_verbs.txt")


def is_headline_shaped(text: str) -> bool:
    """Short, and not a sentence: no sentence-final punctuation anywhere.

    A headline may hold one comma between two short phrases ("网格模式，小区改造成果靠管理");
    a longer line with commas, or one opening with "X指出，", is a paragraph cut by a column break.
    """
    if len(text) > HEADLINE_MAX_CHARS or cjk_count(text) < 2 or _NOTE.match(text):
        return False
    if any(ch in text for ch in "。；;！!？?") or text.count("“") != text.count("”"):
        return False
    commas = text.count("，")
    if commas > 1 or (commas == 1 and len(text) > 24):
        return False
    lead = text.split("，", 1)[0] if commas else ""
    return not any(lead.endswith(verb) for verb in reporting_verbs())


def classify_line(raw: str) -> Line | None:
    stripped = raw.strip()
    marked = bool(_MARKDOWN_HEADING.match(stripped))
    stripped = _MARKDOWN_HEADING.sub("", stripped).strip()
    if not stripped:
        return Line(raw.strip(), "furniture") if raw.strip() else None  # a bare "#" is Markdown debris
    text = normalise_paragraph(stripped)
    if _EDITOR_LINE.match(text) or _PAGE_LABEL.match(text):
        return Line(text, "furniture", marked)
    if _CONTINUATION.match(text):
        return Line(text, "continuation", marked)
    if BULLET.match(text) and len(text) > 8:
        return Line(text, "bullet", marked)
    if is_byline(text):
        return Line(text, "byline", marked)
    if is_name_list(text):
        return Line(text, "list", marked)
    dateline = _DATELINE.match(text)
    if dateline:
        return Line(text, "paragraph", marked, dateline=dateline.group(0))
    if is_headline_shaped(text) and (marked or not ends_sentence(text)):
        return Line(text, "heading", marked)
    return Line(text, "paragraph", marked)


REPEAT_MIN_CHARS = 6  # a shorter line that opens an earlier one is not taken for its repeat


def mark_repeats(lines: list[Line]) -> None:
    """A heading or byline that repeats an earlier one, or the opening of one (a jump head, a
    kicker printed twice), is furniture. The earlier lines' openings are kept in a set: a
    page of thousands of short lines was quadratic in them (8,000 lines took ten seconds)."""
    seen: set[str] = set()
    openings: set[str] = set()  # every opening of a seen line, REPEAT_MIN_CHARS long or longer
    for line in lines:
        if line.role not in ("heading", "byline"):
            continue
        text = line.text
        if text in seen or (len(text) >= REPEAT_MIN_CHARS and text in openings):
            line.role = "furniture"
        else:
            seen.add(text)
            openings.update(text[:k] for k in range(REPEAT_MIN_CHARS, len(text) + 1))


def classify_lines(text: str) -> list[Line]:
    lines = [line for raw in text.split("\n") if (line := classify_line(raw)) is not None]
    mark_repeats(lines)
    return lines


# ---------------------------------------------------------------------------
# Sentence continuity


def starts_mid_sentence(text: str) -> bool:
    """True for a paragraph that continues a sentence begun elsewhere ("后，路更平了…")."""
    if not text or text[0] in _CONTINUING_STARTS:
        return True
    if text[0] in "“‘《（(【「" or _DATELINE.match(text) or _DATE_LED.match(text):
        return False
    clause = _CLAUSE_END.search(text)
    if clause is None or clause.start() > 2:
        return False
    first = text[: clause.start()]
    return cjk_count(first) == len(first) and first not in sentence_openers()


# 她/他 (们) and what one says of them: 她告诉记者, 他笑着说 - not 他叫张三, 他是…, 他山之石.
_PRONOUN_SAYS = re.compile(r"“?[她他]们?(.{0,4})")


def says_she_or_he(sentence: str) -> bool:
    """A sentence that opens on 她/他 reporting what they said (告诉记者, 表示, 笑着说)."""
    m = _PRONOUN_SAYS.match(sentence)
    return bool(m) and any(verb in sentence[m.start(1) : m.start(1) + 4 + len(verb)] for verb in reporting_verbs())


def refers_back_to_someone_unnamed(text: str) -> bool:
    """True for an opening whose first or second sentence has 她/他 say something before anyone
    is named: a story does not open so, and one that does lost the lines that named them (水哗啦啦
    地流了出来。她告诉记者…). A person's title or a word naming a person (居民, 张大爷) in the first
    sentence is someone to refer back to."""
    first, *rest = split_sentences(text)[:2] or [""]
    if says_she_or_he(first):
        return True
    return bool(rest) and says_she_or_he(rest[0]) and not any(word in first for word in person_words())


@lru_cache(maxsize=1)
def person_words() -> frozenset[str]:
    """Titles and words naming a person (person_titles.txt, person_nouns.txt), joined once."""
    return word_list("person_titles.txt") | word_list("person_nouns.txt")


def opens_inside_quote(text: str) -> bool:
    """True when the first double quotation mark in the text is a closing one: it starts inside a quotation."""
    m = re.search(r"[“”]", text)
    return bool(m) and m.group(0) == "”"


def is_bare_quote(text: str) -> bool:
    """A paragraph that is nothing but a quotation, with no speaker: "“驻企专班人员在岗情况如何？”"."""
    t = text.strip()
    return t.startswith("“") and t.endswith("”") and t.count("“") == t.count("”") == 1


def ends_open(text: str) -> bool:
    """True when a paragraph stops mid-sentence, so the next piece of text continues it."""
    text = text.rstrip()
    return bool(text) and not ends_sentence(text) and not text.endswith(("：", "——", "…"))


def cut_off(paragraphs: list[str], kind: str, continued: bool) -> tuple[bool, bool]:
    """Whether a finished story still starts and ends mid-sentence: the rest is not on this page
    (lost by the OCR, or printed on another page), and the reader should be told. Adverts, lists
    and photos stop where they like; a continued story is expected to start mid-sentence, and a
    closing note ("（原载于《瞭望》新闻周刊）") is no cut."""
    if not paragraphs or kind in ("advert", "list", "photo"):
        return False, False
    last = paragraphs[-1].rstrip()
    return (not continued and (starts_mid_sentence(paragraphs[0]) or refers_back_to_someone_unnamed(paragraphs[0])),
            ends_open(last) and not last.endswith(("）", ")")))


def is_caption_shaped(text: str) -> bool:
    return (
        len(text) <= CAPTION_MAX_CHARS
        and len(split_sentences(text)) == 1
        and ends_sentence(text)
        and not _DATELINE.match(text)
        and not starts_mid_sentence(text)
    )


# ---------------------------------------------------------------------------
# Pass 2: drafts


@dataclass
class Draft:
    """An article being assembled, or a fragment waiting to be reattached."""

    title: str = ""
    kicker: str = ""
    subtitle: str = ""
    credits: list[str] = field(default_factory=list)
    dateline: str = ""
    continuation: str = ""  # the "（上接第一版）" marker
    summary: list[str] = field(default_factory=list)
    summary_label: str = ""  # the label printed over a summary box (核心阅读)
    sections: list[Section] = field(default_factory=lambda: [Section("", [])])
    captions: list[str] = field(default_factory=list)
    kind_hint: str = ""  # photo | list | advert | commentary, from how the item began
    is_fragment: bool = False
    credited: bool = False  # a credit line followed the body; a dated paragraph after it is a new photo
    reattached: list[dict] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [p for s in self.sections for p in s.paragraphs]

    @property
    def last_paragraph(self) -> str:
        paragraphs = self.paragraphs
        return paragraphs[-1] if paragraphs else ""

    def add_paragraph(self, text: str) -> None:
        self.sections[-1].paragraphs.append(text)

    def extend_last(self, text: str) -> None:
        for section in reversed(self.sections):
            if section.paragraphs:
                section.paragraphs[-1] += text
                return
        self.add_paragraph(text)

    def add_heading(self, text: str) -> None:
        if not self.sections[-1].paragraphs and not self.sections[-1].heading:
            self.sections[-1].heading = text
        else:
            self.sections.append(Section(text, []))

    def text_for_similarity(self) -> str:
        return " ".join([self.title, self.kicker, self.subtitle, *self.summary, *self.paragraphs, *self.captions])


def is_couplet(text: str) -> bool:
    """Two or more parallel phrases separated by a space: "人人讲安全 个个会应急"."""
    parts = _HEADLINE_SPLIT.split(text.strip())
    return len(parts) >= 2 and all(cjk_count(p) >= 3 for p in parts)


_NOT_CJK = re.compile(rf"[^{CJK}]+")


def bigrams(text: str) -> Counter:
    """Counts of each two consecutive Chinese characters, in order of first appearance."""
    chars = _NOT_CJK.sub("|", text)
    # Pairing every character with the next is done in C; the few pairs across a gap go after.
    counts = Counter(map(operator.add, chars, chars[1:]))
    for pair in [pair for pair in counts if "|" in pair]:
        del counts[pair]
    return counts


def headline_parts(cluster: list[str], marked: list[bool]) -> dict:
    """Kicker, title and subtitle from consecutive headline lines.

    A Markdown-marked line is the title. Otherwise a couplet (or a "name：quote"
    second line) marks the first line as a kicker; else the second line is a subtitle.
    A title line that opens with who said it where ("王俊在…大会上强调 举全区之力…") has
    that part for its kicker, when no line is one.
    """
    parts = _headline_lines(cluster, marked)
    if not parts.get("kicker"):
        said, _, rest = parts["title"].partition(" ")
        if rest.strip() and said_at(said):
            parts.update(kicker=said, title=rest.strip())
    return parts


def said_at(text: str) -> bool:
    """"王俊在全区推进会上强调": someone at an occasion, then a reporting verb - a kicker, where
    a phrase that merely ends in such a word ("播种希望", "居民这样说") is not."""
    occasion = re.search(r"..在.{2,}[上中时]", text)
    return bool(occasion) and text[occasion.end() :] in reporting_verbs()


def _headline_lines(cluster: list[str], marked: list[bool]) -> dict:
    if len(cluster) == 1:
        return {"title": cluster[0]}
    if marked.count(True) == 1:
        t = marked.index(True)
        after = cluster[t + 1 :]
        kickers = cluster[:t] + [a for a in after if is_couplet(a) or len(a) <= 8]
        subtitles = [a for a in after if a not in kickers]
        return {"title": cluster[t], "kicker": " ".join(kickers), "subtitle": " ".join(subtitles)}
    first, second = cluster[0], cluster[1]
    if len(cluster) > 2 or is_couplet(first) or is_couplet(second) or re.search(r"^[^：]{4,}：[^：]{4,}$", second):
        return {"kicker": first, "title": second, "subtitle": " ".join(cluster[2:])}
    return {"title": first, "subtitle": second}


def split_unrelated_headline(cluster: list[str], marked: list[bool], first_body: str) -> int:
    """How many leading lines of a 3+ line cluster are a headline of their own.

    At the top of a page the headline of a story whose body is elsewhere can sit
    right above another story's kicker and title; it shares no words with them.
    """
    if len(cluster) < 3:
        return 0
    rest = bigrams(" ".join(cluster[1:]) + first_body[:200])
    return 1 if not (set(bigrams(cluster[0])) & set(rest)) else 0


class _Walker:
    """Groups classified lines into drafts in one pass; keeps page furniture aside."""

    def __init__(self, lines: list[Line]):
        self.lines = [ln for ln in lines if ln.role != "furniture"]
        self.furniture = [ln.text for ln in lines if ln.role == "furniture"]
        self.drafts: list[Draft] = []
        self.current: Draft | None = None
        self.pending_captions: list[str] = []

    # -- helpers ---------------------------------------------------------
    def next_content(self, i: int) -> Line | None:
        return self.lines[i] if i < len(self.lines) else None

    def start(self, draft: Draft) -> Draft:
        self.drafts.append(draft)
        self.current = draft
        if self.pending_captions:
            draft.captions.extend(self.pending_captions)
            self.pending_captions = []
        return draft

    def begins_item(self, follower: Line | None, at_top: bool) -> bool:
        if follower is None:
            return at_top
        if follower.role in ("byline", "bullet", "continuation", "list"):
            return True
        if follower.role == "paragraph":
            return bool(follower.dateline) or bool(_DATE_LED.match(follower.text)) or at_top
        return False

    # -- the walk --------------------------------------------------------
    def run(self) -> "_Walker":
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            handler = getattr(self, f"on_{line.role}")
            i = handler(i)
        if self.pending_captions:
            if self.current is None:
                self.start(Draft(is_fragment=True))
            self.current.captions.extend(self.pending_captions)
        return self

    def on_heading(self, i: int) -> int:
        j = i
        while j < len(self.lines) and self.lines[j].role == "heading":
            j += 1
        cluster = [ln.text for ln in self.lines[i:j]]
        marked = [ln.marked for ln in self.lines[i:j]]
        follower = self.next_content(j)
        at_top = self.current is None
        # Three headline lines in a row, or a brand name, start an item even without a dateline (adverts).
        several = (len(cluster) > 2 or any(_LATIN_WORD.search(c) for c in cluster)) and (
            follower is not None and not starts_mid_sentence(follower.text)
        )
        if self.begins_item(follower, at_top) or several:
            first_body = follower.text if follower and follower.role == "paragraph" else ""
            split = split_unrelated_headline(cluster, marked, first_body)
            if split:
                self.start(Draft(title=cluster[0]))
            parts = headline_parts(cluster[split:], marked[split:])
            draft = self.start(Draft(**parts))
            if follower is not None and follower.role == "list":
                draft.kind_hint = "list"
            if any(_LATIN_WORD.search(c) for c in cluster) and not (follower and follower.dateline):
                draft.kind_hint = "advert"
            return j
        if follower is None and self.current is not None:
            # Trailing short lines ("数据来源：…") close the item they follow.
            for text in cluster:
                self.current.add_paragraph(text)
            return j
        if (
            self.current is not None
            and follower.role == "paragraph"
            and not starts_mid_sentence(follower.text)
            and not self.is_caption(j)
        ):
            if cluster[0] in summary_labels() and not self.current.paragraphs and len(cluster) == 1:
                # The box under the headline: its paragraph is the summary, under the box's label.
                self.current.summary_label = cluster[0]
                self.current.summary.append(follower.text)
                k = j + 1  # the follower is the line right after the label
                while ends_open(self.current.summary[-1]) and k < len(self.lines) and self.lines[k].role == "paragraph":
                    self.current.summary[-1] += self.lines[k].text  # a summary cut by a column break
                    k += 1
                return k
            # A sub-heading; any further short lines are the start of a paragraph cut by a column break.
            self.current.add_heading(cluster[0])
            for text in cluster[1:]:
                self.current.add_paragraph(text)
            return j
        self.furniture.extend(cluster)  # a slogan standing alone is not an article
        return j

    def on_paragraph(self, i: int) -> int:
        line = self.lines[i]
        text, draft = line.text, self.current
        if draft is None:
            draft = self.start(Draft(is_fragment=True))
            draft.add_paragraph(text)
            return i + 1
        if self.is_caption(i):
            if ends_open(draft.last_paragraph):
                draft.captions.append(text)
            else:
                self.pending_captions.append(text)
            return i + 1
        if draft.paragraphs and ends_open(draft.last_paragraph) and not line.dateline:
            draft.extend_last(text)
            return i + 1
        if draft.paragraphs and is_bare_quote(draft.last_paragraph) and opens_inside_quote(text) and not line.dateline:
            draft.extend_last(text)  # one quotation cut in two by a line break
            return i + 1
        if starts_mid_sentence(text):
            self.start(Draft(is_fragment=True)).add_paragraph(text)
            return i + 1
        if draft.credited and _DATE_LED.match(text):
            draft = self.start(Draft(kind_hint="photo"))
        if line.dateline and not draft.dateline and not draft.paragraphs:
            draft.dateline = line.dateline
        credit = _TRAILING_CREDIT.search(text)
        if credit and is_personal_name(credit.group(1)) and _DATE_LED.match(text):
            # Photo captions end with the photographer's name glued on: "…的魅力。章莲".
            draft.add_paragraph(text[: credit.start()])
            draft.credits.append(credit.group(1))
            draft.credited = True
            return i + 1
        draft.add_paragraph(text)
        return i + 1

    def on_byline(self, i: int) -> int:
        draft = self.current or self.start(Draft(is_fragment=True))
        text = self.lines[i].text
        draft.credits.append(text)
        if _COMMENTATOR.match(text):
            draft.kind_hint = draft.kind_hint or "commentary"
        if draft.paragraphs:
            draft.credited = True
        if "摄" in text:
            draft.kind_hint = "photo"
        return i + 1

    def on_continuation(self, i: int) -> int:
        text = self.lines[i].text
        marker = _CONTINUATION.match(text).group(0)
        draft = self.current
        if draft is None or draft.is_fragment or draft.paragraphs or draft.continuation:
            draft = self.start(Draft())
        draft.continuation = marker
        rest = text[len(marker) :].strip()
        if rest:
            draft.add_paragraph(rest)
        return i + 1

    def on_bullet(self, i: int) -> int:
        draft = self.current or self.start(Draft(is_fragment=True))
        draft.summary.append(self.lines[i].text)
        return i + 1

    def on_list(self, i: int) -> int:
        draft = self.current or self.start(Draft(is_fragment=True))
        text = self.lines[i].text
        if draft.paragraphs and (_WOMAN_MARK.match(text) or text[0] in "、，"):
            draft.extend_last(text)  # a name list broken across columns
        else:
            draft.add_paragraph(text)
        return i + 1

    def is_caption(self, i: int) -> bool:
        """A one-sentence photo caption sitting in a column break."""
        text = self.lines[i].text
        if self.lines[i].role != "paragraph" or not is_caption_shaped(text) or self.current is None:
            return False
        follower = self.next_content(i + 1)
        if follower is None or follower.role != "paragraph" or not starts_mid_sentence(follower.text):
            return False  # the text around a caption resumes mid-sentence after it
        previous = self.lines[i - 1] if i > 0 else None
        interrupted = bool(self.current.paragraphs) and ends_open(self.current.last_paragraph)
        return interrupted or previous is None or previous.role != "paragraph"


def draft_items(lines: list[Line]) -> tuple[list[Draft], list[str]]:
    walker = _Walker(lines).run()
    drafts = [d for d in walker.drafts if d.is_fragment or d.title or d.paragraphs or d.continuation or d.credits]
    return drafts, walker.furniture


# ---------------------------------------------------------------------------
# Pass 3: put fragments back


def cosine(a: Counter, b: Counter, idf: dict[str, float]) -> float:
    common = set(a) & set(b)
    dot = sum(a[k] * b[k] * idf.get(k, 1.0) ** 2 for k in common)
    na = math.sqrt(sum((v * idf.get(k, 1.0)) ** 2 for k, v in a.items()))
    nb = math.sqrt(sum((v * idf.get(k, 1.0)) ** 2 for k, v in b.items()))
    return dot / (na * nb) if na and nb else 0.0


def page_idf(drafts: list[Draft]) -> dict[str, float]:
    """Bigram rarity across the page's items, so shared boilerplate counts for little."""
    df: Counter = Counter()
    for draft in drafts:
        df.update(set(bigrams(draft.text_for_similarity())))
    n = len(drafts) + 1
    return {k: math.log(n / v) + 0.1 for k, v in df.items()}


def fragment_preview(draft: Draft) -> str:
    first = draft.paragraphs[0] if draft.paragraphs else (draft.captions[0] if draft.captions else "")
    return first[:24]


def best_home(fragment: Draft, articles: list[Draft], idf: dict[str, float]) -> Draft:
    """The article a fragment continues: lexical similarity, with a bonus for articles
    that stop mid-sentence or have only a headline (they are waiting for their text)."""
    vec = bigrams(fragment.text_for_similarity())

    def score(article: Draft) -> float:
        s = cosine(vec, bigrams(article.text_for_similarity()), idf)
        if not article.paragraphs:
            s += 0.15
        elif ends_open(article.last_paragraph) and fragment.paragraphs and starts_mid_sentence(fragment.paragraphs[0]):
            s += 0.05
        if article.kind_hint in ("advert", "list", "photo"):
            s -= 1.0
        return s

    return max(articles, key=score)


def order_fragments(fragments: list[Draft]) -> list[Draft]:
    """Chain fragments: one that stops mid-sentence is followed by one that starts mid-sentence."""
    ordered = list(fragments)
    for _ in range(len(ordered)):
        moved = False
        for a in ordered:
            if not a.paragraphs or not ends_open(a.last_paragraph):
                continue
            k = ordered.index(a)
            nxt = ordered[k + 1] if k + 1 < len(ordered) else None
            if nxt is not None and nxt.paragraphs and starts_mid_sentence(nxt.paragraphs[0]):
                continue
            for b in ordered:
                if b is not a and b.paragraphs and starts_mid_sentence(b.paragraphs[0]) and ordered.index(b) < k:
                    ordered.remove(b)
                    ordered.insert(ordered.index(a) + 1, b)
                    moved = True
                    break
        if not moved:
            break
    return ordered


def merge_into(article: Draft, fragment: Draft) -> None:
    first = True
    for section in fragment.sections:
        if section.heading:
            article.add_heading(section.heading)
        for paragraph in section.paragraphs:
            if first and article.paragraphs and ends_open(article.last_paragraph) and starts_mid_sentence(paragraph):
                article.extend_last(paragraph)
            else:
                article.add_paragraph(paragraph)
            first = False
    article.captions.extend(fragment.captions)
    article.credits.extend(fragment.credits)
    if not article.summary:  # a fragment's labelled box; the article's own points keep no label
        article.summary_label = fragment.summary_label
    article.summary.extend(fragment.summary)


def reattach_fragments(drafts: list[Draft]) -> list[Draft]:
    articles = [d for d in drafts if not d.is_fragment]
    fragments = [d for d in drafts if d.is_fragment]
    if not articles:
        return []
    idf = page_idf(drafts)
    homes: dict[int, list[Draft]] = {}
    for fragment in fragments:
        homes.setdefault(id(best_home(fragment, articles, idf)), []).append(fragment)
    for article in articles:
        chain = order_fragments(homes.get(id(article), []))
        for fragment in chain:
            article.reattached.append(
                {"starts": fragment_preview(fragment), "paragraphs": len(fragment.paragraphs), "captions": len(fragment.captions)}
            )
            merge_into(article, fragment)
    move_stray_boundary_paragraphs(articles, idf)
    return articles


def move_stray_boundary_paragraphs(articles: list[Draft], idf: dict[str, float]) -> None:
    """A last paragraph that clearly belongs to the continued item after it moves there.

    Jumped stories ("（上接1版）") are where OCR most often swaps paragraphs across an item boundary.
    """
    for before, after in zip(articles, articles[1:]):
        if not after.continuation or len(before.paragraphs) < 2 or before.kind_hint:
            continue
        last = before.last_paragraph
        rest = Draft(title=before.title, sections=[Section("", before.paragraphs[:-1])])
        here = cosine(bigrams(last), bigrams(rest.text_for_similarity()), idf)
        there = cosine(bigrams(last), bigrams(after.text_for_similarity()), idf)
        if there > STRAY_MIN_SIMILARITY and there > STRAY_MARGIN * here:
            for section in reversed(before.sections):
                if section.paragraphs:
                    section.paragraphs.pop()
                    break
            after.add_paragraph(last)
            after.reattached.append({"starts": last[:24], "paragraphs": 1, "captions": 0})


# ---------------------------------------------------------------------------
# Drafts -> plain records


@dataclass
class ArticleDraft:
    """What segmentation knows of an article; ids, places and dates are added by `build`."""

    title: str
    title_generated: bool
    kind: str
    kicker: str
    subtitle: str
    byline: str
    dateline: str
    continued_from: str
    summary: list[str]
    summary_label: str
    sections: list[Section]
    captions: list[str]
    reattached: list[dict]
    cut_at_start: bool = False  # starts mid-sentence or mid-story, and the text before it is not on the page
    cut_at_end: bool = False  # ends mid-sentence, and the text after it is not on the page

    @property
    def paragraphs(self) -> list[str]:
        return self.summary + [p for s in self.sections for p in s.paragraphs]


def generated_title(draft: Draft) -> str:
    """Items printed without a headline get one from their text."""
    if draft.sections and draft.sections[0].heading:
        title = draft.sections[0].heading
    else:
        text = draft.paragraphs[0] if draft.paragraphs else (draft.captions[0] if draft.captions else "")
        text = _DATE_LED.sub("", text)
        opening = re.split(r"[，。；！？]", text, maxsplit=1)[0]
        if opening.startswith("“") and "”" not in opening:
            # the first words of a quotation: shown as such, not as if the paper had printed them as a headline
            title = f"“{opening[1:31]}……”"
        else:
            clause = opening.strip("“”")
            title = clause if len(clause) <= 40 else clause[:30] + "…"
    return f"{draft.continuation}{title}" if draft.continuation else title


def item_kind(draft: Draft) -> str:
    if draft.kind_hint in ("advert", "list", "photo", "commentary"):
        return draft.kind_hint
    if draft.continuation:
        return "continuation"
    if draft.title.endswith("名单"):
        return "list"
    return "news"


def finish(draft: Draft) -> ArticleDraft:
    kind = item_kind(draft)
    cut_at_start, cut_at_end = cut_off(draft.summary + draft.paragraphs, kind, bool(draft.continuation))
    return ArticleDraft(
        title=draft.title or generated_title(draft),
        title_generated=not draft.title,
        kind=kind,
        kicker=draft.kicker,
        subtitle=draft.subtitle,
        byline=" ".join(draft.credits),
        dateline=draft.dateline,
        continued_from=draft.continuation,
        summary=draft.summary,
        summary_label=draft.summary_label,
        sections=[s for s in draft.sections if s.heading or s.paragraphs],
        captions=draft.captions,
        reattached=draft.reattached,
        cut_at_start=cut_at_start,
        cut_at_end=cut_at_end,
    )


@dataclass
class SegmentedPage:
    items: list[ArticleDraft]
    furniture: list[str]  # slogans, editors' lines, repeated jump heads: printed, but not articles
    # Headlines with no text under them (a page cut off after one, an advert's line): printed,
    # but no article; the caller names them in a warning.
    headlines_alone: list[str] = field(default_factory=list)


def segment_page(text: str) -> SegmentedPage:
    """Split one page's text into its items. Pure: same text, same result."""
    drafts, furniture = draft_items(classify_lines(text))
    articles = reattach_fragments(drafts)
    if not articles:
        # No headline anywhere: the caller reports the page and skips it.
        return SegmentedPage([], furniture)
    finished = [finish(d) for d in articles]
    alone = [item.title for item in finished if not item.paragraphs and not item.captions]
    return SegmentedPage([item for item in finished if item.paragraphs or item.captions], furniture + alone, alone)


def segment(page: Page) -> SegmentedPage:
    return segment_page(page.text)
