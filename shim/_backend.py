"""The backend switch: ``shim.use_backend`` and ``shim.get_backend_name``.

The backend is read at call time by every function of the ``shim`` namespace,
so names bound before a switch (``from shim import zeros``) follow it.

A leaf module: it imports nothing from shim.
"""
from __future__ import annotations

__all__ = ["use_backend", "get_backend_name", "BACKENDS", "STATE"]

BACKENDS = ("jax", "numpy")


class _State:
    __slots__ = ("name",)

    def __init__(self):
        import os
        name = os.environ.get("SHIM_BACKEND", "").strip().lower() or "jax"
        if name not in BACKENDS:
            raise ValueError(f"SHIM_BACKEND={name!r}; allowed: {', '.join(map(repr, BACKENDS))}")
        self.name = name


STATE = _State()


def get_backend_name() -> str:
    """The current backend: ``"jax"`` (default) or ``"numpy"``."""
    return STATE.name


class use_backend:
    """Switch the backend of the ``shim`` namespace.

    Parameters
    ----------
    name : {"jax", "numpy"}
        ``"jax"``: functions return :class:`~shim.JaxArray`. ``"numpy"``:
        functions return plain ``numpy.ndarray`` and run NumPy.

    Notes
    -----
    The switch happens at the call; used as a context manager, the previous
    backend is restored on exit::

        shim.use_backend("numpy")            # from now on
        with shim.use_backend("jax"):        # inside the block only
            ...

    Arrays already made keep their type: a JaxArray stays a JaxArray, and
    NumPy calls on it still run on JAX.
    """

    __slots__ = ("_previous",)

    def __init__(self, name: str):
        if name not in BACKENDS:
            raise ValueError(f"shim.use_backend: unknown backend {name!r}; "
                             f"allowed: {', '.join(map(repr, BACKENDS))}")
        self._previous = STATE.name
        STATE.name = name

    def __enter__(self) -> "use_backend":
        return self

    def __exit__(self, *exc_info) -> None:
        STATE.name = self._previous

    def __repr__(self) -> str:
        return f"shim.use_backend({STATE.name!r})"
