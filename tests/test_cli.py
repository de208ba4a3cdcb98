"""The command line as a maintainer uses it: help text and the watch loop."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from analysis.cli import main
from tests.corpus import ROOT, SEEDS


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("build", "watch", "diff", "bench"):
        assert command in out


@pytest.mark.parametrize("command", ["build", "watch", "diff", "bench"])
def test_each_command_explains_itself_and_each_of_its_options(command, capsys):
    from analysis.cli import parser

    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    sub = next(a for a in parser()._subparsers._group_actions).choices[command]
    assert sub.description and sub.description.split()[0] in out
    for action in sub._actions:
        assert action.help, f"{command} {action.option_strings or action.dest} has no help"
        assert (action.option_strings or [action.dest])[0] in out


def test_watch_offers_no_strict_exit_status_it_cannot_give(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["watch", "--strict"])
    assert exit_.value.code == 2 and "--strict" in capsys.readouterr().err


def test_watch_rebuilds_when_a_page_changes(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    out = tmp_path / "out"
    args = ["watch", "--seeds", str(seeds), "--output", str(out), "--work", str(tmp_path / "w"), "--quiet", "--interval", "0.2"]
    proc = subprocess.Popen([sys.executable, "-m", "analysis", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        data = out / "data" / "articles.json"
        deadline = time.time() + 120
        while not data.exists() and time.time() < deadline:
            time.sleep(0.2)
        assert data.exists()
        page = sorted(seeds.glob("*.txt"))[0]
        page.write_text(page.read_text(encoding="utf-8").replace("仙桥小学", "仙桥中心小学"), encoding="utf-8")
        while "仙桥中心小学" not in data.read_text(encoding="utf-8") and time.time() < deadline:
            time.sleep(0.2)
        assert "仙桥中心小学" in data.read_text(encoding="utf-8")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_build_from_the_command_line_ends_with_its_status_and_all_its_output(tmp_path):
    """The process skips the interpreter's teardown; what it printed must still all arrive."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "blank.txt").write_text("", encoding="utf-8")
    args = ["build", "--seeds", str(seeds), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "w"), "--strict"]
    result = subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 3  # built, but --strict and a page was skipped
    lines = result.stderr.splitlines()
    assert any("blank.txt" in line for line in lines)
    assert lines[-1].startswith("built ") and "skipped 1 file(s)" in lines[-1]
    assert (tmp_path / "out" / "index.html").is_file()
    assert len(list((tmp_path / "out" / "charts").glob("*.svg"))) == 4  # drawn by the build's own process for them
    diff = subprocess.run([sys.executable, "-m", "analysis", "diff", str(tmp_path / "out"), str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert diff.returncode == 0 and diff.stdout.strip()  # standard output, block-buffered into a pipe, arrives whole


def test_relative_folders_are_taken_from_where_the_command_runs(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "pages")
    args = ["build", "--seeds", "pages", "--output", "site", "--work", "work", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "analysis", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "work").is_dir()
    assert not (ROOT / "site").exists() and not (ROOT / "work").exists()


def test_a_quiet_build_prints_only_its_summary_even_with_worker_processes(tmp_path):
    """Enough pages for the analysis to start worker processes, each loading jieba's dictionary."""
    from analysis.bench import make_corpus
    from analysis.settings import load_settings

    seeds = tmp_path / "seeds"
    pages = make_corpus(seeds, 6 * load_settings()["PARALLEL_MIN_PAGES"])
    args = ["build", "--seeds", str(seeds), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "w"), "--quiet"]
    result = subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"built {6 * len(pages)} articles from {len(pages)} pages; skipped 0 file(s)"]


@pytest.mark.parametrize("layout", ["output-is-seeds", "output-holds-seeds", "output-among-pages", "output-holds-work",
                                    "output-is-a-file", "output-holds-other-files"])
def test_a_build_that_would_delete_its_own_input_or_other_files_is_refused_and_touches_nothing(tmp_path, capsys, layout):
    seeds = tmp_path / "project" / "seeds"
    shutil.copytree(SEEDS, seeds)
    (tmp_path / "project" / "notes.txt").write_text("keep me", encoding="utf-8")
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "thesis.txt").write_text("keep me too", encoding="utf-8")
    output, work = {
        "output-is-seeds": (seeds, tmp_path / "work"),
        "output-holds-seeds": (tmp_path / "project", tmp_path / "work"),
        "output-among-pages": (seeds / "site", tmp_path / "work"),
        "output-holds-work": (tmp_path / "out", tmp_path / "out" / "work"),
        "output-is-a-file": (tmp_path / "documents" / "thesis.txt", tmp_path / "work"),
        "output-holds-other-files": (tmp_path / "documents", tmp_path / "work"),
    }[layout]
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    status = main(["build", "--seeds", str(seeds), "--output", str(output), "--work", str(work), "--quiet"])
    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {output}: the output folder ") and "choose another --output" in err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing written, nothing gone
    assert (tmp_path / "documents" / "thesis.txt").read_text(encoding="utf-8") == "keep me too"


def test_a_build_fills_an_empty_folder_and_replaces_a_site_it_made(tmp_path):
    (tmp_path / "out").mkdir()
    for _ in range(2):
        assert main(["build", "--seeds", str(SEEDS), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "work"), "--quiet"]) == 0
        assert (tmp_path / "out" / "report.html").is_file()
        (tmp_path / "work" / "last-build.json").unlink()  # the site itself, not the work folder's record, says whose it is


def test_a_missing_or_emptied_folder_of_pages_keeps_the_site_that_is_there(tmp_path, capsys):
    status = main(["build", "--seeds", str(tmp_path / "nowhere"), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "work"), "--quiet"])
    assert status == 2 and f"error: {tmp_path / 'nowhere'}: no such folder of pages" in capsys.readouterr().err
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    assert main(["build", "--seeds", str(seeds), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "work"), "--quiet"]) == 0
    site = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*"))
    for page in seeds.glob("*.txt"):
        page.write_bytes(b"")  # every page emptied
    status = main(["build", "--seeds", str(seeds), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "work"), "--quiet"])
    err = capsys.readouterr().err
    assert status == 2 and "no page gave an article, so the site in" in err and "000_697f09e09f9696df.txt: skipped: empty page" in err
    assert sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*")) == site


def test_ctrl_c_ends_a_build_with_a_line_not_a_traceback_and_no_process_left(tmp_path, capsys, monkeypatch):
    import multiprocessing

    import analysis.build

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(analysis.build, "analyse", interrupted)  # Ctrl-C while the pages are analysed
    status = main(["build", "--seeds", str(SEEDS), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "work")])
    err = capsys.readouterr().err
    assert status == 130 and err.strip().splitlines()[-1] == "interrupted; nothing was built"  # no site was there
    assert "Traceback" not in err
    assert multiprocessing.active_children() == []  # the charts' process the build started is gone


@pytest.mark.parametrize("settings, said", [
    ("SITENAME = 'x'\nTHEME = (\n", "line 2"),  # will not parse
    ("SITENAME = UNDEFINED_NAME\n", "NameError"),  # parses, will not run
    (None, "no such settings file"),
])
def test_a_settings_file_that_will_not_run_refuses_the_build_in_one_line(tmp_path, capsys, settings, said):
    conf = tmp_path / "conf.py"
    if settings is not None:
        conf.write_text(settings, encoding="utf-8")
    out = tmp_path / "out"
    (out / "data").mkdir(parents=True)
    (out / "pagefind").mkdir()
    (out / "index.html").write_text("the last build", encoding="utf-8")
    (out / "data" / "articles.json").write_text("[]", encoding="utf-8")  # a site a build made
    (out / "pagefind" / "shards.json").write_text("[]", encoding="utf-8")
    status = main(["build", "--seeds", str(SEEDS), "--output", str(out), "--work", str(tmp_path / "w"), "--settings", str(conf)])
    err = capsys.readouterr().err
    assert status == 2
    assert len([line for line in err.splitlines() if line.strip()]) == 1
    assert err.startswith(f"error: {conf}") and said in err and "Traceback" not in err
    assert (out / "index.html").read_text(encoding="utf-8") == "the last build"


def test_a_settings_error_in_a_file_it_imports_names_that_file(tmp_path, capsys):
    (tmp_path / "base_settings.py").write_text("SITENAME = (\n", encoding="utf-8")
    conf = tmp_path / "conf.py"
    conf.write_text("import sys\nsys.path.insert(0, %r)\nfrom base_settings import *\n" % str(tmp_path), encoding="utf-8")
    status = main(["build", "--seeds", str(SEEDS), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "w"), "--settings", str(conf)])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith(f"error: {tmp_path / 'base_settings.py'}: line 1") and str(conf) in err


def test_watch_rebuilds_when_the_reference_data_changes(tmp_path):
    """Editing metrics.toml or the gazetteer changes the site as much as editing a page does."""
    from analysis.cli import parser, watched_state

    args = parser().parse_args(["watch", "--seeds", str(tmp_path)])
    watched = {path for path, _, _ in watched_state(args)}
    assert {str(ROOT / "analysis" / "data" / name) for name in ("metrics.toml", "gazetteer.csv")} <= watched


def test_watch_builds_with_the_reference_data_as_edited_while_it_runs_and_stops_at_ctrl_c(tmp_path):
    """Each build runs in a process of its own: a build in the watching process kept the
    metrics.toml it had first read, and recorded the edited one as built."""
    project = tmp_path / "project"
    for name in ("analysis", "theme", "content"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pelicanconf.py", project)
    report = tmp_path / "out" / "report.html"
    args = ["watch", "--seeds", str(SEEDS), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "w"), "--quiet", "--interval", "0.2"]
    # Ctrl-C as a terminal gives it, even where the tests run in the background, which ignores it
    proc = subprocess.Popen([sys.executable, "-m", "analysis", *args], cwd=project, env={**os.environ, "PYTHONPATH": str(project)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.time() + 120
        while not report.exists() and time.time() < deadline:
            time.sleep(0.2)
        assert "已完成" in report.read_text(encoding="utf-8") and "已完工" not in report.read_text(encoding="utf-8")
        metrics = project / "analysis" / "data" / "metrics.toml"
        metrics.write_text(metrics.read_text(encoding="utf-8").replace('label = "已完成"', 'label = "已完工"'), encoding="utf-8")
        while "已完工" not in report.read_text(encoding="utf-8") and time.time() < deadline:
            time.sleep(0.2)
        assert "已完工" in report.read_text(encoding="utf-8")
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "Traceback" not in err


def processes_naming(text: str) -> list[int]:
    """The ids of the running processes whose command line holds `text`."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and text in open(f"/proc/{entry}/cmdline", "rb").read().decode("utf-8", "replace"):
                found.append(int(entry))
        except OSError:
            continue  # gone meanwhile
    return found


def test_a_watch_told_to_end_during_a_build_interrupts_the_build_and_waits_for_it(tmp_path):
    """Ended at once by kill, the watch left its build running on its own, to swap in a site later."""
    args = ["watch", "--seeds", str(SEEDS), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "w"), "--quiet"]
    proc = subprocess.Popen([sys.executable, "-m", "analysis", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not [p for p in processes_naming(str(tmp_path / "w")) if p != proc.pid] and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # the build has begun
    proc.terminate()
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    assert processes_naming(str(tmp_path / "w")) == []  # no build left running
    assert not (tmp_path / "out").exists()  # it was interrupted, not left to finish on its own
    assert not (tmp_path / ".out.building").exists()


@pytest.mark.parametrize("data_file, edit, said", [
    ("metrics.toml", lambda text: text.replace('label = "已完成"', 'label = "已完成'), "analysis/data/metrics.toml: "),
    ("metrics.toml", lambda text: text.replace('"started", "in_progress"', '"started", "in progress"'),
     "analysis/data/metrics.toml: [report] highlight_statuses names no [[status]] in progress"),
    ("gazetteer.csv", lambda text: text.replace("巫山县,district,", "巫山县,county,"),
     "analysis/data/gazetteer.csv: '巫山县' has unknown level 'county' (levels: community, town, district, city, province; a county is a district)"),
    ("gazetteer.csv", lambda text: text + "巫山县,district,重庆市,,\n", "analysis/data/gazetteer.csv: duplicate place name '巫山县'"),
    ("topics.toml", lambda text: text + "\n[[topics]\n", "analysis/data/topics.toml: "),
    ("data_dictionary.toml", lambda text: text + "\n[[x]\n", "analysis/data/data_dictionary.toml: "),
    ("page_furniture.toml", lambda text: text.replace("[reprint]", "[reprinted]"), "analysis/data/page_furniture.toml: missing key 'reprint'"),
])
def test_a_reference_data_file_that_will_not_load_refuses_the_build_in_one_line_naming_it(tmp_path, data_file, edit, said):
    project = tmp_path / "project"
    for name in ("analysis", "theme", "content"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pelicanconf.py", project)
    path = project / "analysis" / "data" / data_file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "analysis", "build", "--seeds", str(SEEDS), "--output", str(tmp_path / "out"),
                          "--work", str(tmp_path / "work"), "--quiet"],
                         cwd=project, env={**os.environ, "PYTHONPATH": str(project)}, capture_output=True, text=True, timeout=300)
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert lines[0].startswith(f"error: {said}") and lines[0].endswith("; fix the reference data and build again")
    assert not (tmp_path / "out").exists()


def test_a_base_that_is_no_built_site_refuses_the_build(tmp_path, capsys):
    """A typo in a preview's BASE compared the build with nothing: every article listed as new."""
    status = main(["build", "--seeds", str(SEEDS), "--output", str(tmp_path / "out"), "--work", str(tmp_path / "work"),
                   "--base", str(tmp_path / "nope"), "--quiet"])
    assert status == 2 and capsys.readouterr().err.strip() == (
        f"error: {tmp_path / 'nope'}: no data/ folder of a built site to compare with (--base); build that site first")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("interval", ["0", "-1", "soon", "inf", "nan"])
def test_watch_refuses_an_interval_that_is_no_pause(interval, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["watch", "--interval", interval])
    assert exit_.value.code == 2 and "--interval" in capsys.readouterr().err


def test_a_watch_looks_at_pages_not_at_hidden_files_or_folders(tmp_path):
    from analysis.cli import parser, watched_state

    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "index").write_text("x", encoding="utf-8")
    (tmp_path / ".page.txt.swp").write_text("x", encoding="utf-8")
    (tmp_path / "page.txt").write_text("标题\n\n正文。", encoding="utf-8")
    args = parser().parse_args(["watch", "--seeds", str(tmp_path)])
    seen = {path for path, _, _ in watched_state(args) if path.startswith(str(tmp_path))}
    assert seen == {str(tmp_path / "page.txt")}


def test_ctrl_c_while_the_command_starts_ends_it_in_a_line_not_a_traceback(tmp_path):
    """Ctrl-C in the second the command takes to import pandas and Pelican printed 40 lines of
    traceback. The interrupt comes as the command line's module is imported, every time."""
    interrupting = ("import runpy, sys\n"
                    "class Interrupt:\n"
                    "    def find_spec(self, name, path=None, target=None):\n"
                    "        if name == 'analysis.cli':\n"
                    "            raise KeyboardInterrupt\n"
                    "sys.meta_path.insert(0, Interrupt())\n"
                    "sys.argv = ['analysis', 'build', '--output', sys.argv[1]]\n"
                    "runpy.run_module('analysis', run_name='__main__')\n")
    run = subprocess.run([sys.executable, "-c", interrupting, str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 130 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == ["interrupted before it began"]
    assert not (tmp_path / "out").exists()

def test_ctrl_c_while_the_command_line_is_read_ends_it_in_a_line(monkeypatch, capsys):
    """The watch's interrupt reached a build still importing what `bench` needs: a traceback."""
    import analysis.cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(analysis.cli, "parser", interrupted)
    assert main(["build"]) == 130
    assert capsys.readouterr().err.strip() == "interrupted before it began"
