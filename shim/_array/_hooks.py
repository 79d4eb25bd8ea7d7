"""Hooks on root values: how the jit layer sees each read and write of an array's data.

A root JaxArray keeps its data in a slot. While a hook is installed
(:func:`install`), the slot's descriptor on the class is replaced by one that
reports to the hook's three functions:

- ``read(root, value) -> value``: a root's value is read; the result is what
  the reader gets (a traced stand-in, say);
- ``write(root)``: a root's value is about to be replaced;
- ``create(array)``: an array (root or view) is being constructed.

Views and deferred reads are not reported: their data lives in their root.
With no hook installed, access costs nothing extra. :func:`raw_value` and
:func:`set_raw_value` reach the slot directly, bypassing any hook.
"""
from __future__ import annotations

from ._core import JaxArray

__all__ = ["install", "remove", "raw_value", "set_raw_value"]

_SLOT = JaxArray.__dict__["_value"]          # the real storage of JaxArray._value


class _HookedValue:
    """The descriptor of ``JaxArray._value`` while a hook is installed."""

    __slots__ = ("read", "write", "create")

    def __init__(self, read, write, create):
        self.read, self.write, self.create = read, write, create

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = _SLOT.__get__(obj, cls)
        if obj._base is None:
            return self.read(obj, value)
        return value

    def __set__(self, obj, value):
        try:
            _ = obj._version
        except AttributeError:               # being constructed
            self.create(obj)
        else:
            if obj._base is None:
                self.write(obj)
        _SLOT.__set__(obj, value)


def install(read, write, create) -> None:
    """Report every root value access to ``read``, ``write`` and ``create`` (see above)."""
    JaxArray._value = _HookedValue(read, write, create)


def remove() -> None:
    """Stop reporting: value access is a plain slot again."""
    JaxArray._value = _SLOT


def raw_value(root: JaxArray):
    """The value in ``root``'s slot, without reporting the read."""
    return _SLOT.__get__(root)


def set_raw_value(root: JaxArray, value) -> None:
    """Put ``value`` in ``root``'s slot and bump its version, without reporting the write."""
    _SLOT.__set__(root, value)
    root._version += 1
