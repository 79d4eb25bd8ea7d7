"""The programs in ``examples/``, unmodified, on NumPy arrays and on JaxArrays.

Each program is plain NumPy code that knows nothing of shim. Every test builds
the initial state with NumPy, runs the same number of steps on a NumPy copy
and on JaxArrays made by ``shim.asarray`` from that state, and compares the
final states (float64 throughout). The shim side must end up with JaxArrays,
i.e. the program really ran on JAX: fallbacks to NumPy are errors here, and
the runs are watched for host copies of JaxArrays (``no_host_copies``).

The last tests load a program with its ``np`` global replaced by the ``shim``
module, as if it had been written with ``import shim as np``: on the JAX
backend (from NumPy's initial state, and with the initial state built by
shim's own random streams) and on the NumPy backend (bit for bit NumPy's run).
"""
from __future__ import annotations

import contextlib
import importlib.util
import itertools
import traceback
from pathlib import Path

import numpy as np
import pytest

import shim

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

#: Tolerances for float64 results; the programs are run for few enough steps
#: that rounding differences stay at the level of a few ulps.
RTOL = 1e-9
ATOL = 1e-12

_counter = itertools.count()


def load(name: str, numpy_module=np):
    """A fresh copy of ``examples/<name>.py`` whose global ``np`` is ``numpy_module``."""
    spec = importlib.util.spec_from_file_location(
        f"_shim_example_{name}_{next(_counter)}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.np = numpy_module
    return module


@pytest.fixture(scope="module")
def gol():
    return load("game_of_life")


@pytest.fixture(scope="module")
def rd():
    return load("reaction_diffusion")


@pytest.fixture(scope="module")
def fluids():
    return load("stable_fluids")


@pytest.fixture(scope="module")
def lif():
    return load("spiking_network")


@pytest.fixture(autouse=True)
def _strict_jax():
    """Run with float64 and with NumPy fallbacks raising, on the JAX backend."""
    with shim.config.override(x64=True, fallback="error"), shim.use_backend("jax"):
        yield


@contextlib.contextmanager
def no_host_copies():
    """Fail if anything converts a JaxArray to a NumPy array inside the block.

    A NumPy function that silently copied its JaxArray arguments to the host
    and returned a NumPy result would still give the right numbers; this
    makes sure every step of a program stayed on JAX.
    """
    original = shim.JaxArray.__array__
    copies = []

    def spy(self, *args, **kwargs):
        copies.append("".join(traceback.format_stack(limit=4)[:-1]))
        return original(self, *args, **kwargs)

    shim.JaxArray.__array__ = spy
    try:
        yield
    finally:
        shim.JaxArray.__array__ = original
    assert not copies, f"{len(copies)} host copies of JaxArrays; the first from:\n{copies[0]}"


def host(x):
    return np.asarray(x)


def assert_matches(actual, expected, *, exact=False, rtol=RTOL, atol=ATOL, name=""):
    """``actual`` is a JaxArray with the shape, dtype and values of NumPy's ``expected``."""
    assert isinstance(actual, shim.JaxArray), f"{name}: got {type(actual).__name__}, not a JaxArray"
    assert actual.shape == expected.shape, f"{name}: shape {actual.shape}, NumPy gives {expected.shape}"
    assert actual.dtype == expected.dtype, f"{name}: dtype {actual.dtype}, NumPy gives {expected.dtype}"
    if exact:
        np.testing.assert_array_equal(host(actual), expected, err_msg=name)
    else:
        np.testing.assert_allclose(host(actual), expected, rtol=rtol, atol=atol, err_msg=name)


def assert_state_matches(actual: dict, expected: dict, **kwargs):
    assert actual.keys() == expected.keys()
    for key in expected:
        assert_matches(actual[key], expected[key], name=key, **kwargs)


def test_no_host_copies_catches_conversions():
    x = shim.asarray(np.arange(3.0))
    with pytest.raises(AssertionError, match="1 host copies"):
        with no_host_copies():
            np.asarray(x)
    with no_host_copies():
        np.sum(np.sin(x) * 2)


# --- Game of Life --------------------------------------------------------------------


def test_game_of_life_bordered(gol):
    Z = gol.initial_state(seed=0, n=48)
    Zn = Z.copy()
    population_numpy = gol.run(Zn, 40)
    Zj = shim.asarray(Z)
    with no_host_copies():
        population_shim = gol.run(Zj, 40)
    assert population_shim == population_numpy
    assert_matches(Zj, Zn, exact=True)
    # The border stays dead.
    assert not host(Zj)[[0, -1], :].any() and not host(Zj)[:, [0, -1]].any()


def test_game_of_life_torus(gol):
    T = gol.initial_state(seed=1, n=40)[1:-1, 1:-1].copy()
    Tn = T.copy()
    population_numpy = gol.run(Tn, 40, rule=gol.step_torus)
    Tj = shim.asarray(T)
    with no_host_copies():
        population_shim = gol.run(Tj, 40, rule=gol.step_torus)
    assert population_shim == population_numpy
    assert_matches(Tj, Tn, exact=True)


def test_game_of_life_glider_moves(gol):
    """Independent of NumPy: a glider moves one cell diagonally every 4 generations."""
    Z = np.zeros((12, 12), dtype=int)
    Z[1:4, 1:4] = gol.glider()
    Zj = shim.asarray(Z)
    gol.run(Zj, 8)
    expected = np.zeros_like(Z)
    expected[3:6, 3:6] = gol.glider()
    assert_matches(Zj, expected, exact=True)


def test_game_of_life_step_returns_same_array(gol):
    Zj = shim.asarray(gol.initial_state(seed=2, n=16))
    assert gol.step(Zj) is Zj


# --- Gray-Scott reaction-diffusion --------------------------------------------------


@pytest.mark.parametrize("pattern, boundary", [("spots", "periodic"), ("worms", "fixed")])
def test_reaction_diffusion(rd, pattern, boundary):
    U, V = rd.initial_state(seed=0, n=48)
    Un, Vn = U.copy(), V.copy()
    rd.simulate(Un, Vn, 150, pattern=pattern, boundary=boundary)
    Uj, Vj = shim.asarray(U), shim.asarray(V)
    with no_host_copies():
        result = rd.simulate(Uj, Vj, 150, pattern=pattern, boundary=boundary)
    assert result[0] is Uj and result[1] is Vj
    assert_matches(Uj, Un, name="U")
    assert_matches(Vj, Vn, name="V")
    # The run did something: the patterns have moved away from the start.
    assert np.abs(Vn - V).max() > 1e-2


def test_reaction_diffusion_views_write_through(rd):
    """``u += ...`` on ``u = U[1:-1, 1:-1]`` changes ``U``, and a caller's view follows."""
    U, V = rd.initial_state(seed=3, n=24)
    F, k = rd.PATTERNS["spots"]
    Uj, Vj = shim.asarray(U), shim.asarray(V)
    u_outside = Uj[1:-1, 1:-1]          # a view taken by the caller before the step
    v_outside = Vj[1:-1, 1:-1]
    rd.step(Uj, Vj, F, k)

    # What one step must give, written without views or in-place operations.
    u, v = U[1:-1, 1:-1], V[1:-1, 1:-1]
    uvv = u * v * v
    u_new = u + (0.16 * rd.laplacian(U) - uvv + F * (1 - u))
    v_new = v + (0.08 * rd.laplacian(V) + uvv - (F + k) * v)
    assert np.abs(u_new - u).max() > 1e-3 and np.abs(v_new - v).max() > 1e-3

    assert_matches(Uj[1:-1, 1:-1], u_new, name="U interior")
    assert_matches(Vj[1:-1, 1:-1], v_new, name="V interior")
    assert_matches(u_outside, u_new, name="caller's view of U")
    assert_matches(v_outside, v_new, name="caller's view of V")
    # Periodic ghost cells were refreshed in place from the updated interior.
    Uh = host(Uj)
    np.testing.assert_array_equal(Uh[0, 1:-1], Uh[-2, 1:-1])
    np.testing.assert_array_equal(Uh[1:-1, -1], Uh[1:-1, 1])


# --- Stable fluids -------------------------------------------------------------------


def _fluid_state(fluids, n=24, seed=0, warm_up=3):
    """A state with some structure in it (a few NumPy steps from the initial one)."""
    return fluids.simulate(fluids.initial_state(seed=seed, n=n), warm_up)


def test_stable_fluids(fluids):
    state = fluids.initial_state(seed=0, n=32)
    expected = fluids.simulate({k: v.copy() for k, v in state.items()}, 8)
    actual = {k: shim.asarray(v) for k, v in state.items()}
    with no_host_copies():
        fluids.simulate(actual, 8)
    assert_state_matches(actual, expected)
    assert np.abs(expected["density"] - state["density"]).max() > 0.1


def test_stable_fluids_advect(fluids):
    state = _fluid_state(fluids)
    u, v, d0 = state["u"], state["v"], state["density"]
    dn = np.zeros_like(d0)
    fluids.advect(0, dn, d0, u, v, 0.1)
    dj = shim.asarray(np.zeros_like(d0))
    fluids.advect(0, dj, shim.asarray(d0), shim.asarray(u), shim.asarray(v), 0.1)
    assert_matches(dj, dn)


@pytest.mark.parametrize("solver", ["jacobi", "gauss_seidel"])
@pytest.mark.parametrize("b", [0, 1, 2])
def test_stable_fluids_solvers(fluids, solver, b):
    state = _fluid_state(fluids)
    x0 = state["u"] if b == 1 else state["v"] if b == 2 else state["density"]
    solve = getattr(fluids, solver)
    xn = x0.copy()
    solve(b, xn, x0, 0.7, 1 + 4 * 0.7, 6)
    xj = shim.asarray(x0)
    solve(b, xj, shim.asarray(x0), 0.7, 1 + 4 * 0.7, 6)
    assert_matches(xj, xn)


def test_stable_fluids_project(fluids):
    state = _fluid_state(fluids)
    un, vn = state["u"].copy(), state["v"].copy()
    fluids.project(un, vn, np.zeros_like(un), np.zeros_like(un), 10)
    uj, vj = shim.asarray(state["u"]), shim.asarray(state["v"])
    pj, divj = shim.asarray(np.zeros_like(un)), shim.asarray(np.zeros_like(un))
    fluids.project(uj, vj, pj, divj, 10)
    assert_matches(uj, un, name="u")
    assert_matches(vj, vn, name="v")
    assert isinstance(pj, shim.JaxArray) and isinstance(divj, shim.JaxArray)


# --- Spiking network -----------------------------------------------------------------

_NETWORK_ARRAYS = ("v", "spike", "refractory", "last_spike", "n_spikes")


def _network_state(net) -> dict:
    return {name: getattr(net, name) for name in _NETWORK_ARRAYS}


def test_spiking_network(lif):
    W, v0, i_ext = lif.initial_state(seed=0, n_exc=160, n_inh=40)
    net_numpy = lif.LIFNetwork(W, v0)
    counts_numpy = net_numpy.run(400, i_ext, record=True)
    net_shim = lif.LIFNetwork(shim.asarray(W), shim.asarray(v0))
    with no_host_copies():
        counts_shim = net_shim.run(400, shim.asarray(i_ext), record=True)

    assert counts_numpy.sum() > 50          # the network is active
    np.testing.assert_array_equal(host(counts_shim), counts_numpy)
    assert net_shim.t == pytest.approx(net_numpy.t, rel=1e-12)
    expected = _network_state(net_numpy)
    actual = _network_state(net_shim)
    for name in ("spike", "refractory", "n_spikes"):
        assert_matches(actual[name], expected[name], exact=True, name=name)
    for name in ("v", "last_spike"):
        assert_matches(actual[name], expected[name], name=name)
    assert_matches(net_shim.rates(), net_numpy.rates())
    times_numpy, neurons_numpy = net_numpy.raster()
    times_shim, neurons_shim = net_shim.raster()
    assert_matches(neurons_shim, neurons_numpy, exact=True, name="raster neurons")
    assert_matches(times_shim, times_numpy, name="raster times")


def test_spiking_network_population_rate(lif):
    """``spike.mean()`` of a boolean array is float64 in NumPy."""
    W, v0, i_ext = lif.initial_state(seed=2, n_exc=80, n_inh=20)
    net_numpy = lif.LIFNetwork(W, v0)
    net_numpy.run(150, i_ext)
    net_shim = lif.LIFNetwork(shim.asarray(W), shim.asarray(v0))
    with no_host_copies():
        net_shim.run(150, shim.asarray(i_ext))
    expected = net_numpy.population_rate()
    assert expected.max() > 0
    assert_matches(net_shim.population_rate(), expected, name="population rate")


def test_spiking_network_numpy_input_current(lif):
    """A NumPy ``i_ext`` with JaxArray state: the state stays on JAX."""
    W, v0, i_ext = lif.initial_state(seed=1, n_exc=80, n_inh=20)
    net_numpy = lif.LIFNetwork(W, v0)
    counts_numpy = net_numpy.run(150, i_ext)
    net_shim = lif.LIFNetwork(shim.asarray(W), shim.asarray(v0))
    with no_host_copies():
        counts_shim = net_shim.run(150, i_ext)
    np.testing.assert_array_equal(host(counts_shim), counts_numpy)
    assert_matches(net_shim.v, net_numpy.v, name="v")
    assert_matches(net_shim.n_spikes, net_numpy.n_spikes, exact=True, name="n_spikes")


# --- the same programs with their step compiled by shim.jit -------------------------


def test_compiled_steps_match_numpy(gol, rd, fluids):
    """``shim.jit(step)`` of each grid program, called from a Python loop."""
    Z = gol.initial_state(seed=0, n=32)
    Z_shim = shim.asarray(Z)
    U, V = rd.initial_state(seed=0, n=32)
    U_shim, V_shim = shim.asarray(U), shim.asarray(V)
    F, k = rd.PATTERNS["spots"]
    state = fluids.initial_state(seed=0, n=16)
    state_shim = {key: shim.asarray(value) for key, value in state.items()}
    gol_step, rd_step, fluids_step = shim.jit(gol.step), shim.jit(rd.step), shim.jit(fluids.step)
    for _ in range(20):
        gol.step(Z)
        rd.step(U, V, F, k)
    for _ in range(2):
        fluids.step(state)
    with no_host_copies():
        for _ in range(20):
            gol_step(Z_shim)
            rd_step(U_shim, V_shim, F, k)
        for _ in range(2):
            fluids_step(state_shim)
    assert_matches(Z_shim, Z, exact=True, name="Game of Life")
    assert_matches(U_shim, U, name="U")
    assert_matches(V_shim, V, name="V")
    assert_state_matches(state_shim, state)


def test_compiled_network_method_matches_numpy(lif):
    """``net.update = shim.jit(net.update)``: ``run`` and the rest of the class unchanged;
    the float ``t`` the method advances becomes an array."""
    W, v0, i_ext = lif.initial_state(seed=0, n_exc=160, n_inh=40)
    net_numpy = lif.LIFNetwork(W, v0)
    counts_numpy = net_numpy.run(300, i_ext)
    net_shim = lif.LIFNetwork(shim.asarray(W), shim.asarray(v0))
    net_shim.update = shim.jit(net_shim.update)
    counts_shim = net_shim.run(300, shim.asarray(i_ext))
    np.testing.assert_array_equal(host(counts_shim), counts_numpy)
    assert float(net_shim.t) == pytest.approx(net_numpy.t, rel=1e-12)
    for name in ("spike", "refractory", "n_spikes"):
        assert_matches(getattr(net_shim, name), getattr(net_numpy, name), exact=True, name=name)
    assert_matches(net_shim.v, net_numpy.v, name="v")
    loop_net = lif.LIFNetwork(shim.asarray(W), shim.asarray(v0))
    spikes = shim.for_loop(loop_net.update, 300, shim.asarray(i_ext))
    np.testing.assert_array_equal(host(spikes.sum(axis=1)), counts_numpy)
    assert_matches(loop_net.n_spikes, net_numpy.n_spikes, exact=True, name="n_spikes")


# --- ``import shim as np`` ---------------------------------------------------------


def _as_numpy(state):
    if isinstance(state, dict):
        return {k: _as_numpy(v) for k, v in state.items()}
    if isinstance(state, tuple):
        return tuple(_as_numpy(v) for v in state)
    return np.array(state)      # a writable host copy


def _as_shim(state):
    if isinstance(state, dict):
        return {k: _as_shim(v) for k, v in state.items()}
    if isinstance(state, tuple):
        return tuple(_as_shim(v) for v in state)
    return shim.asarray(state)


def _run_game_of_life(m, Z):
    m.run(Z, 25)
    return (Z,)


def _run_reaction_diffusion(m, state):
    U, V = state
    return m.simulate(U, V, 80)


def _run_stable_fluids(m, state):
    m.simulate(state, 4)
    return state["density"], state["u"], state["v"]


def _run_spiking_network(m, state):
    W, v0, i_ext = state
    net = m.LIFNetwork(W, v0)
    counts = m.np.asarray(net.run(200, i_ext))
    return counts, net.v, net.n_spikes


#: name -> (initial-state arguments, run(module, state) -> arrays to compare)
_PROGRAMS = {
    "game_of_life": (dict(n=32), _run_game_of_life),
    "reaction_diffusion": (dict(n=32), _run_reaction_diffusion),
    "stable_fluids": (dict(n=24), _run_stable_fluids),
    "spiking_network": (dict(n_exc=80, n_inh=20), _run_spiking_network),
}


def _compare(actual, expected):
    """Integer and boolean results must match exactly, floats to RTOL."""
    assert len(actual) == len(expected)
    for i, (a, e) in enumerate(zip(actual, expected)):
        assert_matches(a, e, exact=e.dtype.kind in "biu", name=f"result {i}")


@pytest.mark.parametrize("name", sorted(_PROGRAMS))
def test_import_shim_as_np_same_initial_state(name):
    """The program with ``np = shim``, from NumPy's initial state, matches NumPy."""
    kwargs, run = _PROGRAMS[name]
    numpy_module = load(name)
    shim_module = load(name, shim)
    state = numpy_module.initial_state(seed=0, **kwargs)
    expected = run(numpy_module, _as_numpy(state))
    with no_host_copies():
        actual = run(shim_module, _as_shim(state))
    _compare(actual, expected)


@pytest.mark.parametrize("name", sorted(_PROGRAMS))
def test_import_shim_as_np_whole_program(name):
    """With ``np = shim`` the initial state is built by shim too (JAX's random streams
    differ from NumPy's), so NumPy runs on a host copy of that state."""
    kwargs, run = _PROGRAMS[name]
    numpy_module = load(name)
    shim_module = load(name, shim)
    state = shim_module.initial_state(seed=0, **kwargs)
    for array in (state.values() if isinstance(state, dict)
                  else state if isinstance(state, tuple) else [state]):
        assert isinstance(array, shim.JaxArray)
    expected = run(numpy_module, _as_numpy(state))
    with no_host_copies():
        actual = run(shim_module, state)
    _compare(actual, expected)


@pytest.mark.parametrize("name", sorted(_PROGRAMS))
def test_import_shim_as_np_numpy_backend(name):
    """With ``np = shim`` on the NumPy backend the whole program is NumPy's, bit for bit."""
    kwargs, run = _PROGRAMS[name]
    numpy_module = load(name)
    shim_module = load(name, shim)
    expected = run(numpy_module, numpy_module.initial_state(seed=0, **kwargs))
    with shim.use_backend("numpy"):
        actual = run(shim_module, shim_module.initial_state(seed=0, **kwargs))
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert type(a) is np.ndarray
        assert a.dtype == e.dtype
        np.testing.assert_array_equal(a, e)


def test_sharded_heat_matches_numpy():
    """The sharded-heat example's NumPy code, jitted on a JaxArray grid, gives NumPy's grid
    (the multi-device run of the same code is in tests/sharded_cases.py)."""
    numpy_heat = load("sharded_heat")
    reference = numpy_heat.Heat(numpy_heat.initial_grid(32))
    reference.run(15)
    heat = load("sharded_heat", shim)
    model = heat.Heat(shim.asarray(heat.initial_grid(32)))
    shim.jit(model.run, static_argnums=0)(15)
    np.testing.assert_allclose(np.asarray(model.T), reference.T, rtol=RTOL, atol=ATOL)
    assert type(model.T) is shim.JaxArray
