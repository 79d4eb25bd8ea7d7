"""Functions beyond the standard that array-API clients call on the namespace.

xarray pads (``shift``, ``rolling``, ``pad``) with ``xp.pad`` and takes moving
windows with ``xp.lib.stride_tricks.sliding_window_view``, as on NumPy's
namespace. Both have NumPy's signatures and results: they dispatch to shim's
NumPy functions.
"""
from __future__ import annotations

import types

import numpy as np

from .._array import JaxArray
from ._base import array

__all__ = ["pad", "lib"]


def pad(x, pad_width, mode="constant", **kwargs) -> JaxArray:
    """``numpy.pad``: ``x`` padded by ``pad_width`` (NumPy's modes and keywords)."""
    return np.pad(array(x, "pad"), pad_width, mode, **kwargs)


def sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False) -> JaxArray:
    """``numpy.lib.stride_tricks.sliding_window_view``; the windows are a new array, not a view."""
    if writeable:
        raise ValueError("sliding_window_view: writeable=True is not supported; the windows "
                         "are a new array (JAX has no strided views), allowed: writeable=False")
    return np.lib.stride_tricks.sliding_window_view(array(x, "sliding_window_view"),
                                                    window_shape, axis)


#: ``xp.lib.stride_tricks.sliding_window_view``, where NumPy's namespace has it.
lib = types.SimpleNamespace(stride_tricks=types.SimpleNamespace(
    sliding_window_view=sliding_window_view))
