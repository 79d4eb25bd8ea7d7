"""``x.flat``: a 1-D handle on an array's elements in C order."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._core import JaxArray

__all__ = ["FlatIterator"]


class FlatIterator:
    """``x.flat``: read and write elements by C-order flat index."""

    __slots__ = ("_array",)

    def __init__(self, array: JaxArray):
        self._array = array

    def _flat(self) -> JaxArray:
        array = self._array
        flat = array._reshaped((array.size,))
        return flat if flat is not None else array.ravel()

    def __getitem__(self, index):
        return self._flat()[index]

    def __setitem__(self, index, value):
        array = self._array
        flat = array._reshaped((array.size,))
        if flat is None:
            raise TypeError("x.flat[...] = v is supported on whole arrays and reshapes of them; "
                            "this array is a strided or transposed view")
        flat[index] = value

    def __iter__(self):
        return iter(self._flat())

    def __contains__(self, value) -> bool:
        """``value in x.flat``: whether any element equals ``value``, as in NumPy."""
        return value in self._flat()

    def __len__(self) -> int:
        return self._array.size

    def __array__(self, dtype=None, copy=None):
        return self._flat().__array__(dtype, copy)
