"""NumPy's refusals, asked of NumPy: the exception NumPy raises for a call JAX refused.

JAX refuses a bad axis, a shape mismatch or a non-square matrix with errors
of its own types (``TypeError`` from ``dot_general``, ``IndexError: tuple
index out of range``, a ``NameError`` about axis names). User code catches
NumPy's types (``AxisError``, ``ValueError``, ``LinAlgError``), so after a
failed JAX call :func:`numpy_refusal` runs NumPy's function on *probes*:
arrays of the same shapes and dtypes that cost no memory (broadcast zeros, or
identity matrices where the last two axes are square, so that no probe is
singular). If NumPy refuses the probes, its exception is the answer. If NumPy
accepts them, JAX's refusal was JAX's own and is kept -- except for NumPy's
legacy rule that a 0-d array takes ``axis=0`` or ``axis=-1`` as if it were
1-D: the caller retries with 0-d arrays made 1-D (:func:`as_one_d`) and keeps
that answer if its shape is NumPy's.

Only the error path pays for a probe; shapes and dtypes are known inside
``jit`` too, so traced calls get NumPy's exceptions as well.
"""
from __future__ import annotations

import math
import warnings

import jax
import numpy as np

from .._array import JaxArray

__all__ = ["numpy_refusal", "probe", "as_one_d"]

#: Probes with more elements than this are not built: NumPy might compute on them.
_MAX_PROBE_SIZE = 1 << 22

#: The exception types that say NumPy refused the arguments themselves.
_REFUSALS = (ValueError, TypeError, IndexError, np.linalg.LinAlgError)


class _TooBig(Exception):
    pass


def numpy_refusal(numpy_func, args, kwargs):
    """(NumPy's exception, NumPy's result) for ``numpy_func`` on probes of ``args``.

    One of the two is None; both are when NumPy fails otherwise or the probes
    would be too big.
    """
    try:
        probe_args = probe(args)
        probe_kwargs = {k: probe(v) for k, v in kwargs.items()}
    except _TooBig:
        return None, None
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return None, numpy_func(*probe_args, **probe_kwargs)
        except _REFUSALS as error:
            return error, None
        except Exception:  # noqa: BLE001 - NumPy failing otherwise says nothing about shapes
            return None, None


def as_one_d(values):
    """``values`` with a 0-d first array made 1-D, or None if it is not 0-d.

    NumPy's legacy rule: many functions take ``axis=0`` or ``-1`` for a 0-d
    array as if it were 1-D (``np.sum(x0d, axis=0)``); ``jax.numpy`` refuses.
    """
    if not values or getattr(values[0], "ndim", None) != 0:
        return None
    return [values[0].reshape(1), *values[1:]]


def probe(x):
    """``x`` with every array replaced by a read-only array of its shape and dtype.

    Raises _TooBig for an array with more than ``_MAX_PROBE_SIZE`` elements.
    """
    t = type(x)
    if t is JaxArray or isinstance(x, (jax.Array, jax.core.Tracer)):
        shape, dtype = tuple(x.shape), np.dtype(x.dtype)
        if math.prod(shape) > _MAX_PROBE_SIZE:
            raise _TooBig
        if len(shape) >= 2 and shape[-1] == shape[-2] and dtype.kind in "fc":
            return np.broadcast_to(np.eye(shape[-1], dtype=dtype), shape)
        return np.broadcast_to(np.zeros((), dtype), shape)
    if t is list or t is tuple:
        return t(probe(item) for item in x)
    return x
