"""The compile layer on JAX: ``shim.jit``, compiled control flow and autodiff.

Modules:

- ``_function``: :func:`jit` (it picks the compiler by backend: this package
  on ``"jax"``, :mod:`shim._numba` on ``"numpy"``), :class:`JitFunction` and
  a call's arguments;
- ``_program``: one compiled program -- trace, executable, write-back -- and
  its generated hot path;
- ``_tracking`` (the arrays a trace touches), ``_attributes`` (the attributes
  it reads and writes), ``_checks`` (whether a program still applies),
  ``_writeback`` (what a trace did to Python state), ``_tree`` (results as
  flat values and back);
- ``_control``: ``for_loop``, ``while_loop``, ``cond``; ``_autodiff``:
  ``grad``, ``value_and_grad``; ``_functional``: a stateful callable as a pure
  function of its carry (shared by both control-flow modules);
- ``_convert`` (the source rewrite of Python ``if``/``while``/``for``) and
  ``_convert_runtime`` (the helpers the rewritten code calls: Python or
  ``lax`` control flow, decided at run time);
- ``_state``: ``state`` and ``load_state`` (an object's arrays by attribute
  path), and the walk that finds the arrays a call can reach.

May import: :mod:`shim._numba`, :mod:`shim._dispatch` and :mod:`shim._array`
(the names their packages export), :mod:`shim._random`, and the leaves.
"""
from .._config import scoped
from ._autodiff import grad, value_and_grad
from ._control import cond, for_loop, while_loop
from ._function import JitFunction, jit
from ._state import load_state, state

# Compiled control flow and state loading run under shim's 64-bit setting (shim._config.scoped).
for_loop, while_loop, cond = scoped(for_loop), scoped(while_loop), scoped(cond)
load_state = scoped(load_state)

__all__ = ["jit", "JitFunction", "for_loop", "while_loop", "cond", "grad", "value_and_grad",
           "state", "load_state"]
