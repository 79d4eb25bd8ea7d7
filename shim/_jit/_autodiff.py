"""``shim.grad`` and ``shim.value_and_grad`` for NumPy-style functions and objects.

The function may read any JaxArray (through ``self``, closures, arguments);
gradients are taken with respect to chosen arguments (``argnums``) and/or
chosen JaxArrays (``grad_vars``, e.g. an object's weights). It must not write
JaxArrays: a function that updates state is not a mathematical function of
its inputs, and JAX would differentiate only one of its effects.
"""
from __future__ import annotations

import functools

import jax
import numpy as np

from .._array import JaxArray, wrap
from .._config import scoped
from .._errors import StateError
from ._attributes import AttributeLog
from ._state import state
from ._tracking import Tracking

__all__ = ["grad", "value_and_grad"]


def grad(fn, argnums=None, *, grad_vars=None, has_aux=False):
    """The gradient of a scalar-valued NumPy-style function.

    Parameters
    ----------
    fn : callable
        Returns a scalar (a 0-d JaxArray or a number); with ``has_aux``, a
        pair ``(scalar, aux)``.
    argnums : int or sequence of int, optional
        Arguments to differentiate with respect to. Default: the first one,
        unless ``grad_vars`` is given.
    grad_vars : JaxArray, a list, tuple or dict of JaxArrays, or a state filter, optional
        Arrays the function reads (such as ``self.w``) to differentiate with
        respect to; their gradients come back in the same structure. For a
        bound method, a filter as :func:`shim.state` takes one -- attribute
        paths (``["layers.0.w", "b"]``, or a prefix such as ``"layers"``) or
        ``filter(path, array) -> bool`` -- selects arrays of its object at
        each call; the gradients come back as ``{path: gradient}``.
    has_aux : bool
        ``fn`` returns ``(value, aux)``; ``aux`` is returned unchanged.

    Returns
    -------
    callable
        Takes ``fn``'s arguments; returns the gradients (for ``argnums`` and
        ``grad_vars`` both: the pair ``(var_grads, arg_grads)``), then ``aux``
        if ``has_aux``.
    """
    run = value_and_grad(fn, argnums, grad_vars=grad_vars, has_aux=has_aux)

    @functools.wraps(fn)
    @scoped
    def gradient(*args, **kwargs):
        value, grads = run(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads
    return gradient


def value_and_grad(fn, argnums=None, *, grad_vars=None, has_aux=False):
    """Like :func:`grad`, returning ``(value, gradients)``; ``value`` includes ``aux``."""
    if argnums is None and grad_vars is None:
        argnums = 0
    single_arg = isinstance(argnums, int)
    arg_positions = () if argnums is None else (argnums,) if single_arg else tuple(argnums)
    by_filter = _is_filter(grad_vars)
    if not by_filter:
        variables, rebuild_vars = _flatten_vars(grad_vars)

    @functools.wraps(fn)
    @scoped
    def value_and_gradient(*args, **kwargs):
        nonlocal variables, rebuild_vars
        if by_filter:
            variables, rebuild_vars = _flatten_vars(_selected(fn, grad_vars))
        for i in arg_positions:
            if i >= len(args):
                raise TypeError(f"shim.grad: argnums={argnums} but only {len(args)} "
                                "positional arguments were given")

        def pure(var_values, arg_values):
            call_args = list(args)
            for i, value in zip(arg_positions, arg_values):
                call_args[i] = wrap(value)
            bind = list(zip(variables, var_values))
            log = AttributeLog.around((fn,))
            with Tracking(bind, "open") as tracking, log:
                try:
                    result = fn(*call_args, **kwargs)
                    if tracking.written or log.writes:
                        name = getattr(fn, "__name__", "the function")
                        raise StateError(
                            f"shim.grad: {name} writes to arrays or attributes; differentiate a "
                            "function without side effects (compute the loss, update state "
                            "outside)", reason="writes state while differentiated",
                            function=name)
                finally:
                    log.restore()
            value, aux = (result[0], result[1]) if has_aux else (result, None)
            value = value.value if type(value) is JaxArray else value
            if np.ndim(value) != 0:
                raise TypeError(f"shim.grad: the function must return a scalar, got an array "
                                f"of shape {np.shape(value)}")
            return value, _unwrap_tree(aux)

        var_values = [v.value for v in variables]
        arg_values = [_value(args[i]) for i in arg_positions]
        (value, aux), (var_grads, arg_grads) = jax.value_and_grad(
            pure, argnums=(0, 1), has_aux=True)(var_values, arg_values)
        var_grads = rebuild_vars([wrap(g) for g in var_grads])
        arg_grads = [wrap(g) for g in arg_grads]
        arg_grads = arg_grads[0] if single_arg else tuple(arg_grads)
        if grad_vars is None:
            grads = arg_grads
        elif argnums is None:
            grads = var_grads
        else:
            grads = (var_grads, arg_grads)
        value = wrap(value)
        return ((value, _wrap_tree(aux)) if has_aux else value), grads

    return value_and_gradient


def _is_filter(grad_vars):
    """Whether ``grad_vars`` is a state filter (paths or a predicate), not arrays."""
    if callable(grad_vars) or isinstance(grad_vars, str):
        return True
    return isinstance(grad_vars, (list, tuple)) and bool(grad_vars) and \
        all(isinstance(v, str) for v in grad_vars)


def _selected(fn, filter):
    """``{path: array}`` of the arrays of ``fn``'s object that ``filter`` selects."""
    obj = getattr(fn, "__self__", None)
    if obj is None:
        raise TypeError("shim.grad: grad_vars given as paths or a filter needs a bound method "
                        "(obj.loss), whose object's arrays they select; pass the arrays "
                        "themselves for a plain function")
    found = {path: array for path, array in state(obj, filter).items()
             if type(array) is JaxArray and array.base is None}
    if not found:
        raise ValueError(f"shim.grad: grad_vars {filter!r} selects no array of "
                         f"{type(obj).__name__}; its arrays are at {sorted(state(obj))}")
    return found


def _value(x):
    if type(x) is JaxArray:
        return x.value
    value = jax.numpy.asarray(x)
    if not jax.numpy.issubdtype(value.dtype, jax.numpy.inexact):
        raise TypeError(f"shim.grad: cannot differentiate with respect to an argument of dtype "
                        f"{value.dtype}; pass floating point values")
    return value


def _flatten_vars(grad_vars):
    if grad_vars is None:
        return [], lambda grads: None
    if type(grad_vars) is JaxArray:
        return [_root(grad_vars)], lambda grads: grads[0]
    if isinstance(grad_vars, dict):
        keys = list(grad_vars)
        return [_root(grad_vars[k]) for k in keys], lambda grads: dict(zip(keys, grads))
    if isinstance(grad_vars, (list, tuple)):
        kind = type(grad_vars)
        return [_root(v) for v in grad_vars], lambda grads: kind(grads)
    raise TypeError(f"shim.grad: grad_vars must be a JaxArray or a list, tuple or dict of "
                    f"them, got {type(grad_vars).__name__}")


def _root(x):
    if type(x) is not JaxArray:
        raise TypeError(f"shim.grad: grad_vars must hold JaxArrays, got {type(x).__name__}")
    if x.base is not None:
        raise TypeError("shim.grad: grad_vars must be whole arrays, not views")
    return x


def _unwrap_tree(tree):
    return jax.tree_util.tree_map(lambda x: x.value if type(x) is JaxArray else x, tree,
                                  is_leaf=lambda x: type(x) is JaxArray)


def _wrap_tree(tree):
    return jax.tree_util.tree_map(lambda x: wrap(x) if isinstance(x, jax.Array) else x, tree)
