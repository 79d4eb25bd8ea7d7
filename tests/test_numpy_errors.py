"""NumPy's refusals and exception types on shim arrays, with NumPy as the oracle.

Code catches ``ValueError``, ``TypeError``, ``AxisError``, ``LinAlgError`` and
``MemoryError``; shim raises the same types where NumPy does, and answers
where NumPy answers.
"""
from __future__ import annotations

import functools
import pathlib
import subprocess
import sys

import numpy as np
import pytest

X = np.array([[0.5, 1.7], [3.2, 2.0]])

def _raises(fn, *args, kind) -> bool:
    """Whether NumPy raises ``kind`` for ``fn(*args)`` (the oracle compares builtin kinds only)."""
    try:
        fn(*args)
    except kind:
        return True
    except Exception:  # noqa: BLE001
        return False
    return False


# --- out=: each function's own casting rule --------------------------------------------

#: (label, function of (x, out)): every NumPy function taking ``out=`` whose rule differs.
OUT_CALLS = {
    "all": lambda x, o: np.all(x, axis=0, out=o),
    "amax": lambda x, o: np.amax(x, axis=0, out=o),
    "argmax": lambda x, o: np.argmax(x, axis=0, out=o),
    "nanargmin": lambda x, o: np.nanargmin(x, axis=0, out=o),
    "around": lambda x, o: np.around(x[0], out=o),
    "round": lambda x, o: np.round(x[0], out=o),
    "clip": lambda x, o: np.clip(x[0], 0, 2, out=o),
    "clip-method": lambda x, o: x[0].clip(0, 2, out=o),
    "compress": lambda x, o: np.compress([True, True], x[0], out=o),
    "concatenate": lambda x, o: np.concatenate([x[0][:1], x[0][1:]], out=o),
    "cumsum": lambda x, o: np.cumsum(x[0], out=o),
    "dot": lambda x, o: np.dot(x, x[0], out=o),
    "einsum": lambda x, o: np.einsum("ij->j", x, out=o),
    "fix": lambda x, o: np.fix(x[0], out=o),
    "mean": lambda x, o: np.mean(x, axis=0, out=o),
    "nanmean": lambda x, o: np.nanmean(x, axis=0, out=o),
    "nanstd": lambda x, o: np.nanstd(x, axis=0, out=o),
    "median": lambda x, o: np.median(x, axis=0, out=o),
    "percentile": lambda x, o: np.percentile(x, 50, axis=0, out=o),
    "quantile": lambda x, o: np.quantile(x, 0.5, axis=0, out=o),
    "prod": lambda x, o: np.prod(x, axis=0, out=o),
    "ptp": lambda x, o: np.ptp(x, axis=0, out=o),
    "stack": lambda x, o: np.stack([x[0][0], x[0][1]], out=o),
    "std": lambda x, o: np.std(x, axis=0, out=o),
    "var": lambda x, o: np.var(x, axis=0, out=o),
    "sum": lambda x, o: np.sum(x, axis=0, out=o),
    "take": lambda x, o: np.take(x[0], [0, 1], out=o),
}


@pytest.mark.parametrize("dtype", [np.int64, np.bool_, np.float32], ids=str)
@pytest.mark.parametrize("label", sorted(OUT_CALLS))
def test_out_casts_by_each_functions_rule(oracle, label, dtype):
    oracle(OUT_CALLS[label], X, np.zeros(2, dtype))


def test_a_refused_out_cast_writes_nothing(oracle):
    def clip_into(x, o):
        try:
            np.clip(x[0], 0, 2, out=o)
        except TypeError:
            return "refused"
        return o
    oracle(clip_into, X, np.full(2, 7, np.int64))


def test_fft_out_needs_a_complex_array(oracle):
    oracle(lambda x, o: np.fft.fft(x[0], out=o), X, np.zeros(2, np.float64))


# --- bad axes: AxisError everywhere; a 0-d array takes axis 0 and -1 where NumPy's does ------

A = np.arange(6.0).reshape(2, 3)

AXIS_CALLS = {
    "sum": lambda a, ax: np.sum(a, axis=ax), "mean": lambda a, ax: np.mean(a, axis=ax),
    "argmax": lambda a, ax: np.argmax(a, axis=ax), "cumsum": lambda a, ax: np.cumsum(a, axis=ax),
    "take": lambda a, ax: np.take(a, [0], axis=ax), "flip": lambda a, ax: np.flip(a, axis=ax),
    "concatenate": lambda a, ax: np.concatenate([a, a], axis=ax),
    "stack": lambda a, ax: np.stack([a, a], axis=ax), "roll": lambda a, ax: np.roll(a, 1, axis=ax),
    "sort": lambda a, ax: np.sort(a, axis=ax), "std": lambda a, ax: np.std(a, axis=ax),
    "median": lambda a, ax: np.median(a, axis=ax), "amax": lambda a, ax: np.amax(a, axis=ax),
    "any": lambda a, ax: np.any(a, axis=ax), "argsort": lambda a, ax: np.argsort(a, axis=ax),
    "count_nonzero": lambda a, ax: np.count_nonzero(a, axis=ax),
    "method-sum": lambda a, ax: a.sum(axis=ax), "method-argmin": lambda a, ax: a.argmin(ax),
}


@pytest.mark.parametrize("axis", [-3, 3, 4, "a"])
@pytest.mark.parametrize("label", sorted(AXIS_CALLS))
def test_bad_axes_raise_numpys_exception(oracle, label, axis):
    result = oracle(AXIS_CALLS[label], A, axis)
    if _raises(AXIS_CALLS[label], A, axis, kind=np.exceptions.AxisError):
        assert isinstance(result, np.exceptions.AxisError)


@pytest.mark.parametrize("axis", [0, -1, 1])
@pytest.mark.parametrize("label", sorted(AXIS_CALLS))
def test_zero_d_arrays_take_the_axes_numpy_takes(oracle, label, axis):
    oracle(AXIS_CALLS[label], np.array(3.0), axis)


def test_a_bad_axis_inside_jit_is_an_axis_error():
    import shim
    with pytest.raises(np.exceptions.AxisError):
        shim.jit(lambda a: np.sum(a, axis=2))(shim.ones((2, 3)))


# --- shape mismatches: ValueError; a non-square matrix: LinAlgError ----------------------

SHAPE_CALLS = {
    "dot": lambda a, b: np.dot(a, b), "matmul": lambda a, b: np.matmul(a, b),
    "operator-@": lambda a, b: a @ b, "concatenate": lambda a, b: np.concatenate([a, b.T]),
    "vstack": lambda a, b: np.vstack([a, b.T]), "inner": lambda a, b: np.inner(a, b.T),
    "solve": lambda a, b: np.linalg.solve(a, b[0]), "inv": lambda a, b: np.linalg.inv(a),
    "det": lambda a, b: np.linalg.det(a), "cholesky": lambda a, b: np.linalg.cholesky(a),
}


@pytest.mark.parametrize("label", sorted(SHAPE_CALLS))
def test_shape_mismatches_raise_numpys_exception(oracle, label):
    result = oracle(SHAPE_CALLS[label], A, np.ones((2, 2)))
    if _raises(SHAPE_CALLS[label], A, np.ones((2, 2)), kind=np.linalg.LinAlgError):
        assert isinstance(result, np.linalg.LinAlgError)


# --- sizes: NumPy's errors, never a process abort ---------------------------------------
# Each case runs in a subprocess, so that a regression (XLA's C++ terminate) cannot kill pytest.

#: code -> the exception NumPy and shim raise (None: no error).
SIZE_CASES = {
    "zeros(2**62)": ValueError, "empty((2**31, 2**31))": ValueError,
    "ones((2**40, 2**40)) + 1": ValueError, "zeros(-1)": ValueError, "zeros(2**63)": ValueError,
    "arange(2**62)": ValueError, "eye(2**40)": ValueError, "full(2**62, 1.0)": ValueError,
    "broadcast_to(xp.zeros(()), (2**62, 16))": ValueError, "zeros(2.5)": TypeError,
    "zeros(0).reshape(2**62, 0)": ValueError, "zeros((3, 0)).reshape(2**40, 0)": None,
    "zeros((2**62, 0))": ValueError, "zeros((2**40, 0))": None,
}


@functools.cache
def _isolated_outcomes() -> dict:
    """code -> [NumPy's outcome, shim's], all cases run in one subprocess."""
    program = ("import numpy, shim\nfor code in %r:\n    for xp in (numpy, shim):\n"
               "        try:\n            eval('xp.' + code)\n        except Exception as e:\n"
               "            print(type(e).__name__, flush=True)\n        else:\n"
               "            print('ok', flush=True)\n") % (sorted(SIZE_CASES),)
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=600, cwd=str(pathlib.Path(__file__).parents[1]))
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.split()
    return {code: lines[2 * i:2 * i + 2] for i, code in enumerate(sorted(SIZE_CASES))}


@pytest.mark.parametrize("code", sorted(SIZE_CASES))
def test_impossible_sizes_raise_instead_of_aborting(code):
    expected = SIZE_CASES[code]
    name = "ok" if expected is None else expected.__name__
    assert _isolated_outcomes()[code] == [name, name]


def test_device_out_of_memory_is_a_memory_error():
    import jax

    import shim
    from shim._dispatch._sizes import out_of_memory
    error = jax.errors.JaxRuntimeError("RESOURCE_EXHAUSTED: Out of memory allocating 8 bytes.")
    assert isinstance(out_of_memory("numpy.zeros", error), MemoryError)
    assert out_of_memory("numpy.zeros", ValueError("x")) is None
    assert shim.zeros(3).shape == (3,)


# --- NaN and inf: histograms refuse to guess a range, LAPACK's answers for linalg ------------

NAN_V = np.array([np.nan, 1.0, 2.0])

HISTOGRAM_CALLS = {
    "histogram": lambda v: np.histogram(v), "histogram-edges-given": lambda v: np.histogram(v, [0, 1, 2]),
    "histogram-range-given": lambda v: np.histogram(v, range=(0, 3)),
    "histogram_bin_edges": lambda v: np.histogram_bin_edges(v),
    "histogram2d": lambda v: np.histogram2d(v, v), "histogramdd": lambda v: np.histogramdd(v),
    "histogram2d-range-given": lambda v: np.histogram2d(v, v, range=[[0, 3], [0, 3]]),
    "histogram-inf": lambda v: np.histogram(v[1:] / np.array([0.0, 1.0])),
}


@pytest.mark.parametrize("label", sorted(HISTOGRAM_CALLS))
def test_histograms_of_non_finite_data(oracle, label):
    oracle(HISTOGRAM_CALLS[label], NAN_V)


def test_bincount_weights_sum_in_float64(oracle):
    x = np.array([0, 1, 1, 3])
    oracle(lambda x, w: np.bincount(x, w), x, np.array([1, 2, 3, 4]))
    oracle(lambda x, w: np.bincount(x, w, minlength=6), x, np.array([1, 0, 1, 1], bool))
    oracle(lambda x, w: np.bincount(x, w), x, np.array([1, 2, 3, 4], np.float32))


def test_kron_promotes_like_numpy(oracle):
    oracle(lambda a, b: np.kron(a, b), np.array([1, 2]), np.array([1.5, 2.0], np.float32))


NON_FINITE = {
    "nan-first": np.array([[np.nan, 1.0], [1.0, 1.0]]),
    "nan-upper": np.array([[1.0, np.nan], [0.0, 1.0]]),
    "inf": np.array([[2.0, np.inf], [1.0, 1.0]]),
}
LINALG_CALLS = {
    name: (lambda f: lambda m: f(m))(getattr(np.linalg, name)) for name in (
        "inv", "cholesky", "eig", "eigvals", "eigh", "eigvalsh", "svd", "svdvals", "pinv",
        "matrix_rank", "cond", "det", "slogdet")
}
LINALG_CALLS["solve"] = lambda m: np.linalg.solve(m, np.ones(2))
LINALG_CALLS["lstsq"] = lambda m: np.linalg.lstsq(m, np.ones(2))[0]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("matrix", sorted(NON_FINITE))
@pytest.mark.parametrize("label", sorted(LINALG_CALLS))
def test_linalg_of_non_finite_matrices_gives_lapacks_answer(oracle, label, matrix):
    result = oracle(LINALG_CALLS[label], NON_FINITE[matrix])
    if _raises(LINALG_CALLS[label], NON_FINITE[matrix], kind=np.linalg.LinAlgError):
        assert isinstance(result, np.linalg.LinAlgError)


# --- comparisons with strings and None; results only NumPy can hold --------------------------

@pytest.mark.parametrize("other", ["a", None, b"a"], ids=repr)
def test_equality_with_a_string_or_none_is_elementwise(oracle, other):
    x = np.array([1.0, 2.0])
    oracle(lambda x: (x == other, x != other, other == x, np.equal(x, other),
                      np.not_equal(other, x)), x)
    oracle(lambda x: x < other, x)


#: code -> NumPy's call making an array of a dtype JAX cannot hold.
HOST_DTYPE_CALLS = {
    "array-str": lambda xp: xp.array(["a", "b"]),
    "asarray-mixed": lambda xp: xp.asarray([1, "a"]),
    "zeros-structured": lambda xp: xp.zeros(2, [("x", float), ("y", float)]),
    "arange-datetime": lambda xp: xp.arange("2016-07", "2016-08", dtype="datetime64[D]"),
    "array-object": lambda xp: xp.array([1, None]),
    "full-str": lambda xp: xp.full(2, "ab"),
    "empty-timedelta": lambda xp: xp.empty(2, "m8[s]").shape,
    "where-none": lambda xp: xp.where(xp.asarray([True, False]), xp.asarray([0.5, 2.0]), None),
    "where-none-first": lambda xp: xp.where(xp.asarray([True, False]), None, xp.asarray([1, 2])),
}


@pytest.mark.parametrize("label", sorted(HOST_DTYPE_CALLS))
def test_dtypes_jax_cannot_hold_give_numpys_array_with_a_warning(label):
    import shim
    shim.config.fallback = "warn"
    shim._dispatch.forget_fallback_warnings()
    expected = HOST_DTYPE_CALLS[label](np)
    with pytest.warns(shim.FallbackWarning) as record:
        actual = HOST_DTYPE_CALLS[label](shim)
    message = str(record[0].message)
    assert "JAX cannot hold" in message and record[0].message.function.startswith("numpy.")
    if isinstance(expected, np.ndarray):
        assert type(actual) is np.ndarray and actual.dtype == expected.dtype
        assert str(expected.dtype) in message
        np.testing.assert_array_equal(actual, expected)
    else:
        assert actual == expected


def test_dtype_fallbacks_follow_the_config():
    import shim
    shim._dispatch.forget_fallback_warnings()
    shim.config.fallback = "silent"
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert shim.array(["a"]).dtype == np.dtype("<U1")
    shim.config.fallback = "error"
    with pytest.raises(shim.FallbackError):
        shim.array(["a"])
    assert type(shim.array([1.0])) is shim.JaxArray


def test_where_with_none_inside_jit_is_refused():
    import shim
    with pytest.raises(Exception):  # noqa: B017 - JAX's or shim's refusal, never a host call
        shim.jit(lambda c, x: np.where(c, x, None))(shim.asarray([True]), shim.asarray([1.0]))


# --- DLPack producers with strides ----------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: np.arange(8.0).reshape(4, 2)[:, 1:], lambda: np.arange(12).reshape(3, 4).T,
    lambda: np.arange(10.0)[::3], lambda: np.arange(6.0).reshape(2, 3)], ids=["column",
                                                                             "transposed",
                                                                             "step", "compact"])
def test_from_dlpack_of_a_strided_numpy_producer(make):
    import shim
    expected = np.from_dlpack(make())
    for from_dlpack in (shim.from_dlpack, shim.array_api.from_dlpack, np.from_dlpack):
        actual = from_dlpack(shim.asarray(make())) if from_dlpack is np.from_dlpack else \
            from_dlpack(make())
        assert actual.dtype == expected.dtype and actual.shape == expected.shape
        np.testing.assert_array_equal(np.asarray(actual), expected)
    with pytest.raises((ValueError, BufferError)):
        shim.array_api.from_dlpack(make(), copy=False)
    if not make().flags.c_contiguous:
        with pytest.raises(BufferError):
            shim.from_dlpack(make(), copy=False)
