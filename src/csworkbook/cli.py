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
