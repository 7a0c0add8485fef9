"""The benchmark suite: every figure of the workbook's speed, each against a baseline measured in the same run.

Run:  python3 workbook.py bench            the full suite (about 20 minutes on 2 cores)
      python3 workbook.py bench --quick    fewer rounds and submissions (a few minutes)
      python3 workbook.py bench --only metrics erlang scenarios   some figures only

Prints each figure as it is measured and writes them, with the machine and the
date, to benchmarks/RESULTS.md (``--output`` for elsewhere). These machines are
noisy, so every figure is a ratio against a baseline run in the same session,
interleaved with it (baseline, subject, baseline, subject, ...), and the median
of the rounds is reported. Nothing here is asserted as a time in the test suite.

The figures (``FIGURES``): Run-all of each topic notebook and of start-here
against a notebook that only starts a kernel and imports pandas, pyplot and
ipywidgets (wall time and kernel peak memory); class grading, ``csworkbook
grade`` against sequential ``nbgrader autograde`` with identical scores checked;
the metric functions on 1,000,000 rows against the same result in plain
pandas; Erlang C up to 5,000 Erlangs against erlanglib and call-center-tools;
role-play click to rendered reply in headless Chromium; ``csworkbook scenarios
check`` against a bare interpreter; ``csworkbook verify`` of every topic.

RESULTS.md keeps everything below its notes marker when the suite rewrites it:
that is where what dominated each cost, and what was changed, is written down.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""))  # nbgrader runs alembic
DEFAULT_OUTPUT = REPO / "benchmarks" / "RESULTS.md"
NOTES_MARKER = "<!-- notes: everything below this line is kept when the suite rewrites this file -->"
LIBRARIES = ("pandas", "numpy", "matplotlib", "ipykernel", "ipywidgets", "jupyterlab", "nbclient", "nbgrader",
             "pandera", "pyyaml", "playwright", "erlanglib", "call-center-tools")
FIGURES = ("runall", "grading", "metrics", "erlang", "roleplay", "scenarios", "verify")
FLOOR_SOURCE = "import pandas as pd\nimport matplotlib.pyplot as plt\nimport ipywidgets"


@dataclass
class Figure:
    """One row of the results table."""

    name: str
    measured: str  # what was measured, with its unit
    baseline: str  # the baseline in the same run ("none" when there is none)
    ratio: float | None  # measured / baseline (a speed-up is written as baseline / measured, and says so)
    target: str
    met: bool | None  # None: nothing to meet (reported only)
    detail: str = ""

    def row(self) -> list[str]:
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}x"
        met = {True: "yes", False: "**no**", None: "reported"}[self.met]
        return [self.name, self.measured, self.baseline, ratio, self.target, met]


# ---------------------------------------------------------------------------
# The results file
# ---------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """Cores, memory, Python and the versions of the libraries the figures depend on."""
    from importlib import metadata

    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            kb = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    versions = []
    for lib in LIBRARIES:
        try:
            versions.append(f"{lib} {metadata.version(lib)}")
        except metadata.PackageNotFoundError:
            pass
    try:
        load = "{:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg())
    except (AttributeError, OSError):
        load = "unknown"
    return {
        "cores": str(os.cpu_count() or "?"),
        "load average (1, 5, 15 min) when written": load + " (other work on the machine shows here: it slows "
                                                    "baselines and subjects alike, but parallel grading most)",
        "memory": memory or "unknown",
        "system": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": platform.python_version(),
        "libraries": ", ".join(versions),
    }


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    cell = lambda text: str(text).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def render_results(figures: list[Figure], info: dict[str, str], when: str, command: str, notes: str = "") -> str:
    """The text of RESULTS.md: the machine, the date, the table of figures, each figure's detail, then the notes."""
    lines = ["# Benchmark results", "",
             f"Written by `{command}` on {when}. Every ratio is against a baseline measured in the same run, "
             "interleaved with it; times are medians of the rounds. `benchmarks/suite.py` says how each figure "
             "is measured.", "", "## Machine", ""]
    lines += _table(["", ""], [[k, v] for k, v in info.items()])
    lines += ["", "## Figures", ""]
    lines += _table(["figure", "measured", "baseline (same run)", "ratio", "target", "met?"], [f.row() for f in figures])
    details = [f for f in figures if f.detail]
    if details:
        lines += ["", "## Details", ""]
        for f in details:
            lines += [f"* **{f.name}**: {' '.join(f.detail.split())}"]  # one line, whatever an error message holds
    lines += ["", NOTES_MARKER, ""]
    text = "\n".join(lines)
    notes = notes.strip("\n")
    return text + (notes + "\n" if notes else "")


def kept_notes(path: Path) -> str:
    """What follows the notes marker in an existing results file (empty if none)."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    return text.split(NOTES_MARKER, 1)[1].lstrip("\n") if NOTES_MARKER in text else ""


def merge_figures(new: list[Figure], path: Path, old_rows: list[list[str]] | None = None,
                  measured: tuple[str, ...] = ()) -> list[Figure]:
    """The figures not measured this time keep their rows from the last results (``old_rows``, read
    from ``path`` when not given), marked as from an earlier run."""
    old_rows = _rows_of(path) if old_rows is None else old_rows
    # A failed figure's row is named by its key ("roleplay"): measuring that figure again replaces it.
    names = {f.name for f in new} | set(measured)
    met = {"yes": True, "**no**": False}
    kept = [Figure(r[0], r[1], r[2], float(r[3].rstrip("x")) if r[3] else None, r[4], met.get(r[5]),
                   "from an earlier run: not measured this time") for r in old_rows if r[0] not in names]
    return new + kept


def _rows_of(path: Path) -> list[list[str]]:
    if not path.is_file():
        return []
    rows, inside = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("| figure |"):
            inside = True
            continue
        if inside and line.startswith("|---"):
            continue
        if inside and line.startswith("| "):
            rows.append([c.strip().replace("\\|", "|") for c in line.strip().strip("|").split(" | ")])
        elif inside:
            break
    return rows


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _say(text: str) -> None:
    print(text, flush=True)


def run_notebook(path: Path, cwd: Path) -> tuple[float, float]:
    """Run every cell in a fresh kernel: (wall seconds, kernel start included; kernel peak RSS in MB)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(cwd)}},
                            allow_errors=False, timeout=600)
    with client.setup_kernel(cwd=str(cwd)):
        pid = client.km.provisioner.process.pid
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        peak_kb = _peak_rss_kb(pid)
    return time.perf_counter() - started, peak_kb / 1024


def _peak_rss_kb(pid: int) -> int:
    """The process's high-water mark of resident memory (VmHWM), in kB."""
    with open(f"/proc/{pid}/status") as handle:
        return int(next(line for line in handle if line.startswith("VmHWM")).split()[1])


def figure_runall(rounds: int, tmp: Path) -> list[Figure]:
    import nbformat

    floor = tmp / "floor.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)]), floor)
    subjects = {"start-here": REPO / "notebooks" / "00-start-here.ipynb"}
    for path in sorted((REPO / "source").glob("*/*.ipynb")):
        subjects[path.parent.name] = path
    # Each subject run is paired with a floor run just before it (floor, subject, floor, subject):
    # the ratio is the median of the pairs' ratios, so a burst of other work on the machine falls
    # on both halves of a pair rather than on one side of the comparison.
    pairs: dict[str, list[tuple[tuple[float, float], tuple[float, float]]]] = {name: [] for name in subjects}
    run_notebook(floor, tmp)  # warm the disk cache, so the first measured run is not the odd one out
    for round_ in range(rounds):
        for name, path in subjects.items():
            base = run_notebook(floor, tmp)
            pairs[name].append((base, run_notebook(path, path.parent)))
            (bt, bm), (st, sm) = pairs[name][-1]
            _say(f"  run-all round {round_ + 1}: floor {bt:.2f} s {bm:.0f} MB, {name} {st:.2f} s {sm:.0f} MB")
    figures = []
    for name, runs in pairs.items():
        for what, k, unit in (("time", 0, "s"), ("peak memory", 1, "MB")):
            value, base = _median([s[k] for _, s in runs]), _median([b[k] for b, _ in runs])
            ratio = _median([s[k] / b[k] for b, s in runs])
            shown = (lambda x: f"{x:.2f} s") if unit == "s" else (lambda x: f"{x:.0f} MB")
            figures.append(Figure(
                f"Run-all {name}, {what}", shown(value), f"kernel floor {shown(base)}", ratio, "at most 1.3x",
                ratio <= 1.3, f"{rounds} interleaved pairs (floor, then notebook); ratio is the median of the "
                f"pairs' ratios ({', '.join(f'{s[k] / b[k]:.2f}' for b, s in runs)})"
                + ("; kernel start included" if what == "time" else "; peak resident memory (VmHWM) of the kernel")))
    return figures


def figure_grading(students: int, rounds: int, tmp: Path) -> list[Figure]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import grading_benchmark as gb  # the course builder and score reader it shares with this suite

    plain, ours = tmp / "plain", tmp / "ours"
    _say(f"  building two identical courses with {students} submissions each ...")
    gb.make_course(plain, students)
    gb.make_course(ours, students)
    times: dict[str, list[float]] = {"plain": [], "ours": []}

    def run_plain() -> float:
        started = time.perf_counter()
        subprocess.run([str(BIN / "nbgrader"), "autograde", gb.ASSIGNMENT, "--force"], cwd=plain, check=True,
                       capture_output=True, env=ENV)
        return time.perf_counter() - started

    for round_ in range(rounds):  # each round a pair, in alternating order
        order = (("plain", run_plain), ("ours", lambda: gb.grade_with(ours, "auto", [])))
        for name, run in (order if round_ % 2 == 0 else order[::-1]):
            times[name].append(run())
            _say(f"  grading round {round_ + 1}: {name} {times[name][-1]:.1f} s")
    same = gb.scores(plain) == gb.scores(ours)
    marker = next((ours / "autograded").glob(f"*/{gb.ASSIGNMENT}/.csworkbook-graded.json"))
    kind = json.loads(marker.read_text()).get("sandbox", "?")
    p, o = _median(times["plain"]), _median(times["ours"])
    # The median of the rounds' own speed-ups: a burst of other work on the machine falls within a round.
    speedups = [a / b for a, b in zip(times["plain"], times["ours"])]
    speedup = _median(speedups)
    return [Figure(f"Class grading, {students} submissions (speed-up)", f"{o:.1f} s (csworkbook grade, sandbox {kind}, "
                   f"{os.cpu_count()} workers)", f"{p:.1f} s (sequential nbgrader autograde)", speedup,
                   "at least 3x faster, identical scores", speedup >= 3 and same,
                   f"scores identical: {'yes' if same else 'NO'}; {rounds} interleaved rounds, times are medians; "
                   f"the ratio is the median of the rounds' speed-ups (baseline / measured: "
                   f"{', '.join(f'{x:.2f}' for x in speedups)}); per submission {o / students:.2f} s against "
                   f"{p / students:.2f} s")]


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def figure_metrics(rows: int, repeat: int) -> list[Figure]:
    import numpy as np
    import pandas as pd

    from csworkbook import metrics

    rng = np.random.default_rng(2025)
    five, eleven, seven = (pd.Series(rng.integers(lo, hi, rows)) for lo, hi in ((1, 6), (0, 11), (1, 8)))
    dims = np.array(["tangibles", "reliability", "responsiveness", "assurance", "empathy"])
    item = rng.integers(1, 23, rows)
    sq = pd.DataFrame({"item": item, "dimension": pd.Categorical(dims[item % 5]),
                       "expectation": rng.integers(1, 8, rows), "perception": rng.integers(1, 8, rows)})
    received = pd.Timestamp("2025-10-01") + pd.to_timedelta(rng.integers(0, 60 * 86400, rows), unit="s")
    answered = received + pd.to_timedelta(rng.integers(0, 3 * 86400, rows), unit="s")
    msgs = pd.DataFrame({"received": received, "responded": answered.where(rng.random(rows) > 0.02)})

    def servqual_direct():
        items = sq.groupby("item")[["expectation", "perception"]].mean()
        items["gap"] = items["perception"] - items["expectation"]
        items["dimension"] = sq.groupby("item")["dimension"].first()
        return items, items.groupby("dimension", observed=True)[["expectation", "perception", "gap"]].mean()

    cases = [
        ("CSAT", lambda: metrics.csat(five), lambda: 100 * (five >= 4).mean()),
        ("NPS", lambda: metrics.nps(eleven), lambda: 100 * ((eleven >= 9).mean() - (eleven <= 6).mean())),
        ("CES", lambda: metrics.ces(seven), lambda: seven.mean()),
        ("SERVQUAL gaps", lambda: metrics.servqual_gaps(sq).dimensions["gap"].sort_index(),
         lambda: servqual_direct()[1]["gap"].sort_index()),
        ("response compliance (24 h)", lambda: metrics.response_compliance(msgs, "24h"),
         lambda: 100 * ((msgs["responded"] - msgs["received"]) <= pd.Timedelta("24h")).mean()),
    ]
    figures = []
    for name, ours, direct in cases:
        a, b = ours(), direct()
        same = bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=0, atol=1e-9))
        times_ours, times_direct = [], []
        for _ in range(repeat):  # interleaved
            times_direct.append(_best(direct, 1))
            times_ours.append(_best(ours, 1))
        o, d = _median(times_ours), _median(times_direct)
        ratio = o / d
        figures.append(Figure(f"metrics.{name}, {rows:,} rows", f"{o * 1000:.2f} ms", f"{d * 1000:.2f} ms (plain pandas)",
                              ratio, "at most 1.5x, same result", ratio <= 1.5 and same,
                              "" if same else "RESULTS DIFFER from the direct computation"))
        _say(f"  {figures[-1].name}: {o * 1000:.2f} ms against {d * 1000:.2f} ms ({ratio:.2f}x), same result: {same}")
    return figures


def figure_erlang(max_load: int, repeat: int) -> list[Figure]:
    import math

    import call_center_tools.erlang as cct
    import erlanglib

    from csworkbook import metrics

    loads = [a for a in (1, 5, 10, 50, 100, 500, 1000, 2000, 5000) if a <= max_load]
    grid = [(float(a), n) for a in loads for n in sorted({a + 1, a + 2, a + 5, int(a * 1.05) + 1, int(a * 1.2) + 1})]
    grid += [(float(a), max(1, a // 2)) for a in loads]  # overloaded: everyone waits
    ours = {pair: metrics.erlang_c(*pair) for pair in grid}
    broken = [pair for pair, c in ours.items() if not (math.isfinite(c) and 0 <= c <= 1)]
    libraries = {"erlanglib": lambda a, n: erlanglib.erlang_c(n, a), "call-center-tools": lambda a, n: cct.erlang_c(a, n)}
    figures = []
    for name, fn in libraries.items():
        computes, fails = [], 0
        for pair in grid:
            try:
                value = float(fn(*pair))
            except (OverflowError, ValueError, ZeroDivisionError, RecursionError):
                fails += 1
                continue
            if math.isfinite(value) and 0 <= value <= 1 and pair[1] > pair[0]:
                computes.append((pair, value))
            else:
                fails += 1
        worst = max((abs(ours[pair] - value) for pair, value in computes), default=0.0)
        pairs = [pair for pair, _ in computes]
        t_ours, t_theirs = [], []
        for round_ in range(repeat):
            t_theirs.append(_best(lambda: [fn(*p) for p in pairs], 1))
            t_ours.append(_best(lambda: [metrics.erlang_c(*p) for p in pairs], 1))
            if t_theirs[0] > 10 and round_ == 0:
                break  # a library that takes this long is timed once: the ratio is not close
        o, t = _median(t_ours), _median(t_theirs)
        ratio = o / t
        ok = worst <= 1e-9 and not broken and ratio < 1
        figures.append(Figure(
            f"Erlang C up to {max(loads):,} Erlangs vs {name}", f"{o * 1000:.1f} ms for {len(pairs)} (load, agents) pairs",
            f"{t * 1000:.1f} ms ({name})", ratio, "exact to 1e-9, no overflow, faster", ok,
            f"largest difference {worst:.1e} over the {len(pairs)} of {len(grid)} pairs {name} computes "
            f"({fails} it could not: an error, overflow, or no probability; overloaded pairs, agents <= load, "
            f"where the queue never clears, count as not computed); csworkbook computed all {len(grid)}"
            + (f", but {len(broken)} gave no probability" if broken else " as probabilities in [0, 1]")))
        _say(f"  {figures[-1].name}: {figures[-1].measured} against {figures[-1].baseline}; {figures[-1].detail}")
    return figures


def _command_seconds(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True, env=ENV, cwd=REPO)
    return time.perf_counter() - started


def figure_scenarios(rounds: int) -> list[Figure]:
    bare, check = [], []
    for _ in range(rounds):
        bare.append(_command_seconds([sys.executable, "-c", "pass"]))
        check.append(_command_seconds([str(BIN / "csworkbook"), "scenarios", "check"]))
    b, c = _median(bare), _median(check)
    own = c - b
    _say(f"  scenarios check {c:.2f} s, bare python {b:.2f} s: {own:.2f} s of its own")
    return [Figure("`csworkbook scenarios check`, shipped scenarios", f"{c:.2f} s ({own:.2f} s of its own)",
                   f"{b:.3f} s (`python -c pass`)", c / b, "under 1 s of its own", own < 1.0,
                   f"median of {rounds} interleaved runs; ratio is total / bare interpreter")]


def figure_verify() -> list[Figure]:
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "csworkbook"), "verify", "--quiet"], capture_output=True, text=True, env=ENV,
                          cwd=REPO)
    seconds = time.perf_counter() - started
    topics = len(list((REPO / "source").glob("*/*.ipynb")))
    _say(f"  verify: {seconds:.1f} s (exit {done.returncode})")
    # One name for the row whatever the number of topics, so a rerun replaces it rather than keeping an old one.
    return [Figure("`csworkbook verify` of every topic, test strength included", f"{seconds:.1f} s for {topics} topic(s)",
                   "none", None, "reported", None, f"one run; exit status {done.returncode}"
                   + ("" if done.returncode == 0 else f": {(done.stdout + done.stderr).strip()[-300:]}"))]


def figure_roleplay(clicks: int, tmp: Path) -> list[Figure]:
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return [Figure("Role-play click to rendered reply", "not measured", "none", None, "median and p95 under 100 ms",
                       None, "Chromium is not installed (apt-get install chromium)")]
    sys.path.insert(0, str(REPO / "benchmarks"))
    from browser_clicks import click_latencies

    times = click_latencies(chromium, clicks, tmp)
    ordered = sorted(times)
    median = _median(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    _say(f"  {len(times)} clicks: median {median:.0f} ms, p95 {p95:.0f} ms, slowest {ordered[-1]:.0f} ms")
    return [Figure(f"Role-play click to rendered reply, {len(times)} clicks, headless Chromium",
                   f"median {median:.0f} ms, p95 {p95:.0f} ms", "none (a person notices 100 ms)", None,
                   "median and p95 under 100 ms", median < 100 and p95 < 100,
                   f"JupyterLab with the workshop notebook; from the click to the next animation frame after the "
                   f"reply is in the page; fastest {ordered[0]:.0f} ms, slowest {ordered[-1]:.0f} ms")]


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


@dataclass
class Plan:
    figures: tuple[str, ...]
    rounds: int
    students: int
    rows: int
    max_load: int
    clicks: int
    output: Path
    mode: str  # full | quick | smoke
    previous: list[list[str]] | None = None  # the results file's rows before this run


def parse_args(argv: list[str]) -> Plan:
    parser = argparse.ArgumentParser(prog="python3 workbook.py bench", description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="one round, 10 submissions, 100,000 rows, 20 clicks")
    size.add_argument("--smoke", action="store_true",
                      help="seconds, not minutes: metrics, Erlang and the scenario check on small inputs (for tests)")
    parser.add_argument("--only", nargs="+", choices=FIGURES, metavar="FIGURE",
                        help=f"measure only these figures ({', '.join(FIGURES)}); the others keep their last rows")
    parser.add_argument("--rounds", type=int, help="interleaved rounds per figure (default 3; quick 1)")
    parser.add_argument("--students", type=int, help="submissions to grade (default 40; quick 10)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the results file (default benchmarks/RESULTS.md)")
    args = parser.parse_args(argv)
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    defaults = {"full": (3, 40, 1_000_000, 5000, 50), "quick": (1, 10, 100_000, 5000, 20),
                "smoke": (1, 2, 10_000, 100, 5)}[mode]
    rounds = args.rounds if args.rounds is not None else defaults[0]
    if rounds < 1:
        parser.error("--rounds must be at least 1")
    figures = tuple(args.only) if args.only else (("metrics", "erlang", "scenarios") if mode == "smoke" else FIGURES)
    return Plan(figures=figures, rounds=rounds, students=args.students or defaults[1], rows=defaults[2],
                max_load=defaults[3], clicks=defaults[4], output=args.output, mode=mode)


def main(argv: list[str]) -> int:
    plan = parse_args(argv)
    plan.previous = _rows_of(plan.output)
    command = "python3 workbook.py bench" + ("" if plan.mode == "full" else f" --{plan.mode}") + \
        (f" --only {' '.join(plan.figures)}" if set(plan.figures) != set(FIGURES) and plan.mode != "smoke" else "")
    _say(f"benchmark suite ({plan.mode}): {', '.join(plan.figures)}; results to {plan.output}")
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="csworkbook-bench-") as tmp_name:
        tmp = Path(tmp_name)
        steps = {
            "runall": lambda: figure_runall(max(plan.rounds, 1), tmp / "runall"),
            "grading": lambda: figure_grading(plan.students, plan.rounds, tmp / "grading"),
            "metrics": lambda: figure_metrics(plan.rows, max(plan.rounds, 3)),
            "erlang": lambda: figure_erlang(plan.max_load, max(plan.rounds, 3)),
            "roleplay": lambda: figure_roleplay(plan.clicks, tmp / "roleplay"),
            "scenarios": lambda: figure_scenarios(max(plan.rounds, 3)),
            "verify": figure_verify,
        }
        for name in FIGURES:
            if name not in plan.figures:
                continue
            _say(f"{name} ...")
            (tmp / name).mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            try:
                found = steps[name]()
            except Exception as exc:  # noqa: BLE001 - one failed figure is reported; the others still run
                found = [Figure(name, "failed", "", None, "", False, f"{type(exc).__name__}: {exc}")]
            for f in found:
                ratio = "" if f.ratio is None else f" ({f.ratio:.2f}x)"
                _say(f"= {f.name}: {f.measured} against {f.baseline}{ratio}; target {f.target}: "
                     f"{ {True: 'met', False: 'NOT MET', None: 'reported'}[f.met]}")
            _say(f"  ({time.perf_counter() - started:.0f} s)")
            figures.extend(found)
            # Written after every figure, so an interrupted run keeps what it measured
            # (the figures still to come keep their rows from the last results, marked so).
            write_results(plan, command, figures, final=name == _last(plan))
    _say(f"wrote {plan.output}")
    return 0


def _last(plan: Plan) -> str:
    return [name for name in FIGURES if name in plan.figures][-1]


def write_results(plan: Plan, command: str, figures: list[Figure], final: bool) -> None:
    if set(plan.figures) == set(FIGURES) and final:
        rows = figures
    else:
        rows = merge_figures(figures, plan.output, plan.previous, tuple(plan.figures))
    when = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    plan.output.parent.mkdir(parents=True, exist_ok=True)
    text = render_results(rows, machine(), when, command, kept_notes(plan.output))
    plan.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
