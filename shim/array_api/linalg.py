"""The ``linalg`` extension of the array API standard, on ``jax.numpy.linalg``."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .._array import JaxArray, wrap
from .._config import scope_names as _scope_names
from ._base import check_dtype, result, value
from ._functions import _common, matmul, matrix_transpose, tensordot, vecdot

__all__ = ["cholesky", "cross", "det", "diagonal", "eig", "eigh", "eigvals", "eigvalsh", "inv",
           "matmul", "matrix_norm", "matrix_power", "matrix_rank", "matrix_transpose", "outer",
           "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "tensordot", "trace", "vecdot",
           "vector_norm"]

_la = jnp.linalg


def cholesky(x, /, *, upper=False) -> JaxArray:
    """Cholesky factor of Hermitian positive-definite matrices (lower, or upper if ``upper``)."""
    return wrap(_la.cholesky(value(x), upper=upper))


def cross(x1, x2, /, *, axis=-1) -> JaxArray:
    """Cross product of 3-vectors along ``axis`` (the other axes broadcast)."""
    a, b = _common(x1, x2)
    if a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError(f"cross: axis {axis} must have size 3 in both arrays; got shapes "
                         f"{a.shape} and {b.shape}")
    return wrap(_la.cross(a, b, axis=axis))


def det(x, /) -> JaxArray:
    """Determinant of each square matrix in the last two axes."""
    return wrap(_la.det(value(x)))


def diagonal(x, /, *, offset=0) -> JaxArray:
    """Diagonal ``offset`` of each matrix in the last two axes."""
    return wrap(jnp.diagonal(value(x), offset, -2, -1))


def eig(x, /):
    """Eigenvalues and eigenvectors of general square matrices (complex results)."""
    v = value(x)
    w, vec = np.linalg.eig(np.asarray(v))
    ct = np.result_type(v.dtype, np.complex64)
    return _EigResult(wrap(jnp.asarray(w.astype(ct))), wrap(jnp.asarray(vec.astype(ct))))


def eigvals(x, /) -> JaxArray:
    """Eigenvalues of general square matrices (complex)."""
    return eig(x).eigenvalues


def eigh(x, /):
    """Eigenvalues (ascending) and orthonormal eigenvectors of Hermitian matrices."""
    return result(_la.eigh(value(x)))


def eigvalsh(x, /) -> JaxArray:
    """Eigenvalues (ascending) of Hermitian matrices."""
    return wrap(_la.eigvalsh(value(x)))


def inv(x, /) -> JaxArray:
    """Inverse of each square matrix."""
    return wrap(_la.inv(value(x)))


def matrix_norm(x, /, *, keepdims=False, ord="fro") -> JaxArray:
    """Matrix norm of the last two axes: ``'fro'``, ``'nuc'``, ``1``, ``2``, ``inf`` and their negatives.

    The result is real (float for complex input).
    """
    return wrap(_la.matrix_norm(value(x), keepdims=keepdims, ord=ord))


def matrix_power(x, n, /) -> JaxArray:
    """``x`` raised to the integer power ``n`` (negative: of the inverse)."""
    return wrap(_la.matrix_power(value(x), n))


def matrix_rank(x, /, *, rtol=None) -> JaxArray:
    """Rank of each matrix: singular values above ``rtol`` times the largest (``int64``)."""
    return wrap(_la.matrix_rank(value(x), rtol=value(rtol)).astype(np.int64))


def outer(x1, x2, /) -> JaxArray:
    """Outer product of two 1-D arrays."""
    a, b = _common(x1, x2)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"outer: both arrays must be 1-D; got shapes {a.shape} and {b.shape}")
    return wrap(jnp.outer(a, b))


def pinv(x, /, *, rtol=None) -> JaxArray:
    """Moore-Penrose pseudo-inverse, ignoring singular values below ``rtol`` times the largest."""
    return wrap(_la.pinv(value(x), rtol=value(rtol)))


def qr(x, /, *, mode="reduced"):
    """QR decomposition: ``(Q, R)`` named tuple; ``mode`` is ``'reduced'`` or ``'complete'``."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode={mode!r}; allowed: 'reduced' or 'complete'")
    return result(_la.qr(value(x), mode=mode))


def slogdet(x, /):
    """Sign and natural log of the absolute determinant, as a ``(sign, logabsdet)`` named tuple."""
    return result(_la.slogdet(value(x)))


def solve(x1, x2, /) -> JaxArray:
    """Solution ``y`` of ``x1 @ y = x2`` (``x2`` 1-D: a vector right-hand side)."""
    a, b = _common(x1, x2)
    if b.ndim == 1:
        return wrap(_la.solve(a, b[:, None])[..., 0])
    return wrap(_la.solve(a, b))


def svd(x, /, *, full_matrices=True):
    """Singular value decomposition as a ``(U, S, Vh)`` named tuple."""
    return result(_la.svd(value(x), full_matrices=full_matrices))


def svdvals(x, /) -> JaxArray:
    """Singular values, in descending order."""
    return wrap(_la.svdvals(value(x)))


def trace(x, /, *, offset=0, dtype=None) -> JaxArray:
    """Sum along diagonal ``offset`` of the last two axes (small integers sum in 64 bits)."""
    return wrap(jnp.trace(value(x), offset, -2, -1, dtype=check_dtype(dtype, "trace")))


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2) -> JaxArray:
    """Vector ``ord``-norm over ``axis`` (all elements by default); real result."""
    return wrap(_la.vector_norm(value(x), axis=axis, keepdims=keepdims, ord=ord))


class _EigResult(tuple):
    """``(eigenvalues, eigenvectors)`` of :func:`eig`."""

    __slots__ = ()
    _fields = ("eigenvalues", "eigenvectors")

    def __new__(cls, eigenvalues, eigenvectors):
        return tuple.__new__(cls, (eigenvalues, eigenvectors))

    eigenvalues = property(lambda self: self[0])
    eigenvectors = property(lambda self: self[1])


# Every function runs under shim's 64-bit setting (shim._config.scoped).
_scope_names(globals(), __all__)
