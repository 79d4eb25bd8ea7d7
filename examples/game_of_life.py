"""Conway's Game of Life with NumPy slicing.

The board ``Z`` is an integer array with a border of dead cells that never
changes. Neighbour counts are sums of the eight shifted interior slices, and
the update writes the board in place: ``Z[...] = 0`` clears it and the chained
slice ``Z[1:-1, 1:-1][mask] = 1`` switches on the cells that are born or
survive (the slice is a view, so the boolean assignment reaches ``Z``).

A second rule, :func:`step_torus`, plays on a wrapped-around board with
``np.roll``.
"""
import time

import numpy as np


def neighbours(Z):
    """Live neighbours of every interior cell of a bordered board."""
    return (Z[0:-2, 0:-2] + Z[0:-2, 1:-1] + Z[0:-2, 2:]
            + Z[1:-1, 0:-2] + Z[1:-1, 2:]
            + Z[2:, 0:-2] + Z[2:, 1:-1] + Z[2:, 2:])


def step(Z):
    """One generation on a board with a dead border, in place."""
    N = neighbours(Z)
    inner = Z[1:-1, 1:-1]
    birth = (N == 3) & (inner == 0)
    survive = ((N == 2) | (N == 3)) & (inner == 1)
    Z[...] = 0
    Z[1:-1, 1:-1][birth | survive] = 1
    return Z


def step_torus(Z):
    """One generation on a periodic board (no border), in place."""
    N = np.zeros_like(Z)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                N += np.roll(np.roll(Z, di, axis=0), dj, axis=1)
    alive = Z.astype(bool)
    Z[:] = np.where((N == 3) | (alive & (N == 2)), 1, 0)
    return Z


def run(Z, n_steps, rule=step):
    """Play ``n_steps`` generations in place; return the live-cell count after each."""
    population = []
    for _ in range(n_steps):
        rule(Z)
        population.append(int(Z.sum()))
    return population


def glider():
    return np.array([[0, 1, 0],
                     [0, 0, 1],
                     [1, 1, 1]])


def initial_state(seed=0, n=64, density=0.3):
    """An ``(n + 2) x (n + 2)`` board: random soup, a dead border, a glider in a corner."""
    rng = np.random.default_rng(seed)
    Z = np.zeros((n + 2, n + 2), dtype=int)
    Z[1:-1, 1:-1] = rng.random((n, n)) < density
    Z[1:6, 1:6] = 0
    Z[2:5, 2:5] = glider()
    return Z


def main():
    Z = initial_state(seed=0, n=128)
    start = time.perf_counter()
    population = run(Z, 200)
    elapsed = time.perf_counter() - start
    print(f"game of life, 128x128 with border, 200 generations in {elapsed:.2f} s")
    print(f"  population: start {population[0]}, end {population[-1]}, "
          f"min {min(population)}, max {max(population)}")

    T = initial_state(seed=1, n=64)[1:-1, 1:-1].copy()
    population = run(T, 100, rule=step_torus)
    print(f"  torus 64x64 after 100 generations: {population[-1]} alive")


if __name__ == "__main__":
    main()
