"""NumPy ufuncs and operators on shim arrays, compared with NumPy."""
from __future__ import annotations

import operator

import numpy as np
import pytest
from oracle import check, default_rtol

import shim

ALL_UFUNCS = sorted({u for u in vars(np).values() if isinstance(u, np.ufunc)},
                    key=lambda u: u.__name__)
DATETIME_ONLY = {np.isnat}
GUFUNCS = {u for u in ALL_UFUNCS if u.signature is not None}
ELEMENTWISE = [u for u in ALL_UFUNCS if u not in DATETIME_ONLY and u not in GUFUNCS]
UNARY = [u for u in ELEMENTWISE if u.nin == 1]
BINARY = [u for u in ELEMENTWISE if u.nin == 2]

DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
          np.uint64, np.float16, np.float32, np.float64, np.complex64, np.complex128]

#: Ufuncs whose results differ from NumPy's on some inputs for reasons documented in
#: docs/differences.md: integer division/remainder by zero and negative integer powers.
_NEEDS_NONZERO_SECOND = {np.floor_divide, np.remainder, np.mod, np.fmod, np.divmod}
_NEEDS_SMALL_SECOND = {np.power, np.pow, np.left_shift, np.right_shift, np.bitwise_left_shift,
                       np.bitwise_right_shift, np.ldexp}


def sample(dtype, role="first"):
    """A small array of ``dtype`` covering signs, zero and non-integers where possible."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return np.array([True, False, True, True, False, False])
    if dtype.kind == "u":
        return np.array([0, 1, 2, 3, 5, 7] if role == "first" else [1, 2, 3, 1, 2, 3], dtype)
    if dtype.kind == "i":
        return np.array([-3, -1, 0, 2, 4, 7] if role == "first" else [1, 2, 3, 1, 2, 3], dtype)
    if dtype.kind == "f":
        return np.array([-2.5, -0.75, 0.0, 0.5, 1.25, 3.0] if role == "first"
                        else [1.5, -0.5, 2.0, 0.25, -3.0, 1.0], dtype)
    return np.array([-2.5 + 1j, -0.75 - 0.5j, 0.25j, 0.5 + 2j, 1.25 - 1j, 3.0 + 0.5j]
                    if role == "first" else [1.5 - 1j, -0.5 + 0.25j, 2j, 0.25 + 1j, -3 + 1j, 1 + 0j],
                    dtype)


def second_sample(ufunc, dtype):
    x = sample(dtype, "second")
    if ufunc in _NEEDS_SMALL_SECOND and np.dtype(dtype).kind in "iu":
        return np.array([0, 1, 2, 3, 1, 2], dtype)
    return x


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("ufunc", UNARY, ids=lambda u: u.__name__)
def test_unary_ufunc_matches_numpy(ufunc, dtype):
    x = sample(dtype)
    if ufunc is np.reciprocal and x.dtype.kind in "iub":
        x = x[x != 0]          # NumPy's integer 1/0 is platform-defined (docs/differences.md)
    with np.errstate(all="ignore"):
        check(ufunc, x)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("ufunc", BINARY, ids=lambda u: u.__name__)
def test_binary_ufunc_same_dtypes(ufunc, dtype):
    with np.errstate(all="ignore"):
        check(ufunc, sample(dtype), second_sample(ufunc, dtype))


MIXED = [(np.int8, np.float32), (np.int64, np.float32), (np.uint8, np.int8),
         (np.float32, np.float64), (np.bool_, np.int16), (np.int64, np.uint64),
         (np.float16, np.int64), (np.int32, np.complex64), (np.uint32, np.float16)]


@pytest.mark.parametrize("dtypes", MIXED, ids=lambda d: f"{np.dtype(d[0]).name}-{np.dtype(d[1]).name}")
@pytest.mark.parametrize("ufunc", [np.add, np.subtract, np.multiply, np.true_divide,
                                   np.floor_divide, np.power, np.maximum, np.fmin, np.less,
                                   np.equal, np.arctan2, np.hypot, np.logaddexp, np.bitwise_or,
                                   np.left_shift, np.copysign, np.heaviside],
                         ids=lambda u: u.__name__)
def test_binary_ufunc_mixed_dtypes(ufunc, dtypes):
    a, b = sample(dtypes[0]), second_sample(ufunc, dtypes[1])
    with np.errstate(all="ignore"):
        check(ufunc, a, b)
        check(ufunc, b, a)


SCALARS = [2, -1, 2.5, True, 1 + 2j, np.float32(1.5), np.int8(3), np.uint64(7), 300, -2**40]


@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int64, np.float16, np.float32,
                                   np.float64, np.complex64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("ufunc", [np.add, np.multiply, np.less, np.equal, np.maximum],
                         ids=lambda u: u.__name__)
def test_python_scalars_follow_nep50(ufunc, dtype, scalar):
    """Python scalars are weak, NumPy scalars are not; out-of-range ints raise or compare."""
    a = sample(dtype)
    check(lambda x: ufunc(x, scalar), a)
    check(lambda x: ufunc(scalar, x), a)


@pytest.mark.parametrize("ufunc", sorted(GUFUNCS, key=lambda u: u.__name__), ids=lambda u: u.__name__)
@pytest.mark.parametrize("dtypes", [(np.float64, np.float64), (np.float32, np.int64),
                                    (np.complex128, np.float64), (np.int32, np.int32)],
                         ids=lambda d: f"{np.dtype(d[0]).name}-{np.dtype(d[1]).name}")
def test_gufuncs(ufunc, dtypes):
    rng = np.random.default_rng(0)
    shapes = {"matmul": ((2, 3, 4), (4, 5)), "vecdot": ((3, 4), (4,)),
              "matvec": ((2, 3, 4), (4,)), "vecmat": ((4,), (2, 4, 3))}[ufunc.__name__]
    a = (rng.standard_normal(shapes[0]) * 3).astype(dtypes[0])
    b = (rng.standard_normal(shapes[1]) * 3).astype(dtypes[1])
    check(ufunc, a, b)
    check(ufunc, a, b[..., :2] if b.ndim > 1 else b[:2])        # core dimension mismatch


def test_special_float_values():
    x = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 1e300, -1e-300])
    for ufunc in [np.sqrt, np.exp, np.log, np.sign, np.isnan, np.isinf, np.isfinite, np.signbit,
                  np.floor, np.rint, np.absolute, np.negative, np.reciprocal, np.tanh]:
        with np.errstate(all="ignore"):
            check(ufunc, x)
    with np.errstate(all="ignore"):
        check(np.maximum, x, x[::-1])
        check(np.fmax, x, x[::-1])
        check(np.copysign, np.ones(7), x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_division_signed_zeros_and_infinities(dtype):
    # NumPy: a zero quotient has the sign of a / b, a zero remainder the divisor's sign.
    a = np.array([-0.0, 0.0, -0.0, 0.0, 5, -5, np.inf, 3, -3, 2, 7.5, -7.5, -1], dtype)
    b = np.array([1, -1, -1, 1, np.inf, np.inf, 2, -np.inf, -np.inf, 0, 2, 2, 3], dtype)
    sa, sb = shim.asarray(a), shim.asarray(b)
    with np.errstate(all="ignore"):
        cases = [(np.floor_divide(a, b), np.floor_divide(sa, sb)), (a // b, sa // sb),
                 (np.remainder(a, b), np.remainder(sa, sb)), (a % b, sa % sb),
                 *zip(np.divmod(a, b), np.divmod(sa, sb))]
    for expected, actual in cases:
        actual = np.asarray(actual)
        assert actual.dtype == expected.dtype
        np.testing.assert_array_equal(actual, expected)
        np.testing.assert_array_equal(np.signbit(actual), np.signbit(expected))


_PARTS = [-np.inf, -3.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 3.0, np.inf, np.nan]
_CUT_POINTS = np.array([complex(a, b) for a in _PARTS for b in _PARTS])


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("ufunc", [np.arccos, np.arcsin, np.arctan, np.arccosh, np.arcsinh,
                                   np.arctanh], ids=lambda u: u.__name__)
def test_complex_inverse_functions_branch_cuts_and_special_values(ufunc, dtype):
    # The sign of a zero part picks the side of a branch cut (arccos(2 - 0j) is +1.317j).
    z = _CUT_POINTS.astype(dtype)
    with np.errstate(all="ignore"):
        expected = ufunc(z)
        actual = np.asarray(ufunc(shim.asarray(z)))
    assert actual.dtype == expected.dtype
    for part in ("real", "imag"):
        e, a = getattr(expected, part), getattr(actual, part)
        np.testing.assert_allclose(a, e, rtol=default_rtol(e.dtype), equal_nan=True,
                                   err_msg=f"{part} part")
        zero = e == 0
        np.testing.assert_array_equal(np.signbit(a[zero]), np.signbit(e[zero]),
                                      err_msg=f"signs of zero {part} parts at {z[zero]}")


# --- keyword arguments ------------------------------------------------------------------

def test_out_root_and_view(oracle):
    a, b = np.arange(6.0).reshape(2, 3), np.ones(3)

    def into_root(a, b, out):
        r = np.add(a, b, out=out)
        return r is out, out

    oracle(into_root, a, b, np.zeros((2, 3)))

    def into_view(a, b, out):
        np.multiply(a[0], b, out=out[:, 1])
        return out

    oracle(into_view, a, b, np.zeros((3, 2)))

    def into_tuple(a, out):
        np.divmod(a, 4, out=(out[0], out[1]))
        return out

    oracle(into_tuple, a, np.zeros((2, 2, 3)))


def test_out_casting_and_shape_errors(oracle):
    oracle(lambda a, o: np.add(a, 1.5, out=o), np.arange(3), np.zeros(3, int))
    oracle(lambda a, o: np.add(a, 1.5, out=o, casting="unsafe"), np.arange(3), np.zeros(3, int))
    oracle(lambda a, o: np.add(a, a, out=o), np.arange(6.0).reshape(2, 3), np.zeros(3))
    oracle(lambda a, o: np.add(a, 1, out=o), np.arange(3.0), np.zeros((2, 3)))
    oracle(lambda a, o: np.add(a, 1, out=o), np.arange(3.0), np.zeros(4))


def test_failed_inplace_write_leaves_array_unchanged(backend, asarray):
    x = asarray(np.arange(3))
    with pytest.raises(TypeError):
        x += 1.5
    np.testing.assert_array_equal(np.asarray(x), [0, 1, 2])
    y = asarray(np.arange(4.0))
    with pytest.raises(ValueError):
        y += np.ones(3)
    np.testing.assert_array_equal(np.asarray(y), [0, 1, 2, 3])


def test_where_dtype_casting_signature(oracle):
    a = np.arange(6.0)
    oracle(lambda a, o: np.add(a, 10, out=o, where=a > 2), a, np.full(6, -1.0))
    oracle(lambda a: np.add(a, 10, where=a > 2)[a > 2], a)
    oracle(lambda a: np.add(a, a, dtype=np.float32), a)
    oracle(lambda a: np.add(a, a, dtype=np.int64), a)
    oracle(lambda a: np.add(a, a, dtype=np.int64, casting="unsafe"), a)
    oracle(lambda a: np.multiply(a, 2, signature=(np.float32, np.float32, np.float32)), a)
    oracle(lambda a: np.sqrt(a, casting="no"), a)
    oracle(lambda a: np.add(a, 1, bogus=True), a)
    oracle(lambda a: np.negative(a, out=None), a)


def test_numpy_array_out_gets_jax_results(backend, asarray):
    nd = np.zeros(3)
    x = asarray([1.0, 2.0, 3.0])
    nd += x
    np.testing.assert_array_equal(nd, [1, 2, 3])
    assert type(nd) is np.ndarray
    np.multiply(x, 2, out=nd)
    np.testing.assert_array_equal(nd, [2, 4, 6])
    np.add.at(nd, [0, 0], x[:2])
    np.testing.assert_array_equal(nd, [5, 4, 6])


# --- operators ---------------------------------------------------------------------------

BINARY_OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv,
                    operator.floordiv, operator.mod, operator.pow, operator.lt, operator.le,
                    operator.eq, operator.ne, operator.gt, operator.ge]
INT_OPERATORS = [operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift]
INPLACE = [operator.iadd, operator.isub, operator.imul, operator.itruediv, operator.ifloordiv,
           operator.imod, operator.ipow]


@pytest.mark.parametrize("op", BINARY_OPERATORS + INT_OPERATORS, ids=lambda o: o.__name__)
@pytest.mark.parametrize("other", ["array", "scalar", "numpy-scalar", "list", "ndarray"])
def test_binary_operators(oracle, op, other):
    a = np.array([1, 2, 3, 4, 5])
    b = np.array([2, 1, 3, 2, 1])
    operand = {"array": b, "scalar": 2, "numpy-scalar": np.int32(2), "list": [2, 1, 3, 2, 1],
               "ndarray": b}[other]
    if other == "ndarray":
        oracle(lambda a: (op(a, b), op(b, a)), a)
    else:
        oracle(lambda a, o: (op(a, o), op(o, a)), a, operand)
    if op not in INT_OPERATORS:
        oracle(lambda a, o: (op(a, o), op(o, a)), a.astype(float) / 2, operand)


@pytest.mark.parametrize("op", INPLACE + [operator.iand, operator.ior, operator.ixor,
                                          operator.ilshift, operator.irshift],
                         ids=lambda o: o.__name__)
def test_inplace_operators_write_in_place(oracle, op):
    def run(a, b):
        alias = a
        result = op(a, b)
        return result is alias, a

    oracle(run, np.array([3, 4, 5, 6]), np.array([1, 2, 3, 1]))
    if op not in (operator.iand, operator.ior, operator.ixor, operator.ilshift, operator.irshift):
        oracle(run, np.array([3.0, 4, 5, 6]), 2)
        oracle(run, np.array([3, 4, 5, 6]), 2.5)          # same_kind casting error


def test_unary_operators_and_matmul(oracle):
    a = np.array([[1.0, -2.0], [3.0, 4.0]])
    oracle(lambda a: (-a, +a, abs(a), a @ a, a @ [1.0, 2.0], [1.0, 2.0] @ a), a)
    oracle(lambda a: ~a, np.array([1, 2, -3]))
    oracle(lambda a: ~a, np.array([True, False]))
    oracle(lambda a: divmod(a, 3), np.array([7, -7, 8]))

    def imatmul(a):
        a @= a
        return a

    oracle(imatmul, a)


def test_operators_defer_to_types_that_opt_out():
    class OptOut:
        __array_ufunc__ = None

        def __radd__(self, other):
            return "handled"

    assert shim.asarray([1.0]) + OptOut() == "handled"
    assert (shim.asarray([1.0]) == object()) is False


# --- ufunc methods ---------------------------------------------------------------------------

@pytest.mark.parametrize("ufunc", [np.add, np.multiply, np.maximum, np.minimum, np.logical_and,
                                   np.logical_or, np.bitwise_xor, np.subtract, np.hypot,
                                   np.true_divide, np.fmax],
                         ids=lambda u: u.__name__)
def test_reduce_accumulate(oracle, ufunc):
    ints = np.array([[1, 4, 2], [3, 1, 5]], dtype=np.int8)
    floats = np.array([[1.5, -2.0, 0.5], [3.0, 0.25, -1.0]])
    data = ints if ufunc in (np.bitwise_xor,) else floats
    oracle(lambda a: ufunc.reduce(a), data)
    oracle(lambda a: ufunc.reduce(a, axis=1, keepdims=True), data)
    oracle(lambda a: ufunc.reduce(a, axis=None), data)
    oracle(lambda a: ufunc.accumulate(a, axis=1), data)
    if ufunc in (np.add, np.multiply, np.maximum):
        oracle(lambda a: ufunc.reduce(a, axis=(0, 1)), data)
        oracle(lambda a: ufunc.reduce(a, axis=0, initial=10, where=a > 1), data)
        oracle(lambda a: ufunc.reduce(a, dtype=np.float32), data)
        oracle(lambda a: ufunc.reduce(a), ints)
        oracle(lambda a: ufunc.accumulate(a), ints)
        oracle(lambda a, o: (ufunc.reduce(a, axis=0, out=o), o)[1], data, np.zeros(3))


def test_reduce_errors(oracle):
    oracle(lambda a: np.maximum.reduce(a), np.zeros((0,)))
    oracle(lambda a: np.add.reduce(a), np.zeros((0,)))
    oracle(lambda a: np.sin.reduce(a), np.ones(3))
    oracle(lambda a: np.add.reduce(a, axis=3), np.ones(3))


def test_reduceat_outer(oracle):
    a = np.arange(8.0)
    oracle(lambda a: np.add.reduceat(a, [0, 4, 1, 5]), a)
    oracle(lambda a: np.maximum.reduceat(a.reshape(2, 4), [0, 2], axis=1), a)
    oracle(lambda a: np.add.reduceat(a, [0, 9]), a)
    oracle(lambda a, b: np.multiply.outer(a, b), np.arange(3), np.arange(4.0).reshape(2, 2))
    oracle(lambda a: np.subtract.outer(a, a), a)
    oracle(lambda a: np.greater.outer(a[:3], a[:4]), a)


def test_ufunc_at(oracle):
    def add_at(a, i, v):
        np.add.at(a, i, v)
        return a

    oracle(add_at, np.zeros(5), [0, 0, 1, 4, 4, 4], 1.0)
    oracle(add_at, np.zeros(5), np.array([0, 0, -1]), np.array([1.0, 2.0, 3.0]))
    oracle(add_at, np.zeros((3, 4)), (np.array([0, 0, 2]), np.array([1, 1, 3])), 2.0)
    oracle(add_at, np.zeros((3, 4)), (slice(None), [0, 0]), np.ones((3, 2)))
    oracle(add_at, np.zeros(5, int), [0, 0, 1], 1.5)
    oracle(add_at, np.zeros(5), slice(1, 4), 1.0)
    oracle(add_at, np.zeros(5), [0, 7], 1.0)

    def various(a):
        np.multiply.at(a, [1, 1], 3.0)
        np.maximum.at(a, [2, 2, 2], np.array([5.0, 1.0, 7.0]))
        np.minimum.at(a, [3], -1.0)
        np.subtract.at(a, [4, 4], 1.0)
        np.negative.at(a, [0, 0, 1])
        np.power.at(a, [2, 2], 2.0)
        return a

    oracle(various, np.arange(1.0, 6.0))


def test_ufunc_at_through_view(backend, asarray):
    x = asarray(np.zeros((4, 4)))
    np.add.at(x[1:3, ::2], ([0, 0, 1], [1, 1, 0]), 1.0)
    expected = np.zeros((4, 4))
    np.add.at(expected[1:3, ::2], ([0, 0, 1], [1, 1, 0]), 1.0)
    np.testing.assert_array_equal(np.asarray(x), expected)


def test_namespace_ufunc_objects(xp, backend):
    r = xp.add(xp.arange(3), 1)
    assert isinstance(r, shim.JaxArray if backend == "jax" else np.ndarray)
    np.testing.assert_array_equal(np.asarray(xp.add.reduce(xp.arange(5))), 10)
    np.testing.assert_array_equal(np.asarray(xp.multiply.outer([1, 2], [3, 4])), [[3, 4], [6, 8]])
    assert xp.add.nin == 2 and xp.sin.nout == 1 and xp.add.identity == 0
    x = xp.zeros(3)
    xp.add.at(x, [0, 0], 1)
    np.testing.assert_array_equal(np.asarray(x), [2, 0, 0])


def test_integer_negative_powers_raise_like_numpy(oracle):
    oracle(lambda a: a ** -1, np.array([1, 2, 3]))
    oracle(lambda a, b: np.power(a, b), np.array([1, 2, 3]), np.array([2, -1, 0]))
    oracle(lambda a, b: a ** b, np.array([2, 3]), np.array([3, 0]))
    oracle(lambda a: np.power(a, -2), np.array([1.0, 2.0]))

    def inplace(a):
        a **= -1
        return a
    oracle(inplace, np.array([1, 2]))


def test_integer_negative_powers_inside_jit_are_truncated():
    import jax
    out = jax.jit(lambda a, b: np.power(a, b))(shim.asarray([1, -1, -1, 2, 5]),
                                                shim.asarray([-3, -3, -2, -1, 2]))
    np.testing.assert_array_equal(np.asarray(out), [1, -1, 1, 0, 25])


# --- broadcasting properties ---------------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

_BROADCAST_UFUNCS = [np.add, np.subtract, np.multiply, np.maximum, np.less_equal, np.arctan2,
                     np.logaddexp, np.copysign]


@given(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4),
       st.sampled_from(_BROADCAST_UFUNCS),
       st.sampled_from([np.float64, np.float32, np.int32, np.int8]))
def test_broadcasting_matches_numpy(shapes, ufunc, dtype):
    a = (np.arange(int(np.prod(shapes.input_shapes[0]))) % 7 - 3).astype(dtype).reshape(
        shapes.input_shapes[0])
    b = (np.arange(int(np.prod(shapes.input_shapes[1]))) % 5 + 1).astype(dtype).reshape(
        shapes.input_shapes[1])
    with np.errstate(all="ignore"):
        check(ufunc, a, b)


@given(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4),
       st.booleans())
def test_out_and_inplace_broadcasting_match_numpy(shapes, through_view):
    a = np.arange(int(np.prod(shapes.input_shapes[0])), dtype=float).reshape(shapes.input_shapes[0])
    b = np.linspace(1, 2, int(np.prod(shapes.input_shapes[1]))).reshape(shapes.input_shapes[1])
    out_shape = shapes.result_shape

    def run(a, b, out):
        target = out[...] if through_view else out
        np.multiply(a, b, out=target)
        target += b
        return out

    check(run, a, b, np.zeros(out_shape))

    def mismatched(a, b):          # the output is not the broadcast shape: NumPy raises
        a += b
        return a
    check(mismatched, a, b)
