"""shim's exceptions and warnings, each carrying its reason as data.

Every class here has ``reason`` (a short, stable description of the cause,
for code that classifies errors -- the comparison table does) and
``function`` (what raised it, such as ``"numpy.unique"`` or ``"bool(x)"``, or
``None``). Messages are for people and may change; classify by ``reason``.

The exceptions also derive from the builtin type NumPy code expects to catch
(``TypeError``, and ``IndexError`` for a boolean-mask read inside ``jit``).

A leaf module: it imports nothing from shim.
"""
from __future__ import annotations

__all__ = ["ShimError", "ShimWarning", "FallbackWarning", "RecompileWarning", "FallbackError",
           "TracingError", "TracingIndexError", "StateError", "InteropError", "NumbersAssigned",
           "NumbaCompileError", "NumbaMissingError", "ControlFlowError", "TRACED_VALUE", "ONE_BRANCH",
           "TYPE_CHANGES", "PYTHON_VALUE_CHANGES", "DATA_DEPENDENT_SHAPE", "NO_JAX_IMPLEMENTATION",
           "HOST_ONLY"]

#: ``TracingError.reason``: an operation needs the value of a traced array (``bool(x)``).
TRACED_VALUE = "needs the value of a traced array"
#: ``TracingError.reason``: the result's shape would depend on array values.
DATA_DEPENDENT_SHAPE = "the result's shape depends on array values"
#: ``ControlFlowError.reason``: a variable is assigned on one path of an if over an array only.
ONE_BRANCH = "a variable is assigned in only one branch of an if over an array value"
#: ``ControlFlowError.reason``: a variable's shape or dtype differs between paths or iterations.
TYPE_CHANGES = "a variable's shape or dtype changes between branches or loop iterations"
#: ``ControlFlowError.reason``: a Python value changes under a condition on array values.
PYTHON_VALUE_CHANGES = "a Python value changes under a condition on array values"
#: ``TracingError.reason``: the function has no JAX implementation (a host fallback).
NO_JAX_IMPLEMENTATION = "no JAX implementation"
#: ``TracingError.reason``: the function works on host data by nature (files, text, dates).
HOST_ONLY = "a host-only operation"


class _Reasoned:
    """``reason`` and ``function`` as attributes, given as keywords."""

    reason: str
    function: str | None

    def __init__(self, message: str, *, reason: str, function: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.function = function

    def __reduce__(self):
        # The keyword-only arguments are not in ``args``: pickle the attributes as state.
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(cls, args, state):
    error = cls.__new__(cls, *args)
    error.__dict__.update(state)
    return error


class ShimError(_Reasoned, Exception):
    """Base class of shim's exceptions: ``reason`` and ``function`` say what failed."""


class ShimWarning(_Reasoned, UserWarning):
    """Base class of shim's warnings: ``reason`` and ``function`` say what happened."""


class FallbackWarning(ShimWarning):
    """A NumPy function ran on host (NumPy) copies because JAX has no version of it.

    Emitted once per function; ``reason`` says why JAX cannot run it.
    ``shim.config.fallback = "error"`` raises :class:`FallbackError` instead;
    ``"silent"`` suppresses the warning.
    """


class RecompileWarning(ShimWarning):
    """A compiled function was traced again because a value it baked in changed."""


class FallbackError(ShimError, TypeError):
    """A NumPy function has no JAX implementation and ``shim.config.fallback`` is ``"error"``."""


class TracingError(ShimError, TypeError):
    """Inside ``shim.jit`` (or any JAX trace), an operation needs what compiled code cannot know.

    ``reason`` is one of :data:`TRACED_VALUE`, :data:`DATA_DEPENDENT_SHAPE`,
    :data:`NO_JAX_IMPLEMENTATION` and :data:`HOST_ONLY`.
    """


class TracingIndexError(TracingError, IndexError):
    """A :class:`TracingError` raised by indexing (``x[mask]`` inside ``jit``)."""


class ControlFlowError(TracingError):
    """Python control flow inside ``shim.jit`` that cannot become compiled control flow.

    ``reason`` is :data:`ONE_BRANCH`, :data:`TYPE_CHANGES`,
    :data:`PYTHON_VALUE_CHANGES` or :data:`DATA_DEPENDENT_SHAPE`; ``filename``
    and ``lineno`` locate the ``if``/``while``/``for`` in the user's source and
    ``variable`` names the variable (or is ``None``).
    """

    def __init__(self, message: str, *, reason: str, where=None, variable=None,
                 function: str | None = None):
        super().__init__(message, reason=reason, function=function)
        self.filename = getattr(where, "filename", None)
        self.lineno = getattr(where, "lineno", None)
        self.variable = variable


class StateError(ShimError, TypeError):
    """A compiled function did something to Python state that compilation cannot keep."""


class InteropError(ShimError, ValueError):
    """A JAX transformation was given a JaxArray where it needs a ``jax.Array``."""


class NumbersAssigned(StateError):
    """Number attributes were assigned inside a compiled loop or branch.

    ``numbers`` lists ``(object, attribute, old value)``. The outermost
    ``shim.jit`` catches this, makes them 0-d arrays and traces again; with no
    ``shim.jit`` around, the message says what to do.
    """

    def __init__(self, numbers, name):
        self.numbers = numbers
        where = ", ".join(f"{type(obj).__name__}.{attr}" for obj, attr, _ in numbers)
        super().__init__(
            f"{name} assigns the number attribute(s) {where} inside a compiled loop or "
            "branch, where Python numbers cannot change from step to step. Make them arrays "
            "(e.g. t = shim.asarray(0.0)), or compile the caller with shim.jit, which does so",
            reason="number attributes assigned inside a compiled loop or branch", function=name)


class NumbaCompileError(ShimError, TypeError):
    """Numba cannot compile the code given to ``shim.jit`` on the numpy backend.

    The message names the construct, the function and the line; ``reason``
    is the construct alone (Numba's own first line, for Numba's errors) and
    ``unsupported_function`` says whether Numba lacks a NumPy function used.
    """

    def __init__(self, message: str, *, reason: str = "", function: str | None = None,
                 unsupported_function: bool = False):
        super().__init__(message, reason=reason or message, function=function)
        self.unsupported_function = unsupported_function


class NumbaMissingError(ShimError, ImportError):
    """``shim.jit`` on the numpy backend needs Numba, which is not installed."""
