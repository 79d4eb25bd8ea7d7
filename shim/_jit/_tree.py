"""Results of compiled code as (structure, flat list of jax arrays) and back.

Compiled programs return flat tuples of arrays; these helpers remember the
containers (tuples, lists, dicts, named tuples) and constants around them. The
recursion lives in plain functions, not closures: a recursive closure is a
reference cycle, which would keep each call's output buffers alive until the
garbage collector runs and make large outputs slow to allocate.
"""
from __future__ import annotations

import jax

from .._array import JaxArray, dtype_token, view, wrap


def flatten(result, leaf=None):
    """``(spec, values)``: the structure of ``result`` and its arrays' values in order.

    ``leaf(x)``, if given, is asked first for each JaxArray and may return a spec
    of its own (an array the caller already holds) instead of ``None``.
    """
    values: list = []
    return _spec(result, values, leaf), values


def _spec(x, values, leaf):
    t = type(x)
    if t is JaxArray:
        known = leaf(x) if leaf is not None else None
        if known is not None:
            return known
        values.append(x.value)
        return ("array", dtype_token(x))
    if isinstance(x, jax.Array):
        values.append(x)
        return ("array", None)
    if t is tuple or t is list:
        return (t, tuple(_spec(item, values, leaf) for item in x))
    if t is dict:
        return (dict, tuple((k, _spec(v, values, leaf)) for k, v in x.items()))
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return ("named", t, tuple(_spec(item, values, leaf) for item in x))
    return ("const", x)


def expression(spec, names, start, roots):
    """Python source that rebuilds ``spec`` from ``r[start:]``, or None if not simple.

    For the generated hot path of :mod:`shim._jit._program`: arrays, the call's argument
    arrays (named by ``roots``) and tuples or lists of them. Constants it needs
    are added to ``names``.
    """
    parts, n = [], start

    def one(s):
        nonlocal n
        if s[0] == "array":
            names[f"dt{n}"] = s[1]
            n += 1
            return f"wrap(r[{n - 1}], dt{n - 1})"
        if s[0] == "root":
            return roots[s[1]]
        return None

    if spec[0] is tuple or spec[0] is list:
        parts = [one(item) for item in spec[1]]
        if None in parts:
            return None
        inner = ", ".join(parts) + ("," if spec[0] is tuple and len(parts) == 1 else "")
        return f"({inner})" if spec[0] is tuple else f"[{inner}]"
    return one(spec)


def unflatten(spec, values, roots=()):
    """The result described by ``spec``, with new JaxArrays around ``values``.

    ``roots`` are the call's argument arrays, which ``("root", i)`` and
    ``("view", i, layout, firsts)`` specs refer to.
    """
    return _build(spec, iter(values), roots)


def _build(s, values, roots):
    kind = s[0]
    if kind == "array":
        return wrap(next(values), s[1])
    if kind == "root":
        return roots[s[1]]
    if kind == "state":
        return s[1]
    if kind == "view":
        return view(roots[s[1]], s[2], s[3])
    if kind == "state-view":
        return view(s[1], s[2], s[3])
    if kind == "const":
        return s[1]
    if kind == "attr":                        # an attribute, bound before the results are built
        return getattr(s[1], s[2])
    if kind == "named":
        return s[1](*(_build(item, values, roots) for item in s[2]))
    if kind is dict:
        return {k: _build(v, values, roots) for k, v in s[1]}
    return kind(_build(item, values, roots) for item in s[1])
