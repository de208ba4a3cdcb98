"""Command line: `python -m analysis build` and friends. `--help` on each command says more."""
from __future__ import annotations

import argparse
import logging
import math
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

from .build import PROJECT_ROOT, BuildRefused, Progress, build
from .diff import changes_json, changes_text, compare
from .pages import write_text
from .settings import ReferenceDataError

EXIT_SKIPPED = 3  # the site was built from the other pages, but --strict and some pages were skipped
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it
EXIT_REFUSED = 2  # nothing was built: the folders given would lose what is there, or a data file will not load (the message says why)


def add_build_options(p, *, once: bool = True) -> None:
    """The options of a build; `once` is False for `watch`, which has no exit status to give."""
    p.add_argument("--seeds", type=Path, default=PROJECT_ROOT / "seeds", help="folder of page files (default: the project's seeds/)")
    p.add_argument("--output", type=Path, default=PROJECT_ROOT / "output", help="site folder, replaced whole by each build (default: the project's output/)")
    p.add_argument("--work", type=Path, default=PROJECT_ROOT / "build", help="folder for generated content and caches (default: the project's build/)")
    p.add_argument("--settings", type=Path, default=PROJECT_ROOT / "pelicanconf.py", help="Pelican's settings file (default: the project's pelicanconf.py)")
    if once:
        p.add_argument("--strict", action="store_true",
                       help="exit with status 3 when any page was skipped (the site is still built from the others)")
    p.add_argument("--base", type=Path, help="output folder of another build: add a 数据变更 (changes) page comparing the data")
    p.add_argument("--quiet", action="store_true", help="print only the pages' problems and warnings and the summary, not each stage")


def positive_seconds(text: str) -> float:
    """A watch's interval: a number of seconds above nothing (0 checked the files without pause)."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not (seconds > 0 and math.isfinite(seconds)):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, and some number of them: {text}")
    return seconds


def add_watch_parser(commands) -> None:
    p = commands.add_parser(
        "watch",
        help="rebuild whenever pages, content, theme, reference data or settings change",
        description="Build once, then rebuild each time a file under SEEDS, content/, theme/ or analysis/data/, "
                    "or the settings file, changes. Ctrl-C stops.",
    )
    add_build_options(p, once=False)
    p.add_argument("--interval", type=positive_seconds, default=1.0, help="seconds between checks (default: 1)")
    p.set_defaults(run=run_watch)


def watched_state(args) -> tuple:
    """(path, mtime, size) of every file a build reads but the package's code. Hidden files and
    folders (an editor's .page.txt.swp, a .git) are no input; a file gone between listing and
    looking is left out."""
    folders = [args.seeds, PROJECT_ROOT / "content", PROJECT_ROOT / "theme", PROJECT_ROOT / "analysis" / "data"]
    files = []
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # not walked at all: a .git holds thousands
            files += [Path(root) / name for name in sorted(names) if not name.startswith(".")]
    files.append(Path(args.settings))
    state = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        if path.is_file():
            state.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(state)


def build_argv(args) -> list[str]:
    """The `build` command a watch runs for its options, folders made absolute."""
    argv = [sys.executable, "-m", "analysis", "build"]
    for option in ("seeds", "output", "work", "settings", "base"):
        if getattr(args, option) is not None:
            argv += [f"--{option}", str(Path(getattr(args, option)).absolute())]
    return argv + (["--quiet"] if args.quiet else [])


def build_in_child(argv: list[str]) -> int:
    """Run a build in a process of its own and return its exit status. The analysis reads its
    reference data once per process, so a build in the watching process kept the metrics.toml
    it first read, and recorded the edited one as built. The child has a session of its own,
    so Ctrl-C reaches it once, from here: a second interrupt could cut short its cleaning up."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    # The interrupt the watch sends is the build's to handle, even where the watch itself was
    # started ignoring it (a shell's background job): ignored, the build ran on to the end.
    child = subprocess.Popen(argv, env=env, start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        return child.wait()
    except KeyboardInterrupt:  # Ctrl-C, or the watch told to end (`stopping_ends_the_watch`)
        child.send_signal(signal.SIGINT)
        while True:
            try:
                child.wait()  # the build cleans up after itself: never left running on its own
                break
            except KeyboardInterrupt:
                continue
        raise


def stopping_ends_the_watch() -> None:
    """A watch told to end (kill, a closed terminal) ends as at Ctrl-C, its build interrupted
    and waited for: ended at once, it left the build running on its own, to swap in a site later."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, interrupt)


def run_watch(args) -> int:
    import time

    state = None
    argv = build_argv(args)
    stopping_ends_the_watch()
    try:
        while True:
            current = watched_state(args)
            if current != state:
                state = current
                # A failed build (a bad edit) does not end the watch; the old site stays.
                status = build_in_child(argv)
                if status == EXIT_INTERRUPTED:  # the build, in a session of its own, was interrupted by its process id
                    return EXIT_INTERRUPTED
                if status not in (0, EXIT_SKIPPED):
                    print(f"build failed (exit status {status}); watching for a fix", file=sys.stderr)
                print("watching for changes (Ctrl-C to stop)", file=sys.stderr)
            time.sleep(args.interval)
    except KeyboardInterrupt:
        return 0


def add_build_parser(commands) -> None:
    p = commands.add_parser(
        "build",
        help="build the site from a folder of pages",
        description=(
            "Read every .txt page under SEEDS, split pages into articles, extract facts and terms, "
            "write generated Markdown, charts and data files, and build the static site with Pelican. "
            "A page that cannot be read is skipped with a message naming it, and the rest is built. "
            "The new site replaces OUTPUT only once all of it is built: a build that fails or is "
            "interrupted leaves OUTPUT as it was. "
            f"Exit status: 0 built; {EXIT_REFUSED} refused (the message says why: folders that would "
            f"lose what is there, an unreadable settings file or reference data file, no page with an article); "
            f"{EXIT_SKIPPED} built, but --strict and a page was skipped; {EXIT_INTERRUPTED} interrupted."
        ),
    )
    add_build_options(p)
    p.set_defaults(run=run_build)


def add_diff_parser(commands) -> None:
    p = commands.add_parser(
        "diff",
        help="compare the data of two builds",
        description=(
            "List the articles, facts, aggregates and leading terms that differ between two builds' data/ folders, "
            "and write the list as NEW/data/changes.json. (A build given --base also shows it on a 数据变更 page.)"
        ),
    )
    p.add_argument("base", type=Path, help="output folder of the base build")
    p.add_argument("new", type=Path, help="output folder of the new build")
    p.set_defaults(run=run_diff)


def add_bench_parser(commands) -> None:
    from . import bench  # standard library only at import: the benchmarked builds run in child processes

    p = commands.add_parser("bench", help="benchmark the build on synthetic corpora", description=bench.DESCRIPTION)
    bench.add_arguments(p)
    p.set_defaults(run=bench.run_command)


def run_diff(args) -> int:
    for folder in (args.base, args.new):
        if not (folder / "data").is_dir():
            print(f"{folder}: no data/ folder; build it first with make html", file=sys.stderr)
            return 2
    changes = compare(args.base / "data", args.new / "data")
    sys.stdout.write(changes_text(changes))
    write_text(args.new / "data" / "changes.json", changes_json(changes))
    return 0


def run_build(args) -> int:
    progress = Progress(quiet=args.quiet)
    try:
        outcome = build(args.seeds, args.output, args.work, args.settings, progress=progress, base=args.base)
    except BuildRefused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:  # the build has cleaned up after itself by now
        kept = f"{args.output} is as the last build left it" if Path(args.output).exists() else "nothing was built"
        print(f"\ninterrupted; {kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    for problem in outcome.problems:
        print(str(problem), file=sys.stderr)
    print(outcome.summary(), file=sys.stderr)
    skipped = outcome.skipped
    return EXIT_SKIPPED if (getattr(args, "strict", False) and skipped) else 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Turn OCR'd Chinese newspaper pages into a browsable archive with a statistical report.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_build_parser(commands)
    add_watch_parser(commands)
    add_diff_parser(commands)
    add_bench_parser(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)  # imports what `bench` needs
    except KeyboardInterrupt:  # as at the command's imports (__main__.py): nothing begun
        print("\ninterrupted before it began", file=sys.stderr)
        return EXIT_INTERRUPTED
    try:
        return args.run(args)
    except ReferenceDataError as error:  # nothing was built: the site that stands is kept
        print(f"error: {error}; fix the reference data and build again", file=sys.stderr)
        return EXIT_REFUSED


def exit_without_teardown(status: int) -> NoReturn:
    """End the process now that the command is done, without the interpreter's teardown:
    freeing the modules and objects of pandas, matplotlib, Pelican and jieba one by one takes
    about 0.3 s, a fifth of a rebuild, and there is nothing left for it to do. Output is
    flushed and logging shut down first; worker pools and temporary folders are already
    closed by then (each is opened in a `with`)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
