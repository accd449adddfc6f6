"""`import werkmap` in a fresh process against importing its light dependencies."""

from __future__ import annotations

import statistics
import subprocess
import sys

from harness import Benchmark, Result, Target

LIGHT_DEPS = "import numpy, attrs, cattrs, pluggy, dateutil.relativedelta, zoneinfo"


def _fresh(code: str) -> float:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    # The last -X importtime line per top-level import holds its cumulative time in µs.
    total = 0
    for line in out.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and not parts[2].startswith("  "):
            total += int(parts[1])
    return total / 1e6


def run(quick: bool) -> Result:
    repeat = 3 if quick else 9
    ours, deps = [], []
    for _ in range(repeat):
        deps.append(_fresh(LIGHT_DEPS))
        ours.append(_fresh("import werkmap"))
    ours_s, deps_s = statistics.median(ours), statistics.median(deps)
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, werkmap; print('scipy' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ratio = ours_s / deps_s
    return Result(
        benchmark="import",
        n=1,
        median_s=ours_s,
        vs={"deps": ratio},
        targets=[
            Target(
                "import werkmap <= 1.5x importing numpy+attrs+cattrs+pluggy+dateutil", ratio <= 1.5
            ),
            Target("scipy is not imported by `import werkmap`", loaded == "False"),
        ],
    )


BENCHMARKS = [Benchmark("import", run)]
