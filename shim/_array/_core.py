"""JaxArray: a mutable, NumPy-compatible array around a ``jax.Array``.

A JaxArray is either a *root*, which owns a ``jax.Array`` (or a tracer inside
``jit``), or a *view*: its root plus a :class:`~shim._array._layout.Layout`.
Writes replace the root's value with the result of a compiled update kernel
and bump the root's version; a view caches its gathered value and re-gathers
only when the root's version has moved.

The class holds storage, indexing, views and conversions. The NumPy
protocols (``__array_ufunc__``, ``__array_function__``), the operators and the
NumPy-function methods are installed onto it from the layer above
(:func:`shim._dispatch.install`), so this module imports no protocol code.

The functions at the end of the module are the internal API that the layers
above use instead of the private slots: see :mod:`shim._array`.
"""
from __future__ import annotations

import builtins
import operator
import os
import pickle
import threading
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .._config import scoped
from .._errors import TRACED_VALUE, InteropError, TracingError
from . import _indexing, _kernels
from ._flags import Flags, c_strides
from ._flat import FlatIterator
from ._indexing import MaskIndex, Plan
from ._layout import Layout, normalize_axes
from ._masked import MaskedRead, masked_copy
from ._values import broadcast_value, mask_value_shape, shape_of

__all__ = ["JaxArray", "wrap", "to_jax", "to_host", "canonical_dtype", "traced_conversion_error",
           "UNSUPPORTED_KINDS", "WEAK_TYPES", "kept_sharding", "root_value", "dtype_token", "is_root",
           "is_element", "as_element", "weak",
           "commit", "apply_update", "write_region", "placement", "transposed", "reshaped",
           "view", "view_parts", "HotCode"]

_Tracer = jax.core.Tracer
_ArrayImpl = type(jnp.zeros(0))
_SingleDevice = jax.sharding.SingleDeviceSharding


class JaxArray:
    """A mutable array on a JAX device that NumPy functions dispatch to.

    Parameters
    ----------
    value : array_like
        Data: a ``jax.Array``, NumPy array, JaxArray, nested sequence or
        scalar. A JaxArray argument is copied (cheaply: JAX buffers are
        immutable, so nothing is duplicated until one side is written).
    dtype : data-type, optional
        Dtype of the result; by default NumPy's rules (``float64``, ``int64``).

    Notes
    -----
    Plain NumPy calls work on JaxArrays and return JaxArrays
    (``np.sin(x)``, ``np.linalg.solve(a, b)``); writes (``x[i] = v``,
    ``x += y``, ``out=``) update the array in place, and basic indexing returns
    views that write through, as in NumPy. ``np.asarray(x)`` returns a
    read-only host copy: writing to it does not change ``x``.
    """

    # _dtype is the NumPy dtype, or a Python type for a weakly typed number (a Python
    # number passed into shim.jit), which NumPy's promotion then treats as a Python scalar.
    # _element marks the copy that scalar indexing returns (NumPy returns an immutable
    # scalar there): in-place operators on it make a new array (see is_element).
    # _readonly: flags.writeable was cleared (here or on the array this view came from),
    # so every write through this array raises ValueError.
    __slots__ = ("_value", "_dtype", "_base", "_layout", "_firsts", "_lows", "_version",
                 "_element", "_readonly", "__weakref__")
    __array_priority__ = 100
    _shim_opaque = True          # not an object whose attributes hold state (see shim._objects)

    def __init__(self, value: Any, dtype: Any = None):
        self._value = value = to_jax(value, dtype)
        self._dtype = value.dtype
        self._base = None
        self._version = 0
        self._element = self._readonly = False

    # --- storage ----------------------------------------------------------------------

    @property
    def value(self) -> jax.Array:
        """The data as an immutable ``jax.Array`` (a tracer inside ``jit``).

        Assigning replaces the data in place (views write through); the new
        value must have this array's shape and is cast to its dtype.
        """
        base = self._base
        if base is None:
            return self._value
        if type(base) is MaskedRead:
            return self._materialize()
        if self._version != base._version:
            self._value = _kernels.read(self._layout)(base._value, self._lows_arg())
            self._version = base._version
        return self._value

    @value.setter
    def value(self, new: Any) -> None:
        new = new.value if type(new) is JaxArray else new
        if np.shape(new) != self.shape:
            raise ValueError(f"JaxArray.value: the new value has shape {np.shape(new)}, "
                             f"but the array has shape {self.shape}; assign x[...] = v to broadcast")
        self._assign(new)

    def _assign(self, new) -> None:
        """Replace the whole content with ``new`` (same shape; cast to our dtype)."""
        if self._readonly:
            raise _read_only()
        if self._base is None and getattr(new, "dtype", None) == self._dtype \
                and isinstance(new, jax.Array):
            kept = kept_sharding(self._value)
            if kept is not None and type(new) is _ArrayImpl and new.sharding != kept:
                new = jax.device_put(new, kept)
            self._commit(new)
        else:
            self._update((_kernels.set_all, np.shape(new)), (new,))

    def _commit(self, new: jax.Array) -> None:
        """Give a root a new value. Every change of a root's value goes through here."""
        self._value = new
        self._version += 1

    def _target(self):
        """(root, layout, firsts): where this array's elements live."""
        base = self._base
        if base is not None and type(base) is MaskedRead:
            self._materialize()
            base = None
        if base is None:
            return self, Layout.identity(self._value.shape), ()
        return base, self._layout, self._firsts

    def _write(self, layout, lows, update, args) -> None:
        """Apply ``update`` to the elements that ``layout`` (with ``lows``) selects in our root.

        Reading the root, updating and committing is atomic for the root (see
        :data:`_ROOT_LOCKS`): threads writing other elements lose nothing.
        """
        if self._readonly:
            raise _read_only()
        root = self if self._base is None else self._base
        with _ROOT_LOCKS[id(root) >> 4 & _LOCK_MASK]:
            value = root._value
            root._commit(_kernels.write(layout, update, kept_sharding(value))(value, lows, *args))

    def _update(self, update, args) -> None:
        """Apply ``update`` (see :mod:`shim._array._kernels`) to every element of this array."""
        if self._readonly:
            raise _read_only()
        base = self._base
        if base is not None and type(base) is MaskedRead:
            if base.defer(update, args):
                return
            self._materialize()
            base = None
        if base is None:
            self._write(Layout.identity(self._value.shape), None, update, args)
        else:
            self._write(self._layout, self._lows_arg(), update, args)

    def _materialize(self):
        """Turn a deferred masked read into an ordinary root; return its value."""
        value = self._base.materialize()
        self._value = value
        self._base = None
        self._version = 0
        return value

    def _lows_arg(self):
        """A view's kernel argument for its starts: on the host at first use, then on
        the device (see :func:`shim._array._indexing.promote_lows`)."""
        lows = self._lows
        if type(lows) is np.ndarray:
            lows = self._lows = _indexing.promote_lows(lows)
        elif lows is None and self._layout.dynamic:
            lows = self._lows = _indexing.lows_arg(self._layout, self._firsts)
        return lows

    @property
    def base(self) -> "JaxArray | None":
        """The root array this view reads and writes, or ``None`` for a root."""
        base = self._base
        return None if type(base) is MaskedRead else base

    # --- attributes ---------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        base = self._base
        if base is None:
            return self._value.shape
        if type(base) is MaskedRead:
            return self._materialize().shape
        return self._layout.shape

    @shape.setter
    def shape(self, shape) -> None:
        """``x.shape = s``: reshape in place, where NumPy can without copying the data.

        Allowed for a root (and views that are a whole root, maybe reshaped);
        otherwise ``AttributeError``, as NumPy raises where the view has no
        such layout (shim also refuses some strided views NumPy accepts).
        """
        shape = _normalize_shape(shape, self.size)
        base = self._base
        if base is not None and type(base) is MaskedRead:
            self._materialize()
            base = None
        if base is None:
            if shape != self._value.shape:
                self._commit(self._value.reshape(shape))
            return
        layout = self._layout.reshape(shape)
        if layout is None:
            raise AttributeError("Incompatible shape for in-place modification. Use "
                                 "`.reshape()` to make a copy with the desired shape.")
        self._layout, self._lows, self._version = layout, None, -1

    @property
    def strides(self) -> tuple[int, ...]:
        """NumPy's strides in bytes for the layout shim presents: roots are C-contiguous,
        a view's strides follow from how it selects its root's elements."""
        base = self._base
        if base is None or type(base) is MaskedRead:
            return c_strides(self.shape, self.itemsize)
        return self._layout.strides(self.itemsize)

    @property
    def flags(self) -> Flags:
        """NumPy's flags (``c_contiguous``, ``writeable``...); ``x.flags.writeable = False``
        makes every write through ``x`` raise ``ValueError``."""
        return Flags(self)

    @property
    def dtype(self) -> np.dtype:
        dtype = self._dtype
        if isinstance(dtype, np.dtype):
            return dtype
        # A Python number passed into shim.jit: weakly typed (NEP 50), the default dtype.
        return jax.dtypes.canonicalize_dtype(np.dtype(dtype))

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        size = 1
        for n in self.shape:
            size *= n
        return size

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    @property
    def T(self) -> "JaxArray":
        """The transposed array, a view (as in NumPy)."""
        return self.transpose()

    @property
    def mT(self) -> "JaxArray":
        """Transpose of the last two axes, a view."""
        if self.ndim < 2:
            raise ValueError("matrix transpose with ndim < 2 is undefined")
        axes = list(range(self.ndim))
        axes[-2:] = axes[-1], axes[-2]
        return self._transposed(tuple(axes))

    @property
    def real(self) -> "JaxArray":
        return wrap(jnp.real(self.value))

    @property
    def imag(self) -> "JaxArray":
        return wrap(jnp.imag(self.value))

    @property
    def flat(self) -> "FlatIterator":
        """A 1-D handle on the elements in C order: ``x.flat[i]`` and ``x.flat[i] = v``."""
        return FlatIterator(self)

    @property
    def device(self):
        """The device holding the data (array API)."""
        value = self.value
        if isinstance(value, _Tracer):
            raise TypeError("JaxArray.device is not available inside jit (the value is traced)")
        devices = value.devices()
        return next(iter(devices)) if len(devices) == 1 else value.sharding

    @property
    def sharding(self) -> jax.sharding.Sharding:
        """How the data is laid out across devices: the ``jax.Array``'s sharding.

        Every write keeps it (``x[...] = 0`` of an array split across devices
        stays split); make sharded arrays with ``device=`` a sharding, or with
        :func:`shim.device_put`.
        """
        value = self.value
        if isinstance(value, _Tracer):
            raise TypeError("JaxArray.sharding is not available inside jit (the value is traced)")
        return value.sharding

    def to_device(self, device, /, *, stream=None) -> "JaxArray":
        """A copy on ``device``: a ``jax.Device``, a sharding, or a platform name
        such as ``"cpu"`` or ``"gpu"`` (its first device), as NumPy's ``"cpu"``."""
        if stream is not None:
            raise ValueError("JaxArray.to_device: stream is not supported; pass stream=None")
        if isinstance(device, str):
            try:
                device = jax.devices(device)[0]
            except RuntimeError:
                platforms = sorted({d.platform for d in jax.devices()})
                raise ValueError(f"JaxArray.to_device: no {device!r} device here; allowed: a "
                                 "jax.Device, a sharding, or a platform name among "
                                 f"{platforms}") from None
        return wrap(jax.device_put(self.value, device))

    # --- indexing --------------------------------------------------------------------

    def __getitem__(self, index) -> "JaxArray":
        root, layout, firsts = self._target()
        plan = _indexing.plan(layout, firsts, index, mask_ok=True)
        if type(plan) is MaskIndex:       # a copy, computed when first needed
            return _deferred(MaskedRead(self.value, plan.mask, index), self._dtype)
        if type(plan) is Plan:
            if plan.layout is None:       # an empty slice of a new axis: nothing to view
                return wrap(jnp.zeros(plan.shape, self.dtype))
            if plan.scalar:               # NumPy returns a scalar here: a copy, not a view
                element = wrap(_kernels.read(plan.layout)(root._value, plan.lows))
                element._element = True
                return element
            return _view(root, plan.layout, plan.firsts, plan.lows, self._readonly)
        idx = plan
        region = layout.index(firsts, idx.region)
        if region is None:
            return wrap(self.value[_unwrap_index(index)])
        _indexing.check_device_bounds(idx)
        region_layout, region_firsts = region
        kernel = _kernels.read_advanced(region_layout, idx.template)
        return wrap(kernel(root._value, _kernels.lows_arg(region_layout, region_firsts),
                           idx.arrays))

    def __setitem__(self, index, value) -> None:
        if self._readonly:
            raise _read_only()
        if type(value) is JaxArray and type(value._base) is MaskedRead:
            read = value._base
            if read.index is index and read.source.shape == self.shape:
                # x[mask] op= v, or x[mask] = y[mask]: the read, its recorded updates and
                # this write are one where() kernel, with no data-dependent shape.
                self._update((masked_copy, np.ndim(read.mask), read.updates),
                             (read.mask, read.source, *read.args))
                return
        if type(index) is JaxArray and index._dtype == _BOOL and index.shape == self.shape:
            # x[mask] = v with a mask of x's shape: where(mask, v, x), no index parsing.
            value = _as_value(value, self.dtype, True)
            shape = mask_value_shape(shape_of(value), ())
            if shape is not None:
                self._update((_kernels.set_masked, index.ndim, shape), (index.value, value))
                return
        root, layout, firsts = self._target()
        plan = _indexing.plan(layout, firsts, index, mask_ok=True)
        if type(plan) is Plan:
            if type(value) is JaxArray and value._base is root and \
                    value._layout is plan.layout and value._firsts == plan.firsts:
                return                    # x[s] += y ends with x[s] = x[s]: already written
            value = _as_value(value, self.dtype)
            vshape = shape_of(value)
            if plan.scalar and vshape:    # NumPy 2: one element takes a scalar or 0-d array
                raise _sequence_error()
            shape = broadcast_value(vshape, plan.shape, advanced=False)
            if plan.layout is not None:   # else an empty slice of a new axis: nothing to write
                root._write(plan.layout, plan.lows, (_kernels.set_all, shape), (value,))
            return
        value = _as_value(value, self.dtype, True)
        vshape = shape_of(value)
        own_lows = None if self._base is None else self._lows_arg()
        idx = plan
        if type(idx) is MaskIndex:
            mask = idx.mask
            shape = mask_value_shape(vshape, self.shape[np.ndim(mask):])
            if shape is not None:
                self._write(layout, own_lows, (_kernels.set_masked, np.ndim(mask), shape),
                            (mask, value))
                return
            idx = _indexing.parse(index, self.shape)
        region = layout.index(firsts, idx.region)
        if region is None:                # an empty slice of a new axis: nothing to write
            return
        region_layout, region_firsts = region
        _indexing.check_device_bounds(idx)
        target = _indexing.advanced_shape(region_layout.shape, idx.template,
                                          [np.shape(a) for a in idx.arrays])
        shape = broadcast_value(vshape, target, advanced=True)
        self._write(region_layout, _kernels.lows_arg(region_layout, region_firsts),
                    (_kernels.set_advanced, idx.template, shape), (idx.arrays, value))

    # --- views ------------------------------------------------------------------------

    def transpose(self, *axes) -> "JaxArray":
        """Permute the axes; a view (as in NumPy). ``x.transpose(1, 0)`` or ``x.transpose((1, 0))``."""
        if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], (int, np.integer))):
            axes = axes[0]
        if axes is None or axes == ():
            axes = tuple(range(self.ndim))[::-1]
        return self._transposed(normalize_axes(axes, self.ndim, "transpose"))

    def _transposed(self, axes) -> "JaxArray":
        root, layout, firsts = self._target()
        return _view(root, layout.transpose(axes), firsts, None, self._readonly)

    def _reshaped(self, shape) -> "JaxArray | None":
        """A view with this shape, or ``None`` if NumPy semantics need a copy here."""
        root, layout, firsts = self._target()
        new_layout = layout.reshape(shape)
        return None if new_layout is None else _view(root, new_layout, firsts, None, self._readonly)

    def view(self, dtype=None, type=None) -> "JaxArray":
        """A new view of the same data, optionally reinterpreting its bytes as ``dtype``.

        Writes through the view reach this array (and its base), also for a
        ``dtype`` view, as in NumPy. A different item size changes the last axis
        and needs a whole array or a reshape of one (NumPy: any view whose last
        axis is contiguous); bool views of other dtypes are refused, since JAX's
        bool holds only 0 and 1. ``type`` may only be JaxArray: a JaxArray cannot
        be viewed as a ``numpy.ndarray`` subclass.
        """
        if type is None and isinstance(dtype, builtins.type) and \
                issubclass(dtype, (np.ndarray, JaxArray)):
            dtype, type = None, dtype
        if type is not None and type is not JaxArray:
            raise TypeError(f"JaxArray.view: a JaxArray cannot be viewed as {type.__name__!r}; "
                            "its data lives in a JAX buffer, not in an ndarray subclass "
                            "(convert with numpy.asarray(x).view(cls) for a host copy)")
        root, layout, firsts = self._target()
        dtype = self.dtype if dtype is None else canonical_dtype(dtype)
        if dtype == self.dtype:
            return _view(root, layout, firsts, None, self._readonly)
        old = self.dtype
        if (old == _BOOL) != (dtype == _BOOL):
            raise TypeError(f"JaxArray.view: a {old} array cannot be viewed as {dtype}: JAX's "
                            "bool holds only 0 and 1, so bool views of other dtypes are not "
                            "supported")
        shape = self.shape
        if dtype.itemsize != old.itemsize:
            if not shape:
                raise ValueError("Changing the dtype of a 0d array is only supported if the "
                                 "itemsize is unchanged")
            nbytes = shape[-1] * old.itemsize
            if nbytes % dtype.itemsize:
                raise ValueError("When changing to a larger dtype, its size must be a divisor of "
                                 "the total size in bytes of the last axis of the array.")
            if not layout.whole:
                raise ValueError(f"JaxArray.view: changing the item size ({old} to {dtype}) "
                                 "needs a whole array or a reshape of one; this view is "
                                 "strided, transposed or a part (copy it first)")
            shape = shape[:-1] + (nbytes // dtype.itemsize,)
        view = _view(root, layout.view(root.dtype, dtype, shape), firsts, None, self._readonly)
        view._dtype = dtype
        return view

    # --- conversion --------------------------------------------------------------------

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if copy is False:
            raise ValueError("JaxArray: a NumPy array cannot be made without copying "
                             "(copy=False); the data lives in a JAX buffer")
        value = self.value
        if isinstance(value, _Tracer):
            raise traced_conversion_error("numpy.asarray(x)")
        array = np.asarray(value)
        if dtype is not None and array.dtype != dtype:
            return array.astype(dtype)
        return array.copy() if copy else array

    def __jax_array__(self) -> jax.Array:
        return self.value

    def __dlpack__(self, /, *, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule of the data (array API).

        A ``max_version`` below ``(1, 0)`` gets a legacy capsule.
        """
        if max_version is not None and tuple(max_version) < (1, 0):
            max_version = None
        return self.value.__dlpack__(stream=stream, max_version=max_version, dl_device=dl_device,
                                     copy=copy)

    def __dlpack_device__(self):
        """``(device type, device id)`` of the data, as DLPack numbers them (array API)."""
        return self.value.__dlpack_device__()

    def __array_namespace__(self, *, api_version: str | None = None):
        """The array API namespace, :mod:`shim.array_api` (standard semantics, see docs/array_api.md)."""
        if api_version is not None and api_version not in _API_VERSIONS:
            raise ValueError(f"JaxArray.__array_namespace__: api_version {api_version!r} is not "
                             f"supported; allowed: {', '.join(_API_VERSIONS)} or None")
        from .. import array_api  # the face above: imported lazily, as array-api-strict does
        return array_api

    def __bool__(self) -> bool:
        if self.size != 1:
            raise ValueError("The truth value of an array with more than one element is "
                             "ambiguous. Use a.any() or a.all()")
        return bool(self._concrete("bool(x)"))

    def __float__(self) -> float:
        return float(self._scalar("float(x)"))

    def __int__(self) -> int:
        return int(self._scalar("int(x)"))

    def __complex__(self) -> complex:
        return complex(self._scalar("complex(x)"))

    def __index__(self) -> int:
        if not np.issubdtype(self.dtype, np.integer) or self.ndim:
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return int(self._concrete("operator.index(x)"))

    def _scalar(self, what):
        if self.size != 1:
            raise TypeError("only length-1 arrays can be converted to Python scalars")
        return self._concrete(what).reshape(())

    def _concrete(self, what):
        value = self.value
        if isinstance(value, _Tracer):
            raise traced_conversion_error(what)
        return np.asarray(value)

    def item(self, *args):
        """The element as a Python scalar: ``x.item()``, ``x.item(i)``, ``x.item(i, j)``."""
        array = self._concrete("x.item()")
        return array.item(*args)

    def tolist(self):
        """The data as nested Python lists of Python scalars."""
        return self._concrete("x.tolist()").tolist()

    def tobytes(self, order="C") -> bytes:
        return self._concrete("x.tobytes()").tobytes(order)

    def tofile(self, fid, sep="", format="%s") -> None:
        """Write the data to a file, as ``numpy.ndarray.tofile`` (from a host copy)."""
        self._concrete("x.tofile()").tofile(fid, sep, format)

    def dumps(self) -> bytes:
        """The pickle of the array; ``pickle.loads`` gives a JaxArray back."""
        self._concrete("x.dumps()")
        return pickle.dumps(self)

    def dump(self, file) -> None:
        """Pickle the array to ``file`` (a path or an open binary file)."""
        data = self.dumps()
        if isinstance(file, (str, os.PathLike)):
            with open(file, "wb") as f:
                f.write(data)
        else:
            file.write(data)

    def __contains__(self, value) -> bool:
        """``value in x``: whether any element equals ``value``, as in NumPy."""
        return bool((self == value).any())

    def __len__(self) -> int:
        shape = self.shape
        if not shape:
            raise TypeError("len() of unsized object")
        return shape[0]

    def __iter__(self):
        shape = self.shape
        if not shape:
            raise TypeError("iteration over a 0-d array")
        if len(shape) == 1:             # elements are scalars (copies), as in NumPy
            return iter([wrap(v) for v in self.value])
        return (self[i] for i in range(shape[0]))

    def __repr__(self) -> str:
        value = self.value
        if isinstance(value, _Tracer):
            return f"JaxArray({value})"
        text = np.array_repr(np.asarray(value))
        return "JaxArray" + text[5:].replace("\n" + " " * 6, "\n" + " " * 9)

    def __str__(self) -> str:
        value = self.value
        if isinstance(value, _Tracer):
            return str(value)
        return np.array_str(np.asarray(value))

    def __format__(self, spec: str) -> str:
        return format(self._concrete("format(x)"), spec)

    def __reduce__(self):
        data = self._concrete("pickle")
        layout = _mesh_layout(kept_sharding(self.value))  # split again when loaded
        return (_from_numpy, (data,)) if layout is None else (_from_numpy, (data, layout))

    def __copy__(self) -> "JaxArray":
        return self.copy()

    def __deepcopy__(self, memo) -> "JaxArray":
        return self.copy()

    def copy(self, order="K") -> "JaxArray":
        """A new root array with the same data (cheap: JAX buffers are immutable)."""
        return wrap(self.value)

    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True) -> "JaxArray":
        """A copy cast to ``dtype``; ``copy=False`` returns ``self`` if no cast is needed."""
        dtype = canonical_dtype(dtype)
        if not np.can_cast(self.dtype, dtype, casting):
            raise TypeError(f"Cannot cast array data from {self.dtype!r} to {dtype!r} "
                            f"according to the rule {casting!r}")
        if dtype == self.dtype:
            return self.copy() if copy else self
        return wrap(self.value.astype(dtype))

    # --- in-place methods -----------------------------------------------------------------

    def fill(self, value) -> None:
        """Set every element to the scalar ``value``."""
        if np.ndim(value):
            raise _sequence_error()
        self[...] = value

    def sort(self, axis=-1, kind=None, order=None, *, stable=None) -> None:
        """Sort in place along ``axis``."""
        if order is not None:
            raise ValueError("JaxArray.sort: 'order' applies to structured arrays only")
        self._assign(jnp.sort(self.value, axis=axis))

    def partition(self, kth, axis=-1, kind="introselect", order=None) -> None:
        """Partition in place (as ``numpy.partition``)."""
        self._assign(jnp.partition(self.value, kth, axis=axis))

    def put(self, indices, values, mode="raise") -> None:
        """``numpy.put(self, indices, values, mode)``: set elements by flat index."""
        np.put(self, indices, values, mode=mode)

    __hash__ = None  # mutable, like numpy.ndarray


#: Locks that make each root's read-modify-write atomic, as NumPy's writes are for
#: threads: a root's lock is ``_ROOT_LOCKS[id(root) >> 4 & _LOCK_MASK]`` (a fixed table,
#: so no array carries a lock of its own; two roots may share one, which only serialises).
_LOCK_MASK = 63
_ROOT_LOCKS = tuple(threading.Lock() for _ in range(_LOCK_MASK + 1))


# --- construction helpers --------------------------------------------------------------

def wrap(value, dtype=None) -> JaxArray:
    """A new root JaxArray holding ``value`` (a ``jax.Array`` or tracer), unchecked.

    ``dtype`` is ``value.dtype`` when the caller already knows it (it saves a lookup).
    """
    array = _new(JaxArray)
    array._value = value
    array._dtype = value.dtype if dtype is None else dtype
    array._base = None
    array._version = 0
    array._element = array._readonly = False
    return array


_new = object.__new__


def _view(root: JaxArray, layout, firsts, lows=None, readonly=False) -> JaxArray:
    view = _new(JaxArray)
    view._value = None
    view._dtype = root._dtype if layout.cast is None else layout.cast[0]
    view._base = root
    view._layout = layout
    view._firsts = firsts
    view._lows = lows
    view._version = -1
    view._element = False
    view._readonly = readonly or root._readonly
    return view


def _deferred(read, dtype) -> JaxArray:
    array = _new(JaxArray)
    array._value = None
    array._dtype = dtype
    array._base = read
    array._version = 0
    array._element = array._readonly = False
    return array


def _normalize_shape(shape, size: int) -> tuple[int, ...]:
    """``shape`` (an int or ints, one of them maybe -1) for ``size`` elements, or NumPy's errors."""
    try:
        dims = [operator.index(shape)]
    except TypeError:
        try:
            dims = [operator.index(n) for n in shape]
        except TypeError:
            raise TypeError("expected a sequence of integers or a single integer, got "
                            f"{shape!r}") from None
    unknown = [i for i, n in enumerate(dims) if n == -1]
    if len(unknown) > 1:
        raise ValueError("can only specify one unknown dimension")
    if any(n < -1 for n in dims):
        raise ValueError("negative dimensions not allowed")
    known = 1
    for n in dims:
        if n != -1:
            known *= n
    if unknown and known and size % known == 0:
        dims[unknown[0]] = size // known
    elif unknown or known != size:
        raise ValueError(f"cannot reshape array of size {size} into shape {tuple(dims)}")
    return tuple(dims)


def _sequence_error() -> ValueError:
    return ValueError("setting an array element with a sequence.")


def _read_only() -> ValueError:
    return ValueError("assignment destination is read-only")


@scoped
def _from_numpy(array: np.ndarray, layout=None) -> JaxArray:
    if layout is None:
        return JaxArray(array)
    ids, shape, names, spec = layout
    by_id = {d.id: d for d in jax.devices()}
    mesh = jax.sharding.Mesh(np.array([by_id[i] for i in ids]).reshape(shape), names)
    sharding = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec(*spec))
    return wrap(jax.device_put(array.astype(canonical_dtype(array.dtype), copy=False), sharding))


def _mesh_layout(sharding):
    """A picklable description of a ``NamedSharding`` (devices by id), or ``None``.

    Other shardings are not kept: the loaded array is on the default device.
    """
    if type(sharding) is not jax.sharding.NamedSharding:
        return None
    mesh = sharding.mesh
    return ([d.id for d in mesh.devices.flat], mesh.devices.shape, mesh.axis_names,
            tuple(sharding.spec))


#: Dtype kinds that JAX cannot hold: objects, strings, bytes, void, datetimes.
UNSUPPORTED_KINDS = "OSUVMm"
_BOOL = np.dtype(bool)


def canonical_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype.kind in UNSUPPORTED_KINDS:
        raise TypeError(f"JaxArray: dtype {dtype} is not supported by JAX; allowed: bool, "
                        "integer, floating and complex types")
    return jax.dtypes.canonicalize_dtype(dtype)


def to_jax(value, dtype=None):
    """``value`` as a ``jax.Array`` with NumPy's dtype rules (``float64``, ``int64``)."""
    if type(value) is JaxArray:
        value = value.value
        return value if dtype is None else value.astype(canonical_dtype(dtype))
    if isinstance(value, jax.Array):
        return value if dtype is None else value.astype(canonical_dtype(dtype))
    if not isinstance(value, np.ndarray):
        value = np.asarray(value) if dtype is None else np.asarray(value, dtype=dtype)
    if dtype is not None:
        dtype = canonical_dtype(dtype)
    elif value.dtype.kind in UNSUPPORTED_KINDS:
        canonical_dtype(value.dtype)
    return jnp.asarray(value, dtype=dtype)


def kept_sharding(value):
    """The sharding that a write into ``value`` must keep, or ``None`` where any write keeps it.

    A value on one device (or a tracer) needs nothing: JAX computes the write
    there. A value split across devices does: a kernel whose result does not
    depend on the old value (``x[...] = 0``) would otherwise land on one device.
    """
    if type(value) is _ArrayImpl:
        sharding = value.sharding
        if type(sharding) is not _SingleDevice:
            return sharding
    return None


def traced_conversion_error(what: str) -> TracingError:
    """The error for ``what`` (``"bool(x)"``, ``"numpy.asarray(x)"``...) of a traced array."""
    if what == "bool(x)":
        advice = ("A Python `if`/`while` on an array cannot be compiled: use np.where(cond, a, b) "
                  "for values, shim.cond(pred, true_fun, false_fun) or shim.while_loop(cond_fun, "
                  "body_fun) for control flow, or make the deciding argument static "
                  "(static_argnums).")
    else:
        advice = ("Keep the value as an array inside the compiled function (convert after the "
                  "call), or make the argument it comes from static (static_argnums).")
    return TracingError(f"{what} needs a concrete value, but inside jit the array is traced: its "
                        f"value is not known while compiling. {advice}", reason=TRACED_VALUE,
                        function=what)


_API_VERSIONS = ("2021.12", "2022.12", "2023.12", "2024.12", "2025.12")


# --- write helpers ---------------------------------------------------------------------

_PY_SCALARS = (bool, int, float, complex)
_INT64_BOUNDS = (-2 ** 63, 2 ** 63)


def _as_value(value, dtype, elementwise: bool = False):
    """An operand for a write kernel into ``dtype``: a jax/NumPy array or Python scalar.

    Scalars are converted on the host by NumPy's own rules for assignment: a
    Python scalar must be representable (``OverflowError`` for ``300`` into
    int8, ``TypeError`` for ``1j`` into a real type, ``ValueError`` for NaN into
    an integer type). A NumPy scalar is assigned as ``x[0] = v`` would, or, with
    ``elementwise`` (advanced and mask indices, ``fill``), cast like an array --
    the two differ in NumPy (``i8[0] = np.int64(300)`` raises, ``i8[[0]] = ...``
    wraps). Arrays are cast unsafely in the kernel, as NumPy casts them.
    """
    t = type(value)
    if t is JaxArray:
        if value._element and value._dtype != dtype and _scalar_rules_apply(value.dtype, dtype):
            element = value.value     # NumPy's scalar, as i8[0] += 1.5 assigns it back
            if not isinstance(element, _Tracer):
                value, t = np.asarray(element)[()], None
        if t is JaxArray:
            return value.value
    kind = dtype.kind
    if t is float:
        if kind in "fc":
            return value
    elif t is int:
        if _INT64_BOUNDS[0] <= value < _INT64_BOUNDS[1]:     # else JAX cannot take it
            if kind in "fc":
                return value
            if kind in "iu":
                info = np.iinfo(dtype)
                if info.min <= value <= info.max:
                    return value
    elif t is bool or (t is complex and kind == "c"):
        return value
    elif t is not complex and not isinstance(value, np.generic):
        if isinstance(value, jax.Array):
            return value
        array = np.asarray(value)
        if array.dtype != dtype:
            # Cast by NumPy on the host: its values for NaN and out-of-range floats, its
            # warnings, and its parsing of strings ("3.5" parses, "text" raises ValueError).
            array = array.astype(dtype)
        return array
    if elementwise and t not in _PY_SCALARS:
        return np.asarray(value).astype(dtype)
    host = np.empty((), dtype)
    host[()] = value              # NumPy's scalar assignment: its errors and warnings
    return host


def _scalar_rules_apply(source, target) -> bool:
    """Whether assigning a NumPy scalar of ``source`` into ``target`` can raise or warn
    (a float into an integer, a complex into a real type, a wider into a narrower integer)."""
    return target.kind != "b" and not np.can_cast(source, target, "same_kind") or \
        (target.kind in "iu" and not np.can_cast(source, target, "safe"))


def to_host(x):
    """``x`` with JaxArrays and ``jax.Array`` values as writable NumPy copies.

    Lists and tuples are converted item by item; anything else is returned as is.
    """
    t = type(x)
    if t is JaxArray or isinstance(x, jax.Array):
        return np.array(x)
    if t is list or t is tuple:
        return t(to_host(item) for item in x)
    return x


def _unwrap_index(index):
    if type(index) is tuple:
        return tuple(i.value if type(i) is JaxArray else i for i in index)
    return index.value if type(index) is JaxArray else index


def _unflatten(_, children) -> JaxArray:
    # JAX also unflattens with placeholders (None, axis numbers, sentinels) as leaves.
    value = children[0]
    dtype = getattr(value, "dtype", None)
    return wrap(value, dtype if dtype is not None else object)


jax.tree_util.register_pytree_node(JaxArray, lambda x: ((x.value,), None), _unflatten)


def _not_a_jax_value(x):
    raise InteropError(
        "a JaxArray was returned where a JAX transformation needs a jax.Array (jax.grad of a "
        "function returning a JaxArray, say): use shim.grad / shim.value_and_grad, which take "
        "NumPy-style functions, or return x.value", reason="a JaxArray given as a JAX value",
        function="jax")


try:   # JAX asks for the abstract value of results; name the fix instead of JAX's own error
    from jax._src.core import pytype_aval_mappings as _aval_mappings
    _aval_mappings.setdefault(JaxArray, _not_a_jax_value)
except ImportError:                       # pragma: no cover - depends on JAX's internals
    pass


# --- the internal API of the layers above ------------------------------------------------
# shim._dispatch and shim._jit use these, never JaxArray's private slots, so how an
# array stores its data is a fact of this module alone.

#: Python types standing for weakly typed numbers (a Python number passed into
#: ``shim.jit``), by dtype kind: NumPy's promotion treats them as Python scalars.
WEAK_TYPES = {"b": bool, "i": int, "u": int, "f": float, "c": complex}

#: ``root_value(root)``: the value of a root array, with no view logic (for hot loops).
root_value = operator.attrgetter("_value")


#: ``dtype_token(x)``: the dtype *token* of ``x``, its NumPy dtype or, if weakly typed, a
#: Python type (``attrgetter``: the ufunc path calls it on every operand).
dtype_token = operator.attrgetter("_dtype")


def is_element(x: JaxArray) -> bool:
    """Whether ``x`` is what scalar indexing returned (``a[i, j]``), where NumPy gives an
    immutable scalar: ``a[i, j] += v`` computes a new value (of NumPy's result dtype)
    and assigns it, so ``i8[0] += 1.5`` works as in NumPy instead of a same_kind error."""
    return x._element


def as_element(x: JaxArray) -> JaxArray:
    """Mark the 0-d ``x`` as standing for a NumPy scalar (see :func:`is_element`)."""
    x._element = True
    return x


def is_root(x: JaxArray) -> bool:
    """Whether ``x`` owns its data (not a view, not a deferred masked read)."""
    return x._base is None


def weak(value, kind: str) -> JaxArray:
    """A root around ``value`` that NumPy's promotion treats as a Python number of ``kind``."""
    return wrap(value, WEAK_TYPES[kind])


def commit(root: JaxArray, value) -> None:
    """Give the root array ``root`` a new value (same shape and dtype, unchecked)."""
    root._value = value
    root._version += 1


def apply_update(x: JaxArray, update, args) -> None:
    """Apply ``update`` (see :mod:`shim._array._kernels`) to every element of ``x``."""
    x._update(update, args)


def write_region(x: JaxArray, layout, lows, update, args) -> None:
    """Apply ``update`` to the elements that ``layout`` (with ``lows``) selects in ``x``'s root."""
    x._write(layout, lows, update, args)


def placement(x: JaxArray):
    """``(root, layout, firsts)``: where ``x``'s elements live (see :mod:`._layout`)."""
    return x._target()


def transposed(x: JaxArray, axes) -> JaxArray:
    """A view of ``x`` with its axes permuted (``axes`` already normalised)."""
    return x._transposed(axes)


def reshaped(x: JaxArray, shape) -> JaxArray | None:
    """A view of ``x`` with ``shape``, or ``None`` where NumPy would need a copy."""
    return x._reshaped(shape)


def view(root: JaxArray, layout, firsts) -> JaxArray:
    """A new view of ``root`` (as made by :func:`view_parts`)."""
    return _view(root, layout, firsts)


def view_parts(x: JaxArray, materialize: bool = True):
    """``(root, layout, firsts)`` of a view, ``(x, None, ())`` of a root.

    A deferred masked read is computed first (it becomes a root), or, with
    ``materialize=False``, gives ``None``.
    """
    base = x._base
    if base is None:
        return x, None, ()
    if type(base) is MaskedRead:
        if not materialize:
            return None
        x._materialize()
        return x, None, ()
    return base, x._layout, x._firsts


class HotCode:
    """Source fragments for code that upper layers generate (the jit's hot path).

    Each takes the name of a variable holding a JaxArray; the generated code
    must have ``JaxArray`` in its namespace.
    """

    @staticmethod
    def not_whole_root(name: str) -> str:
        """True unless ``name`` is a root JaxArray."""
        return f"type({name}) is not JaxArray or {name}._base is not None"

    @staticmethod
    def value(name: str) -> str:
        """The value of the root array ``name``."""
        return f"{name}._value"

    @staticmethod
    def commit(name: str, expression: str) -> str:
        """A statement giving the root ``name`` the new value ``expression``."""
        return f"{name}._value = {expression}; {name}._version += 1"
