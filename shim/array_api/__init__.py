"""The array API standard (version 2025.12) on JaxArrays: ``shim.array_api``.

``x.__array_namespace__()`` returns this module, so libraries written against
the standard (through ``array_api_compat.array_namespace(x)``) run on
JaxArrays. It is separate from ``shim``, whose functions keep NumPy's
signatures and semantics; here the standard's apply (``copy=`` keywords,
``sort(descending=)``, ``std(correction=)``, tuples from ``meshgrid``...).
Arrays in and out are :class:`shim.JaxArray`, so results can still be
written in place and passed to NumPy functions.

    import shim.array_api as xp
    x = xp.asarray([3.0, 1.0, 2.0])
    xp.sort(x, descending=True)
"""
import math as _math

from .._config import scope_names as _scope_names
from . import fft, linalg
from ._base import DTYPES as _DTYPES
from ._creation import *  # noqa: F401,F403
from ._creation import __all__ as _creation_all
from ._dtypes import *  # noqa: F401,F403
from ._dtypes import __all__ as _dtypes_all
from ._elementwise import *  # noqa: F401,F403
from ._elementwise import __all__ as _elementwise_all
from ._extras import *  # noqa: F401,F403
from ._extras import __all__ as _extras_all
from ._functions import *  # noqa: F401,F403
from ._functions import __all__ as _functions_all

__array_api_version__ = "2025.12"

bool = _DTYPES["bool"]
int8, int16, int32, int64 = (_DTYPES[n] for n in ("int8", "int16", "int32", "int64"))
uint8, uint16, uint32, uint64 = (_DTYPES[n] for n in ("uint8", "uint16", "uint32", "uint64"))
float32, float64 = _DTYPES["float32"], _DTYPES["float64"]
complex64, complex128 = _DTYPES["complex64"], _DTYPES["complex128"]

e = _math.e
pi = _math.pi
inf = _math.inf
nan = _math.nan
newaxis = None

__all__ = ["__array_api_version__", "fft", "linalg", "e", "pi", "inf", "nan", "newaxis",
           *_DTYPES, *_creation_all, *_dtypes_all, *_elementwise_all, *_functions_all,
           *_extras_all]

# Every function runs under shim's 64-bit setting (shim._config.scoped).
_scope_names(globals(), __all__)
