"""``shim.fft``: ``numpy.fft`` for the current backend.

Every function of ``numpy.fft`` is here; on the JAX backend each returns
JaxArrays.
"""
from ._namespace import names as _names

_NAMES = _names("numpy.fft")
globals().update(_NAMES)
__all__ = sorted(_NAMES)
