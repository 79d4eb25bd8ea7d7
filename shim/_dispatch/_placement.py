"""Where new arrays are made: ``device=`` as a ``jax.Device`` or a ``jax.sharding.Sharding``.

:func:`placed` runs a creation function (``jnp.zeros``, ``jnp.arange``, a
random sampler...) compiled with the sharding as its output sharding, so an
array split across devices is made there, piece by piece, never first whole on
one device. :func:`put` places existing data (``asarray(..., device=)``,
``shim.device_put``): host data goes straight to its shards.
"""
from __future__ import annotations

import functools

import jax
import numpy as np

from .._array import JaxArray, canonical_dtype, to_jax, wrap

__all__ = ["as_sharding", "placed", "put", "device_put"]

_MAX_KERNELS = 1024
_KERNELS: dict = {}


def as_sharding(device, func: str):
    """``device`` as a ``jax.sharding.Sharding`` (``None`` stays ``None``).

    A ``jax.Device`` is its single-device sharding; a platform name (``"cpu"``,
    ``"gpu"``) is its first device.
    """
    if device is None or isinstance(device, jax.sharding.Sharding):
        return device
    if isinstance(device, str):
        try:
            device = jax.devices(device)[0]
        except RuntimeError:
            device = None
    if isinstance(device, jax.Device):
        return jax.sharding.SingleDeviceSharding(device)
    raise ValueError(f"{func}: device={device!r} is not a place for an array; allowed: None, a "
                     f"jax.Device ({', '.join(map(str, jax.devices()))}), a "
                     "jax.sharding.Sharding, or a platform name such as 'cpu'")


def placed(device, make, args=(), kwargs=None, func: str = "device"):
    """``make(*args, **kwargs)`` computed where ``device`` says (see the module docstring).

    Array arguments are passed to the compiled function; the others are fixed
    in it, and the compiled function is reused for equal ones.
    """
    kwargs = kwargs or {}
    sharding = as_sharding(device, func)
    if sharding is None:
        return make(*args, **kwargs)
    names = tuple(kwargs)
    flat = (*args, *kwargs.values())
    dynamic = tuple(i for i, a in enumerate(flat) if isinstance(a, (jax.Array, np.ndarray,
                                                                   JaxArray)))
    fixed = tuple(None if i in dynamic else a for i, a in enumerate(flat))
    key = (make, len(args), names, fixed, dynamic, sharding)
    try:
        kernel = _KERNELS.get(key)
    except TypeError:                         # an unhashable option: compiled for this call
        kernel, key = None, None
    if kernel is None:
        kernel = jax.jit(functools.partial(_call, make, len(args), names, fixed, dynamic),
                         out_shardings=sharding)
        if key is not None:
            if len(_KERNELS) >= _MAX_KERNELS:
                del _KERNELS[next(iter(_KERNELS))]
            _KERNELS[key] = kernel
    return kernel(*(to_jax(flat[i]) for i in dynamic))


def _call(make, n_args, names, fixed, dynamic, *arrays):
    flat = list(fixed)
    for i, a in zip(dynamic, arrays):
        flat[i] = a
    return make(*flat[:n_args], **dict(zip(names, flat[n_args:])))


def put(value, device, dtype=None, func: str = "device_put") -> JaxArray:
    """A new JaxArray of ``value`` (cast to ``dtype``) placed on ``device``.

    Host data (NumPy arrays, lists, scalars) goes straight to its devices;
    device data is moved or resharded by JAX.
    """
    sharding = as_sharding(device, func)
    if type(value) is JaxArray or isinstance(value, jax.Array):
        data = to_jax(value, dtype)
    else:
        host = np.asarray(value) if dtype is None else np.asarray(value, dtype=dtype)
        data = host.astype(canonical_dtype(host.dtype), copy=False)
    if sharding is None:
        return wrap(to_jax(data))
    return wrap(jax.device_put(data, sharding))


def device_put(x, device=None):
    """A copy of ``x`` placed on ``device``: a ``jax.Device`` or a ``jax.sharding.Sharding``.

    Parameters
    ----------
    x : array_like, or a list, tuple or dict of them
        JaxArrays, NumPy or JAX arrays, nested sequences, scalars.
    device : jax.Device or jax.sharding.Sharding or str, optional
        Where the result lives; a platform name (``"cpu"``) is its first
        device; ``None``: JAX's default device.

    Returns
    -------
    JaxArray (or the same container of JaxArrays)
        A new root array; writes to it keep its sharding. As ``jax.device_put``
        but the result is a mutable JaxArray, and NumPy data goes straight from
        the host to each device's part.
    """
    if type(x) in (list, tuple) and not all(np.isscalar(v) for v in x):
        return type(x)(device_put(v, device) for v in x)
    if type(x) is dict:
        return {k: device_put(v, device) for k, v in x.items()}
    return put(x, device, func="shim.device_put")
