"""NumPy's top-level public names, as the ``shim`` namespace provides them.

Built from the registry (see :func:`shim._namespace.names`); ``shim/__init__``
re-exports everything here.
"""
from ._namespace import names as _names

_NAMES = _names("numpy")
globals().update(_NAMES)
__all__ = sorted(_NAMES)
