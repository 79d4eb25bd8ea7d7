"""Sample inputs for the smoke calls: one table of argument kinds, a few hand-written samples.

A sample is ``(args, kwargs)`` of NumPy values. :func:`candidates` yields the
samples to try for one callable, in order; the first on which NumPy itself
runs without error or warning is the row's sample. Samples are rebuilt for
every column (:func:`build`), so a call that mutates or consumes its input
(``copyto``, a file object) cannot affect the next column.

Rules come first: each required parameter is filled by its *name* from
:data:`RULES` (``a``, ``x1`` -> an array; ``axis`` -> 0; ``shape`` -> (2, 2)),
once per *variant* of array (:data:`VARIANTS`: float vector, 2x2 matrix,
integers, booleans, values above one, complex, a scalar). Callables whose
parameters no rule fits get a sample from :data:`HAND`, and the generated
table lists them as hand-written.
"""
from __future__ import annotations

import inspect
import io
import os

import numpy as np

__all__ = ["VARIANTS", "RULES", "RANDOM_RULES", "HAND", "candidates", "build", "Unfillable"]

#: Array variants, tried in order; two distinct arrays per variant for binary calls.
VARIANTS = {
    "vector": ([0.125, 0.25, 0.5, 0.75], [0.75, 0.5, 2.0, 0.25]),
    "matrix": ([[2.0, 1.0], [1.0, 3.0]], [[1.0, 2.0], [0.5, 1.5]]),
    "integers": ([1, 2, 3, 4], [4, 1, 3, 2]),
    "booleans": ([True, False, True, True], [False, False, True, True]),
    "above-one": ([1.5, 2.0, 2.5, 3.0], [2.0, 1.25, 3.0, 1.5]),
    "complex": ([1 + 1j, 2 - 1j, 0.5j, 1.0], [1.0, 1j, 2 + 2j, -1 - 1j]),
    "scalar": (0.5, 1.5),
}


class Unfillable(Exception):
    """No rule gives a value for a required parameter."""


class _Array:
    """Rule: the next array of the variant."""


class _Arrays:
    """Rule: a tuple of two arrays of the variant."""


def _index(variant):
    return np.array([0, 1])


#: Parameter name -> rule: a fixed value, an array of the variant, or a function of the variant.
RULES = {
    **{name: _Array for name in """
        a a1 a2 x x1 x2 y arr array ary ar ar1 ar2 m v b A B p xp fp values vals sample object
        element test_elements seq_of_zeros c1 c2 u dst src x0 f val prototype obj_arr z data filt
        """.split()},
    **{name: _Arrays for name in "arrays tup xi args arrays_and_dtypes choicelist".split()},
    "indices": _index, "ind": _index, "multi_index": lambda v: (np.array([0, 1]), np.array([1, 0])),
    "condition": lambda v: np.array([True, False, True, True]),
    "mask": lambda v: np.array([True, False, True, True]),
    "condlist": lambda v: (np.array([True, False, True, True]),),
    "shape": (2, 2), "newshape": (2, 2), "dims": (2, 2), "dimensions": (2, 2),
    "N": 3, "M": 3, "n": 3, "k": 1, "num": 4, "deg": 1, "kth": 1, "reps": 2, "repeats": 2,
    "shift": 1, "indices_or_sections": 2, "sections": 2, "pad_width": 1, "q": 0.5, "obj": 1,
    "source": 0, "destination": -1, "axis": 0, "axis1": 0, "axis2": 1, "start": 0.0,
    "stop": 1.0, "dtype": np.dtype(np.float64), "fill_value": 2.0,
    "bins": lambda v: np.array([0.0, 0.5, 1.0]),
    "from_": np.dtype(np.float32), "to": np.dtype(np.float64), "type1": np.dtype(np.float32),
    "type2": np.dtype(np.int64), "typechars": "dF", "number": 5, "num_rows": 2,
    "element_wise": True, "v1": (1, 0), "rep": 2, "size": 3, "start_or_stop": 4,
    "new_shape": (2, 2), "beta": 2.0,
}

#: Parameter name -> value, for ``numpy.random`` functions and ``Generator`` methods.
RANDOM_RULES = {
    "a": 2.0, "b": 3.0, "shape": 2.0, "n": 10, "p": 0.5, "df": 3.0, "dfnum": 3.0, "dfden": 4.0,
    "lam": 2.0, "left": 0.0, "mode": 0.5, "right": 1.0, "mean": 1.0, "scale": 1.0, "nonc": 1.0,
    "mu": 0.0, "kappa": 1.0, "ngood": 5, "nbad": 5, "nsample": 3, "low": 0, "high": 5,
    "alpha": lambda v: np.array([1.0, 2.0]), "pvals": lambda v: np.array([0.5, 0.5]),
    "x": _Array, "colors": lambda v: np.array([3, 2]), "length": 4, "seed": 0, "n_children": 2,
    "size": 3,
}


def _file_of(write):
    buffer = io.BytesIO()
    write(buffer)
    buffer.seek(0)
    return buffer


def _choose(v):
    return (np.array([0, 1, 0, 1]), (np.array([0.25, 0.5, 0.75, 1.0]), np.array([1.0, 0.5, 2.0, 0.25]))), {}


#: Hand-written samples: qualified name -> function returning (args, kwargs).
HAND = {
    "numpy.apply_along_axis": lambda: ((np.sum, 0, np.array([[2.0, 1.0], [1.0, 3.0]])), {}),
    "numpy.apply_over_axes": lambda: ((np.sum, np.array([[2.0, 1.0], [1.0, 3.0]]), (0,)), {}),
    "numpy.piecewise": lambda: ((np.array([0.25, 0.5, 0.75, 1.0]),
                                 [np.array([True, False, True, False])], [1.0, 2.0]), {}),
    "numpy.vectorize": lambda: ((np.abs,), {}),
    "numpy.frompyfunc": lambda: ((abs, 1, 1), {}),
    "numpy.fromfunction": lambda: ((np.add, (2, 2)), {}),
    "numpy.einsum": lambda: (("ij,j->i", np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([1.0, 0.5])), {}),
    "numpy.einsum_path": lambda: (("ij,j->i", np.array([[2.0, 1.0], [1.0, 3.0]]),
                                   np.array([1.0, 0.5])), {}),
    "numpy.choose": lambda: _choose(None),
    "numpy.block": lambda: (([np.array([0.25, 0.5]), np.array([0.75])],), {}),
    "numpy.dsplit": lambda: ((np.arange(8.0).reshape(2, 2, 2), 2), {}),
    "numpy.geomspace": lambda: ((1.0, 8.0, 4), {}),
    "numpy.mask_indices": lambda: ((3, np.triu), {}),
    "numpy.matvec": lambda: ((np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([1.0, 0.5])), {}),
    "numpy.vecmat": lambda: ((np.array([1.0, 0.5]), np.array([[2.0, 1.0], [1.0, 3.0]])), {}),
    "numpy.unpackbits": lambda: ((np.array([3, 250], dtype=np.uint8),), {}),
    "numpy.partition": lambda: ((np.array([0.75, 0.25]), 1), {}),
    "numpy.argpartition": lambda: ((np.array([0.75, 0.25]), 1), {}),
    "numpy.cross": lambda: ((np.array([1.0, 0.5, 2.0]), np.array([0.25, 1.0, 0.5])), {}),
    "numpy.linalg.cross": lambda: ((np.array([1.0, 0.5, 2.0]), np.array([0.25, 1.0, 0.5])), {}),
    "numpy.random.random_integers": lambda: ((1, 5, 3), {}),
    "numpy.random.Generator.integers": lambda: ((0, 5, 3), {}),
    "numpy.clip": lambda: ((np.array([0.25, 0.5, 0.75, 1.0]), 0.3, 0.8), {}),
    "numpy.take_along_axis": lambda: ((np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([[1], [0]]), 1), {}),
    "numpy.put_along_axis": lambda: ((np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([[1], [0]]), 9.0, 1), {}),
    "numpy.fill_diagonal": lambda: ((np.array([[2.0, 1.0], [1.0, 3.0]]), 7.0), {}),
    "numpy.place": lambda: ((np.array([0.25, 0.5, 0.75, 1.0]), np.array([True, False, True, False]),
                             np.array([9.0, 8.0])), {}),
    "numpy.put": lambda: ((np.array([0.25, 0.5, 0.75, 1.0]), np.array([0, 2]), np.array([9.0, 8.0])), {}),
    "numpy.putmask": lambda: ((np.array([0.25, 0.5, 0.75, 1.0]), np.array([True, False, True, False]),
                               np.array([9.0, 8.0, 7.0, 6.0])), {}),
    "numpy.ravel_multi_index": lambda: (((np.array([0, 1]), np.array([1, 0])), (2, 2)), {}),
    "numpy.unravel_index": lambda: ((np.array([1, 3]), (2, 2)), {}),
    "numpy.select": lambda: (([np.array([True, False, True, False])],
                              [np.array([0.25, 0.5, 0.75, 1.0])]), {}),
    "numpy.lexsort": lambda: (((np.array([1, 2, 1, 2]), np.array([4, 3, 2, 1])),), {}),
    "numpy.polyval": lambda: ((np.array([1.0, 2.0, 3.0]), np.array([0.25, 0.5, 0.75, 1.0])), {}),
    "numpy.polyder": lambda: ((np.array([1.0, 2.0, 3.0]),), {}),
    "numpy.polyint": lambda: ((np.array([1.0, 2.0, 3.0]),), {}),
    "numpy.poly": lambda: ((np.array([1.0, 2.0, 3.0]),), {}),
    "numpy.iterable": lambda: (([1, 2],), {}),
    "numpy.nested_iters": lambda: ((np.array([[2.0, 1.0], [1.0, 3.0]]), [[0], [1]]), {}),
    "numpy.save": lambda: ((io.BytesIO(), np.array([0.25, 0.5])), {}),
    "numpy.savez": lambda: ((io.BytesIO(), np.array([0.25, 0.5])), {}),
    "numpy.savez_compressed": lambda: ((io.BytesIO(), np.array([0.25, 0.5])), {}),
    "numpy.savetxt": lambda: ((io.StringIO(), np.array([0.25, 0.5])), {}),
    "numpy.load": lambda: ((_file_of(lambda f: np.save(f, np.array([0.25, 0.5]))),), {}),
    "numpy.loadtxt": lambda: ((io.StringIO("0.25 0.5\n0.75 1.0\n"),), {}),
    "numpy.genfromtxt": lambda: ((io.StringIO("0.25 0.5\n0.75 1.0\n"),), {}),
    "numpy.fromregex": lambda: ((io.StringIO("1 2\n3 4\n"), r"(\d) (\d)",
                                 [("a", np.int64), ("b", np.int64)]), {}),
    "numpy.fromfile": lambda: ((os.devnull,), {}),
    "numpy.frombuffer": lambda: ((b"\x00\x00\x00\x00\x00\x00\xd0?",), {}),
    "numpy.fromstring": lambda: (("1 2 3",), {"sep": " "}),
    "numpy.fromiter": lambda: (([0.25, 0.5],), {"dtype": np.float64}),
    "numpy.datetime_as_string": lambda: ((np.array(["2020-01-01"], dtype="datetime64[D]"),), {}),
    "numpy.datetime_data": lambda: ((np.dtype("datetime64[D]"),), {}),
    "numpy.busday_count": lambda: (("2020-01-01", "2020-02-01"), {}),
    "numpy.busday_offset": lambda: (("2020-01-01", 3), {}),
    "numpy.is_busday": lambda: ((np.array(["2020-01-01"], dtype="datetime64[D]"),), {}),
    "numpy.isnat": lambda: ((np.array(["2020-01-01", "NaT"], dtype="datetime64[D]"),), {}),
    "numpy.seterrcall": lambda: ((None,), {}),
    "numpy.setbufsize": lambda: ((8192,), {}),
    "numpy.base_repr": lambda: ((5, 3), {}),
    "numpy.binary_repr": lambda: ((5,), {}),
    "numpy.isdtype": lambda: ((np.dtype(np.float64), "real floating"), {}),
    "numpy.issubdtype": lambda: ((np.float64, np.floating), {}),
    "numpy.typename": lambda: (("d",), {}),
    "numpy.info": lambda: ((np.sum,), {"output": io.StringIO()}),
    "numpy.show_config": lambda: ((), {"mode": "dicts"}),
    "numpy.broadcast_shapes": lambda: (((2, 1), (1, 3)), {}),
    "numpy.linalg.tensorsolve": lambda: ((np.eye(4).reshape(2, 2, 2, 2) * 2.0,
                                          np.array([[1.0, 2.0], [3.0, 4.0]])), {}),
    "numpy.linalg.tensorinv": lambda: ((np.eye(4).reshape(2, 2, 2, 2) * 2.0,), {"ind": 2}),
    "numpy.linalg.multi_dot": lambda: (([np.array([[2.0, 1.0], [1.0, 3.0]])] * 3,), {}),
    "numpy.linalg.matrix_power": lambda: ((np.array([[2.0, 1.0], [1.0, 3.0]]), 3), {}),
    "numpy.random.choice": lambda: ((5, 3), {}),
    "numpy.random.multivariate_normal": lambda: ((np.array([0.0, 1.0]), np.eye(2), 3), {}),
    "numpy.random.Generator.choice": lambda: ((5, 3), {}),
    "numpy.random.Generator.multivariate_normal": lambda: ((np.array([0.0, 1.0]), np.eye(2), 3), {}),
    "numpy.random.Generator.multivariate_hypergeometric": lambda: ((np.array([3, 2]), 3), {"size": 3}),
    "numpy.random.set_state": lambda: ((np.random.RandomState(0).get_state(),), {}),
    "numpy.random.rand": lambda: ((3,), {}),
    "numpy.random.randn": lambda: ((3,), {}),
    "numpy.random.randint": lambda: ((0, 5, 3), {}),
    "numpy.random.bytes": lambda: ((4,), {}),
    "numpy.random.seed": lambda: ((0,), {}),
}

#: ndarray methods whose arguments differ from the NumPy function of the same name, or
#: that have no such function: method name -> function returning (args after self, kwargs).
METHODS = {
    "astype": lambda: ((np.dtype(np.float32),), {}), "fill": lambda: ((0.5,), {}),
    "item": lambda: ((0,), {}), "itemset": lambda: ((0, 0.5), {}),
    "reshape": lambda: (((2, 2),), {}), "resize": lambda: (((2, 2),), {"refcheck": False}),
    "view": lambda: ((np.dtype(np.float64),), {}), "getfield": lambda: ((np.dtype(np.float64),), {}),
    "setfield": lambda: ((0.5, np.dtype(np.float64)), {}), "setflags": lambda: ((), {"write": True}),
    "to_device": lambda: (("cpu",), {}), "tofile": lambda: ((os.devnull,), {}),
    "dump": lambda: ((os.devnull,), {}), "searchsorted": lambda: ((0.6,), {}),
    "choose": lambda: (((np.array([0.25, 0.5, 0.75, 1.0]), np.array([1.0, 0.5, 2.0, 0.25])),), {}),
    "put": lambda: ((np.array([0, 2]), np.array([9.0, 8.0])), {}),
    "compress": lambda: ((np.array([True, False, True, True]),), {}),
    "clip": lambda: ((0.3, 0.8), {}), "take": lambda: ((np.array([0, 2]),), {}),
    "repeat": lambda: ((2,), {}), "partition": lambda: ((1,), {}), "argpartition": lambda: ((1,), {}),
    "dot": lambda: ((np.array([1.0, 0.5, 2.0, 0.25]),), {}),
}

#: ndarray methods whose sample array is an integer vector (the choice indices).
METHOD_SELF = {"choose": np.array([0, 1, 0, 1]), "partition": np.array([0.75, 0.25]),
               "argpartition": np.array([0.75, 0.25])}


def candidates(kind, name, numpy_target, ufunc=None):
    """Factories of samples for one callable, in the order to try.

    Each factory returns ``(args, kwargs, label)``; ``label`` is ``"rule"`` or
    ``"hand"``. A name in :data:`HAND` gets only its hand-written sample.
    """
    if name in HAND:
        hand = HAND[name]
        return [lambda: (*hand(), "hand")]
    if kind == "method":
        return _method_candidates(name.rsplit(".", 1)[1])
    if kind in ("ufunc", "ufunc-method"):
        return [(lambda v=v: _ufunc_sample(ufunc, name, v)) for v in _UFUNC_VARIANTS]
    rules = RANDOM_RULES if kind in ("random", "generator") else RULES
    return [(lambda v=v: _from_rules(numpy_target, rules, v, kind)) for v in VARIANTS]


def build(factory):
    """A fresh ``(args, kwargs, label)`` from a factory of :func:`candidates`."""
    return factory()


def _arrays(variant):
    first, second = VARIANTS[variant]
    return [np.array(first), np.array(second)]


def _from_rules(target, rules, variant, kind):
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        raise Unfillable("no signature") from None
    pool = _arrays(variant)
    args, kwargs = [], {}
    for p in signature.parameters.values():
        if p.kind == p.VAR_KEYWORD:
            continue
        if p.kind == p.VAR_POSITIONAL:
            if p.name in rules:
                value = _fill(rules[p.name], variant, pool)
                args.extend(value if isinstance(value, tuple) else (value,))
            continue
        if p.name == "size" and kind in ("random", "generator"):
            kwargs["size"] = 3
            continue
        if p.default is not p.empty or p.name == "self":
            continue
        if p.name not in rules:
            raise Unfillable(f"no rule for parameter {p.name!r}")
        value = _fill(rules[p.name], variant, pool)
        if p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    return tuple(args), kwargs, "rule"


def _fill(rule, variant, pool):
    if rule is _Array:
        return pool.pop(0) if pool else np.array(VARIANTS[variant][0])
    if rule is _Arrays:
        return tuple(_arrays(variant))
    if callable(rule) and not isinstance(rule, (type, np.dtype)):
        return rule(variant)
    return rule


#: Array variants for ufuncs and their methods.
_UFUNC_VARIANTS = ("vector", "above-one", "integers", "booleans", "complex")


def _ufunc_sample(u, name, variant):
    x, y = _arrays(variant)
    method = name.rsplit(".", 1)[1] if name.startswith("numpy.") and name.count(".") == 2 \
        else None
    operands = (x, y, x, y)[:u.nin]
    if method is None:
        return operands, {}, "rule"
    if method in ("reduce", "accumulate"):
        return (x,), {}, "rule"
    if method == "reduceat":
        return (x, np.array([0, 2])), {}, "rule"
    if method == "outer":
        return (x, y), {}, "rule"
    if method == "at":
        return (x, np.array([0, 1, 1])) + ((y[:3],) if u.nin == 2 else ()), {}, "rule"
    raise Unfillable(f"unknown ufunc method {method}")


def _method_candidates(method):
    if method in METHODS:
        hand = METHODS[method]
        self = METHOD_SELF.get(method)

        def sample():
            args, kwargs = hand()
            first = self.copy() if self is not None else np.array(VARIANTS["vector"][0])
            return (first, *args), kwargs, "hand"
        return [sample]
    function = getattr(np, method, None)
    if function is None or not callable(function):
        return [lambda v=v: ((_arrays(v)[0],), {}, "rule") for v in VARIANTS]
    return [(lambda v=v: _from_rules(function, RULES, v, "function")) for v in VARIANTS]
