"""Checks that need several devices; run by tests/test_sharding.py in a subprocess.

The process is started with ``XLA_FLAGS=--xla_force_host_platform_device_count=4``
and ``JAX_PLATFORMS=cpu``; it prints one JSON object: case name -> ``"ok"`` or
the failure. Every case computes the same thing with NumPy and compares, and
checks that the sharded array is still laid out as before.
"""
from __future__ import annotations

import json
import pickle
import sys
import traceback

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

import shim

# Four CPU devices on few cores: launches of consecutive programs whose devices exchange
# data can wait on each other for ever (XLA's CPU collectives; plain jax.jit too), so the
# programs here are launched one at a time and loop inside.
jax.config.update("jax_cpu_enable_async_dispatch", False)

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def mesh():
    return Mesh(np.array(jax.devices()), ("x",))


def rows():
    return NamedSharding(mesh(), P("x"))


def sharded(data):
    return shim.device_put(np.asarray(data, dtype=float), rows())


def same(x, expected, sharding=None):
    np.testing.assert_array_equal(np.asarray(x), expected)
    assert x.dtype == np.asarray(expected).dtype, (x.dtype, np.asarray(expected).dtype)
    want = rows() if sharding is None else sharding
    assert x.sharding.is_equivalent_to(want, x.ndim), f"{x.sharding} is not {want}"


def _write_case(name, write):
    def run():
        data = np.arange(32.0).reshape(8, 4)
        x, expected = sharded(data), data.copy()
        write(x, shim)
        write(expected, np)
        same(x, expected)
    run.__name__ = name
    case(run)


for _name, _write in {
    "write_ellipsis": lambda a, xp: a.__setitem__(..., 0),
    "write_colon": lambda a, xp: a.__setitem__(slice(None), 0),
    "write_unsharded_value": lambda a, xp: a.__setitem__(..., xp.ones((8, 4))),
    "write_numpy_value": lambda a, xp: a.__setitem__(..., np.ones(4)),
    "write_slice": lambda a, xp: a.__setitem__((slice(2, 5), 1), 7.0),
    "write_mask": lambda a, xp: a.__setitem__(a > 10, -1.0),
    "write_fancy": lambda a, xp: a.__setitem__([0, 3], 2.0),
    "fill": lambda a, xp: a.fill(3.0),
    "copyto": lambda a, xp: xp.copyto(a, xp.full((8, 4), 5.0)),
    "copyto_where": lambda a, xp: xp.copyto(a, 1.0, where=xp.arange(4) > 1),
    "iadd": lambda a, xp: a.__iadd__(xp.ones(4)),
    "out_unsharded": lambda a, xp: xp.multiply(xp.ones((8, 4)), 2.0, out=a),
    "sort_in_place": lambda a, xp: a.sort(axis=0),
    "view_write": lambda a, xp: a[1:3].__setitem__(..., 0.5),
    "put": lambda a, xp: xp.put(a, [0, 5], 9.0),
    "add_at": lambda a, xp: xp.add.at(a, [0, 0, 3], 1.0),
    "putmask": lambda a, xp: xp.putmask(a, a > 20, 0.0),
}.items():
    _write_case(_name, _write)


@case
def repr_and_device():
    x = sharded(np.arange(8.0))
    assert repr(x) == "JaxArray(" + repr(np.arange(8.0))[6:]
    assert x.device == x.sharding == rows()


@case
def device_put_and_to_device():
    x = shim.arange(8.0)
    same(shim.device_put(x, rows()), np.arange(8.0))
    same(x.to_device(rows()), np.arange(8.0))
    y = shim.device_put(sharded(np.arange(8.0)), jax.devices()[1])
    assert y.device == jax.devices()[1]


@case
def pickle_keeps_sharding():
    x = sharded(np.arange(8.0))
    same(pickle.loads(pickle.dumps(x)), np.arange(8.0))


@case
def creation_with_sharding():
    s = rows()
    for made, expected in [
        (shim.zeros((8, 2), device=s), np.zeros((8, 2))),
        (shim.ones(8, device=s), np.ones(8)),
        (shim.full(8, 2.5, device=s), np.full(8, 2.5)),
        (shim.empty(8, device=s) * 0, np.zeros(8)),
        (shim.arange(8, device=s), np.arange(8)),
        (shim.linspace(0, 1, 8, device=s), np.linspace(0, 1, 8)),
        (shim.eye(8, device=s), np.eye(8)),
        (shim.zeros_like(np.ones(8), device=s), np.zeros(8)),
        (shim.full_like(np.ones(8), 3.0, device=s), np.full(8, 3.0)),
        (shim.asarray(np.arange(8.0), device=s), np.arange(8.0)),
    ]:
        same(made, expected)


@case
def array_api_device_of_an_array():
    xp = shim.array_api
    x = sharded(np.arange(8.0))
    same(xp.zeros(8, device=x.device), np.zeros(8))
    same(xp.arange(8, device=x.device), np.arange(8))
    same(xp.full(8, 1.5, device=x.device), np.full(8, 1.5))
    same(xp.linspace(0, 1, 8, device=x.device), np.linspace(0, 1, 8))
    same(xp.asarray(np.ones(8), device=x.device), np.ones(8))


@case
def random_sharded_equals_unsharded():
    s = rows()
    shim.random.seed(7)
    plain = shim.random.normal(size=(8, 4))
    shim.random.seed(7)
    split = shim.random.normal(size=(8, 4), device=s)
    same(split, np.asarray(plain))
    a = shim.random.default_rng(3).uniform(size=16)
    b = shim.random.default_rng(3).uniform(size=16, device=s)
    same(b, np.asarray(a))


@case
def jit_state_keeps_sharding():
    class Holder:
        def __init__(self):
            self.v = sharded(np.arange(8.0))

        def reset(self):
            self.v[...] = 0

    h = Holder()
    step = shim.jit(h.reset)
    step()
    step()
    same(h.v, np.zeros(8))


@case
def jit_in_out_shardings():
    s, replicated = rows(), NamedSharding(mesh(), P())
    f = shim.jit(lambda a: a * 2, in_shardings=s, out_shardings=replicated)
    same(f(shim.arange(8.0)), np.arange(8.0) * 2, replicated)


class Diffusion:
    """Explicit 2-D diffusion, NumPy code on a state array."""

    def __init__(self, u, xp):
        self.u, self.xp = u, xp

    def step(self):
        u = self.u
        u[1:-1, 1:-1] += 0.1 * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2]
                                - 4 * u[1:-1, 1:-1])

    def steps(self, n):
        shim.for_loop(self.step, n)


@case
def jit_diffusion_row_sharded():
    grid = np.zeros((16, 16))
    grid[6:10, 6:10] = 1.0
    reference = Diffusion(grid.copy(), np)
    for _ in range(50):
        reference.step()
    model = Diffusion(shim.device_put(grid, rows()), shim)
    run = shim.jit(model.steps, static_argnums=0)
    for _ in range(5):          # many steps per call: few launches of programs that talk
        run(10)
    np.testing.assert_allclose(np.asarray(model.u), reference.u, rtol=1e-12, atol=1e-15)
    assert model.u.sharding.is_equivalent_to(rows(), 2)


@case
def sharded_heat_example():
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "examples" / "sharded_heat.py"
    spec = importlib.util.spec_from_file_location("sharded_heat", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    reference = example.Heat(example.initial_grid(32))
    reference.run(10 * 3)                 # main() runs: once to compile, then `repeats` times
    result = example.main(n=32, steps=10, repeats=2)
    assert result["devices"] == 4 and "rows" in result["sharding"], result
    np.testing.assert_allclose(result["total_heat"], reference.total_heat(), rtol=1e-12)


def main(names):
    results = {}
    for name in names or CASES:
        print(name, file=sys.stderr, flush=True)
        try:
            CASES[name]()
            results[name] = "ok"
        except Exception:
            results[name] = traceback.format_exc(limit=4)
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
