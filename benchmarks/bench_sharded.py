"""Per-step time of examples/sharded_heat.py on 1, 2 and 4 devices, in one run.

Each device count runs in its own process (the count of host devices is fixed
when JAX starts: ``XLA_FLAGS=--xla_force_host_platform_device_count=N``);
this script starts them one after the other and prints one table, with each
time's ratio to one device's and NumPy's time per step on the same grid.

    python benchmarks/bench_sharded.py [--n 1024] [--steps 50] [--platform cpu]

With ``--platform gpu`` (or ``tpu``) the counts are of accelerator devices
present (at most as many as there are).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))

import sharded_heat  # noqa: E402

_CHILD = """
import json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, {examples!r})
import sharded_heat
print(json.dumps(sharded_heat.main(n={n}, steps={steps}, repeats={repeats})))
"""


def run_devices(count, n, steps, repeats, platform):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if platform == "cpu":
        env["JAX_PLATFORMS"] = "cpu"
        env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={count}"
    else:
        env["JAX_PLATFORMS"] = platform
        env["CUDA_VISIBLE_DEVICES"] = ",".join(map(str, range(count)))
    code = _CHILD.format(examples=str(ROOT / "examples"), n=n, steps=steps, repeats=repeats)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=900)
    if done.returncode:
        raise RuntimeError(f"{count} device(s) failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def numpy_per_step(n, steps):
    heat = sharded_heat.Heat(sharded_heat.initial_grid(n))
    heat.run(2)
    start = time.perf_counter()
    heat.run(steps)
    return (time.perf_counter() - start) / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--platform", default="cpu")
    parser.add_argument("--devices", default="1,2,4")
    args = parser.parse_args()
    counts = [int(c) for c in args.devices.split(",")]
    numpy_time = numpy_per_step(args.n, args.steps)
    rows = [run_devices(c, args.n, args.steps, args.repeats, args.platform) for c in counts]
    one = rows[0]["per_step_s"]
    print(f"heat step, {args.n}x{args.n} float64 grid, rows split across devices "
          f"({args.platform}, {os.cpu_count()} CPU cores); NumPy: {numpy_time * 1e3:.3f} ms/step")
    print("| devices | ms per step | vs 1 device | vs NumPy |")
    print("|---:|---:|---:|---:|")
    for row in rows:
        t = row["per_step_s"]
        print(f"| {row['devices']} | {t * 1e3:.3f} | {t / one:.2f}x | {t / numpy_time:.2f}x |")
    assert np.allclose([r["total_heat"] for r in rows], rows[0]["total_heat"], rtol=1e-9)


if __name__ == "__main__":
    main()
