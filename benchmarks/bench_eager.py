"""Eager shim against raw JAX and NumPy: functions, ufuncs and writes.

Run: ``python benchmarks/bench_eager.py`` (``--quick`` for fewer repeats).

Prints Markdown tables of median times per call and the ratios the design's
performance bar is about:

* ``np.f(JaxArray)`` vs ``jnp.f(jax.Array)`` for common functions and ufuncs at
  100 and 1e6 elements (bar: median ratio <= 1.10);
* eager writes (``x[i] = v``, ``x[mask] = v``, ``x += y``, writes through a
  view) vs the same update compiled with ``jax.jit`` (bar: <= 1.5).

NumPy's own time is shown for reference.
"""
from __future__ import annotations

import argparse
import statistics
import sys

import jax
import jax.numpy as jnp
import numpy as np
from timing import compare, format_seconds, machine, table

import shim

SIZES = (100, 1_000_000)

# (name, NumPy call on shim/NumPy arrays, the same with jax.numpy on jax arrays)
FUNCTIONS = [
    ("sin", lambda m, x, y: m.sin(x)),
    ("exp", lambda m, x, y: m.exp(x)),
    ("sqrt", lambda m, x, y: m.sqrt(x)),
    ("add", lambda m, x, y: m.add(x, y)),
    ("multiply", lambda m, x, y: m.multiply(x, y)),
    ("x * 2.5 + y", lambda m, x, y: x * 2.5 + y),
    ("maximum", lambda m, x, y: m.maximum(x, y)),
    ("less", lambda m, x, y: m.less(x, y)),
    ("where", lambda m, x, y: m.where(x > 0.5, x, y)),
    ("sum", lambda m, x, y: m.sum(x)),
    ("mean", lambda m, x, y: m.mean(x)),
    ("std", lambda m, x, y: m.std(x)),
    ("max", lambda m, x, y: m.max(x)),
    ("argmax", lambda m, x, y: m.argmax(x)),
    ("cumsum", lambda m, x, y: m.cumsum(x)),
    ("dot", lambda m, x, y: m.dot(x, y)),
    ("clip", lambda m, x, y: m.clip(x, 0.2, 0.8)),
    ("sort", lambda m, x, y: m.sort(x)),
    ("concatenate", lambda m, x, y: m.concatenate([x, y])),
    ("roll", lambda m, x, y: m.roll(x, 3)),
    ("reshape+transpose", lambda m, x, y: m.transpose(m.reshape(x, (-1, 4)))),
    ("isclose", lambda m, x, y: m.isclose(x, y)),
    ("abs", lambda m, x, y: m.abs(x)),
    ("floor", lambda m, x, y: m.floor(x)),
]


def bench_functions(sizes, rounds):
    rows, ratios = [], {n: [] for n in sizes}
    for name, call in FUNCTIONS:
        row = [name]
        for n in sizes:
            data = np.random.default_rng(0).random((2, n))
            x_np, y_np = data[0], data[1]
            x_sh, y_sh = shim.asarray(x_np), shim.asarray(y_np)
            x_jx, y_jx = jnp.asarray(x_np), jnp.asarray(y_np)
            t = compare({"shim": lambda c=call, x=x_sh, y=y_sh: c(np, x, y),
                         "jax": lambda c=call, x=x_jx, y=y_jx: c(jnp, x, y),
                         "numpy": lambda c=call, x=x_np, y=y_np: c(np, x, y)}, rounds=rounds)
            ratio = t["shim"] / t["jax"]
            ratios[n].append(ratio)
            row += [format_seconds(t["shim"]), format_seconds(t["jax"]), f"{ratio:.2f}",
                    f"{t['shim'] / t['numpy']:.2f}"]
        rows.append(row)
    summary = ["**median**"]
    for n in sizes:
        summary += ["", "", f"**{statistics.median(ratios[n]):.2f}**", ""]
    rows.append(summary)
    header = ["function"]
    for n in sizes:
        header += [f"shim n={n:g}", f"jnp n={n:g}", "shim/jnp", "shim/NumPy"]
    return table("Eager NumPy calls on JaxArrays vs jax.numpy (bar: median shim/jnp <= 1.10)",
                 header, rows), ratios


class _State:
    """A jax.Array updated by a compiled function, as an in-place write would be."""

    def __init__(self, value, update):
        self.value, self.update = value, update

    def __call__(self, *args):
        self.value = self.update(self.value, *args)
        return self.value


def _write_cases(n):
    """(name, shim write, compiled JAX update, NumPy write) for arrays of n elements."""
    x_np = np.random.default_rng(1).random(n)
    y_np = np.random.default_rng(2).random(n)
    mask_np = x_np > 0.5
    cases = []

    x = shim.asarray(x_np)
    jx = _State(jnp.asarray(x_np), jax.jit(lambda a, i, v: a.at[i].set(v)))
    n1 = x_np.copy()

    def shim_set():
        x[7] = 1.5
        return x
    cases.append(("x[i] = v", shim_set, lambda: jx(7, 1.5), lambda: n1.__setitem__(7, 1.5)))

    x2 = shim.asarray(x_np)
    jx2 = _State(jnp.asarray(x_np), jax.jit(lambda a, i, v: a.at[i].set(v)))
    n2 = x_np.copy()
    counter = iter(range(10**9))

    def shim_loop():
        i = next(counter) % 64
        x2[i] = 2.5
        return x2
    for _ in range(2 * 64):             # steady state: each index seen before
        shim_loop()
    cases.append(("x[i] = v, i cycling over 64", shim_loop,
                  lambda: jx2(next(counter) % 64, 2.5),
                  lambda: n2.__setitem__(next(counter) % 64, 2.5)))

    side = int(np.sqrt(n))
    grid = shim.asarray(x_np[:side * side].reshape(side, side))
    jgrid = _State(jnp.asarray(x_np[:side * side].reshape(side, side)),
                   jax.jit(lambda a, i, j, v: a.at[i, j].set(v)))
    ngrid = x_np[:side * side].reshape(side, side).copy()
    fresh = iter(range(10**9))

    def shim_fresh():
        k = next(fresh) % (side * side)
        grid[k // side, k % side] = 2.5
        return grid
    cases.append(("x[i, j] = v, new index each call", shim_fresh,
                  lambda: (lambda k: jgrid(k // side, k % side, 2.5))(next(fresh) % (side * side)),
                  lambda: (lambda k: ngrid.__setitem__((k // side, k % side), 2.5))(
                      next(fresh) % (side * side))))

    xm, mask = shim.asarray(x_np), shim.asarray(mask_np)
    jm = jnp.asarray(mask_np)
    jxm = _State(jnp.asarray(x_np), jax.jit(lambda a, m, v: jnp.where(m, v, a)))
    n3 = x_np.copy()

    def shim_mask():
        xm[mask] = 0.0
        return xm
    cases.append(("x[mask] = v", shim_mask, lambda: jxm(jm, 0.0),
                  lambda: n3.__setitem__(mask_np, 0.0)))

    xa, ya = shim.asarray(x_np), shim.asarray(y_np)
    jy = jnp.asarray(y_np)
    jxa = _State(jnp.asarray(x_np), jax.jit(lambda a, b: a + b))
    n4 = x_np.copy()

    def shim_iadd():
        nonlocal xa
        xa += ya
        return xa
    cases.append(("x += y", shim_iadd, lambda: jxa(jy), lambda: n4.__iadd__(y_np)))

    xv = shim.asarray(x_np)
    view = xv[1:-1]
    jxv = _State(jnp.asarray(x_np), jax.jit(lambda a, v: a.at[1:-1].add(v)))
    n5 = x_np.copy()
    v5 = n5[1:-1]

    def shim_view():
        nonlocal view
        view += 1.0
        return xv
    cases.append(("u += 1 (u = x[1:-1])", shim_view, lambda: jxv(1.0), lambda: v5.__iadd__(1.0)))

    xs = shim.asarray(x_np)
    jxs = _State(jnp.asarray(x_np), jax.jit(lambda a, v: a.at[2:-2:2].set(v)))
    n6 = x_np.copy()

    def shim_slice():
        xs[2:-2:2] = 3.0
        return xs
    cases.append(("x[2:-2:2] = v", shim_slice, lambda: jxs(3.0),
                  lambda: n6.__setitem__(slice(2, -2, 2), 3.0)))
    return cases


def bench_writes(sizes, rounds):
    rows = []
    for n in sizes:
        for name, shim_fn, jax_fn, np_fn in _write_cases(n):
            t = compare({"shim": shim_fn, "jax": jax_fn, "numpy": np_fn}, rounds=rounds)
            rows.append([name, f"{n:g}", format_seconds(t["shim"]), format_seconds(t["jax"]),
                         f"{t['shim'] / t['jax']:.2f}", format_seconds(t["numpy"])])
    return table("Eager writes vs a jax.jit-compiled update carrying the array (bar: shim/jit <= 1.5)",
                 ["write", "n", "shim eager", "jax.jit update", "shim/jit", "NumPy"], rows)


def bench_x64_scope(rounds, number=200_000):
    """The per-call cost of shim's 64-bit scope: a scoped no-op minus a plain one, in microseconds."""
    import timeit

    from shim._config import scoped

    def plain():
        return None

    inside = scoped(plain)
    best = {name: min(timeit.repeat(f, number=number, repeat=rounds)) / number * 1e6
            for name, f in (("plain", plain), ("scoped", inside))}
    return (f"64-bit scope per shim call: {best['scoped'] - best['plain']:.2f} us "
            f"(scoped no-op {best['scoped']:.2f} us, plain {best['plain']:.2f} us)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter timings")
    args = parser.parse_args(argv)
    rounds = 5 if args.quick else 11
    print(f"Machine: {machine()}")
    functions, _ = bench_functions(SIZES, rounds)
    print(functions)
    print(bench_writes(SIZES, rounds))
    print(bench_x64_scope(rounds))


if __name__ == "__main__":
    sys.exit(main())
