"""shim: unmodified NumPy code on JAX (CPU, GPU, TPU), or on NumPy and Numba.

``import shim as np`` gives NumPy's namespace for the current backend, and
:class:`JaxArray` makes plain ``numpy`` calls run on JAX::

    import numpy as np, shim
    x = shim.asarray(np.linspace(0, 1, 1000))   # a JaxArray
    np.sum(np.sin(x) ** 2)                        # runs on JAX, returns a JaxArray
    x[::2] += 1.0                                 # in place, as in NumPy

This module is the public face: it installs NumPy's protocols onto JaxArray
(the dispatch layer's :func:`~shim._dispatch.install`) before anything else,
then re-exports. Nothing is defined here.
"""
# ruff: noqa: E402  (the protocols are installed before the rest of shim is imported)
from ._array import JaxArray
from ._dispatch import device_put
from ._dispatch import install as _install

_install(JaxArray)

from . import array_api, fft, linalg, random
from ._about import __version__  # noqa: F401  (in __all__ by name)
from ._backend import get_backend_name, use_backend
from ._config import config
from ._errors import (
    ControlFlowError,
    FallbackError,
    FallbackWarning,
    NumbaCompileError,
    NumbaMissingError,
    RecompileWarning,
    ShimError,
    ShimWarning,
    StateError,
    TracingError,
)
from ._info import show_config as _show_config
from ._jit import cond, for_loop, grad, jit, load_state, state, value_and_grad, while_loop
from ._numpy_api import *  # noqa: F401,F403  (NumPy's names, built from the registry)
from ._numpy_api import __all__ as _numpy_all

show_config = _show_config         # shim's report, not NumPy's build configuration

__all__ = ["JaxArray", "ShimError", "ShimWarning", "FallbackWarning", "FallbackError",
           "RecompileWarning", "StateError", "TracingError", "ControlFlowError", "NumbaCompileError",
           "NumbaMissingError", "config", "get_backend_name", "use_backend", "show_config",
           "device_put", "jit", "for_loop", "while_loop", "cond", "grad", "value_and_grad", "state",
           "load_state", "__version__", "array_api", "fft", "linalg", "random", *_numpy_all]
