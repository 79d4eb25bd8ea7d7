"""Shared fixtures: every behaviour test runs once per backend, NumPy as the oracle."""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from oracle import check

import shim

settings.register_profile(
    "ci", max_examples=int(os.environ.get("SHIM_HYPOTHESIS_EXAMPLES", "150")), deadline=None,
    derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("ci")

BACKENDS = ("numpy", "jax")


@pytest.fixture(params=BACKENDS)
def backend(request):
    """The backend under test; the shim namespace follows it for the test's duration."""
    with shim.use_backend(request.param):
        yield request.param


@pytest.fixture
def xp(backend):
    """The ``shim`` namespace, set to the backend under test."""
    return shim


@pytest.fixture
def oracle(backend):
    """``oracle(fn, *args)``: run ``fn`` on NumPy data and on this backend's data; compare."""
    def run(fn, *args, **kwargs):
        return check(fn, *args, backend=backend, **kwargs)
    return run


@pytest.fixture
def asarray(backend):
    """Convert NumPy data to the backend's array type (a copy)."""
    def convert(x):
        x = np.asarray(x)
        return shim.asarray(x) if backend == "jax" else x.copy()
    return convert


@pytest.fixture(autouse=True)
def _restore_state():
    """Tests leave the backend and config as they found them."""
    backend, fallback = shim.get_backend_name(), shim.config.fallback
    yield
    shim.use_backend(backend)
    shim.config.fallback = fallback
