"""Stage: charts, drawn in a process of their own beside the build.

This module imports nothing heavy itself, so the command line can start the drawing
process before it imports the rest of the build; the process imports matplotlib and the
chart code (`charts`) while the build starts up and analyses the pages.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report import ChartFiles


def draw_charts(facts_or_scale, terms, counts: Counter, folder: Path) -> list[ChartFiles]:
    """The report's charts into `folder`, from the scale table (or the facts, when there is
    none) and the term table by place."""
    from . import charts  # matplotlib is imported only when something must be drawn
    from .report import ChartFiles

    drawn = [
        charts.scale_chart(facts_or_scale),
        charts.funding_chart(facts_or_scale),
        charts.term_frequency_chart(terms, article_counts=counts) if terms is not None else None,
        charts.distinctive_terms_chart(terms, article_counts=counts) if terms is not None else None,
    ]
    written = []
    for chart in (c for c in drawn if c is not None):
        files = charts.write_chart(chart, folder)
        written.append(ChartFiles(
            chart.slug, chart.title, chart.alt, chart.table, files["svg"], files["csv"],
            places=frozenset(chart.table[charts.PLACE_COLUMN]),
            shown=tuple(c for c in chart.table.columns if c not in charts.CSV_ONLY_COLUMNS),
        ))
    return written


class ChartDrawer:
    """Draws the report's charts in a process of its own, forked as the build command begins:
    importing matplotlib and drawing take seconds (half of a five-page build), which this
    spends on the other core while the build imports its own modules, reads and analyses the
    pages and writes the Markdown (`build.ChartFolder`). Forked before all that and while the
    build runs no other thread, the child copies little and no lock another thread holds. It
    ends once the charts are drawn, or are not needed, before Pelican and Pagefind run."""

    def __init__(self):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.conn, child_end = context.Pipe()
        self.process = context.Process(target=_draw_on_request, args=(child_end,), name="charts", daemon=True)
        self.process.start()
        child_end.close()

    def start(self, facts_or_scale, terms, counts: Counter, folder: Path) -> None:
        """Begin drawing (`draw_charts`' arguments); `result` waits for the charts."""
        try:
            self.conn.send((facts_or_scale, terms, counts, folder))
        except OSError:
            pass  # the process is gone: `result` says so

    def draw(self, facts_or_scale, terms, counts: Counter, folder: Path) -> list[ChartFiles]:
        self.start(facts_or_scale, terms, counts, folder)
        return self.result()

    def result(self) -> list[ChartFiles]:
        try:
            drawn, value = self.conn.recv()
        except (EOFError, OSError):
            raise RuntimeError(f"the process drawing the charts ended with status {self.process.exitcode} before it drew them") from None
        finally:
            self.process.join(timeout=10)  # it ends on its own once it has replied
            self.close()
        if not drawn:
            raise value
        return value

    def close(self) -> None:
        """End the process, drawing or not: it holds nothing but what it was drawing, into a
        folder of its own that the next drawing replaces."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def _draw_on_request(conn) -> None:
    """The chart process: import what drawing needs at once, then draw the one request."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to report; the build ends this process
    from . import charts, report  # noqa: F401  (the slow part, done while the build starts and analyses)

    try:
        request = conn.recv()
    except EOFError:  # the build ended first
        return
    try:
        reply = (True, draw_charts(*request))
    except Exception as error:
        reply = (False, error)
    try:
        conn.send(reply)
    except Exception as error:  # an error that does not pickle
        conn.send((False, RuntimeError(f"drawing the charts failed: {error!r}; {reply[1]!r}")))
