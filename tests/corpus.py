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
