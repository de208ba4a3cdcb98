"""The benchmark harness keeps working: corpora it generates and the results it writes (no timing assertions)."""
from __future__ import annotations

import csv

from analysis.bench import SCENARIOS, cold_bounds, make_corpus, medians, run_bench, source_articles, stage_growth, table, verdicts
from analysis.segment import segment_page


def test_synthetic_pages_segment_into_the_requested_number_of_articles(tmp_path):
    files = make_corpus(tmp_path / "corpus", 100)
    assert len(files) == 17  # six articles to a page, four on the last
    counts = [len(segment_page(f.read_text(encoding="utf-8")).items) for f in files]
    assert sum(counts) == 100
    assert len({f.read_text(encoding="utf-8") for f in files}) == len(files)  # no page is a duplicate


def test_generation_is_deterministic(tmp_path):
    sources = source_articles()
    a = make_corpus(tmp_path / "a", 30, seed=7, sources=sources)
    b = make_corpus(tmp_path / "b", 30, seed=7, sources=sources)
    c = make_corpus(tmp_path / "c", 30, seed=8, sources=sources)
    assert [f.name for f in a] == [f.name for f in b]
    assert [f.read_bytes() for f in a] == [f.read_bytes() for f in b]
    assert (tmp_path / "a" / "sources.toml").read_bytes() == (tmp_path / "b" / "sources.toml").read_bytes()
    assert [f.read_bytes() for f in a] != [f.read_bytes() for f in c]


def test_harness_writes_one_row_per_round_size_and_scenario(tmp_path, capsys):
    rows, path = run_bench([12], tmp_path, real=False, rounds=2)
    assert path == tmp_path / "results.csv"
    with path.open(encoding="utf-8") as fh:
        written = list(csv.DictReader(fh))
    assert [(r["corpus"], r["round"], r["scenario"]) for r in written] == [("12", n, s) for n in "12" for s in SCENARIOS]
    for r in written:
        assert int(r["articles"]) == 12
        assert float(r["wall_s"]) > 0 and float(r["peak_mb"]) > 0
        assert float(r["cpu_s"]) > 0
    typical = medians(rows)
    assert [(r["scenario"], r["rounds"]) for r in typical] == [(s, 2) for s in SCENARIOS]
    cpu = {r["scenario"]: r["cpu_s"] for r in typical}
    assert cpu["cold"] > cpu["plain-pelican"]  # each run's own CPU time: loading jieba alone outweighs plain Pelican
    assert "plain-pelican" in table(typical)
    assert any("no-change" in line for line in verdicts(typical))
    assert "12: cold (round 2 of 2)" in capsys.readouterr().err  # progress lines go to stderr


def test_the_typical_run_is_the_median_by_wall_time_with_the_highest_memory():
    def run(wall, peak, round_):
        return {"corpus": "100", "scenario": "cold", "wall_s": wall, "peak_mb": peak, "tree_mb": peak + 1, "round": round_, "timings": {"pelican": wall / 2}}

    (three,) = medians([run(5.0, 200, 1), run(3.0, 300, 2), run(4.0, 100, 3)])
    assert (three["round"], three["wall_s"], three["timings"], three["peak_mb"], three["tree_mb"], three["rounds"]) == (3, 4.0, {"pelican": 2.0}, 300, 301, 3)
    (two,) = medians([run(5.0, 200, 1), run(3.0, 100, 2)])
    assert (two["round"], two["wall_s"]) == (2, 3.0)  # the lower middle run


def test_cold_bounds_spread_the_cpu_time_over_the_cores_and_compare_pelican_steps():
    cold = {"wall_s": 90.0, "cpu_s": 120.0, "cores": 2, "timings": {"analysis": 30.0, "pelican": 33.0}}
    plain = {"wall_s": 24.0, "timings": {"pelican": 22.0}}
    spread, step = cold_bounds(cold, plain)
    assert "120 s of CPU" in spread and "under 60.0 s (2.50x plain Pelican)" in spread
    assert "33.0 s, 1.50x plain Pelican's own 22.0 s" in step


def test_stage_growth_judges_each_stage_against_n_log_n_and_names_the_worse_ones():
    def cold(articles, **timings):
        return {"articles": articles, "timings": {"swap": 0.01, **timings}}

    small = cold(1000, analysis=3.5, pelican=4.0, search=2.6, charts=1.6)
    (ok,) = stage_growth(small, cold(10000, analysis=25.5, pelican=18.8, search=24.0, charts=1.8, swap=0.4))
    assert ok.startswith("  PASS") and "(x13.3)" in ok
    assert ok.endswith(": search x9.2, analysis x7.3, pelican x4.7, charts x1.1")  # worst first
    assert "swap" not in ok  # under a second at the larger size: noise
    (bad,) = stage_growth(small, cold(10000, analysis=25.5, pelican=60.0, search=24.0, charts=1.8))
    assert bad.startswith("  FAIL") and bad.endswith(": pelican x15.0")
