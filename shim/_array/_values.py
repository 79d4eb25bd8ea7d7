"""Shapes of values written into arrays: NumPy's broadcasting rules and errors for writes.

Shared by ``x[...] = v``, in-place NumPy functions (``copyto``) and masked
writes, so every write checks shapes the same way and raises NumPy's errors.
"""
from __future__ import annotations

__all__ = ["shape_of", "broadcast_value", "mask_value_shape"]


def shape_of(value) -> tuple[int, ...]:
    """The shape of a write operand: ``()`` for a Python number."""
    t = type(value)
    if t is float or t is int or t is bool or t is complex:
        return ()
    return value.shape


def broadcast_value(vshape, target, advanced=False):
    """The value's shape with extra leading 1s dropped, checked to broadcast to ``target``."""
    if not vshape:
        return ()
    shape = tuple(vshape)
    while len(shape) > len(target) and shape[0] == 1:
        shape = shape[1:]
    ok = len(shape) <= len(target) and all(
        v == 1 or v == t for v, t in zip(shape[::-1], target[::-1]))
    if not ok:
        if advanced:
            raise ValueError(f"shape mismatch: value array of shape {tuple(vshape)} could not be "
                             f"broadcast to indexing result of shape {tuple(target)}")
        raise ValueError(f"could not broadcast input array from shape {tuple(vshape)} into "
                         f"shape {tuple(target)}")
    return shape


def mask_value_shape(vshape, rest):
    """Value shape for ``where(mask, value, x)``, or None if the value needs the selection."""
    shape = tuple(vshape)
    while len(shape) > len(rest) and shape[0] == 1:
        shape = shape[1:]
    if len(shape) > len(rest):
        return None
    if all(v == 1 or v == t for v, t in zip(shape[::-1], rest[::-1])):
        return shape
    return None
