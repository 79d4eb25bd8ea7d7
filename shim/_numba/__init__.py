"""The compile layer on NumPy: ``shim.jit`` on the numpy backend, with Numba.

Modules:

- ``_function``: :func:`jit` and :class:`NumbaFunction` (the compiled
  callable and its slow path);
- ``_build``: flattening a callable and everything it calls; ``_rewrite``:
  the source rewriting of one function; ``_values``: what compiled code is
  given for the values it reads;
- ``_plan``: the compiled program and its generated caller;
- ``_explain``: errors naming the construct, the function and the line;
- ``_random``: Numba's generator, seeded by ``shim.random.seed``.

May import: :mod:`shim._array` (the names it exports) and the leaves. Numba
itself is imported only when something compiles.
"""
from ._function import NumbaFunction, check_options, jit
from ._random import seed_compiled_generator

__all__ = ["jit", "NumbaFunction", "check_options", "seed_compiled_generator"]
