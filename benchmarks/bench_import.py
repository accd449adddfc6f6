"""`import werkmap` in a fresh process against importing its light dependencies."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

from harness import Benchmark, Result, Target

LIGHT_DEPS = "import numpy, attrs, cattrs, pluggy, dateutil.relativedelta, zoneinfo"

# Time the import statement itself inside a fresh interpreter, so interpreter start-up (the same for both
# sides) does not dilute the ratio.
_TIMED = "import time\nt = time.perf_counter()\n{code}\nprint(time.perf_counter() - t)\n"


def _env(pycache: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        # A private byte-code cache: what an installed package has, without writing into the tree.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def _fresh(code: str, env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _TIMED.format(code=code)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return float(out.stdout.strip().splitlines()[-1])


def _ratio(env: dict[str, str], repeat: int) -> tuple[float, float]:
    _fresh(LIGHT_DEPS, env)  # warm up (and fill the byte-code cache)
    _fresh("import werkmap", env)
    ours, deps = [], []
    for _ in range(repeat):
        deps.append(_fresh(LIGHT_DEPS, env))
        ours.append(_fresh("import werkmap", env))
    return statistics.median(ours), statistics.median(deps)


def run(quick: bool) -> Result:
    repeat = 3 if quick else 9
    with tempfile.TemporaryDirectory(prefix="werkmap-pycache-") as pycache:
        ours_s, deps_s = _ratio(_env(pycache), repeat)
    cold_ours, cold_deps = _ratio(_env(None), 3 if quick else 5)
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
        extra={
            "deps_median": f"{deps_s * 1e3:.1f} ms (byte-code cache warm, as after pip install)",
            "without byte-code cache": (
                f"werkmap {cold_ours * 1e3:.1f} ms vs deps {cold_deps * 1e3:.1f} ms, "
                f"ratio {cold_ours / cold_deps:.3g}x (not a target: compiles werkmap's sources)"
            ),
        },
    )


BENCHMARKS = [Benchmark("import", run)]
