"""Hypothesis properties of indexing and writes, NumPy as the oracle.

Covered: integer index arrays of every signed and unsigned dtype (host and
device), ``...`` between advanced indices, augmented assignment to scalar
elements of integer arrays, and assignment of Python, NumPy and complex
scalars to every dtype through every kind of index.

The budget per property is ``SHIM_HYPOTHESIS_EXAMPLES`` (default 40, for CI);
``SHIM_HYPOTHESIS_EXAMPLES=2500 python -m pytest -s tests/test_indexing_props.py``
runs 10,000 cases and prints the count.
"""
from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import check

EXAMPLES = int(os.environ.get("SHIM_HYPOTHESIS_EXAMPLES", "40"))
BUDGET = settings(max_examples=EXAMPLES, deadline=None)

INT_DTYPES = [np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64,
                                    np.uint8, np.uint16, np.uint32, np.uint64)]
ALL_DTYPES = [np.dtype(bool)] + INT_DTYPES + [np.dtype(t) for t in (
    np.float16, np.float32, np.float64, np.complex64, np.complex128)]
SHAPES = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)

_CASES = {"n": 0}


@pytest.fixture(scope="module", autouse=True)
def _count_cases():
    yield
    print(f"\nindexing properties: {_CASES['n']} cases run")


def run(fn, *args):
    """``check`` on the JAX backend, NumPy's cast warnings silenced on both sides."""
    _CASES["n"] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        return check(fn, *args, backend="jax")


def data(shape, dtype=np.float64):
    return (np.arange(int(np.prod(shape))) % 7 - 2).astype(dtype).reshape(shape)


# --- integer index arrays of every dtype --------------------------------------------

@st.composite
def int_index_cases(draw):
    shape = draw(SHAPES)
    axis = draw(st.integers(0, len(shape) - 1))
    dtype = draw(st.sampled_from(INT_DTYPES))
    n = shape[axis]
    info = np.iinfo(dtype)
    low = max(-n, int(info.min))
    high = n if draw(st.integers(0, 9)) else n + 3          # sometimes out of bounds
    values = draw(st.lists(st.integers(low, min(high, int(info.max) + 1) - 1),
                           min_size=1, max_size=4))
    index = np.array(values, dtype)
    on_device = draw(st.booleans())
    return shape, axis, index, on_device


@BUDGET
@given(int_index_cases())
def test_integer_index_array_of_every_dtype(case):
    shape, axis, index, on_device = case
    lead = (slice(None),) * axis
    target = np.empty(shape)[lead + (index,)].shape if index.max() < shape[axis] else ()

    def get(x, i=index):
        return x[lead + (i,)]

    def put(x, i=index):
        x[lead + (i,)] = np.arange(int(np.prod(target)), dtype=float).reshape(target)
        return x
    if on_device:                         # check() makes the NumPy index a JaxArray
        run(get, data(shape), index)
        run(put, data(shape), index)
    else:                                 # a NumPy index on both sides
        run(get, data(shape))
        run(put, data(shape))


# --- Ellipsis between advanced indices -----------------------------------------------

@st.composite
def ellipsis_cases(draw):
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=2, max_size=4)))
    ndim = len(shape)
    left = draw(st.integers(1, ndim - 1))
    right = draw(st.integers(1, ndim - left))
    items = []
    for axis in list(range(left)) + list(range(ndim - right, ndim)):
        kind = draw(st.sampled_from(["array", "int", "slice"]))
        n = shape[axis]
        if kind == "array":
            items.append(np.array(draw(st.lists(st.integers(-n, n - 1), min_size=1,
                                                max_size=2))))
        elif kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        else:
            items.append(slice(None, None, draw(st.sampled_from([1, -1]))))
    # at least one advanced item on each side of the Ellipsis
    if not any(isinstance(it, (np.ndarray, int)) for it in items[:left]):
        items[0] = np.array([0])
    if not any(isinstance(it, (np.ndarray, int)) for it in items[left:]):
        items[-1] = np.array([0])
    # broadcastable index arrays: use a common length
    lengths = {len(it) for it in items if isinstance(it, np.ndarray)} - {1}
    if len(lengths) > 1:
        items = [it[:1] if isinstance(it, np.ndarray) else it for it in items]
    return shape, tuple(items[:left]) + (Ellipsis,) + tuple(items[left:])


@BUDGET
@given(ellipsis_cases())
def test_ellipsis_between_advanced_indices(case):
    shape, index = case
    host = tuple(it.tolist() if isinstance(it, np.ndarray) else it for it in index)

    def get(x):
        return x[host]

    def put(x):
        target = np.empty(shape)[host].shape
        x[host] = np.arange(int(np.prod(target)), dtype=float).reshape(target)
        return x
    run(get, data(shape))
    run(put, np.zeros(shape))


# --- augmented assignment to a scalar element of an integer array --------------------

# No subnormals: XLA on CPU flushes them to zero (docs/differences.md). Integers within
# int64: ufuncs with larger Python ints are the ufunc layer's matter, not indexing's.
PY_NUMBERS = st.one_of(st.integers(-300, 300), st.integers(-2 ** 63, 2 ** 63 - 1),
                       st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=False),
                       st.sampled_from([0.5, -7.5, 1.5, 2.5, 0.0]))
NUMPY_DTYPES = [np.dtype(t) for t in (np.int8, np.int64, np.uint8, np.uint64, np.float32,
                                      np.float64, np.bool_)]


@st.composite
def numbers(draw, complex_ok=True, huge=False):
    """A Python int/float/complex/bool, or a NumPy scalar made from one; ``huge`` adds
    Python ints beyond int64 (and beyond float64's range)."""
    kind = draw(st.sampled_from(["python", "numpy", "complex", "bool"] if complex_ok
                                else ["python", "numpy", "bool"]))
    if kind == "bool":
        value = draw(st.booleans())
        return np.bool_(value) if draw(st.booleans()) else value
    if kind == "complex":
        value = complex(draw(st.sampled_from([0.0, 1.5, -2.0])),
                        draw(st.sampled_from([0.0, 1.0, -0.5])))
        return np.complex128(value) if draw(st.booleans()) else value
    value = draw(PY_NUMBERS)
    if kind == "python":
        if huge and draw(st.booleans()):
            return draw(st.integers(-2 ** 80, 2 ** 80)
                        | st.sampled_from([2 ** 64 - 1, -2 ** 63 - 1, 10 ** 40, 10 ** 400]))
        return value
    dtype = draw(st.sampled_from(NUMPY_DTYPES))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            return np.array(value).astype(dtype)[()] if dtype.kind != "b" else np.bool_(value)
        except (OverflowError, ValueError):
            return np.float64(value) if isinstance(value, float) else np.int64(value % 100)


AUGMENTED = ["+=", "-=", "*=", "/=", "//=", "%="]


@BUDGET
@given(st.sampled_from(INT_DTYPES), st.sampled_from(AUGMENTED), numbers(),
       st.sampled_from([(0, 0), (1, 2), (-1, -1)]))
def test_scalar_element_augmented_assignment(dtype, op, value, index):
    code = f"x[{index[0]}, {index[1]}] {op} value"

    def f(x):
        exec(code, {}, {"x": x, "value": value})
        return x
    run(f, (np.arange(6) * 37 % 120).astype(dtype).reshape(2, 3))


# --- assignment of Python, NumPy and complex scalars to every dtype ------------------

FORMS = ["x[...] = v", "x[0] = v", "z[()] = v", "x[:1] = v", "x[[0]] = v", "x[x == x[1]] = v",
         "x.fill(v)", "y[1:, 0] = v", "y[0, [0, 1]] = v", "y[..., 1] = v"]


@BUDGET
@given(st.sampled_from(ALL_DTYPES), st.sampled_from(FORMS), numbers(huge=True))
def test_scalar_assignment_to_every_dtype(dtype, form, value):
    def f(x, y, z):
        exec(form, {}, {"x": x, "y": y, "z": z, "v": value})
        return x, y, z
    run(f, data(3, dtype), data((2, 3), dtype), np.zeros((), dtype))
