"""NumPy functions (``__array_function__``) on shim arrays, compared with NumPy."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import shim

rng = np.random.default_rng(1234)
A = rng.standard_normal((3, 4))
B = rng.standard_normal((4, 2))
SQ = rng.standard_normal((4, 4)) + 4 * np.eye(4)
SPD = SQ @ SQ.T
V = rng.standard_normal(6)
I = np.array([[3, 1, 4], [1, 5, 9]], dtype=np.int64)
I8 = np.array([1, -2, 3, 100], dtype=np.int8)
F32 = A.astype(np.float32)
BOOL = A > 0
NAN = np.where(A > 1, np.nan, A)
C = (A + 1j * A[::-1]).astype(np.complex128)
SORTED = np.array([1.0, 2.0, 2.0, 5.0, 8.0])

# (label, function, *arguments): each is run on NumPy arrays and on shim arrays.
CASES = [
    # reductions and statistics
    ("sum", lambda a: np.sum(a), A),
    ("sum-axis-keepdims", lambda a: np.sum(a, axis=1, keepdims=True), A),
    ("sum-int8", lambda a: np.sum(a), I8),
    ("sum-bool", lambda a: np.sum(a, axis=0), BOOL),
    ("sum-dtype", lambda a: np.sum(a, dtype=np.float32), I),
    ("mean", lambda a: np.mean(a, axis=0), A),
    ("mean-int", lambda a: np.mean(a), I),
    ("statistics-narrow-ints", lambda a: (np.mean(a), np.std(a, axis=0), np.var(a), np.median(a), np.average(a), np.nanmean(a), np.percentile(a, 50), np.quantile(a, 0.5), a.mean(), a.astype(bool).mean()), I.astype(np.int32)),
    ("statistics-bool", lambda a: (np.mean(a), np.std(a), a.mean(axis=1)), BOOL),
    ("histogramdd-1d-and-lists", lambda v: (np.histogramdd(v, bins=3), np.histogramdd([v, v[::-1] * 2], bins=(2, 3)), np.histogramdd((v, v), bins=2, weights=v + 2)), V),
    ("histogram2d-dd", lambda v: (np.histogram2d(v, v[::-1], bins=3), np.histogramdd(np.stack([v, v]).T, bins=2)), V),
    ("std-ddof", lambda a: np.std(a, ddof=1), A),
    ("var", lambda a: np.var(a, axis=1), A),
    ("min-max", lambda a: (np.min(a), np.max(a, axis=0), np.amax(a), np.amin(a, 1)), A),
    ("arg", lambda a: (np.argmin(a), np.argmax(a, axis=1)), A),
    ("prod", lambda a: (np.prod(a), np.prod(a, axis=1)), I),
    ("cumsum-cumprod", lambda a: (np.cumsum(a), np.cumprod(a, axis=1), np.cumsum(a, dtype=float)), I),
    ("cumsum-int8", lambda a: np.cumsum(a), I8),
    ("all-any", lambda a: (np.all(a), np.any(a, axis=0), np.all(a > -5)), BOOL),
    ("median-percentile", lambda a: (np.median(a), np.percentile(a, 30), np.quantile(a, [0.1, 0.9], axis=1)), A),
    ("average", lambda a, w: (np.average(a, axis=1, weights=w), np.average(a)), A, np.arange(1.0, 5.0)),
    ("ptp-count", lambda a: (np.ptp(a, axis=0), np.count_nonzero(a > 0), np.count_nonzero(a > 0, axis=1)), A),
    ("nan-reductions", lambda a: (np.nansum(a), np.nanmean(a, axis=0), np.nanmax(a), np.nanargmin(a), np.nanstd(a)), NAN),
    ("cumulative_sum", lambda a: np.cumulative_sum(a, axis=1, include_initial=True), I),
    # sorting and searching
    ("sort-argsort", lambda a: (np.sort(a), np.sort(a, axis=0), np.argsort(a, axis=1, kind="stable")), A),
    ("searchsorted", lambda s, v: (np.searchsorted(s, v), np.searchsorted(s, 2.0, side="right")), SORTED, np.array([0.0, 2.0, 9.0])),
    ("unique", lambda a: np.unique(a, return_counts=True, return_index=True), np.array([3, 1, 3, 2, 1, 1])),
    ("where-nonzero", lambda a: (np.where(a > 0), np.where(a > 0, a, -1.0), np.nonzero(a > 0), np.argwhere(a > 0), np.flatnonzero(a > 0)), A),
    # Partitions are compared where NumPy defines them: the kth values and the sides' contents.
    ("partition-kth-sequence-and-flattened", lambda a: (np.partition(a, [1, 3], axis=1)[:, [1, 3]], np.sort(np.partition(a, [1, 3], axis=1), axis=1), np.partition(a, 5, axis=None)[5], np.sort(np.partition(a, 5, axis=None)[6:]), np.take_along_axis(a, np.argpartition(a, [0, 2], axis=1), 1)[:, [0, 2]], np.ravel(a)[np.argpartition(a, 4, axis=None)][4], np.take_along_axis(a, a.argpartition(1), 1)[:, 1], a.argpartition(1).dtype), A),
    ("lexsort", lambda a, b: np.lexsort((a, b)), np.array([1, 5, 1, 4]), np.array([9, 4, 0, 4])),
    # shapes and joining
    ("concatenate", lambda a, b: (np.concatenate([a, b.T]), np.concatenate([a, a], axis=1), np.concatenate([a, b.T], axis=None)), A, B),
    ("stack", lambda a: (np.stack([a, a]), np.vstack([a, a]), np.hstack([a, a]), np.dstack([a, a]), np.column_stack([a[0], a[1]])), A),
    ("block", lambda a: np.block([[a, a], [a, a]]), A),
    ("split", lambda a: (np.split(a, 2, axis=1), np.array_split(a, 3), np.hsplit(a, [1, 3])), A),
    ("tile-repeat", lambda a: (np.tile(a, (2, 1)), np.repeat(a, 2), np.repeat(a, [1, 2, 3], axis=0)), A),
    ("roll-flip", lambda a: (np.roll(a, 2), np.roll(a, -1, axis=1), np.flip(a), np.fliplr(a), np.flipud(a), np.rot90(a)), A),
    ("pad", lambda a: (np.pad(a, 1), np.pad(a, ((1, 0), (2, 1)), mode="edge"), np.pad(a, 2, mode="wrap")), A),
    ("broadcast", lambda a, v: (np.broadcast_to(v, (2, 6)), np.broadcast_arrays(a, a[0])), A, V),
    ("meshgrid", lambda a, b: np.meshgrid(a, b, indexing="ij"), np.arange(3.0), np.arange(2.0)),
    ("atleast", lambda v: (np.atleast_1d(v[0]), np.atleast_2d(v), np.atleast_3d(v), np.atleast_1d(v, v[1:])), V),
    ("reshape-ravel", lambda a: (np.reshape(a, (2, 6)), np.reshape(a, -1), np.ravel(a), a.reshape(4, 3), a.ravel(order="F"), a.flatten()), A),
    ("transposes", lambda a: (np.transpose(a), np.swapaxes(a, 0, 1), np.moveaxis(a[None], 0, -1), a.T, np.expand_dims(a, (0, 2)), np.squeeze(a[None, :, None])), A),
    ("resize-append-insert-delete", lambda v: (np.resize(v, (2, 4)), np.append(v, [1.0, 2.0]), np.insert(v, 2, -1.0), np.delete(v, [0, 3])), V),
    ("trim-diff", lambda v: (np.diff(v), np.diff(v, n=2), np.ediff1d(v), np.gradient(v)), V),
    # linear algebra
    ("dot-family", lambda a, b: (np.dot(a, b), np.matmul(a, b), a @ b, np.inner(a, a), np.outer(a[0], b[:, 0]), np.vdot(a, a), np.tensordot(a, b, 1)), A, B),
    ("einsum", lambda a, b: (np.einsum("ij,jk->ik", a, b), np.einsum("ii", a[:, :3]), np.einsum("ij->j", a)), A, B),
    ("kron-promotes-like-numpy", lambda a, b: (np.kron(a, b), np.kron(b, a)), I, F32[:2, :2]),
    ("kron-cross-trace", lambda a: (np.kron(a[:2, :2], a[:2, :2]), np.cross(a[0, :3], a[1, :3]), np.trace(a), np.diag(a), np.diagonal(a, 1), np.tril(a), np.triu(a, 1)), A),
    ("linalg-solve-inv-det", lambda s, v: (np.linalg.solve(s, v[:4]), np.linalg.inv(s), np.linalg.det(s), np.linalg.slogdet(s)), SQ, V),
    ("linalg-eig", lambda s: (np.linalg.eig(s @ s.T).eigenvalues, np.linalg.eigvals(np.diag(np.diag(s))), np.linalg.eigh(s).eigenvalues), SPD),
    ("linalg-decompositions", lambda s: (np.linalg.cholesky(s), np.abs(np.linalg.qr(s).R), np.linalg.svd(s, compute_uv=False)), SPD),
    ("linalg-norms", lambda a: (np.linalg.norm(a), np.linalg.norm(a, axis=1), np.linalg.norm(a, ord=1), np.linalg.norm(a, "fro"), np.linalg.matrix_rank(a)), A),
    ("tril-triu-1d", lambda v: (np.tril(v), np.triu(v, 1), np.tril(v, -2), np.triu(v.astype(int))), V),
    ("linalg-lstsq-residuals-rank", lambda a: (np.linalg.lstsq(a.T, a[0], rcond=None)[1:3], np.linalg.lstsq(a, a[:, 0], rcond=None)[1:3], np.linalg.lstsq(np.ones((4, 2)), a[0], rcond=None)[1:3]), A),
    ("einsum_path", lambda a, b: (np.einsum_path("ij,jk->ik", a, b), np.einsum_path("ij,jk,k->i", a, b, b[0], optimize="optimal"), np.einsum_path("ii", a[:, :3], einsum_call=False)), A, B),
    ("linalg-more", lambda s, a: (np.linalg.pinv(a), np.linalg.matrix_power(s, 3), np.linalg.multi_dot([a, a.T, a]), np.linalg.lstsq(a.T, a[0], rcond=None)[0]), SQ, A),
    # fft
    ("fft", lambda c: (np.fft.fft(c[0]), np.fft.ifft(c[0]), np.fft.fft2(c), np.fft.fftn(c, axes=(0,)), np.fft.fftshift(c), np.fft.ifftshift(c, axes=1)), C),
    ("rfft", lambda a: (np.fft.rfft(a), np.fft.irfft(np.fft.rfft(a)), np.fft.rfftn(a), np.fft.hfft(a[0]), np.fft.rfft(a, n=8, norm="ortho")), A),
    # elementwise helpers
    ("clip-round", lambda a: (np.clip(a, -0.5, 0.5), np.round(a, 2), np.around(a, 1), a.clip(0), np.clip(a, a[0], None)), A),
    ("nan_to_num-isclose", lambda a: (np.nan_to_num(a, nan=-1.0), np.isclose(a, 0.0, atol=0.5), np.allclose(a, a), np.array_equal(a, a), np.array_equiv(a, a[0])), NAN),
    ("complex", lambda c: (np.real(c), np.imag(c), np.angle(c), np.conj(c), np.iscomplexobj(c), np.isrealobj(c), c.real, c.imag), C),
    ("interp-hist", lambda v, i: (np.interp(v, [0.0, 1.0, 2.0], [0.0, 10.0, 0.0]), np.interp([0.5], v[:3] ** 2, v[:3]), np.histogram(v, bins=3), np.bincount(i), np.digitize(v, [-1.0, 0.0, 1.0])), V, np.array([0, 1, 1, 3])),
    ("convolve-correlate", lambda v: (np.convolve(v, v[:3]), np.correlate(v, v[:3], "same"), np.convolve(v, [1.0, -1.0], "valid")), V),
    ("cov-corrcoef", lambda a: (np.cov(a), np.corrcoef(a), np.cov(a, rowvar=False, ddof=0)), A),
    ("polynomials", lambda v: (np.polyval([1.0, 2.0, 3.0], v), np.polyfit(np.arange(6.0), v, 2), np.roots(v[:3])), V),
    ("polydiv-trims-the-remainder", lambda v: (np.polydiv(v, v[:2]), np.polydiv(np.array([1.0, 3.0, 2.0]), v[:2] * 0 + np.array([1.0, 1.0]))), V),
    ("take-choose-select", lambda a: (np.take(a, [0, 5, 11]), np.take(a, [1, 0], axis=1), np.take_along_axis(a, np.argsort(a, axis=1), axis=1), np.choose(np.array([0, 1, 0]) + 0 * a[0, :3].astype(int), [[1, 2, 3], [4, 5, 6]]), np.select([a > 0.5, a < -0.5], [a, -a], 0.0), np.compress([True, False, True], a, axis=0), np.extract(a > 0, a)), A),
    ("indices", lambda i: (np.unravel_index(i, (3, 4)), np.ravel_multi_index((i % 3, i % 4), (3, 4)), np.diag_indices_from(np.ones((3, 3)) + i[:1, None]), np.tril_indices_from(np.zeros((3, 3)) + i[0])), np.array([5, 7, 1])),
    ("set-ops", lambda a, b: (np.intersect1d(a, b), np.union1d(a, b), np.setdiff1d(a, b), np.isin(a, b), np.setxor1d(a, b)), np.array([1, 2, 3, 4, 5]), np.array([4, 5, 6])),
    # dtypes of mixed inputs
    ("promotion", lambda f, i: (np.concatenate([f.ravel(), i.ravel()]), np.where(f[:2, :3] > 0, f[:2, :3], i), np.stack([f[0, :3], i[0].astype(np.int8)]), np.dot(f[:2, :3], i.T)), F32, I),
    ("astype-copy", lambda a: (a.astype(np.int32), np.astype(a, np.float32), np.copy(a), a.copy(), np.asarray(a, dtype=np.float32, like=a)), A),
    # introspection: plain Python and NumPy values
    ("introspection", lambda a: (np.shape(a), np.ndim(a), np.size(a), np.size(a, 1), a.shape, a.ndim, a.size, a.dtype, len(a), np.result_type(a, 1.0), np.result_type(a.astype(np.float32), np.int64), np.can_cast(a, np.float32), np.min_scalar_type(np.max(a)), np.iscomplexobj(a)), A),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_function_matches_numpy(oracle, case):
    label, fn, *args = case
    atol = 1e-12 if label.startswith(("linalg", "fft", "rfft")) else 0.0
    with np.errstate(all="ignore"):
        oracle(fn, *args, rtol=1e-9, atol=atol)


CREATION = [
    ("zeros-ones-full", lambda xp: (xp.zeros((2, 3)), xp.ones(3, dtype=np.int32), xp.full((2, 2), 7), xp.full(3, 2.5), xp.empty((2,)).shape)),
    ("ranges", lambda xp: (xp.arange(10), xp.arange(0, 1, 0.25), xp.arange(5, dtype=float), xp.linspace(0, 1, 5), xp.logspace(0, 2, 3), xp.geomspace(1, 8, 4))),
    ("eye-identity-tri", lambda xp: (xp.eye(3), xp.eye(2, 3, k=1), xp.identity(2, dtype=int), xp.tri(3))),
    ("array-asarray", lambda xp: (xp.array([[1, 2], [3, 4]]), xp.asarray([1.0, 2.0]), xp.array([1, 2], dtype=np.float32), xp.array(3.0), xp.array([True, False]), xp.array([[1, 2]], ndmin=3))),
    ("like-functions", lambda xp: (xp.zeros_like(xp.ones((2, 2))), xp.ones_like(xp.arange(3)), xp.full_like(xp.arange(3), 9), xp.empty_like(xp.ones(2)).shape)),
    ("tutorial", lambda xp: (xp.zeros((10, 3)), xp.arange(10), xp.array([[1, 2], [3, 4]]), xp.max(xp.array([[1, 2], [3, 4]])), xp.repeat(xp.array([[1, 2], [3, 4]]), 2), xp.repeat(xp.array([[1, 2], [3, 4]]), 2, axis=1), xp.dot(xp.array([[1, 2], [3, 4]]), xp.array([[1], [2]])), xp.linalg.eig(xp.array([[1.0, 2.0], [3.0, 4.0]])), xp.fft.fft(xp.exp(2j * xp.pi * xp.arange(8) / 8)), xp.fft.ifft(xp.array([0, 4, 0, 0])))),
    ("fromfunction", lambda xp: (xp.fromfunction(lambda i, j: xp.sin(i) + j, (2, 3)), xp.fromfunction(lambda i, j: i == j, (3, 3), dtype=int), xp.fromfunction(lambda i, k=2: i * k, (4,), k=3))),
    ("fft-helpers", lambda xp: (xp.fft.fftfreq(8, d=0.1), xp.fft.rfftfreq(9))),
    ("windows", lambda xp: (xp.hanning(5), xp.hamming(5), xp.bartlett(5), xp.blackman(5), xp.kaiser(5, 2.0))),
    ("index-helpers", lambda xp: (xp.indices((2, 3)), xp.unravel_index([5, 7], (3, 4)), xp.ravel_multi_index(([1, 2], [0, 3]), (3, 4)), xp.diag_indices(3), xp.tril_indices(3), xp.triu_indices(3, 1))),
    ("list-arguments", lambda xp: (xp.sum([1, 2, 3]), xp.mean([[1.0, 2.0], [3.0, 4.0]], axis=0), xp.concatenate([[1, 2], [3]]), xp.where([True, False], [1, 2], [3, 4]), xp.dot([1, 2], [3, 4]), xp.clip([1, 5, 9], 2, 6))),
]


@pytest.mark.parametrize("case", CREATION, ids=[c[0] for c in CREATION])
def test_namespace_functions(backend, case):
    """The shim namespace gives NumPy's results, as arrays of the backend."""
    from oracle import assert_same
    _, fn = case
    with shim.use_backend("numpy"):
        expected = fn(np)
    assert_same(expected, fn(shim), backend, rtol=1e-12)


def test_like_keyword_returns_jaxarrays():
    x = shim.asarray([1.0, 2.0])
    for result in (np.zeros(3, like=x), np.ones((2, 2), like=x), np.arange(4, like=x),
                   np.array([1, 2], like=x), np.asarray([1.0], like=x), np.full(2, 3.0, like=x),
                   np.eye(2, like=x), np.empty(3, like=x), np.identity(2, like=x)):
        assert isinstance(result, shim.JaxArray)
    np.testing.assert_array_equal(np.asarray(np.arange(4, like=x)), np.arange(4))
    assert np.arange(4, like=x).dtype == np.int64


def test_mixed_inputs_return_jaxarrays():
    x = shim.asarray([1.0, 2.0])
    nd = np.array([3.0, 4.0])
    for result in (np.concatenate([x, nd]), np.concatenate([nd, x]), np.stack([nd, x]),
                   np.where(x > 1, nd, 0.0), np.dot(nd, x), nd + x, x * nd, np.maximum(nd, x)):
        assert isinstance(result, shim.JaxArray), type(result)


def test_introspection_returns_plain_values():
    x = shim.asarray(A)
    assert np.shape(x) == (3, 4) and type(np.shape(x)) is tuple
    assert type(np.ndim(x)) is int and type(np.size(x)) is int
    assert np.result_type(x, np.float32) == np.float64
    assert np.can_cast(x, np.float32) is False
    assert np.allclose(x, x) is True and np.array_equal(x, x) is True
    assert isinstance(np.iscomplexobj(x), bool)
    assert np.shares_memory(x, x[1:]) and not np.shares_memory(x[0], x[1])
    assert np.may_share_memory(x[:, 0], x) and not np.shares_memory(x, shim.asarray(A))


def test_views_from_functions_write_through():
    x = shim.arange(12.0).reshape(3, 4)
    np.transpose(x)[0, 1] = -1        # x[1, 0]
    np.swapaxes(x, 0, 1)[1, 0] = -2   # x[0, 1]
    np.reshape(x, 12)[-1] = -3
    np.ravel(x)[0] = -4
    np.squeeze(x[None])[2, 2] = -5
    np.moveaxis(x, 0, 1)[3, 1] = -6
    np.expand_dims(x, 0)[0, 2, 0] = -7
    expected = np.arange(12.0).reshape(3, 4)
    expected[1, 0], expected[0, 1], expected[2, 3], expected[0, 0] = -1, -2, -3, -4
    expected[2, 2], expected[1, 3], expected[2, 0] = -5, -6, -7
    np.testing.assert_array_equal(np.asarray(x), expected)
    y = x[:, ::2].reshape(6)          # NumPy copies here too: no write-through
    y[0] = 100
    assert np.asarray(x)[0, 0] == -4


def test_out_keyword_for_functions(oracle):
    def run(a, out):
        r = np.sum(a, axis=0, out=out)
        np.clip(a, -0.5, 0.5, out=a)
        np.cumsum(a[0], out=a[1])
        return r is out, out, a

    oracle(run, A.copy(), np.zeros(4))
    oracle(lambda a, o: np.sum(a, axis=0, out=o), A, np.zeros(3))
    oracle(lambda a, o: np.dot(a, a.T, out=o), A, np.zeros((3, 3)))


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")    # NumPy's matrix class
def test_fallback_warns_once_and_can_be_configured():
    # numpy.asmatrix (no jax.numpy version) is one of the few fallbacks left; the shim
    # namespace reaches it through the registry as np.f(JaxArray) would
    x = shim.asarray([[1.0, 2.0], [3.0, 4.0]])
    fallback = next(e for e in _fallback_entries() if e.name == "numpy.asmatrix")
    with pytest.warns(shim.FallbackWarning, match="numpy.asmatrix"):
        r = shim.asmatrix(x - 0.5)
    np.testing.assert_array_equal(np.asarray(r), np.asmatrix(np.asarray(x) - 0.5))
    with warnings.catch_warnings():
        warnings.simplefilter("error", shim.FallbackWarning)
        shim.asmatrix(x)                            # warned once already
    shim.config.fallback = "error"
    with pytest.raises(TypeError, match="numpy.asmatrix"):
        shim.asmatrix(x)
    shim.config.fallback = "silent"
    shim.asmatrix(x)
    with pytest.raises(ValueError, match="allowed"):
        shim.config.fallback = "loud"
    assert fallback.status == "fallback"


def _fallback_entries():
    from shim._dispatch import _registry
    return [e for e in _registry.BY_NAME.values() if e.status == "fallback"]


def test_config_override_and_repr():
    with shim.config.override(fallback="silent"):
        assert shim.config.fallback == "silent"
    assert shim.config.fallback == "warn"
    assert "fallback='warn'" in repr(shim.config)
    with pytest.raises(TypeError, match="unknown setting"):
        with shim.config.override(speed="max"):
            pass


def test_x64_off_gives_32_bit_defaults():
    with shim.config.override(x64=False):
        assert shim.zeros(3).dtype == np.float32
        assert shim.arange(3).dtype == np.int32
        assert (shim.asarray(np.ones(2)) + 1.5).dtype == np.float32
        assert np.sum(shim.asarray([1.0, 2.0])).dtype == np.float32
    assert shim.zeros(3).dtype == np.float64


def test_unknown_array_function_types_defer():
    class Other:
        def __array_function__(self, func, types, args, kwargs):
            return "other"

    assert np.concatenate([shim.asarray([1.0]), Other()]) == "other"


def test_functions_not_in_registry_raise_clear_type_error():
    x = shim.asarray([1.0, 2.0])
    with pytest.raises(TypeError):
        np.char.upper(x)


def test_linalg_errors_like_numpy(oracle):
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    oracle(lambda a: np.linalg.inv(a), singular)
    oracle(lambda a, b: np.linalg.solve(a, b), singular, np.ones(2))
    oracle(lambda a: np.linalg.cholesky(a), -np.eye(2))
    oracle(lambda a: np.linalg.inv(a), np.ones((2, 3)))
    oracle(lambda a: np.linalg.inv(a), np.array([[np.nan, 0.0], [0.0, 1.0]]))


# --- functions jax.numpy lacks (shim/_jax_additions.py) ------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

_FLOAT_KINDS = st.sampled_from([np.float16, np.float32, np.float64, np.complex64, np.complex128,
                                np.int8, np.int64, np.bool_])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(real=hnp.arrays(np.float64, st.integers(0, 5), elements=st.floats(-10, 10)),
       imag=st.sampled_from([0.0, 1e-18, 1e-15, 1e-3]), tol=st.sampled_from([100, 1000, 1e-10]))
def test_real_if_close_matches_numpy(oracle, real, imag, tol):
    oracle(lambda a: np.real_if_close(a, tol=tol), real + 1j * imag * np.ones_like(real))
    oracle(lambda a: np.real_if_close(a), real)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(kinds=st.lists(_FLOAT_KINDS, min_size=1, max_size=3))
def test_common_type_matches_numpy(oracle, kinds):
    arrays = [np.ones(2, dtype=kind) for kind in kinds]
    oracle(lambda *a: np.common_type(*a), *arrays)


@pytest.mark.parametrize("data", [A, I, C, np.array([1.0, np.inf]), np.array([np.nan]), [1.0, 2.0]],
                         ids=["float", "int", "complex", "inf", "nan", "list"])
def test_asarray_chkfinite_matches_numpy(backend, data):
    from oracle import assert_same, exception_kind
    with shim.use_backend("numpy"):
        try:
            expected = shim.asarray_chkfinite(data)
        except ValueError as error:
            with pytest.raises(exception_kind(error), match="infs or NaNs"):
                shim.asarray_chkfinite(data if backend == "numpy" else _to(data, backend))
            return
    assert_same(expected, shim.asarray_chkfinite(_to(data, backend)), backend)
    assert_same(expected.astype(np.complex64),
                shim.asarray_chkfinite(_to(data, backend), dtype=np.complex64), backend)


def _to(data, backend):
    return shim.asarray(data) if backend == "jax" and isinstance(data, np.ndarray) else data


@pytest.mark.parametrize("requirements", [None, "C", ["F", "W"], ["A", "O"], ["ENSUREARRAY"]])
def test_require_matches_numpy(backend, requirements):
    from oracle import assert_same
    with shim.use_backend("numpy"):
        expected = shim.require(A, dtype=np.float32, requirements=requirements)
    data = _to(A, backend)
    assert_same(expected, shim.require(data, dtype=np.float32, requirements=requirements), backend)
    if backend == "jax":      # a JaxArray root meets every requirement: no copy, as NumPy
        assert shim.require(data, requirements=requirements) is data


def test_require_errors_like_numpy(backend):
    for requirements, kind in ((["C", "F"], ValueError), (["X"], KeyError), ("ENSUREARRAY", KeyError)):
        with shim.use_backend("numpy"), pytest.raises(kind):
            shim.require(A, requirements=requirements)
        with pytest.raises(kind):
            shim.require(_to(A, backend), requirements=requirements)


def test_require_owndata_copies_a_view():
    x = shim.asarray(A)
    view = x[1:]
    own = shim.require(view, requirements="O")
    own[0, 0] = -1.0
    assert np.asarray(x)[1, 0] == A[1, 0] and own is not view
    assert shim.require(x, requirements="O") is x


def test_additions_inside_jit():
    x = shim.asarray(np.array([1.0 + 0j, 2.0]))
    assert shim.jit(lambda a: np.common_type(a) is np.complex128 and a)(x) is not None
    with pytest.raises(TypeError, match="depends on array values"):
        shim.jit(lambda a: np.real_if_close(a))(x)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), data=st.data())
def test_sliding_window_view_matches_numpy(oracle, shape, data):
    from numpy.lib.stride_tricks import sliding_window_view
    a = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    axes = data.draw(st.lists(st.integers(-len(shape), len(shape) - 1), min_size=1, max_size=3))
    windows = data.draw(st.lists(st.integers(0, 5), min_size=len(axes), max_size=len(axes)))
    oracle(lambda x: sliding_window_view(x, windows, axis=axes), a)
    oracle(lambda x: sliding_window_view(x, windows[0], axis=axes[0]), a)
    oracle(lambda x: sliding_window_view(x, windows[:1] * len(shape)), a)


def test_sliding_window_view_errors_like_numpy(oracle, backend):
    from numpy.lib.stride_tricks import sliding_window_view
    a = np.arange(6.0).reshape(2, 3)
    oracle(lambda x: sliding_window_view(x, (2,)), a)                 # axis=None needs x.ndim windows
    oracle(lambda x: sliding_window_view(x, (-1, 1)), a)
    oracle(lambda x: sliding_window_view(x, 3, axis=0), a)
    oracle(lambda x: sliding_window_view(x, (1, 1), axis=0), a)
    oracle(lambda x: sliding_window_view(x, 2, axis=2), a)
    if backend == "jax":      # NumPy's writeable view shares memory; a JaxArray cannot
        with pytest.raises(ValueError, match="writeable"):
            sliding_window_view(shim.asarray(a), 2, axis=1, writeable=True)
