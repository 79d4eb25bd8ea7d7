"""Parsing NumPy indices against a shape, with NumPy's rules and errors.

:func:`parse` turns ``x[index]`` into one of

* :class:`BasicIndex` -- integers, slices, ``...`` and ``None``: the result is
  a view (:meth:`shim._array._layout.Layout.index` composes it);
* :class:`MaskIndex` -- one boolean array over the leading axes, for writes:
  ``x[mask] = v`` becomes ``where(mask, v, x)``, with no data-dependent shape;
* :class:`AdvancedIndex` -- anything with integer or boolean arrays: the slices
  are applied first as a view (``region``), then ``template`` says how to index
  that region with ``arrays``. The split keeps NumPy's rule for where the
  broadcast dimensions go, because every advanced item keeps its position.

Integer indices are bounds-checked eagerly (JAX would clamp them). Integer
arrays on the host are checked here; arrays on a device are checked by the
caller with :func:`check_device_bounds` unless they are being traced.
"""
from __future__ import annotations

import operator
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["plan", "parse", "Plan", "BasicIndex", "AdvancedIndex", "MaskIndex",
           "check_device_bounds", "advanced_shape", "INVALID_INDEX"]

INVALID_INDEX = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and "
                 "integer or boolean arrays are valid indices")


class BasicIndex(NamedTuple):
    items: tuple          # ("n",) | ("i", k) | ("s", first, step, length), one per output step
    scalar: bool          # integers consumed every axis and there was no Ellipsis


class MaskIndex(NamedTuple):
    mask: object          # boolean array (numpy or jax) over the leading mask.ndim axes


class AdvancedIndex(NamedTuple):
    region: tuple         # basic items, applied first (slices, full axes, new axes)
    template: tuple       # per region axis / None: ":", None or ("a", k)
    arrays: list          # index arrays (numpy, jax, or Python ints)
    device_checks: tuple  # (k, axis size) for device integer arrays to bounds-check


class Plan:
    """A basic index composed with a view's layout: what to read or write, and where.

    ``layout``/``firsts`` describe the selected elements relative to the root
    (``layout`` is None for an empty slice of a new axis, which selects
    nothing); ``lows`` is the kernels' dynamic argument; ``scalar`` says NumPy
    would return a scalar rather than a view.
    """

    __slots__ = ("layout", "firsts", "lows", "scalar", "shape")

    def __init__(self, layout, firsts, scalar, shape, lows):
        self.layout, self.firsts, self.scalar, self.shape, self.lows = \
            layout, firsts, scalar, shape, lows


_PLANS: dict = {}
_MAX_PLANS = 4096
_SLICE = object()


def plan(layout, firsts, index, *, mask_ok: bool = False):
    """``index`` applied to the view ``layout``/``firsts``: a :class:`Plan` for basic
    indices, else the parsed :class:`MaskIndex` or :class:`AdvancedIndex`.

    Plans of hashable indices are cached, so a loop that writes ``U[1:-1, 1:-1]``
    every step parses and composes it once, and from its second use on passes
    its starts to kernels as a device array (cheaper per call than a host one).
    """
    key = _index_key(index)
    if key is not None:
        cached = _PLANS.get((layout, firsts, key))
        if cached is not None:
            if type(cached.lows) is np.ndarray:
                cached.lows = promote_lows(cached.lows)
            return cached
    parsed = parse(index, layout.shape, mask_ok=mask_ok)
    if type(parsed) is not BasicIndex:
        return parsed
    composed = layout.index(firsts, parsed.items)
    if composed is None:
        result = Plan(None, (), parsed.scalar, _basic_shape(parsed.items), None)
    else:
        new_layout, new_firsts = composed
        result = Plan(new_layout, new_firsts, parsed.scalar, new_layout.shape,
                      lows_arg(new_layout, new_firsts))
    if key is not None:
        if len(_PLANS) >= _MAX_PLANS:
            del _PLANS[next(iter(_PLANS))]
        _PLANS[(layout, firsts, key)] = result
    return result


def lows_arg(layout, firsts):
    """The ``lows`` argument of a kernel for these ``firsts`` (None if the layout has no
    dynamic starts), as a host array; :func:`promote_lows` moves reused ones to the device."""
    if not layout.dynamic:
        return None
    return np.asarray(layout.lows(firsts), dtype=np.int64)


_to_device = jax.jit(lambda x: x)


def promote_lows(lows):
    """``lows`` as a device array, or unchanged while tracing (no tracer may be kept)."""
    device = _to_device(lows)
    return lows if isinstance(device, jax.core.Tracer) else device


def _index_key(index):
    """A hashable stand-in for a basic index made of Python ints, slices, None and ...,
    or None when the index has anything else (arrays, NumPy integers...)."""
    t = type(index)
    if t is int or index is None or index is Ellipsis:
        return index
    if t is slice:
        start, stop, step = index.start, index.stop, index.step
        if (start is None or type(start) is int) and (stop is None or type(stop) is int) \
                and (step is None or type(step) is int):
            return (_SLICE, start, stop, step)
        return None
    if t is tuple:
        keys = []
        for item in index:
            if type(item) is tuple:
                return None
            key = _index_key(item)
            if key is None and item is not None:
                return None
            keys.append(key)
        return tuple(keys)
    return None


def _basic_shape(items) -> tuple[int, ...]:
    """The result shape of a parsed basic index."""
    return tuple(1 if item[0] == "n" else item[3] for item in items if item[0] != "i")


def parse(index, shape: tuple[int, ...], *, mask_ok: bool = False):
    """Classify and normalise ``index`` for an array of ``shape``.

    ``mask_ok`` lets a lone boolean array come back as :class:`MaskIndex`
    (used by writes); otherwise it is turned into integer arrays.
    """
    items = index if type(index) is tuple else (index,)
    kinds = []
    consumed = 0
    has_ellipsis = False
    advanced = False
    for item in items:
        kind, item = _classify(item)
        if kind == "e":
            if has_ellipsis:
                raise IndexError("an index can only have a single ellipsis ('...')")
            has_ellipsis = True
        elif kind in ("i", "s", "ia"):
            consumed += 1
        elif kind == "ba":
            consumed += max(np.ndim(item), 0)
        if kind in ("ia", "ba", "B"):
            advanced = True
        kinds.append((kind, item))
    ndim = len(shape)
    if consumed > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, "
                         f"but {consumed} were indexed")
    expanded = []
    for kind, item in kinds:
        if kind == "e":
            if advanced:              # NumPy: advanced indices on both sides are not adjacent
                expanded.append(("e", None))
            expanded.extend([("s", slice(None))] * (ndim - consumed))
        else:
            expanded.append((kind, item))
    if not has_ellipsis:
        expanded.extend([("s", slice(None))] * (ndim - consumed))

    if not advanced:
        return _basic(expanded, shape, scalar=not has_ellipsis)
    rest = [entry for entry in expanded if entry[0] != "e"]
    if (mask_ok and len(rest) - (ndim - consumed) == 1 and rest[0][0] == "ba"
            and np.ndim(rest[0][1]) > 0):
        mask = rest[0][1]
        _check_mask_shape(mask, shape, 0)
        return MaskIndex(mask)
    return _advanced(expanded, shape)


def _classify(item):
    """('n' | 'e' | 's' | 'i' | 'B' | 'ia' | 'ba', normalised item)."""
    if item is None:
        return "n", None
    if item is Ellipsis:
        return "e", None
    t = type(item)
    if t is slice:
        return "s", item
    if t is int:
        return "i", item
    if t is bool or t is np.bool_:
        return "B", bool(item)
    if isinstance(item, np.integer):
        return "i", int(item)
    as_jax = getattr(item, "__jax_array__", None)
    if as_jax is not None:            # a JaxArray
        item = as_jax()
    if isinstance(item, jax.Array):
        if isinstance(item, jax.core.Tracer):
            return _array_kind(item.dtype, item, traced=True)
        if item.ndim == 0 and jnp.issubdtype(item.dtype, jnp.integer):
            return "i", int(item)
        return _array_kind(item.dtype, item)
    if isinstance(item, (list, tuple, np.ndarray)) or hasattr(item, "__array__"):
        arr = np.asarray(item)
        if arr.size == 0 and arr.dtype == np.float64 and not isinstance(item, np.ndarray):
            arr = arr.astype(np.intp)
        if arr.ndim == 0 and np.issubdtype(arr.dtype, np.integer):
            return "i", int(arr)
        return _array_kind(arr.dtype, arr)
    try:
        return "i", operator.index(item)
    except TypeError:
        raise IndexError(INVALID_INDEX) from None


def _array_kind(dtype, arr, traced=False):
    if dtype == np.bool_:
        if np.ndim(arr) == 0:
            if traced:
                raise IndexError("a traced boolean scalar cannot be used as an index; "
                                 "use np.where instead")
            return "B", bool(arr)
        return "ba", arr
    if np.issubdtype(dtype, np.integer):
        return "ia", arr
    raise IndexError("arrays used as indices must be of integer (or boolean) type")


def _basic(expanded, shape, scalar):
    items = []
    axis = 0
    for kind, item in expanded:
        if kind == "n":
            items.append(("n",))
            scalar = False
            continue
        n = shape[axis]
        if kind == "i":
            items.append(("i", _check_int(item, n, axis)))
        else:
            items.append(_slice_item(item, n))
            scalar = False
        axis += 1
    return BasicIndex(tuple(items), scalar)


def _slice_item(s: slice, n: int):
    start, stop, step = s.indices(n)
    length = len(range(start, stop, step))
    return ("s", start if length else 0, step if length else 1, length)


def _check_int(i: int, n: int, axis: int) -> int:
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
    return i + n if i < 0 else i


def _check_mask_shape(mask, shape, axis):
    for j, m in enumerate(np.shape(mask)):
        n = shape[axis + j]
        if m != n:
            raise IndexError(f"boolean index did not match indexed array along axis {axis + j}; "
                             f"size of axis is {n} but size of corresponding boolean axis is {m}")


def _advanced(expanded, shape):
    region, template, arrays, checks = [], [], [], []
    axis = 0

    def take_axis():
        nonlocal axis
        region.append(("s", 0, 1, shape[axis]))
        template.append(("a", len(arrays)))
        axis += 1

    for kind, item in expanded:
        if kind == "n":
            template.append(None)
        elif kind == "e":                 # an Ellipsis (covering no axis here): a separator
            template.append(...)
        elif kind == "B":                 # NumPy: a new length-1 axis indexed by [0] or []
            region.append(("n",))
            template.append(("a", len(arrays)))
            arrays.append(np.zeros(1 if item else 0, dtype=np.intp))
        elif kind == "s":
            region.append(_slice_item(item, shape[axis]))
            template.append(":")
            axis += 1
        elif kind == "i":
            arrays_item = _check_int(item, shape[axis], axis)
            take_axis()
            arrays.append(arrays_item)
        elif kind == "ia":
            if isinstance(item, np.ndarray):
                _check_host_bounds(item, shape[axis], axis)
            elif not isinstance(item, jax.core.Tracer):
                checks.append((len(arrays), shape[axis], axis))
            take_axis()
            arrays.append(item)
        else:                             # a boolean array over item.ndim axes
            if isinstance(item, jax.core.Tracer):
                raise IndexError(
                    "boolean mask indexing gives an array whose shape depends on the mask's values, "
                    "which cannot be traced (inside jit); use np.where(mask, new, old) to write "
                    "through a mask, or np.nonzero(mask, size=n) to read")
            _check_mask_shape(item, shape, axis)
            for nz in np.nonzero(np.asarray(item)):
                take_axis()
                arrays.append(nz)
    shapes = [np.shape(a) for a in arrays]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together with "
                         "shapes " + " ".join(str(tuple(s)) for s in shapes)) from None
    return AdvancedIndex(tuple(region), tuple(template), arrays, tuple(checks))


def _check_host_bounds(arr: np.ndarray, n: int, axis: int) -> None:
    if arr.size and (arr.min() < -n or arr.max() >= n):
        bad = arr[(arr < -n) | (arr >= n)].flat[0]
        raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}")


@jax.jit
def _out_of_bounds(arr, n):
    # Compared in 64 bits: -n and n need not fit the index's own dtype (uint8, int8...).
    if jnp.issubdtype(arr.dtype, jnp.unsignedinteger):
        arr = arr.astype(jnp.uint64)
        bad = arr >= n.astype(jnp.uint64)
    else:
        arr = arr.astype(jnp.int64)
        bad = (arr < -n) | (arr >= n)
    return jnp.any(bad), jnp.where(jnp.any(bad), arr.ravel()[jnp.argmax(bad.ravel())], 0)


def check_device_bounds(index: AdvancedIndex) -> None:
    """Bounds-check the device-resident integer arrays of ``index`` (waits for them)."""
    for k, n, axis in index.device_checks:
        arr = index.arrays[k]
        if arr.size:
            bad, value = _out_of_bounds(arr, np.int64(n))
            if bool(bad):
                raise IndexError(f"index {int(value)} is out of bounds for axis {axis} with size {n}")


_WIDE_INDEX = (np.dtype(np.int64), np.dtype(np.int32))


def _index_array(a):
    """An index array JAX can normalise: narrow and unsigned integers become int64
    (JAX adds the axis size to negative indices in the index's own dtype)."""
    dtype = getattr(a, "dtype", None)
    return a if dtype is None or dtype in _WIDE_INDEX else a.astype(np.int64)


def build_index(template: tuple, arrays) -> tuple:
    """The index tuple that ``template`` describes, for use inside a kernel."""
    return tuple(slice(None) if t == ":" else None if t is None else ... if t is ...
                 else _index_array(arrays[t[1]]) for t in template)


def advanced_shape(region_shape: tuple[int, ...], template: tuple, array_shapes) -> tuple[int, ...]:
    """NumPy's result shape for ``region[template]`` (advanced indexing rules)."""
    broadcast = np.broadcast_shapes(*array_shapes)
    positions = [i for i, t in enumerate(template) if isinstance(t, tuple)]
    adjacent = positions == list(range(positions[0], positions[-1] + 1))
    before, after = [], []
    axis = 0
    for i, t in enumerate(template):
        if isinstance(t, tuple):
            axis += 1
            continue
        if t is ...:
            continue
        size = 1 if t is None else region_shape[axis]
        if t == ":":
            axis += 1
        (before if i < positions[0] else after).append(size)
    if adjacent:
        return tuple(before) + broadcast + tuple(after)
    return broadcast + tuple(before) + tuple(after)
