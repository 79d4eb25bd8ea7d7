"""``shim.linalg``: ``numpy.linalg`` for the current backend.

Every function of ``numpy.linalg`` is here; on the JAX backend each returns
JaxArrays (see the comparison table for how each is implemented).
"""

from numpy.linalg import LinAlgError

from ._namespace import names as _names

_NAMES = _names("numpy.linalg")
globals().update(_NAMES)
__all__ = ["LinAlgError", *sorted(_NAMES)]
