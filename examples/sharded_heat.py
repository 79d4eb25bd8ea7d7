"""Heat diffusion on a 2-D grid split across devices: plain NumPy, one placement line.

The temperature ``T`` lives on a grid whose edges are held at zero; each step
updates the interior in place from the 5-point Laplacian (explicit Euler,
stable for ``alpha <= 0.25``). Everything below ``main`` is NumPy code; run
on JaxArrays, the one line in :func:`main` that places the grid on a mesh of
devices (rows split across them) makes every step run on all devices, with
XLA exchanging the boundary rows between neighbours.

Run ``python examples/sharded_heat.py``; to try several devices on one
machine, set ``XLA_FLAGS=--xla_force_host_platform_device_count=4``.
"""
import time

import numpy as np


def initial_grid(n):
    """An ``n`` x ``n`` grid, cold, with a hot square in the middle."""
    T = np.zeros((n, n))
    T[3 * n // 8:5 * n // 8, 3 * n // 8:5 * n // 8] = 100.0
    return T


def heat_step(T, alpha):
    """One explicit step of the heat equation on the interior of ``T``, in place."""
    T[1:-1, 1:-1] += alpha * (T[2:, 1:-1] + T[:-2, 1:-1] + T[1:-1, 2:] + T[1:-1, :-2]
                              - 4 * T[1:-1, 1:-1])


class Heat:
    """A grid and its diffusion constant; :meth:`run` advances it ``steps`` steps."""

    def __init__(self, T, alpha=0.2):
        self.T = T
        self.alpha = alpha

    def run(self, steps):
        for _ in range(steps):
            heat_step(self.T, self.alpha)

    def total_heat(self):
        return float(np.sum(self.T))


def main(n=512, steps=50, repeats=3):
    """Run on JaxArrays over every device there is; print the time per step."""
    import jax
    from jax.sharding import AxisType, NamedSharding, PartitionSpec

    import shim

    mesh = jax.make_mesh((jax.device_count(),), ("rows",), axis_types=(AxisType.Auto,))
    T = shim.device_put(initial_grid(n), NamedSharding(mesh, PartitionSpec("rows")))  # the line
    heat = Heat(T)
    run = shim.jit(heat.run, static_argnums=0)
    run(steps)                                     # compile
    jax.block_until_ready(heat.T.value)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run(steps)
        jax.block_until_ready(heat.T.value)
        best = min(best, time.perf_counter() - start)
    return {"devices": jax.device_count(), "n": n, "steps": steps,
            "per_step_s": best / steps, "sharding": str(heat.T.sharding.spec),
            "total_heat": heat.total_heat()}


if __name__ == "__main__":
    result = main()
    print(f"{result['devices']} device(s), {result['n']}x{result['n']} grid split as "
          f"{result['sharding']}: {result['per_step_s'] * 1e3:.3f} ms per step")
