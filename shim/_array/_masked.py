"""Deferred boolean-mask reads: ``x[mask]`` computed only when needed.

See :class:`MaskedRead`; :mod:`shim._array._core` keeps one as the ``base`` of
the JaxArray that ``x[mask]`` returns.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from .._errors import DATA_DEPENDENT_SHAPE, TracingIndexError
from . import _kernels
from ._layout import Layout
from ._values import shape_of

__all__ = ["MaskedRead", "masked_copy"]

_Tracer = jax.core.Tracer


class MaskedRead:
    """``x[mask]``, not yet computed: a copy of ``source`` (a snapshot) at ``mask``.

    Its shape depends on how many elements the mask selects, so computing it
    waits for the mask and compiles per count. Python runs ``x[mask] -= 1`` as
    ``t = x[mask]; t -= 1; x[mask] = t``: the read stays deferred, ``t -= 1`` is
    recorded (elementwise updates with scalar operands only), and the write to
    the same index becomes ``where(mask, x - 1, x)``, one kernel with no
    data-dependent shape -- which also works inside ``jit``. ``x[mask] = y[mask]``
    becomes ``where(mask, y, x)`` the same way. Any other use computes the copy.
    """

    __slots__ = ("source", "mask", "index", "updates", "args")

    def __init__(self, source, mask, index):
        self.source, self.mask, self.index = source, mask, index
        self.updates, self.args = (), ()

    def defer(self, update, args) -> bool:
        """Record ``update`` if it acts elementwise with scalar operands."""
        fn = update[0]
        elementwise = (fn is _kernels.set_all and update[1] == ()) or \
            (getattr(fn, "elementwise", False) and update[2] == (0,) and not update[3])
        if not elementwise or any(shape_of(a) != () for a in args):
            return False
        self.updates += ((update, len(args)),)
        self.args += tuple(args)
        return True

    def materialize(self):
        source = self.source
        if isinstance(source, _Tracer) or isinstance(self.mask, _Tracer):
            raise TracingIndexError(
                "x[mask] with a boolean mask gives an array whose shape depends on the mask's "
                "values, which cannot be traced (inside jit). Write through the mask instead "
                "(x[mask] = v, x[mask] += v) or use np.where(mask, a, b).",
                reason=DATA_DEPENDENT_SHAPE, function="x[mask]")
        value = source[self.mask]
        if self.updates:
            value = _kernels.write(Layout.identity(value.shape), (_apply_updates, self.updates))(
                value, None, *self.args)
        return value


def _apply_updates(region, updates, *args):
    """Apply recorded (update, number of operands) pairs in order."""
    start = 0
    for update, count in updates:
        fn, *static = update
        region = fn(region, *static, *args[start:start + count])
        start += count
    return region


def masked_copy(region, mask_ndim, updates, mask, source, *args):
    """``region[mask] = source[mask]`` after the recorded updates of ``source[mask]``."""
    updated = _apply_updates(source, updates, *args).astype(region.dtype)
    mask = jnp.asarray(mask).reshape(jnp.shape(mask) + (1,) * (region.ndim - mask_ndim))
    return jnp.where(mask, updated, region)
