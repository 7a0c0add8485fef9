"""The `csworkbook` command: what a trainer runs around the notebooks."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def _course(args) -> Path:
    from .trainer import grading

    # nbgrader runs `alembic` as a subprocess: found even when this command is called straight
    # from the environment's bin folder, without `workbook.py run` or an activated environment.
    grading._ensure_tools_on_path()
    return grading.find_course_root(args.course)


def cmd_build(args) -> int:
    root = _course(args)
    from . import datasets
    from .trainer import grading

    started = time.perf_counter()
    if not args.release_only:
        written = datasets.generate(root / "datasets", progress=not args.quiet)
        print(f"datasets: wrote {len(written)} files to {root / 'datasets'}")
    ids = grading.build_release(root, progress=not args.quiet)
    print(f"release: generated {len(ids)} assignment(s) from source/: {', '.join(ids)}")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_verify(args) -> int:
    from .trainer import grading

    root = _course(args)
    only = args.assignment or None
    started = time.perf_counter()
    strength, worker, stop = {}, None, None
    if not args.no_mutants:
        import threading

        from .trainer import mutation

        rate = args.kill_rate if args.kill_rate is not None else mutation.configured_kill_rate(root)
        if only and (unknown := sorted(set(only) - set(grading.assignments(root)))):
            raise grading.CourseError(f"no assignment called {', '.join(unknown)} in {root / 'source'}")
        stop = threading.Event()

        def run_mutants():
            began = time.perf_counter()
            try:
                strength["records"] = mutation.measure(root, only=only, progress=not args.quiet, kill_rate=rate,
                                                       use_config=False, stop=stop)
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread below
                strength["error"] = exc
            strength["seconds"] = time.perf_counter() - began

        # The mutants run in a kernel of their own while nbgrader proves the release: on two or
        # more cores the test-strength check costs little extra time.
        worker = threading.Thread(target=run_mutants, name="csworkbook-mutants", daemon=True)
        worker.start()
    try:
        records = grading.prove(root, only=only, progress=not args.quiet)
        proof_seconds = time.perf_counter() - started
        if worker is not None:
            worker.join()
    finally:
        if worker is not None and worker.is_alive():
            stop.set()
            worker.join(timeout=30)
    print(grading.proof_table(records))
    bad = [r for r in records if not r.ok]
    print(f"\n{len(records) - len(bad)} of {len(records)} notebook(s) proven in {proof_seconds:.1f} s")
    weak = []
    if worker is not None:
        if "error" in strength:
            raise strength["error"]
        from .trainer import mutation

        found = strength["records"]
        print("\n" + mutation.strength_table(found, all_survivors=args.survivors))
        tasks = [t for r in found for t in r.tasks]
        weak = [r for r in found if not r.ok]
        print(f"\ntest strength: {sum(t.ok for t in tasks)} of {len(tasks)} task(s) ok, "
              f"{sum(t.mutants for t in tasks)} mutants run in {strength['seconds']:.1f} s "
              f"(alongside the proof; {time.perf_counter() - started:.1f} s in all)")
    return 1 if bad or weak else 0


def cmd_workspace(args) -> int:
    from . import workspace

    root = _course(args)
    report = workspace.seed(root, Path(args.into) if args.into else root / "workspace")
    print(report.summary())
    return 0


def cmd_share(args) -> int:
    from . import shared, workspace

    if args.folder:
        folder = Path(args.folder)
        if not folder.is_dir():
            raise ValueError(f"share: no folder {folder.resolve()} to serve")
    else:
        root = _course(args)
        folder = root / "workspace"
        print(workspace.seed(root, folder).summary())
    return shared.serve(folder, port=args.port, ip=args.ip)


def cmd_grade(args) -> int:
    from .trainer import autograde, sandbox

    root = _course(args)
    started = time.perf_counter()
    settings = sandbox.configured(root)
    kind = args.sandbox or os.environ.get(sandbox.ENV_VAR) or settings.get("sandbox", "auto")
    if kind == "none":
        print(sandbox.NO_SANDBOX_WARNING, file=sys.stderr, flush=True)
    outcomes = autograde.grade(root, args.assignment, workers=args.workers, time_limit=args.time_limit,
                               memory_mb=args.memory_mb, force=args.force, students=args.student or None,
                               progress=not args.quiet, sandbox=kind,
                               processes=settings.get("processes", 64), file_mb=settings.get("file_mb", 256),
                               image=settings.get("container_image", sandbox.DEFAULT_IMAGE))
    used = sorted({o.sandbox for o in outcomes if o.sandbox})
    print(f"sandbox: {', '.join(used) or 'none needed (nothing new to grade)'}")
    print(autograde.outcome_table(outcomes))
    graded = sum(o.status == "graded" for o in outcomes)
    kept = sum(o.status == "kept" for o in outcomes)
    print(f"\n{graded} graded, {kept} already graded (kept), {len(outcomes) - graded - kept} failed "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_students_import(args) -> int:
    from .trainer.students import import_students

    report = import_students(_course(args), args.file)
    print(report.summary())
    return 1 if report.errors else 0


def cmd_collect(args) -> int:
    from nbgrader.api import Gradebook

    from .trainer import grading
    from .trainer.collect import DEFAULT_PATTERN, collect

    root = _course(args)
    with Gradebook(grading.gradebook_url(root)) as gb:
        known = {s.id for s in gb.students}
    report = collect(root, args.assignment, args.source, pattern=args.pattern or DEFAULT_PATTERN,
                     known_students=None if args.add_students else known)
    print(report.summary())
    return 1 if report.unmapped else 0


def cmd_feedback(args) -> int:
    from .trainer.feedback import generate, waiting_for_marking

    root = _course(args)
    files = generate(root, args.assignment, students=args.student or None, progress=not args.quiet)
    print(f"feedback: {len(files)} file(s) in {root / 'feedback'} (hidden tests removed); "
          f"each learner's page is feedback/<student id>/{args.assignment}/<notebook>.html")
    waiting = waiting_for_marking(root, args.assignment, students=args.student or None)
    if waiting:
        print(f"warning: marking is not finished: {len(waiting)} learner(s) have written answers waiting to be "
              "marked, shown on their pages as \"waiting to be marked\" and left out of their totals. Mark them "
              "in Formgrader, then run feedback again:", file=sys.stderr)
        for student, tasks in waiting.items():
            print(f"  {student}: {', '.join(tasks)}", file=sys.stderr)
    return 0


def cmd_grades(args) -> int:
    from .trainer.reports import output_path, write_grades_csv

    root = _course(args)
    chosen = None if args.all else [args.assignment]
    if args.output == "-":
        write_grades_csv(root, sys.stdout, chosen)
        return 0
    target = output_path(root, args.output, "grades.csv")
    with open(target, "w", newline="", encoding="utf-8") as out:
        n = write_grades_csv(root, out, chosen)
    print(f"grades: {n} learner(s) written to {target}", file=sys.stderr)
    return 0


def cmd_report(args) -> int:
    from .trainer.reports import class_report, output_path

    root = _course(args)
    out = output_path(root, args.output, "class-report.html")
    out.write_text(class_report(root, args.assignment or None), encoding="utf-8")
    print(f"report: {out}")
    return 0


def cmd_scenarios_check(args) -> int:
    from .roleplay import ScenarioError, extreme_paths, list_scenarios, load_scenario
    from .roleplay import dilemmas
    from .roleplay.model import scenario_path

    targets = args.paths or [str(scenario_path(s)) for s in list_scenarios()]
    failed = 0
    figures = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not files:
                print(f"{path}: no .yaml files here", file=sys.stderr)
                failed += 1
            targets.extend(str(f) for f in files)
            continue
        try:
            scenario = load_scenario(path if path.suffix in (".yaml", ".yml") else target)
        except (ScenarioError, KeyError) as exc:
            failed += 1
            print(exc.args[0] if isinstance(exc, KeyError) else exc, file=sys.stderr)
            continue
        best, worst = extreme_paths(scenario)
        print(f"ok    {path}: {len(scenario.nodes)} nodes, {len(scenario.endings)} endings; "
              f"best path ends {best.outcome} ({best.percent:.0f}%), worst ends {worst.outcome} ({worst.percent:.0f}%)")
        if best.outcome != "success" or worst.outcome != "failure":
            print(f"      warning: the highest-scoring path should end in success and the lowest in failure; "
                  f"check the effects in {path}")
        figures.append(dilemmas.analyse(scenario))
    checked = len([t for t in targets if not Path(t).is_dir()])
    missed = [f for f in figures if f.misses()]
    if figures:
        print()
        print(_dilemma_table(figures, dilemmas))
        for f in missed:
            for message in f.misses():
                print(f"MISS  {f.scenario}: {message}")
    print(f"{checked - failed} of {checked} scenario file(s) passed the structural checks")
    if figures:
        print(f"{len(figures) - len(missed)} of {len(figures)} scenario(s) meet the dilemma thresholds "
              f"(dominated at most {dilemmas.MAX_DOMINATED_SHARE:.0%}, best-is-longest at most chance "
              f"+ {dilemmas.LONGEST_MARGIN * 100:.0f} points, success with zero on a core score "
              f"{dilemmas.MAX_ZERO_CORE_SUCCESSES})")
    return 1 if failed or missed else 0


def _dilemma_table(figures, dilemmas) -> str:
    """The per-scenario dilemma figures and their totals, one row each (tests parse these rows)."""
    head = (f"{'scenario':<30} {'points':>6} {'dominated':>9} {'%':>4} {'longest=best':>12} {'%':>4} "
            f"{'chance':>6} {'zero-core':>9}")
    rows = [head, "-" * len(head)]

    def row(f, status):
        return (f"{f.scenario:<30} {f.n_points:>6} {f.n_dominated:>9} {f.dominated_share * 100:>3.0f}% "
                f"{f.best_longest:>12.1f} {f.best_longest_share * 100:>3.0f}% {f.chance_share * 100:>5.0f}% "
                f"{len(f.zero_core_successes):>9}  {status}")

    for f in figures:
        rows.append(row(f, "MISS" if f.misses() else "ok"))
    rows.append(row(dilemmas.total_figures(figures), ""))
    rows.append("points: decision points (replies open together, two or more); dominated: points with a reply "
                "at least as good on every score; longest=best: points where the longest reply has the highest "
                "total (ties shared); chance: what length alone would give; zero-core: success endings reachable "
                "with zero on a core score")
    return "\n".join(r.rstrip() for r in rows)


def cmd_scenarios_list(args) -> int:
    from .roleplay import list_scenarios, load_scenario

    for sid in list_scenarios():
        s = load_scenario(sid)
        print(f"{sid:28} {s.topic:28} {s.title}")
    return 0


def cmd_workshop(args) -> int:
    from .workshop import runs, server

    root = _course(args)
    folder = runs.session_dir(runs.check_session_name(args.session or runs.default_session_name()), root)
    port = args.port if args.port is not None else server.DEFAULT_PORT
    if not 0 < port < 65536:
        raise ValueError(f"--port {port} is not a port number (1 to 65535)")
    try:
        return server.serve(folder, port=port, ip=args.ip, open_browser=not args.no_browser)
    except RuntimeError as exc:
        print(f"csworkbook: {exc}", file=sys.stderr)
        return 1


def _kill_rate(text: str) -> float:
    from .trainer.mutation import check_kill_rate

    try:
        return check_kill_rate(text, "--kill-rate")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csworkbook",
        description="Customer Service Workbook: build and check the course around the notebooks.",
    )
    parser.add_argument("--course", help="course folder (default: the one containing the current folder)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="regenerate the sample datasets and release/ from source/")
    p.add_argument("--release-only", action="store_true", help="leave datasets/ alone")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "verify",
        help="prove release/ (in sync, solutions score full marks, blanks score zero, nothing leaks) "
             "and measure test strength (do the tests kill mutants of each solution?)",
    )
    p.add_argument("assignment", nargs="*", help="only these assignments (default: all)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.add_argument("--no-mutants", action="store_true",
                   help="skip the test-strength check (mutants of each solution run against its tests)")
    p.add_argument("--survivors", action="store_true",
                   help="show every surviving mutant in full (the default lists a few per task, one line each)")
    p.add_argument("--kill-rate", type=_kill_rate, metavar="RATE",
                   help="share of mutants each task's tests must kill, 0 to 1 "
                        "(default: c.CSWorkbook.kill_rate in nbgrader_config.py; unset: reported, not enforced)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser(
        "workspace",
        help="copy new notebooks from release/ into the learner workspace without overwriting anything",
    )
    p.add_argument("--into", help="workspace folder (default: workspace/ in the course)")
    p.set_defaults(func=cmd_workspace)

    p = sub.add_parser("share", help="a shared editing session: JupyterLab on the local network that a team edits "
                                     "together in real time; prints the address teammates open")
    p.add_argument("--port", type=int, default=8890, help="port to serve on (default 8890)")
    p.add_argument("--ip", default="0.0.0.0",
                   help="address to listen on (default 0.0.0.0: every network the laptop is on; 127.0.0.1: "
                        "this laptop only)")
    p.add_argument("--folder", help="folder to serve (default: the course's workspace/, filled as `workspace` does)")
    p.set_defaults(func=cmd_share)

    p = sub.add_parser("students", help="learners in the gradebook")
    stu = p.add_subparsers(dest="students_command", required=True, metavar="ACTION")
    q = stu.add_parser("import", help="add or update learners from a CSV (id, first_name, last_name, email)")
    q.add_argument("file", help="the class list as CSV (UTF-8) with a header row")
    q.set_defaults(func=cmd_students_import)

    p = sub.add_parser("collect", help="place an LMS bulk download (zip or folder) into submitted/")
    p.add_argument("assignment")
    p.add_argument("source", help="the downloaded .zip, or a folder of files")
    p.add_argument("--pattern", help="regular expression for file names, with (?P<student_id>...) and "
                                     "optionally (?P<file_id>...) and (?P<timestamp>...)")
    p.add_argument("--add-students", action="store_true", help="collect files of students not yet in the gradebook")
    p.set_defaults(func=cmd_collect)

    p = sub.add_parser("feedback", help="HTML feedback for learners, with hidden tests removed")
    p.add_argument("assignment")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("grades", help="export grades as CSV for an LMS gradebook")
    p.add_argument("assignment", nargs="?", help="one assignment (or use --all)")
    p.add_argument("--all", action="store_true", help="every assignment in the gradebook")
    p.add_argument("--format", choices=["csv"], default="csv", help="output format (csv)")
    p.add_argument("-o", "--output", help="file to write, or - for standard output "
                                          "(default: trainer-output/grades.csv, which git ignores)")
    p.set_defaults(func=cmd_grades)

    p = sub.add_parser("report", help="write a class report (HTML with charts)")
    p.add_argument("assignment", nargs="*", help="assignments to include (default: all)")
    p.add_argument("-o", "--output", help="file to write (default: trainer-output/class-report.html, which git ignores)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("grade", help="autograde every collected submission of an assignment, in parallel")
    p.add_argument("assignment", help="assignment id, e.g. 07-measuring-satisfaction")
    p.add_argument("--workers", type=int, default=None, help="submissions graded at once (default: one per core)")
    p.add_argument("--time-limit", type=int, default=180,
                   help="seconds one submission may run in all (default 180); a looping cell uses it up, "
                        "later cells still get a short run")
    p.add_argument("--memory-mb", type=int, default=3072, help="memory one submission's kernel may use (default 3072)")
    p.add_argument("--force", action="store_true", help="grade again even submissions already graded")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.add_argument("--sandbox", choices=["auto", "bwrap", "container", "none"], default=None,
                   help="where learner code runs: auto (bubblewrap where it works, else a container; never "
                        "none), bwrap, container (Docker or Podman image csworkbook-grader), or none (no "
                        "protection: only when asked for by name). Default: $CSWORKBOOK_SANDBOX, else "
                        "c.CSWorkbook.sandbox in nbgrader_config.py, else auto")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("scenarios", help="role-play scenarios: check files before a class, or list the shipped ones")
    scen = p.add_subparsers(dest="scenarios_command", required=True, metavar="ACTION")
    q = scen.add_parser("check", help="validate scenario YAML files (default: every shipped scenario)")
    q.add_argument("paths", nargs="*", help="scenario files or folders of them")
    q.set_defaults(func=cmd_scenarios_check)
    q = scen.add_parser("list", help="list the shipped scenarios")
    q.set_defaults(func=cmd_scenarios_list)

    p = sub.add_parser("workshop", help="serve the workshop app (Voilà): teams play role-plays, the facilitator "
                                        "sees every run as it arrives")
    p.add_argument("--port", type=int, default=None, help="port to serve on (default 8866)")
    p.add_argument("--no-browser", action="store_true", help="print the addresses but open no browser")
    p.add_argument("--session", help="session name: its runs go to workshop-sessions/NAME/ in the course "
                                     "(default: today's date, e.g. 2026-11-24)")
    p.add_argument("--ip", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this computer only; 0.0.0.0 lets teams on "
                        "other laptops on the same network join)")
    p.set_defaults(func=cmd_workshop)
    return parser


def _course_errors() -> tuple[type, ...]:
    # The trainer's pipeline imports nbgrader and nbformat (seconds): the command loads it only
    # for the subcommands that need it, so a CourseError can only exist once it was loaded.
    grading = sys.modules.get("csworkbook.trainer.grading")
    return (grading.CourseError,) if grading else ()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "grades" and not (args.all or args.assignment):
        parser.error("grades: name an assignment, or use --all")
    try:
        return args.func(args)
    except (ValueError, *_course_errors()) as exc:
        print(f"csworkbook: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("csworkbook: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
