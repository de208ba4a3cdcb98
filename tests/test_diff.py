"""Comparing two builds' data: added, removed and changed rows, shown safely on the changes page."""
from __future__ import annotations

import csv
import json

from analysis.cli import main
from analysis.diff import compare_rows, changes_markdown, leading_terms, LEADING_TERMS


def test_added_removed_and_changed_rows_are_told_apart():
    base = [{"id": "a", "title": "旧标题", "date": "2023"}, {"id": "b", "title": "删掉的", "date": ""}]
    new = [{"id": "a", "title": "新标题", "date": "2023"}, {"id": "c", "title": "新文章", "date": "2024"}]
    changes = compare_rows("articles.csv", base, new)
    assert [r["id"] for r in changes.added] == ["c"]
    assert [r["id"] for r in changes.removed] == ["b"]
    assert changes.changed == [{"key": {"id": "a"}, "changes": {"title": ["旧标题", "新标题"]}}]


def test_two_figures_of_one_sentence_are_compared_one_by_one():
    sentence = "争取中央补助资金9000万元，业主自筹9000万元。"
    fact = {"article_id": "a", "metric": "funding_yuan", "place": "巫山县", "status": "", "sentence": sentence, "year": "2023"}
    base = [{**fact, "value": "90000000", "funding_source": "central_subsidy"}, {**fact, "value": "90000000", "funding_source": "owners"}]
    new = [{**base[0], "value": "80000000"}, base[1]]
    changes = compare_rows("facts.csv", base, new)
    assert not changes.added and not changes.removed
    assert [c["changes"] for c in changes.changed] == [{"value": ["90000000", "80000000"]}]


def test_scale_cells_of_two_funding_sources_are_two_rows():
    cell = {"place": "巫山县", "province": "重庆市", "metric": "funding_yuan", "year": "2023", "status": ""}
    base = [{**cell, "funding_source": "central_subsidy", "value": "431810000"}, {**cell, "funding_source": "owners", "value": "90000000"}]
    new = [base[0], {**base[1], "value": "80000000"}]
    changes = compare_rows("scale_by_place.csv", base, new)
    assert [(c["key"]["funding_source"], c["changes"]) for c in changes.changed] == [("owners", {"value": ["90000000", "80000000"]})]


def test_a_scale_cell_whose_sources_grow_or_disagree_is_a_change():
    """A second copy of a page made one article agree with itself: n_sources 1 -> 2, and the
    diff said nothing, as it compared only the figure."""
    cell = {"place": "九龙坡区", "province": "重庆市", "metric": "area_m2", "year": "2021-2025", "status": "planned",
            "funding_source": "", "value": "8160000", "display": "816万多平方米", "n_sources": "1", "agree": "True", "other_figures": ""}
    new = [{**cell, "n_sources": "2", "agree": "False", "other_figures": "800万平方米"}]
    changes = compare_rows("scale_by_place.csv", [cell], new)
    assert changes.changed[0]["changes"] == {"n_sources": ["1", "2"], "agree": ["True", "False"], "other_figures": ["", "800万平方米"]}


def test_each_topics_leading_terms_are_compared_too(tmp_path):
    from analysis.diff import compare

    for folder, count in (("base", "6"), ("new", "9")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "terms_by_topic.csv").write_text(f"topic,term,count\n一老一小,托育,{count}\n", encoding="utf-8")
    by_name = {c.name: c for c in compare(tmp_path / "base", tmp_path / "new")}
    assert by_name["terms_by_topic.csv"].changed == [{"key": {"topic": "一老一小", "term": "托育"}, "changes": {"count": ["6", "9"]}}]


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
    removed_page = sorted(SEEDS.glob("*.txt"))[4].name
    taken = [r["title"] for r in csv.DictReader(open(tmp_path / "new" / "data" / "articles.csv", encoding="utf-8-sig")) if r["page"] == removed_page]
    assert len(taken) >= 5
    assert out.splitlines()[0].startswith(f"articles.csv: +{len(taken)} -0 ~0")
    assert all(title in out for title in taken)
    written = json.loads((tmp_path / "new" / "data" / "changes.json").read_text(encoding="utf-8"))
    assert sorted(r["title"] for r in written[0]["added"]) == sorted(taken)
    assert "重庆“党建+市场”改造老旧小区" in out
    assert "重庆“党建+市场”改造老旧小区" in (tmp_path / "new" / "changes.html").read_text(encoding="utf-8")
