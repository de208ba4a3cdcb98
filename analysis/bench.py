"""Benchmarks: `python -m analysis bench` (`make bench`).

Synthetic corpora are made from the real pages in seeds/: each synthetic article
is a real news article with its place names swapped for others of the same level,
a new dateline (reporter, month, day) and its body paragraphs shuffled, six
articles to a page, each page with its own file name and text. Generation is
seeded, so the same sizes give the same files.

Every build runs in a fresh Python process (`child`), so import costs and caches
are what a user sees and the child's peak memory is that build's own. For each
corpus the harness measures a cold build, a rebuild with nothing changed, a
rebuild after one page changed, and plain Pelican on the same articles written
as simple Markdown with Pelican's default theme: the floor we compare against.

Only the standard library is imported at module level: the parent process stays
small and each child imports the build itself.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT_ROOT / "seeds"
ARTICLES_PER_PAGE = 6  # the real pages hold five to eight items
DEFAULT_SIZES = (100, 1000, 10000)
SCENARIOS = ("cold", "no-change", "one-change", "plain-pelican")
BASE_STAGES = ("ingest", "analysis", "markdown", "pelican", "search", "swap")
REAL = "real"  # the corpus label of the five real pages
SAMPLE_SECONDS = 0.05  # how often the memory of a build's process tree is read
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


# ---------------------------------------------------------------------------
# Synthetic corpora


@dataclass
class SourceArticle:
    title: str
    lead: str  # first paragraph, without its dateline and date
    body: list[str]  # the other paragraphs
    source: dict  # the page's sources.toml entry (publication, place)


def lead_prefix() -> re.Pattern:
    """What opens a report's first paragraph before its news, replaced by a new dateline:
    "本报讯（记者 郝燕来）6月14日，" / "本报拉萨10月29日电 （记者申琳）" (the words segment's)."""
    from .segment import BYLINE_ROLES, DATELINE_HEAD, LEAD_DATE

    return re.compile(rf"^{DATELINE_HEAD}?\s*(?:[（(][^）)]{{0,40}}(?:{BYLINE_ROLES})[^）)]{{0,40}}[）)])?\s*(?:{LEAD_DATE}，)?")


def source_articles(seeds: Path = SEEDS) -> list[SourceArticle]:
    """The real news articles whose paragraphs read as whole paragraphs on their own.

    Only paragraphs the segmenter classifies as plain, complete paragraphs are kept,
    so a synthetic page splits into exactly the articles it was made of.
    """
    from .ingest import read_corpus
    from .segment import classify_line, ends_open, segment, starts_mid_sentence
    from .settings import load_settings

    def whole(p: str) -> bool:
        line = classify_line(p)
        return line is not None and line.role == "paragraph" and not line.dateline and not starts_mid_sentence(p) and not ends_open(p)

    found = []
    opening = lead_prefix()
    for page in read_corpus(seeds, load_settings()).pages:
        for item in segment(page).items:
            paragraphs = [opening.sub("", p, count=1) for p in item.paragraphs[:1]] + item.paragraphs[1:]
            paragraphs = [p for p in paragraphs if len(p) >= 20 and whole(p)]
            if item.kind == "news" and not item.title_generated and len(paragraphs) >= 2:
                found.append(SourceArticle(item.title, paragraphs[0], paragraphs[1:], page.source))
    return found


def place_names(levels=("city", "district")) -> dict[str, list[tuple[str, str]]]:
    """level -> [(full name, short alias or full name)] from the gazetteer."""
    from .settings import DATA_DIR

    by_level: dict[str, list[tuple[str, str]]] = {}
    with (DATA_DIR / "gazetteer.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["level"] in levels:
                alias = (row["aliases"] or row["name"]).split("|")[0]
                by_level.setdefault(row["level"], []).append((row["name"], alias))
    return by_level


class PlaceSwapper:
    """Replaces every city and district named in a text by a random one of the same level."""

    def __init__(self):
        self.levels = place_names()
        self.names: dict[str, tuple[str, int, bool]] = {}  # name -> (level, row, is the full name)
        for level, rows in self.levels.items():
            for i, (full, alias) in enumerate(rows):
                self.names[alias] = (level, i, False)
                self.names[full] = (level, i, True)
        # Longest first, so "九龙坡区" is replaced whole rather than as "九龙坡" + "区".
        self.pattern = re.compile("|".join(sorted(map(re.escape, self.names), key=len, reverse=True)))

    def swap(self, texts: list[str], rng: random.Random) -> list[str]:
        choice: dict[tuple[str, int], tuple[str, str]] = {}  # one consistent swap per place within an article

        def replace(m: re.Match) -> str:
            level, i, full = self.names[m.group(0)]
            new = choice.setdefault((level, i), rng.choice(self.levels[level]))
            return new[0] if full else new[1]

        return [self.pattern.sub(replace, t) for t in texts]


def _reporter(rng: random.Random) -> str:
    return rng.choice("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗") + "".join(rng.sample("建国明华丽军平伟芳静海燕俊超", rng.choice((1, 2))))


def synthetic_article(src: SourceArticle, swapper: PlaceSwapper, rng: random.Random) -> str:
    title, lead, *body = swapper.swap([src.title, src.lead, *src.body], rng)
    rng.shuffle(body)
    dateline = f"本报讯（记者 {_reporter(rng)}）{rng.randint(1, 12)}月{rng.randint(1, 28)}日，"
    return "\n\n".join([title, dateline + lead, *body])


def make_corpus(folder: Path, articles: int, seed: int = 0, sources: list[SourceArticle] | None = None) -> list[Path]:
    """Write `articles` synthetic articles, six to a page, and a sources.toml; returns the page files."""
    sources = sources or source_articles()
    swapper = PlaceSwapper()
    rng = random.Random(seed)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files, seen, entries = [], set(), []
    for n in range(-(-articles // ARTICLES_PER_PAGE)):
        count = min(ARTICLES_PER_PAGE, articles - n * ARTICLES_PER_PAGE)
        while True:
            # Distinct sources on a page: a repeated headline would be taken for a jump head.
            text = "\n\n".join(synthetic_article(s, swapper, rng) for s in rng.sample(sources, count)) + "\n"
            if text not in seen:  # identical pages would be skipped as duplicates
                break
        seen.add(text)
        path = folder / f"synthetic_{n:05d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        meta = rng.choice(sources).source
        entries.append(f'["{path.name}"]\npublication = "{meta.get("publication", "")}"\nyear = {rng.randint(2018, 2024)}\n')
        if meta.get("place"):
            entries[-1] += f'place = "{meta["place"]}"\n'
    (folder / "sources.toml").write_text("\n".join(entries), encoding="utf-8")
    return files


def change_one_page(folder: Path) -> Path:
    """Edit the first page the way a correction would: a different day in its first date."""
    path = sorted(folder.glob("*.txt"))[0]
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(r"(\d{1,2})月(\d{1,2})日", lambda m: f"{m[1]}月{int(m[2]) % 28 + 1}日", text, count=1)
    if not n:
        raise ValueError(f"{path}: no date to change")
    path.write_text(new, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# One build in a child process


def child(spec_json: str) -> None:
    """Run one build in this (fresh) process and write its timings and peak memory as JSON."""
    spec = json.loads(spec_json)
    if spec["kind"] == "build":
        from .build import Progress, build

        progress = Progress(quiet=True)
        outcome = build(Path(spec["seeds"]), Path(spec["output"]), Path(spec["work"]), PROJECT_ROOT / "pelicanconf.py", progress=progress)
        result = {"timings": progress.timings, "articles": outcome.articles, "pages": outcome.pages}
    else:
        result = {"timings": plain_pelican(Path(spec["content"]), Path(spec["output"]))}
    result["peak_mb"] = own_peak_mb()
    Path(spec["result"]).write_text(json.dumps(result), encoding="utf-8")
    if spec["kind"] == "build":  # ends as `python -m analysis build` does; plain Pelican as `pelican` does
        from .cli import exit_without_teardown

        exit_without_teardown(0)


def own_peak_mb() -> float:
    """This process's peak resident memory.

    VmHWM rather than ru_maxrss: on Linux a process started by exec inherits its parent's
    ru_maxrss, so ru_maxrss would report the benchmark's own peak for a small build.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def children_cpu_s() -> float:
    """User and system CPU seconds of every process this one has waited for, and theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def usable_cores() -> int:
    """The cores this process may run on (its affinity, which a container or taskset narrows)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants now (Linux /proc; 0 elsewhere).

    Forked workers share pages with their parent and each counts them, so this is an upper bound.
    """
    parents, rss = {}, {}
    for d in Path("/proc").glob("[0-9]*"):
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue  # the process has gone
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": state, ppid, ... rss at 21
        parents[int(d.name)], rss[int(d.name)] = int(fields[1]), int(fields[21]) * PAGE_BYTES
    tree = {root}
    while True:  # a child's pid is not always larger than its parent's: grow to a fixpoint
        new = {p for p, pp in parents.items() if pp in tree} - tree
        if not new:
            return sum(rss[p] for p in tree if p in rss) / 2**20
        tree |= new


def plain_pelican(content: Path, output: Path) -> dict[str, float]:
    import logging

    from pelican import Pelican
    from pelican.settings import read_settings

    started = time.perf_counter()
    settings = read_settings(
        None,
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "TIMEZONE": "Asia/Shanghai",
            # The project's own choices that are not features: same pagination, no feeds,
            # no content cache, so the floor builds the same number of listing pages.
            "DEFAULT_PAGINATION": 20,
            "FEED_ALL_ATOM": None,
            "CATEGORY_FEED_ATOM": None,
            "LOAD_CONTENT_CACHE": False,
        },
    )
    logging.getLogger("pelican").setLevel(logging.WARNING)
    Pelican(settings).run()
    return {"pelican": time.perf_counter() - started}


def write_plain_content(articles_json: Path, content: Path) -> None:
    """The build's own articles as simple Markdown: title, date, slug, paragraphs."""
    from .pages import pelican_date

    if content.exists():
        shutil.rmtree(content)
    content.mkdir(parents=True)
    articles = json.loads(articles_json.read_text(encoding="utf-8"))
    for a in articles:
        paragraphs = [p for s in a["sections"] for p in [s["heading"], *s["paragraphs"]] if p]
        header = f"Title: {a['title']}\nDate: {pelican_date(a['date'])}\nSlug: {a['slug']}\n"
        (content / f"{a['id']}.md").write_text(header + "\n" + "\n\n".join(a["summary"] + paragraphs) + "\n", encoding="utf-8")


def run_child(spec: dict, result: Path, env: dict | None = None) -> dict:
    """One build in a fresh interpreter; wall time includes start-up and imports, as for a user.

    While it runs, the resident memory of its whole process tree (analysis workers, Pagefind)
    is sampled, since the child's own peak leaves its subprocesses out. Its CPU time is the
    whole tree's too: the harness runs one child at a time, and a child waits for its own.
    """
    spec = {**spec, "result": str(result)}
    command = [sys.executable, "-c", "import sys; from analysis.bench import child; child(sys.argv[1])", json.dumps(spec)]
    log = result.with_suffix(".log")
    tree_peak = 0.0
    cpu_before = children_cpu_s()
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            tree_peak = max(tree_peak, tree_rss_mb(proc.pid))
            time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{spec['kind']} child exited with {proc.returncode}; see {log}:\n{log.read_text()[-3000:]}")
    out = json.loads(result.read_text(encoding="utf-8"))
    out["wall_s"] = wall
    out["cpu_s"] = children_cpu_s() - cpu_before
    out["cores"] = usable_cores()
    out["tree_mb"] = max(tree_peak, out["peak_mb"])
    out["startup"] = wall - sum(out["timings"].values())  # interpreter, imports, process exit
    return out


# ---------------------------------------------------------------------------
# Scenarios, table, targets


def code_stamp() -> tuple:
    """When any file the build runs changed last: the package, its data, the theme, the settings."""
    files = [*(PROJECT_ROOT / "analysis").rglob("*"), *(PROJECT_ROOT / "theme").rglob("*"), PROJECT_ROOT / "pelicanconf.py"]
    return tuple(sorted((str(f), f.stat().st_mtime_ns) for f in files if f.is_file() and f.name != "bench.py"))


def bench_corpus(label: str, seeds: Path, work: Path, say, env: dict | None = None, scenarios=SCENARIOS, rounds: int = 1) -> list[dict]:
    """The four scenarios on one corpus, `rounds` times in turn (so that a slow spell of the
    machine falls on every scenario alike); `seeds` is changed in place by the one-change scenario."""
    rows = []
    stamp = code_stamp()
    for round_ in range(1, rounds + 1):
        run = work / "runs" / label
        if run.exists():
            shutil.rmtree(run)  # cold means an empty work folder and no previous site
        run.mkdir(parents=True)
        spec = {"kind": "build", "seeds": str(seeds), "output": str(run / "output"), "work": str(run / "work")}
        of = f" (round {round_} of {rounds})" if rounds > 1 else ""
        for scenario in scenarios:
            say(f"{label}: {scenario}{of} ...")
            if scenario == "one-change":
                change_one_page(seeds)
            if scenario == "plain-pelican":
                write_plain_content(run / "output" / "data" / "articles.json", run / "plain" / "content")
                spec = {"kind": "plain", "content": str(run / "plain" / "content"), "output": str(run / "plain" / "output")}
            out = run_child(spec, run / f"{scenario}.json", env)
            if scenario == "cold":
                articles, pages = out["articles"], out["pages"]
            rows.append({"corpus": label, "articles": articles, "pages": pages, "scenario": scenario, "round": round_, **out})
            say(f"{label}: {scenario}{of} took {out['wall_s']:.1f} s, peak {out['peak_mb']:.0f} MB")
    if code_stamp() != stamp:
        # An edit to the analysis also empties the page cache, so the rebuilds were not what they claim.
        say(f"WARNING: the code changed while {label} was measured; its rows mix two versions")
        for row in rows:
            row["code_changed"] = True
    return rows


def child_env(work: Path) -> dict:
    """The children cache bytecode as on a user's machine, even where PYTHONDONTWRITEBYTECODE is set
    (compiling the project's modules afresh costs each build about half a second); the cache is kept
    in the work folder, out of the source tree."""
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(work / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_bench(sizes, work: Path, *, real: bool = True, seed: int = 0, rounds: int = 1, stream=None) -> tuple[list[dict], Path]:
    """Benchmark the real pages (if `real`) and a synthetic corpus of each size, `rounds` times
    each; write every run to results.csv."""

    def say(message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=stream or sys.stderr, flush=True)

    work.mkdir(parents=True, exist_ok=True)
    env = child_env(work)
    say("warming up: one unmeasured build fills Python's bytecode cache")
    bench_corpus("warm-up", SEEDS, work, say, env, scenarios=("cold",))
    rows: list[dict] = []
    if real:
        seeds = work / "corpora" / REAL
        if seeds.exists():
            shutil.rmtree(seeds)
        shutil.copytree(SEEDS, seeds)  # a copy: the one-change scenario edits a page
        rows += bench_corpus(REAL, seeds, work, say, env, rounds=rounds)
    sources = source_articles()
    for size in sizes:
        say(f"generating {size} synthetic articles")
        seeds = work / "corpora" / str(size)
        make_corpus(seeds, size, seed=seed, sources=sources)
        rows += bench_corpus(str(size), seeds, work, say, env, rounds=rounds)
    path = work / "results.csv"
    write_csv(rows, path)
    return rows, path


def medians(rows: list[dict]) -> list[dict]:
    """One row per corpus and scenario: the run with the median wall time (the lower of the two
    middle ones for an even count), whole, so its stage times add up to its wall time; but the
    peak memory is the highest of the runs, as the memory target is a ceiling."""
    runs: dict[tuple, list[dict]] = {}
    for row in rows:
        runs.setdefault((row["corpus"], row["scenario"]), []).append(row)
    picked = []
    for same in runs.values():
        ordered = sorted(same, key=lambda r: r["wall_s"])
        highest = {k: max(r[k] for r in same) for k in ("peak_mb", "tree_mb")}
        picked.append({**ordered[(len(ordered) - 1) // 2], **highest, "rounds": len(same)})
    return picked


def stages(rows: list[dict]) -> list[str]:
    """The build's stages in order: the known ones, then any new ones (facts, charts ...)."""
    seen = [s for r in rows for s in r["timings"]]
    extra = [s for s in dict.fromkeys(seen) if s not in BASE_STAGES]
    return ["startup", *(s for s in BASE_STAGES if s in seen), *extra]


def flat(row: dict, names: list[str]) -> dict:
    timings = {**row["timings"], "startup": row["startup"]}
    values = {k: row[k] for k in ("corpus", "articles", "pages", "scenario")}
    values["round"] = row.get("round", 1)
    values.update({k: round(row[k], 2) for k in ("wall_s", "cpu_s", "peak_mb", "tree_mb")})
    values.update({s: round(timings[s], 2) if s in timings else "" for s in names})
    return values


def write_csv(rows: list[dict], path: Path) -> None:
    names = stages(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["corpus", "articles", "pages", "scenario", "round", "wall_s", "cpu_s", "peak_mb", "tree_mb", *names])
        writer.writeheader()
        writer.writerows(flat(r, names) for r in rows)


def table(rows: list[dict]) -> str:
    names = stages(rows)
    header = ["corpus", "articles", "scenario", "wall s", "cpu s", "peak MB", "tree MB", *names]
    lines = [header]
    for r in rows:
        f = flat(r, names)
        lines.append([f["corpus"], str(f["articles"]), f["scenario"], f"{f['wall_s']:.2f}", f"{f['cpu_s']:.2f}", f"{f['peak_mb']:.0f}", f"{f['tree_mb']:.0f}", *(f"{f[s]:.2f}" if f[s] != "" else "-" for s in names)])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(c.rjust(w) if i > 2 else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths))) for line in lines)


def verdicts(rows: list[dict]) -> list[str]:
    """Ratios per corpus and PASS/FAIL per target; the 10,000-article targets use the largest size run."""
    by = {(r["corpus"], r["scenario"]): r for r in rows}
    wall = lambda corpus, scenario: by[(corpus, scenario)]["wall_s"]  # noqa: E731
    corpora = list(dict.fromkeys(r["corpus"] for r in rows))
    lines = ["ratios (wall time):"]
    for c in corpora:
        lines.append(
            f"  {c:>6}: full/plain {wall(c, 'cold') / wall(c, 'plain-pelican'):.2f}x, "
            f"no-change/cold {wall(c, 'no-change') / wall(c, 'cold'):.2f}, one-change/cold {wall(c, 'one-change') / wall(c, 'cold'):.2f}"
        )
    for c in dict.fromkeys(r["corpus"] for r in rows if r.get("code_changed")):
        lines.append(f"  WARNING: the code changed while {c} was measured; run the benchmark again")
    lines.append("targets:")

    def check(ok: bool, text: str) -> None:
        lines.append(f"  {'PASS' if ok else 'FAIL'}  {text}")

    synthetic = sorted((c for c in corpora if c != REAL), key=int)
    if synthetic:
        big = synthetic[-1]
        ratio = wall(big, "cold") / wall(big, "plain-pelican")
        check(ratio <= 1.5, f"{big} articles: cold build {wall(big, 'cold'):.1f} s <= 1.5x plain Pelican {wall(big, 'plain-pelican'):.1f} s (is {ratio:.2f}x)")
        lines.extend(cold_bounds(by[(big, "cold")], by[(big, "plain-pelican")]))
        peak, tree = (max(by[(big, s)][k] for s in SCENARIOS[:3]) for k in ("peak_mb", "tree_mb"))
        check(tree < 1024, f"{big} articles: peak memory {tree:.0f} MB (process tree; build process alone {peak:.0f} MB) < 1 GB")
        for c in synthetic:
            check(wall(c, "no-change") < 0.3 * wall(c, "cold"), f"{c} articles: no-change {wall(c, 'no-change'):.1f} s < 0.3x cold {wall(c, 'cold'):.1f} s")
            check(wall(c, "one-change") < 0.4 * wall(c, "cold"), f"{c} articles: one-change {wall(c, 'one-change'):.1f} s < 0.4x cold {wall(c, 'cold'):.1f} s")
    if len(synthetic) >= 2:
        small, big = synthetic[-2], synthetic[-1]
        size_ratio = by[(big, "cold")]["articles"] / by[(small, "cold")]["articles"]
        time_ratio = wall(big, "cold") / wall(small, "cold")
        check(time_ratio <= size_ratio, f"linear growth {small} -> {big} articles: cold time x{time_ratio:.1f} for size x{size_ratio:.1f}")
        lines.extend(stage_growth(by[(small, "cold")], by[(big, "cold")]))
    if REAL in corpora:
        check(wall(REAL, "cold") < 5, f"five real pages: cold {wall(REAL, 'cold'):.2f} s < 5 s")
        check(wall(REAL, "no-change") < 2, f"five real pages: no-change {wall(REAL, 'no-change'):.2f} s < 2 s")
    return lines


STAGE_NOISE_S = 1.0  # a stage shorter than this at the larger size is left out of the growth check


def stage_growth(small: dict, big: dict) -> list[str]:
    """The check that no stage of the cold build grows worse than n log n between two sizes.

    Only stages taking STAGE_NOISE_S or more at the larger size are judged: below that, run-to-run
    noise swamps the ratio, and such a stage cannot decide the build's growth."""
    n, m = small["articles"], big["articles"]
    allowed = m * math.log(m) / (n * math.log(n))
    grown = {stage: big["timings"][stage] / small["timings"][stage] for stage in big["timings"]
             if big["timings"][stage] >= STAGE_NOISE_S and small["timings"].get(stage)}
    worse = [f"{stage} x{ratio:.1f}" for stage, ratio in grown.items() if ratio > allowed]
    stages = ", ".join(f"{stage} x{ratio:.1f}" for stage, ratio in sorted(grown.items(), key=lambda item: -item[1]))
    return [f"  {'FAIL' if worse else 'PASS'}  no stage grows worse than n log n from {n} to {m} articles "
            f"(x{allowed:.1f}): {', '.join(worse) if worse else stages}"]


def cold_bounds(cold: dict, plain: dict) -> list[str]:
    """What the cold build could at best come to, as ratios to plain Pelican: its CPU time
    spread evenly over every core, and its Pelican step alone (the floor does nothing else)."""
    floor = plain["wall_s"]
    least = cold["cpu_s"] / cold["cores"]
    step, plain_step = cold["timings"]["pelican"], plain["timings"]["pelican"]
    return [
        f"        the cold build used {cold['cpu_s']:.0f} s of CPU: on {cold['cores']} core(s) no arrangement "
        f"of its stages ends under {least:.1f} s ({least / floor:.2f}x plain Pelican)",
        f"        its Pelican step took {step:.1f} s, {step / plain_step:.2f}x plain Pelican's own {plain_step:.1f} s",
    ]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated corpus sizes in articles (default: 100,1000,10000)")
    p.add_argument("--work", type=Path, default=PROJECT_ROOT / "build" / "bench", help="scratch folder for corpora, builds and results.csv (default: build/bench/)")
    p.add_argument("--quick", action="store_true", help="smoke run: only 100 synthetic articles and the real pages")
    p.add_argument("--seed", type=int, default=0, help="random seed of the synthetic corpora (default: 0)")
    p.add_argument("--rounds", type=int, default=3, help="times each scenario runs, in turn; the table shows the median run (default: 3; 1 with --quick)")


DESCRIPTION = (
    "Benchmark the build. From the real pages in seeds/, make synthetic corpora of the given sizes "
    "(in articles, six to a page: real articles with places swapped from the gazetteer, new datelines, "
    "paragraphs shuffled; seeded, so the same every run). For the real pages and each corpus, run in a fresh "
    "process each: a cold build (empty work folder; the word index of jieba's dictionary in the user's cache folder is kept, as set-up), a rebuild with nothing changed, a rebuild after one page "
    "changed, and plain Pelican (default theme) on the same articles as simple Markdown; the four in turn, "
    "ROUNDS times (identical builds on a shared machine vary by a tenth or more). Prints, for the median run of each "
    "(and the highest memory of its runs), a table of wall "
    "time, CPU time of the whole process tree (cpu s), peak memory of the build process (peak MB) and of its whole process tree (tree MB, sampled: "
    "analysis workers and Pagefind included, shared pages counted in each), and per-stage seconds (startup = interpreter and imports), then the ratios and PASS/FAIL against "
    "the targets: at the largest size cold <= 1.5x plain Pelican (with two bounds on it: the cold build's CPU time spread over "
    "every core, and its Pelican step against plain Pelican's) and peak memory (tree) < 1 GB; cold time growing no "
    "faster than size between the two largest sizes, and no stage of it (of a second or more) faster than n log n; "
    "no-change < 0.3x and one-change < 0.4x cold; five real pages "
    "cold < 5 s and no-change < 2 s. Writes every run to WORK/results.csv. Progress goes to stderr. The exit status is 0 "
    "whatever the verdicts: the benchmark reports, it does not fail."
)


def run_command(args) -> int:
    sizes = [100] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.rounds < 1:
        raise SystemExit("bench: --rounds must be 1 or more")
    rows, path = run_bench(sizes, args.work, seed=args.seed, rounds=1 if args.quick else args.rounds)
    typical = medians(rows)
    print(table(typical))
    print()
    print("\n".join(verdicts(typical)))
    print(f"\nresults: {path}")
    return 0
