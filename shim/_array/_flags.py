"""``x.flags``: NumPy's memory-layout flags for the layout a JaxArray presents.

A root is C-contiguous and owns its data; a view's strides follow from its
layout (:meth:`shim._array._layout.Layout.strides`). ``WRITEABLE`` is the one
flag that can be set: clearing it makes every write through the array raise
``ValueError``, as in NumPy.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._core import JaxArray

__all__ = ["Flags", "contiguous", "c_strides"]

_KEYS = {"C": "c_contiguous", "C_CONTIGUOUS": "c_contiguous", "CONTIGUOUS": "c_contiguous",
         "F": "f_contiguous", "F_CONTIGUOUS": "f_contiguous", "FORTRAN": "f_contiguous",
         "W": "writeable", "WRITEABLE": "writeable", "O": "owndata", "OWNDATA": "owndata",
         "A": "aligned", "ALIGNED": "aligned", "X": "writebackifcopy",
         "WRITEBACKIFCOPY": "writebackifcopy", "B": "behaved", "BEHAVED": "behaved",
         "CA": "carray", "CARRAY": "carray", "FA": "farray", "FARRAY": "farray",
         "FNC": "fnc", "FORC": "forc"}


def c_strides(shape, itemsize: int) -> tuple[int, ...]:
    """The strides of a C-contiguous array of ``shape``."""
    strides, step = [], itemsize
    for n in reversed(shape):
        strides.append(step)
        step *= n
    return tuple(reversed(strides))


def contiguous(shape, strides, itemsize: int, order: str) -> bool:
    """NumPy's contiguity test: axes of length 1 are ignored, empty arrays are contiguous."""
    if 0 in shape:
        return True
    pairs = list(zip(shape, strides))
    if order == "C":
        pairs.reverse()
    step = itemsize
    for n, stride in pairs:
        if n != 1:
            if stride != step:
                return False
            step *= n
    return True


class Flags:
    """``x.flags``: attribute and item access as ``numpy.ndarray.flags``."""

    __slots__ = ("_array",)

    def __init__(self, array: "JaxArray"):
        self._array = array

    @property
    def c_contiguous(self) -> bool:
        a = self._array
        return contiguous(a.shape, a.strides, a.itemsize, "C")

    @property
    def f_contiguous(self) -> bool:
        a = self._array
        return contiguous(a.shape, a.strides, a.itemsize, "F")

    @property
    def owndata(self) -> bool:
        return self._array.base is None

    @property
    def writeable(self) -> bool:
        return not self._array._readonly

    @writeable.setter
    def writeable(self, value) -> None:
        a = self._array
        if value and not a._readonly:
            return
        base = a.base
        if value and base is not None and base._readonly:
            raise ValueError("cannot set WRITEABLE flag to True of this array")
        a._readonly = not value

    aligned = property(lambda self: True)
    writebackifcopy = property(lambda self: False)
    behaved = property(lambda self: self.writeable)
    carray = property(lambda self: self.c_contiguous and self.writeable)
    farray = property(lambda self: self.f_contiguous and not self.c_contiguous and self.writeable)
    fnc = property(lambda self: self.f_contiguous and not self.c_contiguous)
    forc = property(lambda self: self.f_contiguous or self.c_contiguous)

    def _name(self, key):
        name = _KEYS.get(key.upper()) if isinstance(key, str) else None
        if name is None:
            raise KeyError(f"Unknown flag {key!r}")
        return name

    def __getitem__(self, key) -> bool:
        return getattr(self, self._name(key))

    def __setitem__(self, key, value) -> None:
        name = self._name(key)
        if name != "writeable":
            raise ValueError(f"the {name.upper()} flag cannot be changed on a JaxArray")
        self.writeable = value

    def __eq__(self, other) -> bool:
        return isinstance(other, Flags) and all(
            self[k] == other[k] for k in ("C", "F", "O", "W", "A", "X"))

    __hash__ = None

    def __repr__(self) -> str:
        names = ("C_CONTIGUOUS", "F_CONTIGUOUS", "OWNDATA", "WRITEABLE", "ALIGNED",
                 "WRITEBACKIFCOPY")
        return "".join(f"  {n} : {self[n]}\n" for n in names)
