"""The benchmark suite's own logic: its options, the results file it writes, and a smoke run.

Nothing here asserts a time: the suite prints figures, it does not judge them in tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import suite  # noqa: E402


def test_options_choose_the_size_of_the_run(tmp_path):
    full = suite.parse_args([])
    assert (full.mode, full.rounds, full.students, full.rows, full.clicks) == ("full", 3, 40, 1_000_000, 50)
    assert full.figures == suite.FIGURES and full.output == suite.DEFAULT_OUTPUT
    quick = suite.parse_args(["--quick", "--output", str(tmp_path / "r.md")])
    assert (quick.mode, quick.rounds, quick.students) == ("quick", 1, 10) and quick.output == tmp_path / "r.md"
    assert suite.parse_args(["--smoke"]).figures == ("metrics", "erlang", "scenarios")
    only = suite.parse_args(["--only", "grading", "runall", "--rounds", "5", "--students", "12"])
    assert (only.figures, only.rounds, only.students) == (("grading", "runall"), 5, 12)


@pytest.mark.parametrize("argv", [["--only", "nonsense"], ["--quick", "--smoke"], ["--rounds", "0"]])
def test_bad_options_are_refused(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        suite.parse_args(argv)
    assert exit_.value.code == 2


FIGS = [
    suite.Figure("Run-all x, time", "2.60 s", "kernel floor 2.00 s", 1.3, "at most 1.3x", True, "median of 3 runs"),
    suite.Figure("Grading | pipes", "50.0 s", "200.0 s", 4.0, "at least 3x", False),
    suite.Figure("verify", "60.0 s", "none", None, "reported", None),
]
INFO = {"cores": "2", "memory": "8.0 GiB", "python": "3.11.7", "libraries": "pandas 3.1.1"}


def test_the_results_file_has_the_machine_the_date_and_one_row_per_figure():
    text = suite.render_results(FIGS, INFO, "2026-01-02 03:04 UTC", "python3 workbook.py bench")
    assert "2026-01-02 03:04 UTC" in text and "`python3 workbook.py bench`" in text
    assert "| cores | 2 |" in text and "| memory | 8.0 GiB |" in text and "| libraries | pandas 3.1.1 |" in text
    assert "| figure | measured | baseline (same run) | ratio | target | met? |" in text
    assert "| Run-all x, time | 2.60 s | kernel floor 2.00 s | 1.30x | at most 1.3x | yes |" in text
    assert "| Grading \\| pipes | 50.0 s | 200.0 s | 4.00x | at least 3x | **no** |" in text  # a | cannot break the row
    assert "| verify | 60.0 s | none |  | reported | reported |" in text
    assert "* **Run-all x, time**: median of 3 runs" in text
    assert text.rstrip().endswith(suite.NOTES_MARKER)


def test_notes_below_the_marker_survive_a_rewrite_and_rows_are_read_back(tmp_path):
    path = tmp_path / "RESULTS.md"
    assert suite.kept_notes(path) == ""
    path.write_text(suite.render_results(FIGS, INFO, "then", "bench", "## What dominated\n\nImports.\n"))
    assert suite.kept_notes(path) == "## What dominated\n\nImports.\n"
    again = suite.render_results(FIGS[:1], INFO, "now", "bench", suite.kept_notes(path))
    assert again.endswith(suite.NOTES_MARKER + "\n## What dominated\n\nImports.\n")
    assert suite._rows_of(path)[1] == ["Grading | pipes", "50.0 s", "200.0 s", "4.00x", "at least 3x", "**no**"]


def test_figures_not_measured_this_time_keep_their_last_rows(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text(suite.render_results(FIGS, INFO, "then", "bench"))
    new = [suite.Figure("verify", "70.0 s", "none", None, "reported", None)]
    merged = suite.merge_figures(new, path)
    assert [f.name for f in merged] == ["verify", "Run-all x, time", "Grading | pipes"]
    kept = merged[1]
    assert (kept.measured, kept.ratio, kept.met) == ("2.60 s", 1.3, True) and "earlier run" in kept.detail
    assert merged[2].met is False and merged[0].measured == "70.0 s"


def test_a_smoke_run_writes_the_results_file(tmp_path):
    out = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "suite.py"), "--smoke", "--output", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    text = out.read_text()
    for name in ("metrics.CSAT", "metrics.SERVQUAL gaps", "Erlang C up to 100 Erlangs vs erlanglib",
                 "`csworkbook scenarios check`"):
        assert f"| {name}" in text, text
    assert "failed" not in text
    assert "= metrics.CSAT" in done.stdout  # each figure is printed as it is measured


def test_a_figure_measured_again_replaces_the_row_it_failed_with(tmp_path):
    path = tmp_path / "RESULTS.md"
    failed = [suite.Figure("roleplay", "failed", "", None, "", False, "Error: no reply")]
    path.write_text(suite.render_results(failed + FIGS, INFO, "then", "bench"))
    new = [suite.Figure("Role-play click to rendered reply", "median 64 ms", "none", None, "under 100 ms", True)]
    names = [f.name for f in suite.merge_figures(new, path, measured=("roleplay",))]
    assert "roleplay" not in names and names[0] == "Role-play click to rendered reply"
    assert "roleplay" in [f.name for f in suite.merge_figures(new, path, measured=("verify",))]
    assert "Run-all x, time" in names  # rows of figures not measured are still kept
