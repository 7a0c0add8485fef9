"""Erlang C: how fast staffing is worked out, and agreement with two independent libraries.

Run:  python3 workbook.py run python benchmarks/erlang_benchmark.py

Prints figures only; nothing here is asserted as a time.
"""

from __future__ import annotations

import time

import call_center_tools.erlang as cct
import erlanglib

from csworkbook import metrics


def timed(fn, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    print("agents_required: calls per 30 min, AHT 180 s, 80% answered in 20 s")
    print(f"{'calls':>8} {'traffic':>9} {'agents':>7} {'rostered@30%':>13} {'ms per call':>12}")
    for calls in (100, 1_000, 10_000, 50_000, 100_000):
        result = metrics.agents_required(calls, 1800, 180, 20, 0.8, shrinkage=0.3)
        seconds = timed(lambda: metrics.agents_required(calls, 1800, 180, 20, 0.8, shrinkage=0.3), 20)
        print(f"{calls:>8} {result.traffic:>9.0f} {result.agents:>7} {result.rostered:>13} {seconds * 1000:>12.3f}")

    print("\nerlang_c against erlanglib and call-center-tools (max absolute difference)")
    grid = [(a, n) for a in (1, 5, 10, 50, 100, 500, 1000) for n in range(a + 1, a + 40, 3)]
    diff_a = max(abs(metrics.erlang_c(a, n) - erlanglib.erlang_c(n, a)) for a, n in grid)
    diff_b = max(abs(metrics.erlang_c(a, n) - cct.erlang_c(a, n)) for a, n in grid)
    print(f"  {len(grid)} (traffic, agents) pairs: erlanglib {diff_a:.2e}, call-center-tools {diff_b:.2e}")
    for name, fn in (("csworkbook", lambda: metrics.erlang_c(1000, 1030)),
                     ("erlanglib", lambda: erlanglib.erlang_c(1030, 1000)),
                     ("call-center-tools", lambda: cct.erlang_c(1000, 1030))):
        print(f"  erlang_c(1000 Erlangs, 1030 agents) with {name:18} {timed(fn, 50) * 1e6:9.1f} us")


if __name__ == "__main__":
    main()
