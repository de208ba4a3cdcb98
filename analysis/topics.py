"""Topic assignment by weighted keyword rules kept in analysis/data/topics.toml.

A topic's score for an article is

    sum over its keywords of  weight * (title_weight * hits in headline + min(hits in body, body_cap))

and the article gets every topic whose score reaches that topic's threshold, best
first (score relative to threshold), or the fallback topic when none does.

Keywords are matched as substrings, not tokens, so 老旧小区 is found inside
城镇老旧小区改造 whatever the segmenter makes of it. Within one topic each stretch
of text counts for the longest keyword that matches there, which lets a
zero-weight keyword act as an exclusion: with 主题教育 = 0 in the education topic,
the 教育 inside 主题教育 (a party campaign) scores nothing. Body hits are capped per
keyword so that one word repeated through a long article cannot carry a topic on
its own; headline hits are uncapped because headlines are short and deliberate.
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .model import Article
from .settings import DATA_DIR, reading

TOPICS_FILE = DATA_DIR / "topics.toml"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Topic:
    slug: str  # ASCII, used in URLs
    name: str  # Chinese display name
    threshold: float
    keywords: tuple[tuple[str, float], ...]  # (keyword, weight), longest keyword first
    genre: bool = False  # describes the form of an article (a meeting report), not its subject

    @cached_property  # scoring asks for it twice an article
    def pattern(self) -> re.Pattern:
        return _keyword_pattern(tuple(k for k, _ in self.keywords))


@dataclass(frozen=True)
class TopicRules:
    topics: tuple[Topic, ...]
    fallback: Topic  # given when no topic reaches its threshold
    title_weight: float
    body_cap: int
    focus: str = ""  # slug of the archive's focus topic

    def names(self) -> dict[str, str]:
        """slug -> Chinese name, fallback included, in file order."""
        return {t.slug: t.name for t in (*self.topics, self.fallback)}


@lru_cache(maxsize=None)
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern:
    # Alternatives are tried in order, so longest-first gives the longest match.
    return re.compile("|".join(map(re.escape, keywords)))


# ---------------------------------------------------------------- loading


@lru_cache(maxsize=None)
def load_topics(path: Path | str = TOPICS_FILE) -> TopicRules:
    with reading(Path(path)), open(path, "rb") as f:
        return parse_topics(tomllib.load(f))


def parse_topics(data: dict[str, Any]) -> TopicRules:
    """Build and check rules from the parsed TOML; raise ValueError on a bad file."""
    settings = data.get("settings", {})
    topics = tuple(_parse_topic(t) for t in data.get("topics", []))
    fallback = Topic(data["fallback"]["slug"], data["fallback"]["name"], 0.0, ())
    slugs = [t.slug for t in (*topics, fallback)]
    bad = [s for s in slugs if not _SLUG.fullmatch(s)]
    if bad or len(set(slugs)) != len(slugs):
        raise ValueError(f"topic slugs must be unique lowercase ASCII words joined by '-': {slugs}")
    focus = settings.get("focus", "")
    if focus and focus not in slugs:
        raise ValueError(f"the focus topic {focus!r} is not one of the topics {slugs}")
    return TopicRules(
        topics=topics,
        fallback=fallback,
        title_weight=float(settings.get("title_weight", 3)),
        body_cap=int(settings.get("body_cap", 3)),
        focus=focus,
    )


def _parse_topic(t: dict[str, Any]) -> Topic:
    keywords = tuple(sorted(t["keywords"].items(), key=lambda kw: (-len(kw[0]), kw[0])))
    if not keywords or float(t["threshold"]) <= 0:
        raise ValueError(f"topic {t.get('slug')!r} needs keywords and a positive threshold")
    weighted = tuple((k, float(w)) for k, w in keywords)
    return Topic(t["slug"], t["name"], float(t["threshold"]), weighted, bool(t.get("genre", False)))


# ---------------------------------------------------------------- scoring


def headline_text(article: Article) -> str:
    return "\n".join(h for h in (article.kicker, article.title, article.subtitle) if h)


def body_text(article: Article) -> str:
    # Captions carry the whole text of photo items, so they count as body.
    return "\n".join(article.paragraphs + article.captions)


def keyword_hits(topic: Topic, text: str) -> Counter:
    return Counter(topic.pattern.findall(text))  # the pattern has no groups: findall gives whole matches


def topic_score_parts(topic: Topic, headline: str, body: str, rules: TopicRules) -> tuple[float, float]:
    """(headline part, body part) of a topic's score."""
    head, main = keyword_hits(topic, headline), keyword_hits(topic, body)
    # A keyword not found adds nothing; asking `in` first spares Counter's call for a missing key.
    return (
        rules.title_weight * sum((w * head[kw] for kw, w in topic.keywords if kw in head), 0.0),
        sum((w * min(main[kw], rules.body_cap) for kw, w in topic.keywords if kw in main), 0.0),
    )


def _score_parts(article: Article, rules: TopicRules) -> dict[str, tuple[float, float]]:
    headline, body = headline_text(article), body_text(article)
    return {t.slug: topic_score_parts(t, headline, body, rules) for t in rules.topics}


def score_topics(article: Article, rules: TopicRules) -> dict[str, float]:
    """slug -> score for every rule topic (fallback excluded); useful to explain an assignment."""
    return {slug: head + body for slug, (head, body) in _score_parts(article, rules).items()}


def assign_topics(article: Article, rules: TopicRules) -> list[str]:
    """Slugs of the topics whose score reaches their threshold, best first; never empty.

    Subjects come before genres: a meeting report on private enterprise is about
    private enterprise. Then topics named in the headline: the headline states what
    the article is about, while a long body can pile up points for a topic with many
    synonymous keywords (物业, 物业管理, 业委会 ...) that is only one of its threads.
    Then higher score relative to threshold, then file order.
    """
    parts = _score_parts(article, rules)
    passed = []
    for i, topic in enumerate(rules.topics):
        head, body = parts[topic.slug]
        if head + body >= topic.threshold:
            rank = (topic.genre, head <= 0, -(head + body) / topic.threshold, i)
            passed.append((rank, topic.slug))
    return [slug for _, slug in sorted(passed)] or [rules.fallback.slug]
