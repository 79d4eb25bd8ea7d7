"""shim.array_api against the array API standard: signatures, values and dtypes
compared with ``array_api_strict`` (the standard's reference), copy semantics,
array_api_compat, and a real consumer (scikit-learn)."""
from __future__ import annotations

import inspect
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import shim
import shim.array_api as xp

strict = pytest.importorskip("array_api_strict")
compat = pytest.importorskip("array_api_compat")

_STRICT_ONLY = {"Device", "set_array_api_strict_flags", "get_array_api_strict_flags",
                "reset_array_api_strict_flags", "ArrayAPIStrictFlags", "__version__"}
NAMES = sorted(set(strict.__all__) - _STRICT_ONLY)
SETTINGS = settings(max_examples=12, deadline=None)

REAL = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float32", "float64"]
FLOAT = ["float32", "float64"]
COMPLEX = ["complex64", "complex128"]
SHAPES = [(), (3,), (2, 3)]


# --- names and signatures -----------------------------------------------------------

def _params(f):
    return [(p.name, p.kind) for p in inspect.signature(f).parameters.values()]


@pytest.mark.parametrize("name", NAMES)
def test_namespace_has_every_standard_name_with_its_signature(name):
    ours, ref = getattr(xp, name), getattr(strict, name)
    if callable(ref) and not isinstance(ref, (type, np.dtype)) and inspect.isfunction(ref):
        assert _params(ours) == _params(ref), name


@pytest.mark.parametrize("module", ["linalg", "fft"])
def test_extensions_have_every_function_with_its_signature(module):
    ours, ref = getattr(xp, module), getattr(strict, module)
    for name in ref.__all__:
        assert _params(getattr(ours, name)) == _params(getattr(ref, name)), f"{module}.{name}"
    if module == "linalg":          # added in 2025.12, after array_api_strict 2.6
        assert [p[0] for p in _params(ours.eig)] == ["x"] and hasattr(ours, "eigvals")


def test_version_and_inspection():
    assert xp.__array_api_version__ == "2025.12"
    info = xp.__array_namespace_info__()
    assert info.capabilities() == {"boolean indexing": True, "data-dependent shapes": True,
                                   "max dimensions": None}
    assert info.default_dtypes() == {"real floating": xp.float64, "complex floating": xp.complex128,
                                     "integral": xp.int64, "indexing": xp.int64}
    assert set(info.dtypes(kind="integral")) == {n for n in REAL if n[0] in "iu"}
    assert isinstance(info.devices(), tuple) and info.default_device() in info.devices()


# --- differential tests against array_api_strict ------------------------------------

def _array(draw, dtype, shape, special=True, scale=1e3):
    dt = np.dtype(dtype)
    if dt.kind == "f":      # XLA on CPU flushes subnormals to zero: not drawn
        elements = st.floats(-scale, scale, width=dt.itemsize * 8, allow_subnormal=False) | (
            st.sampled_from([np.nan, np.inf, -np.inf, -0.0, 0.0]) if special else st.nothing())
    elif dt.kind == "c":
        part = st.floats(-1e2, 1e2, width=dt.itemsize * 4)
        elements = st.builds(complex, part, part)
    elif dt.kind == "b":
        elements = st.booleans()
    else:
        info = np.iinfo(dt)
        elements = st.integers(max(info.min, -100), min(info.max, 100))
    return draw(hnp.arrays(dt, shape, elements=elements))


def _compare(ours, ref, exact=False, zeros=True):
    """Same dtype, shape and values (NaN positions, signed zeros, close otherwise)."""
    if isinstance(ref, tuple) and not hasattr(ref, "_fields") and ref and isinstance(ref[0], int):
        assert ours == ref
        return
    if isinstance(ref, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(ref)
        for o, r in zip(ours, ref):
            _compare(o, r, exact, zeros)
        return
    assert isinstance(ours, shim.JaxArray)
    r = np.asarray(ref._array) if hasattr(ref, "_array") else np.asarray(ref)
    o = np.asarray(ours)
    assert o.dtype == r.dtype and o.shape == r.shape
    if o.dtype.kind == "f" and zeros:
        zero = (r == 0) & (o == 0)
        assert np.array_equal(np.signbit(o[zero]), np.signbit(r[zero]))
    rtol = 0 if exact or o.dtype.kind in "biu" else 2e-5 if o.dtype.itemsize <= 8 and \
        o.dtype in (np.float32, np.complex64) else 1e-11
    np.testing.assert_allclose(o, r, rtol=rtol, atol=0 if rtol == 0 else rtol, equal_nan=True)


def _unary_dtypes(name):
    if name in ("logical_not",):
        return ["bool"]
    if name in ("bitwise_invert",):
        return [d for d in REAL if d[0] in "iu"] + ["bool"]
    if name in ("abs", "negative", "positive", "square", "sign"):
        return REAL + COMPLEX
    if name in ("ceil", "floor", "trunc", "signbit", "isnan", "isinf", "isfinite", "round"):
        return FLOAT + (["int64"] if name != "signbit" else [])
    if name in ("real", "imag", "conj"):
        return COMPLEX
    return FLOAT + COMPLEX


UNARY = [n for n in xp._elementwise.UNARY]


@pytest.mark.parametrize("name", UNARY)
@SETTINGS
@given(data=st.data())
def test_unary_elementwise_matches_strict(name, data):
    dtype = data.draw(st.sampled_from(_unary_dtypes(name)))
    a = _array(data.draw, dtype, data.draw(st.sampled_from(SHAPES)))
    with np.errstate(all="ignore"):
        _compare(getattr(xp, name)(xp.asarray(a)), getattr(strict, name)(strict.asarray(a)))


def _binary_dtypes(name):
    if name.startswith("logical"):
        return ["bool"]
    if name.startswith("bitwise"):
        return [d for d in REAL if d[0] in "iu"]
    if name in ("atan2", "copysign", "hypot", "logaddexp", "nextafter", "divide"):
        return FLOAT
    if name in ("floor_divide", "remainder", "maximum", "minimum", "greater", "greater_equal",
                "less", "less_equal"):
        return REAL
    return REAL + COMPLEX


BINARY = list(xp._elementwise.BINARY)


@pytest.mark.parametrize("name", BINARY)
@SETTINGS
@given(data=st.data())
def test_binary_elementwise_matches_strict(name, data):
    dtype = data.draw(st.sampled_from(_binary_dtypes(name)))
    shape = data.draw(st.sampled_from(SHAPES))
    special = name != "floor_divide"     # NumPy (hence strict) gives inf // 2 = nan; the standard inf
    a = _array(data.draw, dtype, shape, special)
    b = _array(data.draw, dtype, shape[1:], special)
    if name.startswith("bitwise_") and "shift" in name:
        b = np.abs(b) % (8 * b.dtype.itemsize)
    if name in ("floor_divide", "remainder", "pow") and np.dtype(dtype).kind in "iu":
        b = (np.abs(b) % 4 + 1).astype(dtype)     # division by zero, negative powers: unspecified
    with np.errstate(all="ignore"):
        _compare(getattr(xp, name)(xp.asarray(a), xp.asarray(b)),
                 getattr(strict, name)(strict.asarray(a), strict.asarray(b)))


def test_standard_special_values_where_jax_numpy_differs():
    z = xp.asarray([complex(-np.inf, np.inf), complex(np.inf, np.nan), complex(0, np.nan)])
    assert np.allclose(np.asarray(xp.exp(z))[0], 0)
    assert np.isinf(np.asarray(xp.log(z)).real[1])
    assert np.asarray(xp.acos(z))[2].real == pytest.approx(math.pi / 2)
    assert np.signbit(np.asarray(xp.floor_divide(xp.asarray(-0.0), 2.0)))
    assert np.asarray(xp.floor_divide(xp.asarray(np.inf), 2.0)) == np.inf
    assert np.signbit(np.asarray(xp.remainder(xp.asarray(0.0), -1.0)))
    assert not np.signbit(np.asarray(xp.sign(xp.asarray(complex(-0.0, -0.0)))).real)


# Every other function: a call on hypothesis-drawn arrays, compared with array_api_strict.
CALLS = {
    "max": lambda m, x: m.max(x, axis=-1), "min": lambda m, x: m.min(x, axis=0, keepdims=True),
    "sum": lambda m, x: m.sum(x, axis=-1), "prod": lambda m, x: m.prod(x),
    "mean": lambda m, x: m.mean(x, axis=-1), "std": lambda m, x: m.std(x, correction=1),
    "var": lambda m, x: m.var(x, axis=0), "cumulative_sum": lambda m, x: m.cumulative_sum(
        x, axis=-1, include_initial=True), "cumulative_prod": lambda m, x: m.cumulative_prod(x, axis=0),
    "all": lambda m, x: m.all(x > 0, axis=-1), "any": lambda m, x: m.any(x > 0),
    "diff": lambda m, x: m.diff(x, axis=-1), "argmax": lambda m, x: m.argmax(x, axis=-1),
    "argmin": lambda m, x: m.argmin(x), "count_nonzero": lambda m, x: m.count_nonzero(x, axis=0),
    "nonzero": lambda m, x: m.nonzero(x), "sort": lambda m, x: m.sort(x, descending=True),
    "argsort": lambda m, x: m.argsort(x, axis=0), "where": lambda m, x: m.where(x > 0, x, 0),
    "searchsorted": lambda m, x: m.searchsorted(m.sort(m.reshape(x, (-1,))), x[0, ...]),
    "unique_values": lambda m, x: m.unique_values(x), "unique_counts": lambda m, x: m.unique_counts(x),
    "unique_inverse": lambda m, x: m.unique_inverse(x), "unique_all": lambda m, x: m.unique_all(x),
    "isin": lambda m, x: m.isin(m.astype(x, m.int64), m.astype(x[0, ...], m.int64)), "concat": lambda m, x: m.concat([x, x], axis=None),
    "stack": lambda m, x: m.stack([x, x], axis=-1), "unstack": lambda m, x: m.unstack(x, axis=1),
    "expand_dims": lambda m, x: m.expand_dims(x, axis=-1), "flip": lambda m, x: m.flip(x, axis=0),
    "moveaxis": lambda m, x: m.moveaxis(x, 0, -1), "permute_dims": lambda m, x: m.permute_dims(x, (1, 0)),
    "repeat": lambda m, x: m.repeat(x, 2, axis=0), "reshape": lambda m, x: m.reshape(x, (-1,)),
    "roll": lambda m, x: m.roll(x, 1, axis=1), "squeeze": lambda m, x: m.squeeze(x[:1, ...], axis=0),
    "tile": lambda m, x: m.tile(x, (2, 1)), "broadcast_to": lambda m, x: m.broadcast_to(x, (2, 2, 3)),
    "broadcast_arrays": lambda m, x: m.broadcast_arrays(x, x[0, ...]),
    "take": lambda m, x: m.take(x, m.asarray([0, -1, 1]), axis=1),
    "take_along_axis": lambda m, x: m.take_along_axis(x, m.argsort(x, axis=1), axis=1),
    "clip": lambda m, x: m.clip(x, 1, 5), "matmul": lambda m, x: m.matmul(x, m.matrix_transpose(x)),
    "matrix_transpose": lambda m, x: m.matrix_transpose(x),
    "tensordot": lambda m, x: m.tensordot(x, x, axes=([1], [1])),
    "vecdot": lambda m, x: m.vecdot(x, x), "astype": lambda m, x: m.astype(x, m.float32),
    "tril": lambda m, x: m.tril(x, k=1), "triu": lambda m, x: m.triu(x),
    "zeros_like": lambda m, x: m.zeros_like(x), "ones_like": lambda m, x: m.ones_like(x),
    "full_like": lambda m, x: m.full_like(x, 7), "empty_like": lambda m, x: m.empty_like(x).shape,
    "asarray": lambda m, x: m.asarray(x, copy=True), "from_dlpack": lambda m, x: m.from_dlpack(x),
}
LINALG = {
    "cholesky": lambda m, x: m.linalg.cholesky(_spd(m, x)), "det": lambda m, x: m.linalg.det(_spd(m, x)),
    "inv": lambda m, x: m.linalg.inv(_spd(m, x)), "eigvalsh": lambda m, x: m.linalg.eigvalsh(_spd(m, x)),
    "slogdet": lambda m, x: m.linalg.slogdet(_spd(m, x)), "solve": lambda m, x: m.linalg.solve(_spd(m, x), x[0, :2]),
    "matrix_power": lambda m, x: m.linalg.matrix_power(_spd(m, x), 3),
    "matrix_norm": lambda m, x: m.linalg.matrix_norm(x, ord="fro"),
    "vector_norm": lambda m, x: m.linalg.vector_norm(x, axis=-1, ord=1),
    "svdvals": lambda m, x: m.linalg.svdvals(x), "matrix_rank": lambda m, x: m.linalg.matrix_rank(_spd(m, x)),
    "pinv": lambda m, x: m.linalg.pinv(_spd(m, x)), "trace": lambda m, x: m.linalg.trace(x, offset=1),
    "diagonal": lambda m, x: m.linalg.diagonal(x), "outer": lambda m, x: m.linalg.outer(x[0, ...], x[1, ...]),
    "cross": lambda m, x: m.linalg.cross(x, x[::-1, ...]), "vecdot": lambda m, x: m.linalg.vecdot(x, x, axis=-2),
    "matmul": lambda m, x: m.linalg.matmul(x, m.linalg.matrix_transpose(x)),
    "tensordot": lambda m, x: m.linalg.tensordot(x, x, axes=2),
    "matrix_transpose": lambda m, x: m.linalg.matrix_transpose(x),
}
def _fft_call(name, complex_input):
    def call(m, x):
        return getattr(m.fft, name)(m.astype(x, m.complex128) if complex_input else x)
    return call


FFT = {name: _fft_call(name, True)
       for name in ("fft", "ifft", "fftn", "ifftn", "hfft", "fftshift", "ifftshift")}
FFT.update({name: _fft_call(name, False) for name in ("rfft", "rfftn", "ihfft")})
FFT.update({"irfft": lambda m, x: m.fft.irfft(m.fft.rfft(x), n=3),
            "irfftn": lambda m, x: m.fft.irfftn(m.fft.rfftn(x), s=(2, 3)),
            "fftfreq": lambda m, x: m.fft.fftfreq(5, d=0.5), "rfftfreq": lambda m, x: m.fft.rfftfreq(6)})


def _spd(m, x):
    return m.matmul(x[:, :2], m.matrix_transpose(x[:, :2])) + 3 * m.eye(2, dtype=x.dtype)


@pytest.mark.parametrize("name, call", [*CALLS.items(), *(("linalg." + k, v) for k, v in LINALG.items()),
                                        *(("fft." + k, v) for k, v in FFT.items())])
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_function_matches_strict(name, call, data):
    ints = "." not in name and name not in ("mean", "std", "var")
    dtype = data.draw(st.sampled_from(["float64", "float32", "int64"] if ints else FLOAT))
    a = _array(data.draw, dtype, (2, 3), special=False, scale=1e3 if "." not in name else 2.0)
    if name in ("linalg.matrix_rank", "unique_inverse", "unique_all"):
        a = np.round(a)
    _compare(call(xp, xp.asarray(a)), call(strict, strict.asarray(a)), zeros=False)


def test_every_function_is_covered():
    covered = set(UNARY) | set(BINARY) | set(CALLS)
    tested_elsewhere = {"arange", "empty", "eye", "full", "linspace", "meshgrid", "ones", "zeros",
                        "can_cast", "finfo", "iinfo", "isdtype", "result_type", "broadcast_shapes",
                        "__array_namespace_info__"}
    functions = {n for n in NAMES if inspect.isfunction(getattr(strict, n))}
    assert functions - covered - tested_elsewhere == set()
    assert set(strict.linalg.__all__) == set(LINALG) | {"eigh", "qr", "svd"}
    assert set(strict.fft.__all__) == set(FFT)


def test_creation_functions_match_strict():
    for call in (lambda m: m.arange(1, 10, 2), lambda m: m.arange(0.5, 2.0, 0.25),
                 lambda m: m.empty((2, 0)), lambda m: m.eye(3, 4, k=1, dtype=m.int32),
                 lambda m: m.full((2,), True), lambda m: m.full((2,), 3), lambda m: m.full(2, 1.5),
                 lambda m: m.linspace(0, 1, 5, endpoint=False), lambda m: m.ones(3, dtype=m.uint8),
                 lambda m: m.zeros(()), lambda m: m.meshgrid(m.arange(2), m.arange(3)),
                 lambda m: m.asarray([[1, 2], [3, 4]]), lambda m: m.asarray(2.5),
                 lambda m: m.asarray([True, False])):
        _compare(call(xp), call(strict), exact=True)


def test_decompositions_reconstruct_like_strict():
    a = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
    x = xp.asarray(a)
    w, v = xp.linalg.eigh(x)
    np.testing.assert_allclose(np.asarray(v @ xp.linalg.diagonal(xp.eye(3) * w[:, None]) * 0 + (v * w) @ v.mT), a)
    q, r = xp.linalg.qr(x)
    np.testing.assert_allclose(np.asarray(q @ r), a)
    u, s, vh = xp.linalg.svd(x, full_matrices=False)
    np.testing.assert_allclose(np.asarray((u * s) @ vh), a)
    ev = xp.linalg.eigvals(x)
    assert ev.dtype == xp.complex128
    np.testing.assert_allclose(np.sort(np.asarray(ev).real), np.asarray(xp.linalg.eigvalsh(x)))


# --- dtypes and promotion -----------------------------------------------------------

ALL = ["bool", *REAL, *COMPLEX]


def test_dtype_functions_match_strict():
    for a in ALL:
        da, sa = getattr(xp, a), getattr(strict, a)
        for b in ALL:
            db, sb = getattr(xp, b), getattr(strict, b)
            try:
                expected = strict.result_type(sa, sb)
            except TypeError:                       # a mix the standard leaves undefined
                assert xp.result_type(da, db) == np.result_type(da, db)
            else:
                assert xp.result_type(da, db) == expected._np_dtype
                assert xp.can_cast(da, db) == strict.can_cast(sa, sb), (a, b)
        for kind in ("bool", "signed integer", "unsigned integer", "integral", "real floating",
                     "complex floating", "numeric"):
            assert xp.isdtype(da, kind) == strict.isdtype(sa, kind)
    assert xp.result_type(xp.int8, 1) == xp.int8 and xp.result_type(xp.float32, 1.0) == xp.float32
    f = xp.finfo(xp.float32)
    assert isinstance(f.eps, float) and f.eps == strict.finfo(strict.float32).eps
    assert xp.iinfo(xp.asarray([1], dtype=xp.int16)).max == 2 ** 15 - 1


def test_bad_arguments_name_function_and_allowed_values():
    with pytest.raises(TypeError, match=r"asarray: dtype=.*allowed"):
        xp.asarray([1], dtype="U3")
    with pytest.raises(IndexError, match="sort: axis 3 is out of bounds"):
        xp.sort(xp.asarray([1, 2]), axis=3)
    with pytest.raises(ValueError, match="qr: mode='r'; allowed"):
        xp.linalg.qr(xp.eye(2), mode="r")
    with pytest.raises(ValueError, match="fft: norm='x'; allowed"):
        xp.fft.fft(xp.asarray([1.0]), norm="x")
    with pytest.raises(ValueError, match="squeeze: axis 0 has size 2"):
        xp.squeeze(xp.ones((2, 1)), axis=0)


# --- copy semantics and in-place writes ---------------------------------------------

def test_copy_keywords():
    x = xp.asarray([1.0, 2.0, 3.0])
    assert xp.asarray(x) is x and xp.asarray(x, copy=False) is x
    y = xp.asarray(x, copy=True)
    y[0] = 10.0
    assert float(x[0]) == 1.0
    with pytest.raises(ValueError, match="copy=False"):
        xp.asarray(x, dtype=xp.float32, copy=False)
    with pytest.raises(ValueError, match="copy=False"):
        xp.asarray(np.ones(3), copy=False)
    assert xp.astype(x, xp.float64, copy=False) is x
    assert xp.astype(x, xp.float64) is not x
    v = xp.reshape(x, (3, 1), copy=False)          # a view: writes reach x
    v[1, 0] = 7.0
    assert float(x[1]) == 7.0
    c = xp.reshape(x, (3, 1), copy=True)
    c[2, 0] = -1.0
    assert float(x[2]) == 3.0
    with pytest.raises(ValueError, match="copy=False"):
        xp.reshape(xp.matrix_transpose(xp.ones((2, 3))), (6,), copy=False)


def test_standard_setitem_and_inplace_operators():
    s = strict.asarray(np.arange(12.0).reshape(3, 4))
    x = xp.asarray(np.arange(12.0).reshape(3, 4))
    for index, val in (((0, slice(None)), 5.0), ((Ellipsis, 1), -1.0),
                       ((slice(None, None, 2), 0), 9.0), ((1, slice(1, 3)), [1.5, 2.5])):
        x[index] = xp.asarray(val) if isinstance(val, list) else val
        s[index] = strict.asarray(val) if isinstance(val, list) else val
    x[x > 8] = 0.0                                # boolean mask
    s[s > 8] = 0.0
    x += 1.0
    s += 1.0
    x *= xp.asarray([1.0, 2.0, 3.0, 4.0])
    s *= strict.asarray([1.0, 2.0, 3.0, 4.0])
    _compare(x, s, exact=True)
    i = xp.asarray([1, 2], dtype=xp.int32)
    i += 1                                        # Python scalar keeps the array's dtype
    assert i.dtype == xp.int32


# --- array object and array_api_compat ----------------------------------------------

def test_array_attributes_and_array_api_compat():
    x = xp.asarray(np.arange(6.0).reshape(2, 3))
    assert x.__array_namespace__() is xp and x.__array_namespace__(api_version="2025.12") is xp
    assert compat.array_namespace(x) is xp and compat.is_array_api_obj(x)
    assert compat.device(x) == x.device == xp.__array_namespace_info__().default_device()
    assert compat.size(x) == 6
    y = compat.to_device(x, x.device)
    np.testing.assert_array_equal(np.asarray(y), np.asarray(x))
    assert x.mT.shape == (3, 2)
    assert x.__dlpack_device__()[0] == 1
    x.__dlpack__(max_version=(0, 0))                          # a legacy capsule
    np.testing.assert_array_equal(np.from_dlpack(x), np.asarray(x))
    assert xp.from_dlpack(np.arange(3.0)).dtype == xp.float64


def test_works_inside_shim_jit():
    @shim.jit
    def f(a):
        return xp.sum(xp.sort(a, descending=True)[:2] * xp.linalg.vector_norm(a))
    a = xp.asarray([3.0, 1.0, 2.0])
    assert float(f(a)) == pytest.approx(5 * math.sqrt(14))


# --- a real consumer: scikit-learn with array API dispatch --------------------------
# scikit-learn's dispatch needs SCIPY_ARRAY_API=1 before SciPy is imported (JAX imports it),
# so the comparison runs in a fresh interpreter.

SKLEARN_SCRIPT = """
import numpy as np, sklearn, shim
import shim.array_api as xp
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.metrics import accuracy_score, mean_squared_error, r2_score
rng = np.random.default_rng(0)
X = rng.normal(size=(80, 4))
y = (X[:, 0] + 0.3 * rng.normal(size=80) > 0).astype(np.int64)
pca_ref = PCA(n_components=2, svd_solver="full").fit(X)
lda_ref = LinearDiscriminantAnalysis().fit(X, y)
Xj, yj = xp.asarray(X), xp.asarray(y)
with sklearn.config_context(array_api_dispatch=True):
    pca = PCA(n_components=2, svd_solver="full").fit(Xj)
    t = pca.transform(Xj)
    lda = LinearDiscriminantAnalysis().fit(Xj, yj)
    pred = lda.predict(Xj)
    scores = lda.decision_function(Xj)
    acc = accuracy_score(yj, pred)
    r2 = r2_score(Xj[:, 0], Xj[:, 1])
    mse = mean_squared_error(Xj[:, 0], Xj[:, 1])
assert type(t) is shim.JaxArray and type(pred) is shim.JaxArray, (type(t), type(pred))
np.testing.assert_allclose(np.abs(np.asarray(t)), np.abs(pca_ref.transform(X)), rtol=1e-8)
np.testing.assert_allclose(np.asarray(pca.explained_variance_), pca_ref.explained_variance_)
np.testing.assert_array_equal(np.asarray(pred), lda_ref.predict(X))
np.testing.assert_allclose(np.asarray(scores), lda_ref.decision_function(X), rtol=1e-8)
assert np.isclose(float(acc), accuracy_score(y, lda_ref.predict(X)))
assert np.isclose(float(r2), r2_score(X[:, 0], X[:, 1]))
assert np.isclose(float(mse), mean_squared_error(X[:, 0], X[:, 1]))
print("ok")
"""


def test_sklearn_estimators_and_metrics_on_jaxarrays():
    pytest.importorskip("sklearn")
    env = dict(os.environ, SCIPY_ARRAY_API="1", JAX_ENABLE_X64="1")
    run = subprocess.run([sys.executable, "-c", SKLEARN_SCRIPT], env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0 and run.stdout.strip().endswith("ok"), run.stderr[-3000:]
