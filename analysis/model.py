"""The records that flow between the stages: pages in, articles out.

Plain dataclasses so every stage stays a pure function from data to data and
records serialise to JSON/CSV without custom encoders.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """One decoded input file."""

    name: str  # file name relative to the seeds folder, e.g. "000_697f09e09f9696df.txt"
    text: str  # decoded text, newlines normalised to "\n"
    sha256: str  # of the decoded text, trimmed, whatever its encoding: the key of the page's cached analysis
    encoding: str  # what the bytes were decoded from
    source: dict = field(default_factory=dict)  # what sources.toml says about the page


@dataclass
class Section:
    """A run of body paragraphs under an optional in-article sub-heading."""

    heading: str
    paragraphs: list[str]


@dataclass
class Article:
    """One item of a page: a news story, commentary, photo, advert, list or continuation."""

    id: str
    page: str
    title: str
    kind: str = "news"  # news | commentary | photo | advert | list | continuation
    subtitle: str = ""
    kicker: str = ""
    byline: str = ""
    dateline: str = ""  # "本报讯（记者 郝燕来）", repeated from the first paragraph
    continued_from: str = ""  # "（上接第一版）": the item continues a story from another page
    title_generated: bool = False  # printed without a headline; the title is made from its text
    title_words: list[str] = field(default_factory=list)  # the title as a line may break it (terms.headline_words)
    publication: str = ""
    first_published: str = ""  # where a reprinted story first appeared, as its last line says ("《瞭望》新闻周刊")
    date: str = ""  # ISO date, possibly partial ("2023-06") or empty when unknown
    url: str = ""
    slug: str = ""
    places: list[str] = field(default_factory=list)  # most specific first
    summary: list[str] = field(default_factory=list)  # key points under the headline: "●" lines, a 核心阅读 box
    summary_label: str = ""  # the label the paper prints over its summary box (核心阅读), if any
    sections: list[Section] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    reattached: list[dict] = field(default_factory=list)  # fragments moved here from elsewhere on the page
    cut_at_start: bool = False  # starts mid-sentence or mid-story; the text before it is not on the page
    cut_at_end: bool = False  # ends mid-sentence; the text after it is not on the page
    topics: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)  # ids of similar articles (shared topics and words)

    @property
    def paragraphs(self) -> list[str]:
        return self.summary + [p for s in self.sections for p in s.paragraphs]

    @property
    def body_text(self) -> str:
        return "\n".join(self.paragraphs)

    def to_dict(self) -> dict:
        """What asdict() gives (fresh lists and dicts, sections as dicts), built by hand: asdict's
        recursive deep copy of every string list takes six times as long."""
        record = {name: getattr(self, name) for name in self.__dataclass_fields__}
        for name, value in record.items():
            if isinstance(value, list):
                record[name] = list(value)
        record["sections"] = [{"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in self.sections]
        record["reattached"] = [dict(r) for r in self.reattached]
        return record


@dataclass(frozen=True)
class PageProblem:
    """Why a page was skipped or needed attention; one line for the build log."""

    page: str
    problem: str
    skipped: bool = True

    def __str__(self) -> str:
        verdict = "skipped" if self.skipped else "warning"
        return f"{self.page}: {verdict}: {self.problem}"
