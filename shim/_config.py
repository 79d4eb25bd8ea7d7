"""Library-wide settings: ``shim.config``, and the 64-bit scope of shim's operations.

Settings are plain attributes validated on assignment; ``config.override(...)``
changes some for the duration of a ``with`` block. Their starting values come
from the environment variables ``SHIM_X64``, ``SHIM_FALLBACK`` and
``SHIM_COMPILATION_CACHE`` (``SHIM_BACKEND`` is read by :mod:`shim._backend`).

64-bit types are scoped: ``import shim`` leaves JAX's global
``jax_enable_x64`` flag as it was, and every entry point of shim (NumPy's
protocols, the namespace, JaxArray's methods, ``shim.jit``, ``shim.random``,
``shim.array_api``) runs under JAX's thread-local x64 setting taken from
``config.x64``: :func:`scoped` (a decorator) and :func:`x64_scope` (a
``with`` block) apply it.

A leaf module: it imports nothing from shim.
"""
from __future__ import annotations

import contextlib
import functools
import os
from typing import Callable, Iterator, TypeVar

import jax

__all__ = ["config", "Config", "scoped", "x64_scope", "scope_class", "scope_names", "env_choice"]

_FALLBACK_MODES = ("warn", "error", "silent")
_JIT_FALLBACK_MODES = ("error", "eager")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")

F = TypeVar("F", bound=Callable)


def env_choice(variable: str, allowed: tuple, default: str) -> str:
    """The value of the environment variable ``variable``, one of ``allowed``, or ``default`` when unset."""
    value = os.environ.get(variable, "").strip().lower()
    if not value:
        return default
    if value not in allowed:
        raise ValueError(f"{variable}={value!r}; allowed: {', '.join(map(repr, allowed))}")
    return value


class Config:
    """Settings of the shim library.

    Attributes
    ----------
    fallback : {"warn", "error", "silent"}
        What happens when a NumPy function with no JAX implementation is called
        on JaxArrays: ``"warn"`` (default) runs NumPy on host copies and emits a
        :class:`~shim.FallbackWarning` once per function; ``"error"`` raises
        :class:`~shim.FallbackError` (a ``TypeError``); ``"silent"`` runs NumPy without a warning.
        Starts from the environment variable ``SHIM_FALLBACK``.
    jit_fallback : {"error", "eager"}
        What ``shim.jit`` on the JAX backend does with Python control flow it
        cannot compile (a variable assigned in one branch of an ``if`` over an
        array only, a shape that changes between loop iterations, a
        data-dependent shape): ``"error"`` (default) raises
        :class:`~shim.ControlFlowError` naming the file, line and variable;
        ``"eager"`` runs the function eagerly on JaxArrays instead, with a
        :class:`~shim.FallbackWarning` naming the line. ``shim.jit(f,
        fallback="eager")`` chooses this per function.
    x64 : bool
        ``True`` (default): 64-bit types exist in shim's operations and the
        default dtypes are NumPy's (float64, int64). ``False``: every 64-bit
        type becomes its 32-bit counterpart, which is faster on accelerators;
        results then differ from NumPy in precision. The setting is shim's
        own: JAX code outside shim keeps JAX's ``jax_enable_x64`` flag (off
        unless set). Starts from the environment variable ``SHIM_X64``
        (``0``/``1``).
    compilation_cache_dir : str or None
        A directory for JAX's persistent compilation cache: compiled programs
        (``shim.jit``, the eager kernels) are stored there and reused by later
        processes. ``None`` (default) leaves JAX's setting as it is. Setting it
        sets JAX's ``jax_compilation_cache_dir``, which applies to all JAX code
        in the process. Starts from the environment variable ``SHIM_COMPILATION_CACHE``.
    compile_notice_seconds : float
        A ``shim.jit`` compilation that takes longer than this logs a one-line
        notice (a warning on the ``"shim"`` logger); default 5.
    """

    __slots__ = ("_fallback", "_jit_fallback", "_x64", "_cache_dir", "_notice")

    def __init__(self) -> None:
        self._fallback = env_choice("SHIM_FALLBACK", _FALLBACK_MODES, "warn")
        self._jit_fallback = "error"
        self._x64 = env_choice("SHIM_X64", _TRUE + _FALSE, "1") in _TRUE
        self._cache_dir = None
        self._notice = 5.0
        if os.environ.get("SHIM_COMPILATION_CACHE"):
            self.compilation_cache_dir = os.environ["SHIM_COMPILATION_CACHE"]

    @property
    def fallback(self) -> str:
        return self._fallback

    @fallback.setter
    def fallback(self, mode: str) -> None:
        if mode not in _FALLBACK_MODES:
            raise ValueError(
                f"shim.config.fallback: got {mode!r}; allowed: {', '.join(map(repr, _FALLBACK_MODES))}")
        self._fallback = mode

    @property
    def jit_fallback(self) -> str:
        return self._jit_fallback

    @jit_fallback.setter
    def jit_fallback(self, mode: str) -> None:
        if mode not in _JIT_FALLBACK_MODES:
            raise ValueError(f"shim.config.jit_fallback: got {mode!r}; allowed: "
                             f"{', '.join(map(repr, _JIT_FALLBACK_MODES))}")
        self._jit_fallback = mode

    @property
    def x64(self) -> bool:
        return self._x64

    @x64.setter
    def x64(self, enabled: bool) -> None:
        if not isinstance(enabled, bool):
            raise TypeError(f"shim.config.x64: got {enabled!r}; allowed: True or False")
        self._x64 = enabled

    @property
    def compilation_cache_dir(self) -> str | None:
        return self._cache_dir

    @compilation_cache_dir.setter
    def compilation_cache_dir(self, path: str | None) -> None:
        if path is not None and not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"shim.config.compilation_cache_dir: got {path!r}; allowed: a path or None")
        path = None if path is None else os.fspath(path)
        if path is not None:
            os.makedirs(path, exist_ok=True)
            jax.config.update("jax_compilation_cache_dir", path)
        self._cache_dir = path

    @property
    def compile_notice_seconds(self) -> float:
        return self._notice

    @compile_notice_seconds.setter
    def compile_notice_seconds(self, seconds: float) -> None:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ValueError(f"shim.config.compile_notice_seconds: got {seconds!r}; allowed: a number >= 0")
        self._notice = float(seconds)

    @contextlib.contextmanager
    def override(self, **settings) -> Iterator["Config"]:
        """Change settings inside a ``with`` block and restore them after it.

        >>> with shim.config.override(fallback="error"):
        ...     pass
        """
        unknown = sorted(set(settings) - set(_SETTINGS))
        if unknown:
            raise TypeError(f"shim.config.override: unknown setting(s) {unknown}; "
                            f"allowed: {', '.join(map(repr, _SETTINGS))}")
        saved = {name: getattr(self, name) for name in settings}
        try:
            for name, value in settings.items():
                setattr(self, name, value)
            yield self
        finally:
            for name, value in saved.items():
                setattr(self, name, value)

    def __repr__(self) -> str:
        return "shim.config(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in _SETTINGS) + ")"


_SETTINGS = ("fallback", "jit_fallback", "x64", "compilation_cache_dir", "compile_notice_seconds")

config = Config()

# -- the 64-bit scope ------------------------------------------------------------------------------
# JAX's thread-local value of ``jax_enable_x64``: swapping it costs about a
# quarter of a microsecond, a fifth of ``with jax.enable_x64(...)``.
try:
    from jax._src import config as _jax_config
    _X64 = _jax_config.enable_x64
    _X64.swap_local, _X64.set_local
except (ImportError, AttributeError):                       # pragma: no cover (JAX without the hook)
    raise ImportError("shim needs JAX's thread-local configuration (jax>=0.8)") from None

_swap = _X64.swap_local
_restore = _X64.set_local


def scoped(func: F) -> F:
    """``func`` run with 64-bit types as ``shim.config.x64`` says, whatever JAX's global flag is."""
    @functools.wraps(func)
    def in_scope(*args, **kwargs):
        previous = _swap(config._x64)
        try:
            return func(*args, **kwargs)
        finally:
            _restore(previous)
    in_scope._shim_scoped = True
    return in_scope


class x64_scope:
    """A ``with`` block run with shim's 64-bit setting: ``with shim.config.x64_scope(): jax.jit(f)(x)``.

    Plain JAX code given shim's float64 values (``x.value``, a JaxArray as a
    pytree) needs it when JAX's own flag is off; shim's functions apply it themselves.
    """

    __slots__ = ("_previous",)

    def __enter__(self) -> "x64_scope":
        self._previous = _swap(config._x64)
        return self

    def __exit__(self, *exc_info) -> None:
        _restore(self._previous)


Config.x64_scope = staticmethod(x64_scope)


#: JaxArray members that read stored metadata only: left unscoped (they are called most often).
_UNSCOPED = frozenset({"shape", "dtype", "ndim", "size", "itemsize", "nbytes", "__len__", "__hash__",
                       "__class_getitem__", "__init_subclass__", "__subclasshook__"})


def scope_class(cls: type) -> type:
    """Apply :func:`scoped` to every method and property of ``cls`` defined in its body, in place."""
    for name, member in list(vars(cls).items()):
        if name in _UNSCOPED or getattr(member, "_shim_scoped", False):
            continue
        if isinstance(member, property):
            setattr(cls, name, property(*(None if f is None else scoped(f)
                                          for f in (member.fget, member.fset, member.fdel)),
                                        member.__doc__))
        elif isinstance(member, functools.partialmethod) or type(member).__name__ == "function":
            if callable(member):
                setattr(cls, name, scoped(member))
    return cls


def scope_names(namespace: dict, names) -> None:
    """Apply :func:`scoped` to the functions ``names`` of a module's ``namespace``, in place."""
    for name in names:
        value = namespace.get(name)
        if type(value).__name__ == "function" and not getattr(value, "_shim_scoped", False):
            namespace[name] = scoped(value)
