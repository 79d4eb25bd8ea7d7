"""Run the programs in ``examples/`` on NumPy arrays and on JaxArrays; save figures.

Each figure shows the NumPy run and the shim run of the same program from the
same initial state side by side, with the largest difference in the title.
The images go to ``docs/_static/`` and are committed; rebuild them with::

    python docs/make_figures.py            # all four, about a minute on a CPU
    python docs/make_figures.py life       # one: life, gray_scott, fluids, lif

Needs matplotlib (``pip install -e ".[docs]"``).
"""
from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import shim  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "docs" / "_static"


def load(name: str):
    """``examples/<name>.py`` as a module (the examples are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_both(make_state, run):
    """Run ``run`` on NumPy arrays and on JaxArrays made from the same state.

    ``make_state()`` returns a dict of NumPy arrays; ``run(state)`` changes it
    in place. Returns (NumPy state, shim state as NumPy arrays, seconds on
    NumPy, seconds on shim).
    """
    reference = make_state()
    start = time.perf_counter()
    run(reference)
    numpy_seconds = time.perf_counter() - start
    jax_state = {key: shim.asarray(value) for key, value in make_state().items()}
    start = time.perf_counter()
    run(jax_state)
    shim_seconds = time.perf_counter() - start
    assert all(isinstance(v, shim.JaxArray) for v in jax_state.values())
    return reference, {k: np.asarray(v) for k, v in jax_state.items()}, numpy_seconds, shim_seconds


def side_by_side(name, title, numpy_image, shim_image, cmap, note):
    fig, axes = plt.subplots(1, 2, figsize=(8, 4.2), constrained_layout=True)
    for ax, image, label in zip(axes, (numpy_image, shim_image), ("NumPy arrays", "JaxArrays (shim)")):
        ax.imshow(image.T, origin="lower", cmap=cmap, interpolation="nearest")
        ax.set_title(label)
        ax.set_xticks([])
        ax.set_yticks([])
    difference = np.max(np.abs(np.asarray(numpy_image, float) - np.asarray(shim_image, float)))
    fig.suptitle(f"{title}\nlargest difference NumPy vs shim: {difference:.1e}; {note}")
    save(fig, name)


def save(fig, name):
    path = STATIC / f"gallery_{name}.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    print(f"wrote {path.relative_to(ROOT)}")


def life():
    game = load("game_of_life")
    steps = 200
    numpy_state, shim_state, t_np, t_shim = on_both(
        lambda: {"Z": game.initial_state(seed=0, n=96)},
        lambda state: game.run(state["Z"], steps))
    side_by_side("life", f"Game of Life, 96x96 board, after {steps} generations",
                 numpy_state["Z"], shim_state["Z"], "binary",
                 f"NumPy {t_np:.2f} s, shim eager {t_shim:.2f} s incl. compiling")


def gray_scott():
    rd = load("reaction_diffusion")
    steps = 3000
    numpy_state, shim_state, t_np, t_shim = on_both(
        lambda: dict(zip("UV", rd.initial_state(seed=0, n=96))),
        lambda state: rd.simulate(state["U"], state["V"], steps, pattern="spots"))
    side_by_side("gray_scott", f"Gray-Scott 'spots', 96x96, V after {steps} steps",
                 numpy_state["V"][1:-1, 1:-1], shim_state["V"][1:-1, 1:-1], "viridis",
                 f"NumPy {t_np:.2f} s, shim eager {t_shim:.2f} s incl. compiling")


def fluids():
    sf = load("stable_fluids")
    steps = 60
    numpy_state, shim_state, t_np, t_shim = on_both(
        lambda: sf.initial_state(seed=0, n=64),
        lambda state: sf.simulate(state, steps))
    side_by_side("fluids", f"Stable fluids, 64x64, smoke density after {steps} steps",
                 numpy_state["density"][1:-1, 1:-1], shim_state["density"][1:-1, 1:-1], "magma",
                 f"NumPy {t_np:.2f} s, shim eager {t_shim:.2f} s incl. compiling")


def lif():
    sn = load("spiking_network")
    n_exc, n_inh, steps = 800, 200, 1000
    W, v0, i_ext = sn.initial_state(seed=0, n_exc=n_exc, n_inh=n_inh)
    rasters, rates = [], []
    for make in (np.asarray, shim.asarray):
        net = sn.LIFNetwork(make(W), make(v0))
        net.run(steps, make(i_ext), record=True)
        times, neurons = net.raster()
        rasters.append((np.asarray(times), np.asarray(neurons)))
        rates.append(np.asarray(net.population_rate()))
    same = all(np.array_equal(a, b) for a, b in zip(*rasters))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5), sharex=True, height_ratios=(3, 1),
                                      constrained_layout=True)
    times, neurons = rasters[1]
    excitatory = neurons < n_exc
    top.plot(times[excitatory], neurons[excitatory], ".", ms=1.5, color="tab:blue")
    top.plot(times[~excitatory], neurons[~excitatory], ".", ms=1.5, color="tab:red")
    top.set_ylabel("neuron (red: inhibitory)")
    dt = 0.1
    time_axis = dt * np.arange(1, steps + 1)
    bottom.plot(time_axis, rates[0], color="0.6", lw=2, label="NumPy arrays")
    bottom.plot(time_axis, rates[1], color="k", lw=0.7, label="JaxArrays (shim)")
    bottom.set_xlabel("time (ms)")
    bottom.set_ylabel("rate (Hz)")
    bottom.legend(loc="upper right", fontsize="small")
    fig.suptitle(f"LIF network, {n_exc} E + {n_inh} I neurons, on JaxArrays; "
                 f"spike trains identical to NumPy's: {same}")
    save(fig, "lif")


FIGURES = {"life": life, "gray_scott": gray_scott, "fluids": fluids, "lif": lif}


def main(names):
    STATIC.mkdir(parents=True, exist_ok=True)
    unknown = sorted(set(names) - set(FIGURES))
    if unknown:
        raise SystemExit(f"make_figures.py: unknown figure(s) {unknown}; allowed: {sorted(FIGURES)}")
    for name in names or FIGURES:
        FIGURES[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
