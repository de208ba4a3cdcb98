"""Paths and fixtures shared by the tests: the real seed pages and hand-made expectations."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"


def seed_pages() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def load_fixture(name: str) -> dict:
    with (FIXTURES / name).open("rb") as fh:
        return tomllib.load(fh)


def readers_agree(content) -> int:
    """Read every Markdown file under `content` as Pelican's own reader does and as the build
    does; they must give the same content and metadata. Returns how many the build read directly."""
    from pelican.readers import MarkdownReader, Readers
    from pelican.settings import read_settings

    from analysis.site import html_body_document, read_html_bodies_as_they_are

    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    readers = Readers(settings)
    read_html_bodies_as_they_are(readers)
    ours, pelicans = readers.reader_classes["md"](settings), MarkdownReader(settings)
    direct = 0
    for path in sorted(content.rglob("*.md")):
        assert ours.read(str(path)) == pelicans.read(str(path)), path.name
        direct += html_body_document(path.read_text(encoding="utf-8")) is not None
    return direct

