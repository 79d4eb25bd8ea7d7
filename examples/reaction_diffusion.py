"""Gray-Scott reaction-diffusion with NumPy views.

Two chemicals ``U`` and ``V`` react as ``U + 2V -> 3V`` while ``U`` is fed
in at rate ``F`` and ``V`` is removed at rate ``F + k``; both diffuse. The
fields live on grids with one ghost cell on each side. Each step takes views
of the interiors, ``u = U[1:-1, 1:-1]`` and ``v = V[1:-1, 1:-1]``, computes the
5-point Laplacian from slices of the full arrays and updates the views in
place (``u += ...``, ``v += ...``), which changes ``U`` and ``V`` themselves.
The ghost cells are then refreshed in place, either periodically (wrap
around) or with fixed values (Dirichlet).
"""
import time

import numpy as np

#: A few (F, k) pairs from Pearson's classification, with Du = 0.16, Dv = 0.08.
PATTERNS = {
    "spots": (0.035, 0.065),
    "worms": (0.046, 0.063),
    "mitosis": (0.028, 0.062),
}


def laplacian(Z):
    """5-point Laplacian of the interior of ``Z`` (grid spacing 1)."""
    return (Z[:-2, 1:-1] + Z[2:, 1:-1] + Z[1:-1, :-2] + Z[1:-1, 2:]
            - 4 * Z[1:-1, 1:-1])


def periodic_boundary(Z):
    """Ghost cells copy the opposite edge of the interior."""
    Z[0, :] = Z[-2, :]
    Z[-1, :] = Z[1, :]
    Z[:, 0] = Z[:, -2]
    Z[:, -1] = Z[:, 1]


def fixed_boundary(Z, value):
    """Ghost cells hold a constant."""
    Z[0, :] = value
    Z[-1, :] = value
    Z[:, 0] = value
    Z[:, -1] = value


def step(U, V, F, k, Du=0.16, Dv=0.08, dt=1.0, boundary="periodic"):
    """One explicit Euler step, in place."""
    u = U[1:-1, 1:-1]
    v = V[1:-1, 1:-1]
    Lu = laplacian(U)
    Lv = laplacian(V)
    uvv = u * v * v
    u += dt * (Du * Lu - uvv + F * (1 - u))
    v += dt * (Dv * Lv + uvv - (F + k) * v)
    if boundary == "periodic":
        periodic_boundary(U)
        periodic_boundary(V)
    else:
        fixed_boundary(U, 1.0)
        fixed_boundary(V, 0.0)


def simulate(U, V, n_steps, pattern="spots", **params):
    F, k = PATTERNS[pattern]
    for _ in range(n_steps):
        step(U, V, F, k, **params)
    return U, V


def initial_state(seed=0, n=64):
    """``U = 1, V = 0`` with a perturbed square of ``V`` in the middle, plus noise."""
    rng = np.random.default_rng(seed)
    U = np.ones((n + 2, n + 2))
    V = np.zeros((n + 2, n + 2))
    r = n // 8
    c = n // 2
    U[c - r:c + r, c - r:c + r] = 0.50
    V[c - r:c + r, c - r:c + r] = 0.25
    U[1:-1, 1:-1] += 0.05 * rng.random((n, n))
    V[1:-1, 1:-1] += 0.05 * rng.random((n, n))
    periodic_boundary(U)
    periodic_boundary(V)
    return U, V


def main():
    U, V = initial_state(seed=0, n=128)
    start = time.perf_counter()
    simulate(U, V, 2000, pattern="spots")
    elapsed = time.perf_counter() - start
    v = V[1:-1, 1:-1]
    print(f"Gray-Scott 'spots', 128x128, 2000 steps in {elapsed:.2f} s")
    print(f"  V: mean {v.mean():.4f}, max {v.max():.4f}, "
          f"cells with V > 0.2: {(v > 0.2).sum()}")


if __name__ == "__main__":
    main()
