"""`invoke bench --quick` runs end to end and prints every figure (no timing is asserted)."""

import re
import subprocess
import sys

from sitebuild import copy_project

FIGURES = [
    "first build, empty caches (s)",
    "full build (s)",
    "bare Pelican (s)",
    "full/bare",
    "first build in a fresh clone (s)",
    "first build in a fresh clone/bare",
    "fresh clone, only the share cards missing (s)",
    "fresh clone, nothing missing but output/ (s)",
    "invoke build, nothing changed (s)",
    "invoke build, nothing changed/bare",
    "invoke build, nothing changed: Pelican's run in it (s)",
    "invoke build, one case edited (s)",
    "invoke build, one case edited, every page rendered (s)",
    "invoke build, one case edited, every page written (s)",
    "invoke build, one case edited, Pelican in a process of its own (s)",
    "invoke build, one case edited: files kept from the last site (%)",
    "invoke build, one case edited/bare",
    "invoke publish, one case edited (s)",
    "invoke publish, one case edited/bare",
    "preview edit to served (s)",
    "preview edit to shown in Chromium (s)",
    "peak memory at N=10 (MB)",
    "output at N=10 (MB)",
    "case page with CSS (bytes)",
    "home page (bytes)",
    "case page with photo at 390 px (bytes)",
    "case page with photo at 1280 px (bytes)",
    "first search on /tipps/ (bytes)",
    "first search on /tipps/, gzip-compressed (bytes)",
    "last keystroke to results (ms)",
    "query to results, Pagefind not yet loaded (ms)",
    "/tipps/ HTML (bytes)",
]
# Figures that are right at 0 (a page that never moves).
MAY_BE_ZERO = ["layout shift on /tipps/ at 390 px", "layout shift on /suche/ at 390 px"]
# Differences of two figures of a noisy machine: at 10 cases any sign.
DIFFERENCES = ["share cards, per card (ms)", "one Python start saves (s)", "writing only what changed saves (s)",
               "rendering only what changed saves (s)"]
# Issue 25's table, each row with its figure, ratio, goal and state.
GOAL_ROWS = [
    "erster Bau in einem frischen Klon (git clone bis output/, invoke publish)",
    "dasselbe, nur die Vorschaukarten fehlen in cache/",
    "nichts geändert (invoke build)",
    "ein Fall bearbeitet, invoke build",
    "Vorschau: Bearbeiten → Seite ausgeliefert",
    "10 Fälle, Spitzenspeicher",
]


def test_the_quick_benchmark_produces_every_figure(tmp_path):
    project = copy_project(tmp_path / "site")
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "bench", "--quick"],
        cwd=project, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for figure in FIGURES:
        match = re.search(rf"^- {re.escape(figure)}: (Median )?([\d.]+)", result.stdout, re.M)
        assert match, f"{figure} missing in:\n{result.stdout}"
        assert float(match.group(2)) > 0
    for figure in MAY_BE_ZERO:
        assert re.search(rf"^- {re.escape(figure)}: [\d.]+$", result.stdout, re.M), f"{figure} missing in:\n{result.stdout}"
    for figure in DIFFERENCES:
        assert re.search(rf"^- {re.escape(figure)}: Median -?[\d.]+", result.stdout, re.M), f"{figure} missing in:\n{result.stdout}"
    for row in GOAL_ROWS:
        # | row | figure | ratio or – | goal | erreicht, or verfehlt: the reason |
        cells = re.search(rf"^\| {re.escape(row)} \| (.+) \| (.+) \| (.+) \| (.+) \|$", result.stdout, re.M)
        assert cells, f"{row} missing in:\n{result.stdout}"
        figure, _, goal, state = cells.groups()
        assert re.search(r"\d", figure) and re.search(r"\d", goal), cells.group(0)
        assert state == "erreicht" or re.fullmatch(r"verfehlt: .{10,}", state), cells.group(0)
