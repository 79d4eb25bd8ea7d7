"""NumPy's top-level public names, as the ``shim`` namespace provides them.

Built from the registry (see :func:`shim._namespace.names`), with ``emath`` and
``lib`` (:func:`shim._namespace.submodules`); ``shim/__init__`` re-exports
everything here.
"""
from ._namespace import names as _names
from ._namespace import submodules as _submodules

_NAMES = {**_names("numpy"), **_submodules()}
globals().update(_NAMES)
__all__ = sorted(_NAMES)
