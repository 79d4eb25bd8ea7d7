"""The ``fft`` extension of the array API standard, on ``jax.numpy.fft``."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .._array import JaxArray, wrap
from .._config import scope_names as _scope_names
from ._base import check_dtype, place, value

__all__ = ["fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn", "hfft", "ihfft",
           "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_NORMS = ("backward", "ortho", "forward")


def _check_norm(norm, func):
    if norm not in _NORMS:
        raise ValueError(f"{func}: norm={norm!r}; allowed: 'backward', 'ortho' or 'forward'")


def _one_axis(name):
    f = getattr(jnp.fft, name)

    def transform(x, /, *, n=None, axis=-1, norm="backward") -> JaxArray:
        _check_norm(norm, name)
        v = value(x)
        r = f(v, n=n, axis=axis, norm=norm)
        return wrap(_keep_precision(r, v.dtype))
    transform.__name__ = transform.__qualname__ = name
    transform.__doc__ = (f"``{name}`` of the array API standard along ``axis`` "
                         f"(``jax.numpy.fft.{name}``); ``n`` pads or crops the input.")
    return transform


def _many_axes(name):
    f = getattr(jnp.fft, name)

    def transform(x, /, *, s=None, axes=None, norm="backward") -> JaxArray:
        _check_norm(norm, name)
        v = value(x)
        r = f(v, s=None if s is None else tuple(s), axes=None if axes is None else tuple(axes),
              norm=norm)
        return wrap(_keep_precision(r, v.dtype))
    transform.__name__ = transform.__qualname__ = name
    transform.__doc__ = (f"``{name}`` of the array API standard over ``axes`` "
                         f"(``jax.numpy.fft.{name}``); ``s`` pads or crops the input.")
    return transform


def _keep_precision(r, dtype):
    """Single-precision input gives single-precision output, as the standard asks."""
    if np.dtype(dtype) in (np.float32, np.complex64):
        return r.astype(np.complex64 if r.dtype.kind == "c" else np.float32)
    return r


fft = _one_axis("fft")
ifft = _one_axis("ifft")
rfft = _one_axis("rfft")
irfft = _one_axis("irfft")
hfft = _one_axis("hfft")
ihfft = _one_axis("ihfft")
fftn = _many_axes("fftn")
ifftn = _many_axes("ifftn")
rfftn = _many_axes("rfftn")
irfftn = _many_axes("irfftn")


def fftfreq(n, /, *, d=1.0, dtype=None, device=None) -> JaxArray:
    """Sample frequencies of an ``n``-point FFT with sample spacing ``d`` (``float64`` by default)."""
    dt = check_dtype(dtype, "fftfreq") or np.dtype(np.float64)
    return place(wrap(jnp.fft.fftfreq(n, d, dtype=dt)), device)


def rfftfreq(n, /, *, d=1.0, dtype=None, device=None) -> JaxArray:
    """Sample frequencies of an ``n``-point real FFT (non-negative half)."""
    dt = check_dtype(dtype, "rfftfreq") or np.dtype(np.float64)
    return place(wrap(jnp.fft.rfftfreq(n, d, dtype=dt)), device)


def fftshift(x, /, *, axes=None) -> JaxArray:
    """``x`` with the zero-frequency term moved to the centre of ``axes`` (all by default)."""
    return wrap(jnp.fft.fftshift(value(x), axes))


def ifftshift(x, /, *, axes=None) -> JaxArray:
    """The inverse of :func:`fftshift`."""
    return wrap(jnp.fft.ifftshift(value(x), axes))


# Every function runs under shim's 64-bit setting (shim._config.scoped).
_scope_names(globals(), __all__)
