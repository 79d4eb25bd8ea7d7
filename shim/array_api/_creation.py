"""Array creation functions of the array API standard."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._array import JaxArray, to_jax, wrap
from .._dispatch import contiguous_producer, placed
from ._base import array, check_dtype, place, result, value

__all__ = ["arange", "asarray", "empty", "empty_like", "eye", "from_dlpack", "full", "full_like",
           "linspace", "meshgrid", "ones", "ones_like", "tril", "triu", "zeros", "zeros_like"]


def asarray(obj, /, *, dtype=None, device=None, copy=None) -> JaxArray:
    """Convert ``obj`` to a JaxArray.

    Parameters
    ----------
    obj : JaxArray, array, Python scalar, nested sequence or buffer
    dtype : dtype, optional
        By default inferred: ``bool``, ``int64``, ``float64`` or ``complex128``
        for Python values, the array's own dtype for arrays.
    device : jax.Device, optional
    copy : bool, optional
        ``True``: always a new array. ``None``: reuse ``obj`` when it is a
        JaxArray of the requested dtype and device. ``False``: never copy.

    Returns
    -------
    JaxArray

    Notes
    -----
    A JaxArray cannot share memory with a NumPy array or a Python buffer (its
    writes replace an immutable JAX buffer), so ``copy=False`` on those raises
    ``ValueError``, as the standard asks of a conversion that needs a copy.
    """
    dt = check_dtype(dtype, "asarray")
    if copy not in (None, True, False):
        raise ValueError(f"asarray: copy={copy!r}; allowed: True, False or None")
    if type(obj) is JaxArray:
        same = (dt is None or dt == obj.dtype) and (device is None or device == obj.device)
        if same and not copy:
            return obj
        if copy is False:
            raise ValueError(f"asarray: copy=False but converting to dtype={dt}, device={device} "
                             "needs a copy")
        r = obj.copy() if dt is None or dt == obj.dtype else wrap(obj.value.astype(dt))
        return place(r, device)
    if isinstance(obj, jax.Array):
        if copy is False and dt is not None and dt != obj.dtype:
            raise ValueError(f"asarray: copy=False but converting {obj.dtype} to {dt} needs a copy")
        return place(wrap(obj if dt is None else obj.astype(dt)), device)
    if copy is False:
        raise ValueError(f"asarray: copy=False, but a {type(obj).__name__} is copied into a "
                         "JaxArray (they cannot share memory); pass copy=None or True")
    if dt is None and not isinstance(obj, np.ndarray):
        dt = _python_dtype(obj)
    return place(wrap(to_jax(obj, dt)), device)


def arange(start, /, stop=None, step=1, *, dtype=None, device=None) -> JaxArray:
    """Evenly spaced values in ``[start, stop)``; ``int64`` for integer arguments, else ``float64``."""
    dt = check_dtype(dtype, "arange")
    if stop is None:
        start, stop = 0, start
    if dt is None:
        dt = np.dtype(np.int64) if all(isinstance(v, int) for v in (start, stop, step)) \
            else np.dtype(np.float64)
    if step == 0:
        raise ValueError("arange: step=0; allowed: a nonzero step")
    n = int(np.ceil((stop - start) / step))
    if n <= 0:
        return _made(device, jnp.zeros, ((0,), dt), {}, "arange")
    return _made(device, _arange, (start, step, n, dt), {}, "arange")


def _arange(start, step, n, dt):
    if dt.kind in "iu":
        return jnp.arange(start, start + n * step, step, dtype=dt)[:n]
    return (start + jnp.arange(n, dtype=np.float64) * step).astype(dt)


def _made(device, make, args, kwargs, func):
    """``make(*args, **kwargs)`` as a JaxArray, made on ``device`` (a device or a sharding)."""
    return wrap(placed(device, make, args, kwargs, func))


def empty(shape, *, dtype=None, device=None) -> JaxArray:
    """An array of ``shape`` (filled with zeros: JAX has no uninitialised memory)."""
    return zeros(shape, dtype=dtype, device=device)


def zeros(shape, *, dtype=None, device=None) -> JaxArray:
    """An array of zeros; ``float64`` by default."""
    dt = check_dtype(dtype, "zeros") or np.dtype(np.float64)
    return _made(device, jnp.zeros, (shape, dt), {}, "zeros")


def ones(shape, *, dtype=None, device=None) -> JaxArray:
    """An array of ones; ``float64`` by default."""
    dt = check_dtype(dtype, "ones") or np.dtype(np.float64)
    return _made(device, jnp.ones, (shape, dt), {}, "ones")


def full(shape, fill_value, *, dtype=None, device=None) -> JaxArray:
    """An array filled with ``fill_value``; its dtype is inferred from the Python type by default."""
    dt = check_dtype(dtype, "full") or _python_dtype(fill_value)
    return _made(device, jnp.full, (shape, value(fill_value), dt), {}, "full")


def empty_like(x, /, *, dtype=None, device=None) -> JaxArray:
    """An array of ``x``'s shape and dtype (filled with zeros)."""
    return zeros_like(x, dtype=dtype, device=device)


def zeros_like(x, /, *, dtype=None, device=None) -> JaxArray:
    """Zeros of ``x``'s shape and (by default) dtype."""
    x = array(x, "zeros_like")
    dt = check_dtype(dtype, "zeros_like") or x.dtype
    return _made(device, jnp.zeros, (x.shape, dt), {}, "zeros_like")


def ones_like(x, /, *, dtype=None, device=None) -> JaxArray:
    """Ones of ``x``'s shape and (by default) dtype."""
    x = array(x, "ones_like")
    dt = check_dtype(dtype, "ones_like") or x.dtype
    return _made(device, jnp.ones, (x.shape, dt), {}, "ones_like")


def full_like(x, /, fill_value, *, dtype=None, device=None) -> JaxArray:
    """``fill_value`` in ``x``'s shape and (by default) dtype."""
    x = array(x, "full_like")
    dt = check_dtype(dtype, "full_like") or x.dtype
    return _made(device, jnp.full, (x.shape, value(fill_value), dt), {}, "full_like")


def eye(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None) -> JaxArray:
    """A 2-D array with ones on diagonal ``k``; ``float64`` by default."""
    dt = check_dtype(dtype, "eye") or np.dtype(np.float64)
    return _made(device, jnp.eye, (n_rows, n_cols), {"k": k, "dtype": dt}, "eye")


def linspace(start, stop, /, num, *, dtype=None, device=None, endpoint=True) -> JaxArray:
    """``num`` evenly spaced values from ``start`` to ``stop``."""
    dt = check_dtype(dtype, "linspace")
    if dt is None:
        dt = np.dtype(np.complex128 if isinstance(start, complex) or isinstance(stop, complex)
                      else np.float64)
    return _made(device, jnp.linspace, (start, stop, num), {"endpoint": endpoint, "dtype": dt}, "linspace")


def meshgrid(*arrays, indexing="xy") -> tuple:
    """Coordinate matrices from 1-D arrays, as a tuple."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing={indexing!r}; allowed: 'xy' or 'ij'")
    return tuple(result(jnp.meshgrid(*(value(a) for a in arrays), indexing=indexing)))


def tril(x, /, *, k=0) -> JaxArray:
    """The lower triangle of the last two axes (elements above diagonal ``k`` zeroed)."""
    return wrap(jnp.tril(value(x), k))


def triu(x, /, *, k=0) -> JaxArray:
    """The upper triangle of the last two axes (elements below diagonal ``k`` zeroed)."""
    return wrap(jnp.triu(value(x), k))


def from_dlpack(x, /, *, device=None, copy=None) -> JaxArray:
    """A JaxArray from any object with ``__dlpack__`` (``copy=False`` is refused for host buffers).

    A strided host buffer (``np.arange(8.0).reshape(4, 2)[:, 1:]``) is copied to
    contiguous memory on the host first: JAX imports only compact layouts.
    """
    if type(x) is JaxArray:
        return asarray(x, device=device, copy=copy)
    if copy is False and not isinstance(x, jax.Array):
        raise ValueError("from_dlpack: copy=False, but a JaxArray cannot share memory with a "
                         f"{type(x).__name__}; pass copy=None or True")
    if not hasattr(x, "__dlpack__"):
        raise TypeError(f"from_dlpack: x must support __dlpack__, got {type(x).__name__}")
    return place(wrap(jnp.from_dlpack(contiguous_producer(x, copy), copy=copy)), device)


def _python_dtype(obj):
    """The standard's default dtype for a Python value (nested sequences: NumPy's inference)."""
    t = type(obj)
    if t is bool:
        return np.dtype(bool)
    if t is int:
        return np.dtype(np.int64)
    if t is float:
        return np.dtype(np.float64)
    if t is complex:
        return np.dtype(np.complex128)
    return None
