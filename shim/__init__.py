"""shim: unmodified NumPy code on JAX (CPU, GPU, TPU), or on NumPy and Numba.

``import shim as np`` gives NumPy's namespace for the current backend, and
:class:`JaxArray` makes plain ``numpy`` calls run on JAX::

    import numpy as np, shim
    x = shim.asarray(np.linspace(0, 1, 1000))   # a JaxArray
    np.sum(np.sin(x) ** 2)                        # runs on JAX, returns a JaxArray
    x[::2] += 1.0                                 # in place, as in NumPy
"""
from ._config import FallbackWarning, config
from ._array import JaxArray
from ._backend import get_backend_name, use_backend
from ._autodiff import grad, value_and_grad
from ._control import cond, for_loop, while_loop
from ._jit import RecompileWarning, jit
from ._numba import NumbaCompileError
from ._state import StateError
from ._numpy_api import *  # noqa: F401,F403  (NumPy's names, built from the registry)
from ._numpy_api import __all__ as _numpy_all
from . import array_api, fft, linalg, random

__version__ = "0.1.0"

__all__ = ["JaxArray", "FallbackWarning", "RecompileWarning", "StateError", "NumbaCompileError", "config",
           "get_backend_name", "use_backend", "jit", "for_loop", "while_loop", "cond", "grad", "value_and_grad",
           "array_api", "fft", "linalg", "random", *_numpy_all]
