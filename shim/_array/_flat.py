"""``x.flat``: a 1-D handle on an array's elements in C order."""
from __future__ import annotations

import operator
from typing import TYPE_CHECKING

import jax.numpy as jnp
import numpy as np

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
        """``x.flat[index] = value``: as NumPy, the values are taken in C order and
        repeated or cut to the number of selected elements (``a.flat[[0, 1]] = [1, 2, 3]``
        writes 1 and 2)."""
        array = self._array
        flat = array._reshaped((array.size,))
        if flat is None:
            raise TypeError("x.flat[...] = v is supported on whole arrays and reshapes of them; "
                            "this array is a strided or transposed view")
        if np.ndim(value) and not _is_int(index):
            n = flat[index].size
            host = type(value) is not type(array)
            values = np.ravel(value) if host else jnp.ravel(value.value)
            if values.size != n:
                if values.size == 0:
                    return
                values = np.resize(values, n) if host else jnp.resize(values, n)
            value = values.reshape(flat[index].shape)
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


def _is_int(index) -> bool:
    try:
        operator.index(index)
    except TypeError:
        return False
    return True
