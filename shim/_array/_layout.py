"""Where a view's elements live in its root array.

A view is a root JaxArray plus a :class:`Layout` (static: hashable, part of
every kernel's cache key) and ``firsts`` (dynamic: the first selected index of
each sliced or integer-indexed dimension). Keeping the starts dynamic means
``for i in range(n): x[i] += 1`` compiles one kernel, not ``n``.

A layout is read in five steps, each optional:

0. reinterpret the root's bytes as another dtype (``cast``: views made by
   ``x.view(dtype)``), which may change the last axis' length;
1. reshape the (reinterpreted) root to ``base_shape`` (``reshape``/``ravel``);
2. per base dimension, keep it whole, take one index (dropping the
   dimension), or take ``length`` elements ``step`` apart;
3. order the remaining dimensions as ``out`` says (transposes);
4. insert new axes of length one (``None`` in an index).

Layouts compose: indexing or transposing a view yields another layout over the
same root, so a view never refers to another view.
"""
from __future__ import annotations

import math
import operator
from typing import Sequence

import jax.numpy as jnp
import numpy as np
from jax import lax

from ._flags import c_strides

__all__ = ["Layout", "FULL", "INT", "NEWAXIS"]

FULL = None        # dims entry: the whole base dimension
INT = ()           # dims entry: one index, dimension dropped
NEWAXIS = -1       # out entry: a new axis of length one

_INTERNED: dict[tuple, "Layout"] = {}
_IDENTITIES: dict[tuple, "Layout"] = {}


class Layout:
    """A static, interned description of a view of a root array.

    Use :meth:`identity`, then :meth:`index`, :meth:`transpose` and
    :meth:`reshape`; never build one directly. Equal layouts are the same
    object, so they are cheap dictionary keys.
    """

    __slots__ = ("root_shape", "base_shape", "dims", "out", "cast", "space", "shape", "dynamic",
                 "_cover", "_strides", "_flips", "_kept_shape", "_perm", "_inverse_perm",
                 "is_identity", "__weakref__")

    root_shape: tuple[int, ...]
    base_shape: tuple[int, ...]
    dims: tuple
    out: tuple[int, ...]
    cast: "tuple | None"         # (dtype, shape of the reinterpreted root) or None
    space: tuple[int, ...]       # the shape of the (reinterpreted) root
    shape: tuple[int, ...]
    dynamic: tuple[int, ...]

    @staticmethod
    def make(root_shape, base_shape, dims, out, cast=None) -> "Layout":
        key = (root_shape, base_shape, dims, out, cast)
        layout = _INTERNED.get(key)
        if layout is None:
            layout = object.__new__(Layout)
            layout._setup(*key)
            _INTERNED[key] = layout
        return layout

    @staticmethod
    def identity(shape: tuple[int, ...]) -> "Layout":
        """The layout of a whole root of this shape."""
        layout = _IDENTITIES.get(shape)
        if layout is None:
            layout = _IDENTITIES[shape] = Layout.make(shape, shape, (FULL,) * len(shape),
                                                      tuple(range(len(shape))))
        return layout

    def _setup(self, root_shape, base_shape, dims, out, cast):
        self.root_shape, self.base_shape, self.dims, self.out = root_shape, base_shape, dims, out
        self.cast = cast
        self.space = root_shape if cast is None else cast[1]
        self.shape = tuple(1 if d == NEWAXIS else _length(dims[d], base_shape[d]) for d in out)
        self.dynamic = tuple(d for d, sel in enumerate(dims) if sel is not FULL)
        cover, strides, flips, kept = [], [], [], []
        for d, sel in enumerate(dims):
            n = base_shape[d]
            if sel is FULL:
                cover.append(n)
                strides.append(1)
                kept.append(n)
            elif sel is INT:
                cover.append(1)
                strides.append(1)
            else:
                step, length = sel
                cover.append((length - 1) * abs(step) + 1 if length else 0)
                strides.append(abs(step))
                kept.append(length)
                if step < 0:
                    flips.append(len(kept) - 1)
        self._cover = tuple(cover)
        self._strides = tuple(strides) if any(s != 1 for s in strides) else None
        self._flips = tuple(flips)
        self._kept_shape = tuple(kept)
        kept_dims = [d for d, sel in enumerate(dims) if sel is not INT]
        order = [kept_dims.index(d) for d in out if d != NEWAXIS]
        self._perm = tuple(order) if order != sorted(order) else None
        self._inverse_perm = (tuple(sorted(range(len(order)), key=order.__getitem__))
                              if self._perm else None)
        self.is_identity = (cast is None and base_shape == root_shape
                            and all(s is FULL for s in dims) and out == tuple(range(len(dims))))

    def __repr__(self) -> str:
        cast = "" if self.cast is None else f", cast={self.cast}"
        return (f"Layout(root={self.root_shape}, base={self.base_shape}, dims={self.dims}, "
                f"out={self.out}{cast})")

    def __reduce__(self):
        return Layout.make, (self.root_shape, self.base_shape, self.dims, self.out, self.cast)

    # --- algebra (host side, static) -------------------------------------------------

    def index(self, firsts: tuple[int, ...], items: Sequence[tuple]):
        """Compose a basic index with this layout.

        ``items`` come from :func:`shim._array._indexing.parse_basic`: ``("n",)`` a new
        axis, ``("i", k)`` an in-bounds non-negative integer, ``("s", first,
        step, length)`` a normalised slice; together they cover every axis of
        ``self.shape``. Returns ``(layout, firsts)``, or ``None`` when the result
        cannot be a view (an empty slice of a new axis).
        """
        dims = list(self.dims)
        start = dict(zip(self.dynamic, firsts))
        out = []
        axis = 0
        for item in items:
            kind = item[0]
            if kind == "n":
                out.append(NEWAXIS)
                continue
            d = self.out[axis]
            axis += 1
            if d == NEWAXIS:
                if kind == "s" and item[3] == 0:
                    return None
                if kind == "s":
                    out.append(NEWAXIS)
                continue
            f0, s0, n0 = _as_slice(dims[d], start.get(d, 0), self.base_shape[d])
            if kind == "i":
                dims[d] = INT
                start[d] = f0 + item[1] * s0
            else:
                _, f1, s1, n1 = item
                first, step = (f0 + f1 * s0, s0 * s1) if n1 else (0, 1)
                if first == 0 and step == 1 and n1 == self.base_shape[d]:
                    dims[d] = FULL
                    start.pop(d, None)
                else:
                    dims[d] = (step, n1)
                    start[d] = first
                out.append(d)
        layout = Layout.make(self.root_shape, self.base_shape, tuple(dims), tuple(out), self.cast)
        return layout, tuple(start[d] for d in layout.dynamic)

    def transpose(self, axes: Sequence[int]) -> "Layout":
        """The layout with output axes reordered (``axes`` already validated)."""
        return Layout.make(self.root_shape, self.base_shape, self.dims,
                           tuple(self.out[a] for a in axes), self.cast)

    def reshape(self, shape: tuple[int, ...]) -> "Layout | None":
        """A layout for ``view.reshape(shape)``, or ``None`` if that needs a copy.

        Only whole, untransposed roots reshape without a copy here; NumPy also
        returns views for some reshapes of contiguous slices, which shim copies.
        """
        if not self.whole:
            return None
        return Layout.make(self.root_shape, shape, (FULL,) * len(shape), tuple(range(len(shape))),
                           self.cast)

    @property
    def whole(self) -> bool:
        """Whether the view is every element of the root in C order (maybe reshaped)."""
        return all(s is FULL for s in self.dims) and self.out == tuple(range(len(self.dims)))

    def view(self, root_dtype, dtype, shape) -> "Layout":
        """The layout reinterpreting this one's elements as ``dtype`` (``shape``: the result's).

        With the item size unchanged any layout can be reinterpreted; otherwise the
        caller checks that the view is :attr:`whole` (NumPy's rule is looser: any
        view whose last axis is contiguous).
        """
        dtype = None if dtype == root_dtype else dtype
        if shape == self.shape:
            cast = None if dtype is None else (dtype, self.space)
            return Layout.make(self.root_shape, self.base_shape, self.dims, self.out, cast)
        cast = None if dtype is None else (dtype, shape)
        return Layout.make(self.root_shape, shape, (FULL,) * len(shape), tuple(range(len(shape))),
                           cast)

    def strides(self, itemsize: int) -> tuple[int, ...]:
        """NumPy's strides (in bytes) of the view, the root being C-contiguous."""
        base = c_strides(self.base_shape, itemsize)
        return tuple(0 if d == NEWAXIS else base[d] * (1 if self.dims[d] is FULL else self.dims[d][0])
                     for d in self.out)

    def positions(self, lows) -> np.ndarray:
        """The flat positions in the root of the view's elements (of a dtype view: of
        the root elements each one overlaps), for ``shares_memory``."""
        n_root, n_space = math.prod(self.root_shape), math.prod(self.space)
        plain = self if self.cast is None else \
            Layout.make(self.space, self.base_shape, self.dims, self.out)
        pos = np.asarray(plain.gather(np.arange(n_space).reshape(self.space), lows))
        if not n_root or not n_space or n_root == n_space:
            return pos
        if n_space > n_root:                   # smaller items: several per root element
            return pos // (n_space // n_root)
        ratio = n_root // n_space              # larger items: each covers several
        return (pos[..., None] * ratio + np.arange(ratio)).reshape(-1)

    def lows(self, firsts: tuple[int, ...]) -> tuple[int, ...]:
        """The lowest base index touched in each dynamic dimension."""
        lows = []
        for d, first in zip(self.dynamic, firsts):
            sel = self.dims[d]
            if sel is not INT and sel[0] < 0 and sel[1]:
                first += (sel[1] - 1) * sel[0]
            lows.append(first)
        return tuple(lows)

    # --- traced side: used inside compiled kernels ------------------------------------

    def gather(self, root, lows):
        """The view's value, from the root's value and the dynamic ``lows``."""
        if root.shape != self.root_shape:      # the root was reshaped in place (x.shape = s)
            root = root.reshape(self.root_shape)
        if self.is_identity:
            return root
        if self.cast is not None:
            root = root.view(self.cast[0]).reshape(self.space)
        x = root.reshape(self.base_shape) if self.base_shape != self.space else root
        if self.dynamic:
            x = lax.dynamic_slice(x, self._starts(lows), self._cover)
        if self._strides:
            x = x[tuple(slice(None, None, s) for s in self._strides)]
        x = x.reshape(self._kept_shape)
        if self._flips:
            x = jnp.flip(x, self._flips)
        if self._perm:
            x = x.transpose(self._perm)
        return x.reshape(self.shape)

    def scatter(self, root, lows, value):
        """The root's value after writing ``value`` (of ``self.shape``) into the view."""
        actual = root.shape
        if actual != self.root_shape:
            root = root.reshape(self.root_shape)
        if self.is_identity:
            return value.reshape(actual)
        root_dtype = root.dtype
        if self.cast is not None:
            root = root.view(self.cast[0]).reshape(self.space)
        v = value.reshape(tuple(self.shape[i] for i, d in enumerate(self.out) if d != NEWAXIS))
        if self._inverse_perm:
            v = v.transpose(self._inverse_perm)
        if self._flips:
            v = jnp.flip(v, self._flips)
        v = v.reshape(self._strided_shape())
        x = root.reshape(self.base_shape) if self.base_shape != self.space else root
        starts = self._starts(lows) if self.dynamic else None
        if self._strides:
            region = lax.dynamic_slice(x, starts, self._cover) if starts is not None else x
            v = _strided_set(region, v, self._strides)
        x = lax.dynamic_update_slice(x, v, starts) if starts is not None else v
        if self.cast is not None:
            x = x.reshape(self.space).view(root_dtype)
        return x.reshape(actual)

    def _starts(self, lows):
        starts = [0] * len(self.base_shape)
        for j, d in enumerate(self.dynamic):
            starts[d] = lows[j]
        return starts

    def _strided_shape(self):
        return tuple(_length(sel, n) if sel is not INT else 1
                     for sel, n in zip(self.dims, self.base_shape))


def _strided_set(region, v, strides):
    """``region`` with ``region[::s0, ::s1, ...] = v``, as one elementwise select.

    Each value is repeated ``s`` times along its axis and a mask keeps the
    positions that are multiples of ``s``: XLA fuses this, unlike a scatter.
    """
    mask = None
    for axis, step in enumerate(strides):
        if step == 1:
            continue
        shape = v.shape
        # Repeat by broadcasting a new axis and merging it (a gather-free jnp.repeat).
        v = jnp.broadcast_to(jnp.expand_dims(v, axis + 1),
                             shape[:axis + 1] + (step,) + shape[axis + 1:])
        v = v.reshape(shape[:axis] + (shape[axis] * step,) + shape[axis + 1:])
        v = lax.slice_in_dim(v, 0, region.shape[axis], axis=axis)
        keep = (lax.broadcasted_iota(jnp.int32, region.shape, axis) % step) == 0
        mask = keep if mask is None else mask & keep
    return jnp.where(mask, v, region)


def _length(sel, n: int) -> int:
    return n if sel is FULL else sel[1]


def _as_slice(sel, first: int, n: int) -> tuple[int, int, int]:
    """(first, step, length) of a base dimension that is not integer-indexed."""
    if sel is FULL:
        return 0, 1, n
    return first, sel[0], sel[1]


def normalize_axes(axes, ndim: int, func: str) -> tuple[int, ...]:
    """Validate a permutation of ``range(ndim)`` the way ``numpy.transpose`` does."""
    try:
        axes = tuple(operator.index(a) for a in axes)
    except TypeError:
        raise TypeError(f"{func}: axes must be a sequence of integers, got {axes!r}") from None
    if len(axes) != ndim:
        raise ValueError(f"{func}: axes don't match array (got {len(axes)} axes for an array "
                         f"of {ndim} dimensions)")
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            from numpy.exceptions import AxisError
            raise AxisError(a, ndim)
        out.append(a % ndim)
    if len(set(out)) != ndim:
        raise ValueError(f"{func}: repeated axis in transpose: {axes!r}")
    return tuple(out)
