"""Character-level helpers shared by every stage: what counts as Chinese text,
punctuation normalisation, sentence splitting, stable sentence anchors, and dates as a
reader reads them."""
from __future__ import annotations

import hashlib
import html
import re

# CJK ideographs plus the full-width punctuation and quotes that sit between them.
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026\u2014\u00b7"
_CJK_RE = re.compile(f"[{CJK}]")
_CJKISH = f"[{CJK}{CJK_PUNCT}]"

# Sentence-final marks; a closing quote or bracket right after one still belongs to the sentence.
SENTENCE_END = "。！？!?；;…"
CLOSERS = "”’」』）)》】〉〕］"
OPENERS = "“‘「『（(《【〈〔［"  # their counterparts, which belong with what follows them

_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
# A run of marks as a whole (":," before 㐀): one by one, the first would turn only once the
# second had, on a second pass.
_PUNCT_NEAR_CJK = re.compile(rf"(?<={_CJKISH})[,;:?!]+|[,;:?!]+(?={_CJKISH})")
_PERIOD_AFTER_CJK = re.compile(rf"(?<=[{CJK}])\.(?=$|\s|{_CJKISH})")
_PARENS_WITH_CJK = re.compile(rf"\(([^()\n]*{_CJKISH}[^()\n]*)\)")
_SPACE_IN_NUMBER = re.compile(rf"(?<=\d) +(?=[{CJK}%])|(?<=[{CJK}]) +(?=\d)")
_SENTENCE_RE = re.compile(rf"[^{SENTENCE_END}]*(?:[{SENTENCE_END}]+[{CLOSERS}]*|$)")


def has_cjk(s: str) -> bool:
    return bool(_CJK_RE.search(s))


def cjk_count(s: str) -> int:
    return len(_CJK_RE.findall(s))


def to_full_width_punctuation(s: str) -> str:
    """Half-width , ; : ? ! . and ( ) become full-width where they sit next to Chinese text.

    Punctuation between digits ("1,200", "10:30", "3.7") is left alone.
    """
    # Innermost pairs first, then the pairs around them: "((中))" turns whole in two rounds.
    while (turned := _PARENS_WITH_CJK.sub(r"（\1）", s)) != s:
        s = turned
    s = _PUNCT_NEAR_CJK.sub(lambda m: "".join(_HALF_TO_FULL[c] for c in m.group()), s)
    return _PERIOD_AFTER_CJK.sub("。", s)


def close_number_gaps(s: str) -> str:
    """"1200 户" -> "1200户": web pages put spaces between numbers and their units."""
    return _SPACE_IN_NUMBER.sub("", s)


def normalise_paragraph(s: str) -> str:
    return close_number_gaps(to_full_width_punctuation(s.strip()))


def ends_sentence(s: str) -> bool:
    """True when the text ends at a sentence boundary (allowing closing quotes)."""
    s = s.rstrip()
    stripped = s.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def split_sentences(paragraph: str) -> list[str]:
    """Split at sentence-final punctuation; "".join(result) == paragraph."""
    parts = [m.group(0) for m in _SENTENCE_RE.finditer(paragraph) if m.group(0)]
    return parts


def sentence_anchor(sentence: str, taken: set[str] | None = None) -> str:
    """A stable HTML id for a sentence: a hash of its text, so it survives other pages being added."""
    base = "s-" + hashlib.sha1(sentence.strip().encode("utf-8")).hexdigest()[:10]
    anchor, n = base, 2
    while taken is not None and anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    if taken is not None:
        taken.add(anchor)
    return anchor


def sentence_anchor_at(paragraph: str, at: int) -> str:
    """The id of the sentence of `paragraph` that holds position `at`, as an article's page
    gives it (a sentence printed twice: the first's), or "" past the paragraph's end."""
    end = 0
    for sentence in split_sentences(paragraph):
        end += len(sentence)
        if at < end:
            return sentence_anchor(sentence)
    return ""


# A run of digits with the points and commas inside it (4.3181, 1,200), and the Latin letters
# it begins with (G20); what follows it, if a letter, a Chinese character or a sign, is its
# unit or its word (万, 亿元, 年, %).
_FIGURE_RUN = re.compile(r"[A-Za-z]*\d(?:[\d.,]*\d)?")
_UNIT_SIGNS = "%％‰‱℃°㎡"
_NEAR = 32  # characters either side of a cut to look for the figure it cuts: longer ones are not figures


def cut_outside_figures(text: str, start: int, end: int) -> tuple[int, int]:
    """`text[start:end]` widened at its start and narrowed at its end so that neither cuts a
    figure from its digits or its unit: a quote or excerpt must not make 2000年 read 0年 or
    年, nor 下达7亿元 read 下达7. An end that would leave nothing widens instead, over the
    figure and the character after it (2000年)."""
    def unit_at(at: int) -> bool:
        return at < len(text) and (text[at].isalnum() or text[at] in _UNIT_SIGNS)

    def cut(figure: re.Match, at: int) -> bool:
        return figure.start() < at < figure.end() or (figure.end() == at and unit_at(at))

    for figure in _FIGURE_RUN.finditer(text, max(0, start - _NEAR), start + _NEAR):
        if cut(figure, start):
            start = figure.start()
    for figure in _FIGURE_RUN.finditer(text, max(start, end - _NEAR), end + _NEAR):
        if cut(figure, end):
            end = figure.start() if figure.start() > start else figure.end() + unit_at(figure.end())
    return start, end


# A quote cut from a sentence begins after one of these, or ends before one; after 、, which
# parts the items of a list, only where none is near (…社区书屋、供暖排水等 began inside a list).
# Not "," and ":", which a figure holds (1,200, 10:30); text near Chinese is in full-width marks.
CLAUSE_MARKS = "，。；：！？;!?"
LIST_MARKS = "、"
CLAUSE_SNAP = 12  # characters a cut moves, at most, to begin or end a clause or a quotation (search.js's too)


def cut_at_clauses(text: str, start: int, end: int, keep: tuple[int, int]) -> tuple[int, int]:
    """`text[start:end]` moved to begin and end at a clause's edge (the text's own start and
    end are ones) where one is within CLAUSE_SNAP characters (outward first, for more of the
    clause), else at a list item's, never into `keep` (the figure it quotes), and outside a
    quotation where its opening mark is as near: "…四五”期间" cut 十四五 and its quotation in
    two, "…用于电…" a word, and "后，路更平了" began a text reading 老旧小区改造后，路更平了."""
    def edge(outward: range, inward: range) -> int | None:
        """Where the nearest clause's mark is, outward from the cut, else inward; else a list's.
        -1 and len(text), the text's edges, are clauses' too."""
        for marks in (CLAUSE_MARKS, LIST_MARKS):
            for side in (outward, inward):
                found = next((i for i in side if not 0 <= i < len(text) or text[i] in marks), None)
                if found is not None:
                    return found
        return None

    if start > 0:
        mark = edge(range(start - 1, max(start - 2 - CLAUSE_SNAP, -2), -1), range(start, min(start + CLAUSE_SNAP, keep[0])))
        if mark is not None:
            start = mark + 1
    if end < len(text):
        mark = edge(range(end, min(end + CLAUSE_SNAP, len(text) + 1)), range(end - 1, max(end - CLAUSE_SNAP, keep[1]) - 1, -1))
        if mark is not None:
            end = mark + (mark < len(text) and text[mark] in SENTENCE_END)  # a sentence's end stays; a comma goes
    return outside_quotations(text, start, end, keep)


def outside_quotations(text: str, start: int, end: int, keep: tuple[int, int], snap: int = CLAUSE_SNAP) -> tuple[int, int]:
    """`text[start:end]` with no quotation cut where its mark is within `snap` characters: a
    clause inside a quotation begins with its opening mark, an end inside one takes in its
    closing mark, else stops short of a quotation opened after `keep` (简单的“头痛医头… for
    “头痛医头，脚痛医脚”); and never begun by what closes the text before."""
    if inside_quote(text, start) and start - text.rfind("“", 0, start) <= snap:
        start = text.rfind("“", 0, start)
    if end < len(text) and inside_quote(text, end):
        closing, opening = text.find("”", end), text.rfind("“", 0, end)
        if 0 <= closing - end < snap:
            end = closing + 1
        elif opening >= keep[1]:
            end = opening
    while start < keep[0] and text[start] in CLOSERS:
        start += 1
    return start, end


# A quotation inside our own quotation marks takes the inner ones, as in Chinese typesetting.
INNER_QUOTES = str.maketrans("“”", "‘’")
OUTER_QUOTES = str.maketrans("‘’", "“”")  # back as the text prints them


def quotable(words: str) -> str:
    """`words` cut from a text, made fit to stand inside our own “…”: no mark of their own at
    either end, no quotation mark whose counterpart was cut off (在抗疫的关键时刻…担当。” ended
    a quotation begun before it, and our quote read …担当。”…”), their quotations in ‘’."""
    words = words.strip(CLAUSE_MARKS + SENTENCE_END + "、,")
    opened = []
    for i, char in enumerate(words):
        if char == "“":
            opened.append(i)
        elif char == "”" and opened:
            opened.pop()
        elif char == "”":  # closes a quotation begun before the words: they end there
            return quotable(words[:i])
    if opened:  # opens one they do not close: they end before it, or go on without its mark
        return quotable(words[: opened[0]] if opened[0] else words[1:])
    return words.translate(INNER_QUOTES)


def inside_quote(text: str, at: int) -> bool:
    """Whether `at` falls between a “ and its ”."""
    return text.rfind("“", 0, at) > text.rfind("”", 0, at)


# ---------------------------------------------------------------- dates

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def dot_ends_line(name: str) -> str:
    """A name in parts ("老旧小区改造 · 地方报纸档案") with a no-break space before each dot: a
    line that breaks there ends with the dot. In Chinese typesetting a separator does not
    begin a line."""
    return name.replace(" · ", "\u00a0· ")


def date_parts(date_text) -> tuple[str, str, str] | None:
    """(year, month, day) of an ISO date as far as it goes ("2022-01" -> 2022, 01, ""); None
    for anything else."""
    match = _ISO_PARTIAL.match(html.unescape(str(date_text or "")).strip())
    return match.groups(default="") if match else None  # type: ignore[return-value]


def date_label(date_text) -> str:
    """"2023-06-14" -> 2023年6月14日, "2022-01" -> 2022年1月, "2023" -> 2023年; anything else as it is."""
    parts = date_parts(date_text)
    if not parts:
        return str(date_text or "日期不详")
    year, month, day = parts
    label = f"{year}年"
    if month:
        label += f"{int(month)}月"
    if day:
        label += f"{int(day)}日"
    return label
