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
    "invoke build, one case edited (s)",
    "invoke build, one case edited/bare",
    "invoke publish, one case edited (s)",
    "invoke publish, one case edited/bare",
    "preview edit to served (s)",
    "preview edit to shown in Chromium (s)",
    "peak memory at N=30 (MB)",
    "output at N=30 (MB)",
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
