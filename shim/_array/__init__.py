"""The array layer: :class:`JaxArray`, its views, index plans and cached kernels.

Modules:

- ``_core``: the JaxArray class (storage, indexing, views, conversions) and
  the internal API below;
- ``_layout``: where a view's elements live in its root;
- ``_indexing``: NumPy indices parsed against a shape, with NumPy's errors;
- ``_kernels``: the compiled, cached read and write kernels;
- ``_masked``: deferred boolean-mask reads;
- ``_values``: shapes of written values; ``_flat``: ``x.flat``;
- ``_hooks``: hooks on root values, for the jit layer's tracking.

May import: the leaves (``shim._config``, ``shim._backend``, ``shim._errors``,
``shim._objects``) and JAX and NumPy -- nothing else of shim. The layers above
install the NumPy protocols, operators and function methods onto JaxArray
(:func:`shim._dispatch.install`) and use only the names exported here, never
JaxArray's private slots:

- ``wrap``, ``to_jax``, ``to_host``, ``canonical_dtype``, ``UNSUPPORTED_KINDS``:
  making arrays and converting values;
- ``dtype_token``, ``is_root``, ``root_value``, ``commit``, ``weak``: a root's
  dtype token, its value, and giving it a new one; ``is_element``, ``as_element``:
  whether an array stands for the immutable scalar NumPy's scalar indexing
  returns (and marking one);
- ``apply_update``, ``write_region``, ``placement``: writes through compiled
  kernels, and where an array's elements live;
- ``transposed``, ``reshaped``, ``view``, ``view_parts``: views;
- ``HotCode``: source fragments for generated code;
- ``index_plan``, ``Plan``, ``check_device_bounds``, ``build_index``,
  ``lows_arg``, ``set_all``, ``broadcast_value``: index plans, kernel
  arguments and NumPy's broadcasting rule for writes, for the ufunc methods
  and in-place functions that write through kernels of their own;
- ``traced_conversion_error``: the error for needing a traced array's value;
- ``hook_root_values``, ``unhook_root_values``, ``raw_value``,
  ``set_raw_value``: the value hooks the jit layer's tracking uses
  (see ``_hooks``).
"""
from ._core import (
                    UNSUPPORTED_KINDS,
                    WEAK_TYPES,
                    HotCode,
                    JaxArray,
                    apply_update,
                    as_element,
                    canonical_dtype,
                    commit,
                    dtype_token,
                    is_element,
                    is_root,
                    kept_sharding,
                    placement,
                    reshaped,
                    root_value,
                    to_host,
                    to_jax,
                    traced_conversion_error,
                    transposed,
                    view,
                    view_parts,
                    weak,
                    wrap,
                    write_region,
)
from ._hooks import install as hook_root_values
from ._hooks import raw_value, set_raw_value
from ._hooks import remove as unhook_root_values
from ._indexing import Plan, build_index, check_device_bounds, lows_arg
from ._indexing import plan as index_plan
from ._kernels import set_all
from ._values import broadcast_value

__all__ = ["JaxArray", "wrap", "to_jax", "to_host", "canonical_dtype", "traced_conversion_error",
           "UNSUPPORTED_KINDS", "WEAK_TYPES", "kept_sharding", "root_value", "dtype_token", "is_root",
           "is_element", "as_element", "weak",
           "commit", "apply_update", "write_region", "placement", "transposed", "reshaped",
           "view", "view_parts", "HotCode", "index_plan", "Plan", "check_device_bounds",
           "build_index", "lows_arg", "set_all", "broadcast_value", "hook_root_values",
           "unhook_root_values", "raw_value", "set_raw_value"]
