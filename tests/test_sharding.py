"""Sharded JaxArrays on four host devices: writes, creation, random, pickling and jit keep
the layout, and values match NumPy's.

The main test process keeps one device, so the cases (tests/sharded_cases.py)
run once, together, in a subprocess with four CPU devices; each test reports one.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sharded_cases

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def results():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=4",
               JAX_PLATFORMS="cpu", PYTHONPATH=os.pathsep.join([str(HERE.parent), str(HERE)]))
    done = subprocess.run([sys.executable, "-W", "ignore", str(HERE / "sharded_cases.py")],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(sharded_cases.CASES))
def test_sharded(results, name):
    assert results[name] == "ok", results[name]
