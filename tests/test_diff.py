"""Comparing two builds' data: added, removed and changed rows, shown safely on the changes page."""
from __future__ import annotations

from analysis.cli import main
from analysis.diff import compare_rows, changes_markdown, leading_terms, LEADING_TERMS


def test_added_removed_and_changed_rows_are_told_apart():
    base = [{"id": "a", "title": "旧标题", "date": "2023"}, {"id": "b", "title": "删掉的", "date": ""}]
    new = [{"id": "a", "title": "新标题", "date": "2023"}, {"id": "c", "title": "新文章", "date": "2024"}]
    changes = compare_rows("articles.csv", base, new)
    assert [r["id"] for r in changes.added] == ["c"]
    assert [r["id"] for r in changes.removed] == ["b"]
    assert changes.changed == [{"key": {"id": "a"}, "changes": {"title": ["旧标题", "新标题"]}}]


def test_only_each_places_leading_terms_are_compared():
    rows = [{"place": "巫山县", "term": f"词{i}", "count": str(100 - i)} for i in range(LEADING_TERMS + 5)]
    assert len(leading_terms(rows)) == LEADING_TERMS


def test_changes_page_escapes_page_text():
    changes = [compare_rows("articles.csv", [], [{"id": "x", "title": "<script>alert(1)</script>|*强*", "date": ""}])]
    page = changes_markdown(changes, "base")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "\\|" in page and "\\*强\\*" in page


def test_diff_command_reports_what_a_removed_page_takes_away(tmp_path, capsys):
    from tests.corpus import SEEDS
    import shutil

    fewer = tmp_path / "fewer"
    fewer.mkdir()
    for page in sorted(SEEDS.glob("*.txt"))[:4]:
        shutil.copy(page, fewer / page.name)
    shutil.copy(SEEDS / "sources.toml", fewer / "sources.toml")
    common = ["--work", str(tmp_path / "w"), "--quiet"]
    assert main(["build", "--seeds", str(fewer), "--output", str(tmp_path / "base"), *common]) == 0
    assert main(["build", "--seeds", str(SEEDS), "--output", str(tmp_path / "new"), "--base", str(tmp_path / "base"), *common]) == 0
    capsys.readouterr()
    assert main(["diff", str(tmp_path / "base"), str(tmp_path / "new")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("articles.csv: +8 -0 ~0")
    assert "重庆“党建+市场”改造老旧小区" in out
    assert "重庆“党建+市场”改造老旧小区" in (tmp_path / "new" / "changes.html").read_text(encoding="utf-8")
