"""The progress bar of export_portfolio and import_portfolio, on stderr: rows done of all rows,
and the table at hand. On a terminal it redraws one line; into a file or pipe it writes a line
when a table starts and at most one a second in between."""

import time
from typing import TextIO

WIDTH = 30


class ProgressBar:
    def __init__(self, stream: TextIO, totals: dict[str, int], verb: str) -> None:
        self.stream = stream
        self.totals = totals
        self.total = max(sum(totals.values()), 1)
        self.verb = verb
        self.finished_rows = 0  # rows of the tables before the current one
        self.table = ""
        self.rows = 0
        self.drawn_at = 0.0
        self.tty = stream.isatty()

    def update(self, table: str, rows: int) -> None:
        if table != self.table:
            self.finished_rows += self.rows
            self.table, self.rows = table, rows
            self._draw()
            return
        self.rows = rows
        if time.monotonic() - self.drawn_at >= (0.2 if self.tty else 1.0):
            self._draw()

    def finish(self) -> None:
        self.finished_rows += self.rows
        self.table, self.rows = "", 0
        self._draw(done=True)
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()

    def _draw(self, done: bool = False) -> None:
        rows = self.finished_rows + self.rows
        share = 1.0 if done else min(rows / self.total, 1.0)
        filled = int(share * WIDTH)
        bar = "#" * filled + "." * (WIDTH - filled)
        of = self.totals.get(self.table, 0)
        where = "done" if done else f"{self.table} ({self.rows:,} of {of:,})"
        line = f"{self.verb} [{bar}] {share:4.0%} {rows:,} of {self.total:,} rows: {where}"
        if self.tty:
            self.stream.write("\r\x1b[2K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.drawn_at = time.monotonic()
