"""The `csworkbook` command: what a trainer runs around the notebooks."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import grading


def _course(args) -> Path:
    return grading.find_course_root(args.course)


def cmd_build(args) -> int:
    root = _course(args)
    from . import datasets

    started = time.perf_counter()
    if not args.release_only:
        written = datasets.generate(root / "datasets", progress=not args.quiet)
        print(f"datasets: wrote {len(written)} files to {root / 'datasets'}")
    ids = grading.build_release(root, progress=not args.quiet)
    print(f"release: generated {len(ids)} assignment(s) from source/: {', '.join(ids)}")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_verify(args) -> int:
    root = _course(args)
    started = time.perf_counter()
    records = grading.prove(root, only=args.assignment or None, progress=not args.quiet)
    print(grading.proof_table(records))
    bad = [r for r in records if not r.ok]
    print(f"\n{len(records) - len(bad)} of {len(records)} notebook(s) proven in {time.perf_counter() - started:.1f} s")
    return 1 if bad else 0


def cmd_workspace(args) -> int:
    from . import workspace

    root = _course(args)
    report = workspace.seed(root, Path(args.into) if args.into else root / "workspace")
    print(report.summary())
    return 0


def cmd_grade(args) -> int:
    from . import autograde

    root = _course(args)
    started = time.perf_counter()
    outcomes = autograde.grade(root, args.assignment, workers=args.workers, time_limit=args.time_limit,
                               memory_mb=args.memory_mb, force=args.force, students=args.student or None,
                               progress=not args.quiet)
    print(autograde.outcome_table(outcomes))
    graded = sum(o.status == "graded" for o in outcomes)
    resumed = sum(o.status == "resumed" for o in outcomes)
    print(f"\n{graded} graded, {resumed} already graded (kept), {len(outcomes) - graded - resumed} failed "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_scenarios_check(args) -> int:
    from .roleplay import ScenarioError, extreme_paths, list_scenarios, load_scenario
    from .roleplay.model import scenario_path

    targets = args.paths or [str(scenario_path(s)) for s in list_scenarios()]
    failed = 0
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
    checked = len([t for t in targets if not Path(t).is_dir()])
    print(f"{checked - failed} of {checked} scenario file(s) passed")
    return 1 if failed else 0


def cmd_scenarios_list(args) -> int:
    from .roleplay import list_scenarios, load_scenario

    for sid in list_scenarios():
        s = load_scenario(sid)
        print(f"{sid:28} {s.topic:28} {s.title}")
    return 0


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
        help="prove release/: in sync, solutions score full marks, blanks score zero, nothing leaks",
    )
    p.add_argument("assignment", nargs="*", help="only these assignments (default: all)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser(
        "workspace",
        help="copy new notebooks from release/ into the learner workspace without overwriting anything",
    )
    p.add_argument("--into", help="workspace folder (default: workspace/ in the course)")
    p.set_defaults(func=cmd_workspace)

    p = sub.add_parser("grade", help="autograde every collected submission of an assignment, in parallel")
    p.add_argument("assignment", help="assignment id, e.g. 07-measuring-satisfaction")
    p.add_argument("--workers", type=int, default=None, help="submissions graded at once (default: one per core)")
    p.add_argument("--time-limit", type=int, default=180,
                   help="seconds one submission may run in all (default 180); a looping cell uses it up, "
                        "later cells still get a short run")
    p.add_argument("--memory-mb", type=int, default=3072, help="memory one submission's kernel may use (default 3072)")
    p.add_argument("--force", action="store_true", help="grade again even submissions already graded")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("scenarios", help="role-play scenarios: check files before a class, or list the shipped ones")
    scen = p.add_subparsers(dest="scenarios_command", required=True, metavar="ACTION")
    q = scen.add_parser("check", help="validate scenario YAML files (default: every shipped scenario)")
    q.add_argument("paths", nargs="*", help="scenario files or folders of them")
    q.set_defaults(func=cmd_scenarios_check)
    q = scen.add_parser("list", help="list the shipped scenarios")
    q.set_defaults(func=cmd_scenarios_list)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except grading.CourseError as exc:
        print(f"csworkbook: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("csworkbook: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
