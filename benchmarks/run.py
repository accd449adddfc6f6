"""Run every werkmap benchmark and print what was measured against the named peers.

Usage::

    python benchmarks/run.py            # all benchmarks, full sizes, a table
    python benchmarks/run.py --quick    # smaller sizes: a smoke test that the benchmarks still run
    python benchmarks/run.py --json     # one JSON object per line
    python benchmarks/run.py --only fit # one benchmark by name

Each ``benchmarks/bench_*.py`` module contributes a ``BENCHMARKS`` list. With full sizes, a missed target
makes the exit code 1; with ``--quick`` targets are shown but not enforced (the sizes are too small to judge).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import Benchmark, Result  # noqa: E402


def discover() -> list[Benchmark]:
    benchmarks: list[Benchmark] = []
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        benchmarks.extend(module.BENCHMARKS)
    return benchmarks


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def print_table(results: list[Result]) -> None:
    print(f"{'benchmark':<18} {'n':>10} {'median':>11}  ratios (werkmap / peer)")
    for r in results:
        ratios = ", ".join(f"{peer} {ratio:.3g}x" for peer, ratio in r.vs.items()) or "-"
        print(f"{r.benchmark:<18} {r.n:>10} {fmt_time(r.median_s):>11}  {ratios}")
        for t in r.targets:
            print(f"{'':<18}   {'met   ' if t.ok else 'MISSED'} {t.description}")
        for key, value in r.extra.items():
            print(f"{'':<18}   {key}: {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, targets not enforced")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark")
    args = parser.parse_args(argv)
    benchmarks = discover()
    names = [b.name for b in benchmarks]
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            parser.error(f"unknown benchmark(s) {unknown}; known: {', '.join(names)}")
        benchmarks = [b for b in benchmarks if b.name in args.only]
    results = []
    for bench in benchmarks:
        result = bench.run(args.quick)
        results.append(result)
        if args.json:
            print(json.dumps(result.as_json()), flush=True)
    if not args.json:
        print_table(results)
    missed = [t for r in results for t in r.targets if not t.ok]
    if missed and not args.quick:
        print(f"{len(missed)} target(s) missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
