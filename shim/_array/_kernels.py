"""Compiled, cached kernels for reading and writing views.

Every eager read of a view and every eager write (``x[i] = v``, ``x += y``,
``out=``, ``ufunc.at``, in-place NumPy functions) is one call of a ``jax.jit``
function built here. A kernel is built once per static description -- a
:class:`~shim._array._layout.Layout` and an *update* -- and JAX compiles it once per
argument shape and dtype; index starts and values are dynamic arguments, so a
loop over indices reuses one executable.

An *update* is a hashable tuple ``(fn, *static)``. Inside a write kernel the
view's current value (``region``) becomes ``fn(region, *static, *args)``, which
is then written back into the root. Updates that ignore ``region`` cost no read:
XLA removes the dead gather.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from ._indexing import build_index, lows_arg

__all__ = ["read", "read_advanced", "write", "lows_arg",
           "set_all", "set_advanced", "set_masked"]

_MAX_KERNELS = 4096


class _KernelCache(dict):
    """A dict of built kernels that forgets the oldest entries beyond a bound."""

    def add(self, key, kernel):
        if len(self) >= _MAX_KERNELS:
            del self[next(iter(self))]
        self[key] = kernel
        return kernel


_READ = _KernelCache()
_READ_ADVANCED = _KernelCache()
_WRITE = _KernelCache()


def read(layout):
    """``kernel(root, lows) -> view value``."""
    kernel = _READ.get(layout)
    if kernel is None:
        kernel = _READ.add(layout, jax.jit(layout.gather))
    return kernel


def read_advanced(layout, template):
    """``kernel(root, lows, arrays) -> root_view[template(arrays)]`` (a copy)."""
    key = (layout, template)
    kernel = _READ_ADVANCED.get(key)
    if kernel is None:
        def gather(root, lows, arrays):
            return layout.gather(root, lows)[build_index(template, arrays)]
        kernel = _READ_ADVANCED.add(key, jax.jit(gather))
    return kernel


def write(layout, update, sharding=None):
    """``kernel(root, lows, *args) -> new root`` applying ``update`` to the view.

    With ``sharding`` (the root's, when it spans several devices), the new
    root is laid out as the old one, whatever the update's value is.
    """
    key = (layout, update, sharding)
    kernel = _WRITE.get(key)
    if kernel is None:
        fn, *static = update

        def scatter(root, lows, *args):
            region = layout.gather(root, lows)
            return layout.scatter(root, lows, fn(region, *static, *args))
        kernel = _WRITE.add(key, jax.jit(scatter) if sharding is None
                            else jax.jit(scatter, out_shardings=sharding))
    return kernel




# --- updates -----------------------------------------------------------------------
# Each takes the view's current value first, then its static parameters, then the
# kernel's dynamic arguments.

def set_all(region, value_shape, value):
    """``view[...] = value``, NumPy's unsafe cast and broadcasting."""
    value = jnp.asarray(value).reshape(value_shape).astype(region.dtype)
    return jnp.broadcast_to(value, region.shape)


def set_advanced(region, template, value_shape, arrays, value):
    """``view[template(arrays)] = value``."""
    value = jnp.asarray(value).reshape(value_shape).astype(region.dtype)
    return region.at[build_index(template, arrays)].set(value)


def set_masked(region, mask_ndim, value_shape, mask, value):
    """``view[mask] = value`` for a value that broadcasts over the selection."""
    value = jnp.asarray(value).reshape(value_shape).astype(region.dtype)
    mask = jnp.asarray(mask).reshape(mask.shape + (1,) * (region.ndim - mask_ndim))
    return jnp.where(mask, value, region)
