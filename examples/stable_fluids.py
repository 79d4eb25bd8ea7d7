"""Stable fluids: a 2-D incompressible smoke solver after Jos Stam (1999, 2003).

The grid has one ghost cell on each side, ``(n + 2) x (n + 2)`` cells, and
``x[i, j]`` is the cell at column ``i`` (x direction) and row ``j`` (y
direction). One time step

* adds sources (density and forces) to the fields,
* diffuses them implicitly, solving ``(1 + 4a) x - a * (neighbours) = x0``
  with Jacobi iterations written as slice arithmetic,
* moves them along the velocity field with semi-Lagrangian advection: each
  cell is traced back in time and the old field is bilinearly interpolated
  there, using integer / fractional index arithmetic and fancy indexing,
* projects the velocity onto its divergence-free part, solving the pressure
  Poisson equation with red-black Gauss-Seidel sweeps (boolean masks on a
  slice view),
* sets the boundary conditions by in-place writes to the ghost cells: the
  normal velocity component is reflected at the walls, every other quantity
  is copied from its neighbour.

All temporaries follow the type of the state arrays, so the functions work on
any array type that behaves like ``numpy.ndarray``.
"""
import time

import numpy as np


def set_bnd(b, x):
    """Boundary conditions in place: ``b = 1`` reflects the x wall, ``b = 2`` the y wall."""
    if b == 1:
        x[0, :] = -x[1, :]
        x[-1, :] = -x[-2, :]
    else:
        x[0, :] = x[1, :]
        x[-1, :] = x[-2, :]
    if b == 2:
        x[:, 0] = -x[:, 1]
        x[:, -1] = -x[:, -2]
    else:
        x[:, 0] = x[:, 1]
        x[:, -1] = x[:, -2]
    x[0, 0] = 0.5 * (x[1, 0] + x[0, 1])
    x[0, -1] = 0.5 * (x[1, -1] + x[0, -2])
    x[-1, 0] = 0.5 * (x[-2, 0] + x[-1, 1])
    x[-1, -1] = 0.5 * (x[-2, -1] + x[-1, -2])


def neighbour_sum(x):
    """Sum of the four neighbours of every interior cell."""
    return x[:-2, 1:-1] + x[2:, 1:-1] + x[1:-1, :-2] + x[1:-1, 2:]


def jacobi(b, x, x0, a, c, iterations):
    """Solve ``c x - a * neighbour_sum(x) = x0`` in the interior by Jacobi iterations."""
    for _ in range(iterations):
        x[1:-1, 1:-1] = (x0[1:-1, 1:-1] + a * neighbour_sum(x)) / c
        set_bnd(b, x)


def checkerboard(n):
    """The red cells of an ``n x n`` interior (``i + j`` even); black is ``~red``."""
    i, j = np.indices((n, n))
    return (i + j) % 2 == 0


def gauss_seidel(b, x, x0, a, c, iterations):
    """Solve ``c x - a * neighbour_sum(x) = x0`` by red-black Gauss-Seidel sweeps."""
    n = x.shape[0] - 2
    red = checkerboard(n)
    black = ~red
    inner = x[1:-1, 1:-1]          # a view: writing it writes x
    for _ in range(iterations):
        for colour in (red, black):
            new = (x0[1:-1, 1:-1] + a * neighbour_sum(x)) / c
            inner[colour] = new[colour]
        set_bnd(b, x)


def add_source(x, s, dt):
    x += dt * s


def diffuse(b, x, x0, diff, dt, iterations):
    n = x.shape[0] - 2
    a = dt * diff * n * n
    jacobi(b, x, x0, a, 1 + 4 * a, iterations)


def advect(b, d, d0, u, v, dt):
    """Semi-Lagrangian advection of ``d0`` by ``(u, v)`` into ``d``."""
    n = d.shape[0] - 2
    dt0 = dt * n
    i, j = np.meshgrid(np.arange(1, n + 1), np.arange(1, n + 1), indexing="ij")
    # Trace every cell centre back in time and stay inside the domain.
    x = np.clip(i - dt0 * u[1:-1, 1:-1], 0.5, n + 0.5)
    y = np.clip(j - dt0 * v[1:-1, 1:-1], 0.5, n + 0.5)
    i0 = np.floor(x).astype(int)
    j0 = np.floor(y).astype(int)
    i1 = i0 + 1
    j1 = j0 + 1
    s1 = x - i0
    s0 = 1 - s1
    t1 = y - j0
    t0 = 1 - t1
    d[1:-1, 1:-1] = (s0 * (t0 * d0[i0, j0] + t1 * d0[i0, j1])
                     + s1 * (t0 * d0[i1, j0] + t1 * d0[i1, j1]))
    set_bnd(b, d)


def project(u, v, p, div, iterations):
    """Make ``(u, v)`` divergence free; ``p`` and ``div`` are work arrays."""
    n = u.shape[0] - 2
    h = 1.0 / n
    div[1:-1, 1:-1] = -0.5 * h * (u[2:, 1:-1] - u[:-2, 1:-1] + v[1:-1, 2:] - v[1:-1, :-2])
    p[...] = 0
    set_bnd(0, div)
    set_bnd(0, p)
    gauss_seidel(0, p, div, 1.0, 4.0, iterations)
    u[1:-1, 1:-1] -= 0.5 * (p[2:, 1:-1] - p[:-2, 1:-1]) / h
    v[1:-1, 1:-1] -= 0.5 * (p[1:-1, 2:] - p[1:-1, :-2]) / h
    set_bnd(1, u)
    set_bnd(2, v)


def density_step(dens, dens_source, u, v, diff, dt, iterations):
    add_source(dens, dens_source, dt)
    previous = dens.copy()
    diffuse(0, dens, previous, diff, dt, iterations)
    previous[...] = dens
    advect(0, dens, previous, u, v, dt)


def velocity_step(u, v, force_u, force_v, visc, dt, iterations):
    add_source(u, force_u, dt)
    add_source(v, force_v, dt)
    u_prev = u.copy()
    v_prev = v.copy()
    diffuse(1, u, u_prev, visc, dt, iterations)
    diffuse(2, v, v_prev, visc, dt, iterations)
    p = np.zeros_like(u)
    div = np.zeros_like(u)
    project(u, v, p, div, iterations)
    u_prev[...] = u
    v_prev[...] = v
    advect(1, u, u_prev, u_prev, v_prev, dt)
    advect(2, v, v_prev, u_prev, v_prev, dt)
    project(u, v, p, div, iterations)


def step(state, dt=0.1, visc=1e-4, diff=1e-4, iterations=20):
    """Advance ``state`` (a dict of arrays) by one time step, in place."""
    velocity_step(state["u"], state["v"], state["force_u"], state["force_v"], visc, dt, iterations)
    density_step(state["density"], state["source"], state["u"], state["v"], diff, dt, iterations)
    return state


def simulate(state, n_steps, **params):
    for _ in range(n_steps):
        step(state, **params)
    return state


def initial_state(seed=0, n=32):
    """Random swirl plus a plume: smoke injected at the bottom, pushed upwards."""
    rng = np.random.default_rng(seed)
    shape = (n + 2, n + 2)
    # A smooth divergence-free swirl from a random stream function
    # psi = sum a_kl sin(k pi x) sin(l pi y):  u = dpsi/dy, v = -dpsi/dx.
    x = (np.arange(n + 2) - 0.5) / n
    X, Y = np.meshgrid(x, x, indexing="ij")
    u = np.zeros(shape)
    v = np.zeros(shape)
    amplitude = 0.05 * rng.standard_normal((3, 3))
    for k in range(1, 4):
        for m in range(1, 4):
            a = amplitude[k - 1, m - 1]
            u += a * m * np.pi * np.sin(k * np.pi * X) * np.cos(m * np.pi * Y)
            v -= a * k * np.pi * np.cos(k * np.pi * X) * np.sin(m * np.pi * Y)
    set_bnd(1, u)
    set_bnd(2, v)
    density = np.zeros(shape)
    density[1:-1, 1:-1] = 0.1 * rng.random((n, n))
    source = np.zeros(shape)
    force_u = np.zeros(shape)
    force_v = np.zeros(shape)
    mid = n // 2
    source[mid - 2:mid + 3, 2:5] = 10.0
    force_v[mid - 2:mid + 3, 2:8] = 5.0
    force_u[mid - 2:mid + 3, 2:8] = rng.uniform(-1.0, 1.0, size=(5, 6))
    return {"density": density, "u": u, "v": v,
            "source": source, "force_u": force_u, "force_v": force_v}


def divergence(u, v):
    n = u.shape[0] - 2
    return 0.5 * n * (u[2:, 1:-1] - u[:-2, 1:-1] + v[1:-1, 2:] - v[1:-1, :-2])


def main():
    state = initial_state(seed=0, n=64)
    start = time.perf_counter()
    simulate(state, 50)
    elapsed = time.perf_counter() - start
    d = state["density"][1:-1, 1:-1]
    print(f"stable fluids, 64x64, 50 steps in {elapsed:.2f} s")
    print(f"  total density {d.sum():.4f}, max {d.max():.4f}")
    print(f"  max |u| {np.abs(state['u']).max():.4f}, max |v| {np.abs(state['v']).max():.4f}")
    print(f"  mean |div u| {np.abs(divergence(state['u'], state['v'])).mean():.2e}")


if __name__ == "__main__":
    main()
