"""Stage: generated content -> the static site, built aside and swapped in whole.

Pelican writes into a fresh staging folder next to the output folder; only when
every step has succeeded does the staging folder replace the output folder, so a
failed or interrupted build leaves the previous site as it was.
"""
from __future__ import annotations

import ctypes
import logging
import os
import shutil
import subprocess
import sys
from urllib.parse import quote
from contextlib import contextmanager
from pathlib import Path

_RENAME_EXCHANGE = 2  # renameat2 flag: swap two paths atomically (Linux)
_AT_FDCWD = -100


def staging_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.building"


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories where the kernel supports it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def swap_in(staging: Path, output: Path) -> None:
    """Replace `output` by `staging`; a reader sees either the old site or the new one."""
    if not output.exists():
        os.rename(staging, output)
        return
    if _exchange(staging, output):
        shutil.rmtree(staging)
        return
    old = output.parent / f".{output.name}.previous"
    if old.exists():
        shutil.rmtree(old)
    os.rename(output, old)
    os.rename(staging, output)
    shutil.rmtree(old)


@contextmanager
def quiet_pelican_logs(level: int = logging.WARNING):
    logger = logging.getLogger("pelican")
    previous = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(previous)


def pelican_settings(conf: Path, content: Path, output: Path, overrides: dict | None = None) -> dict:
    from pelican.settings import read_settings

    override = {"PATH": str(content), "OUTPUT_PATH": str(output), **(overrides or {})}
    return read_settings(str(conf), override=override)


def run_pelican(settings: dict) -> None:
    from pelican import Pelican

    with quiet_pelican_logs():
        Pelican(settings).run()


class SearchIndexError(RuntimeError):
    """Pagefind failed; the message holds what it printed."""


def build_search_index(site: Path) -> None:
    """Full-text search over the built pages with Pagefind's extended build, which segments Chinese.

    The binary ships inside the `pagefind[extended]` wheel; nothing is downloaded.
    """
    # Only article pages carry text worth finding; listing pages would cost memory and time.
    command = [
        sys.executable, "-m", "pagefind", "--site", str(site), "--glob", "articles/**/*.html",
        "--force-language", "zh-cn", "--silent",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind exited with {result.returncode}: {result.stderr.strip() or result.stdout.strip()}")


def write_sitemap(site: Path, siteurl: str) -> None:
    """sitemap.xml for the hosted site (search engines need absolute URLs, so only when SITEURL is set).

    Lists every HTML page in path order and no modification dates, so it is reproducible."""
    if not siteurl.startswith(("http://", "https://")):
        return
    from xml.sax.saxutils import escape

    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")
    urls = "".join(f"<url><loc>{escape(siteurl.rstrip('/') + '/' + quote(page))}</loc></url>\n" for page in pages)
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + urls + "</urlset>\n",
        encoding="utf-8",
    )
