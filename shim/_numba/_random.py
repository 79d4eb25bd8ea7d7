"""The random stream of compiled code: Numba's generator, seeded by ``shim.random.seed``."""
from __future__ import annotations

import sys

import numpy as np

__all__ = ["seed_compiled_generator", "apply_pending_seed"]

_PENDING_SEED: list = []                       # NumPy's state at the last seed, not yet applied


def seed_compiled_generator() -> None:
    """Give Numba's generator the state of NumPy's global one (``shim.random.seed`` calls this).

    Applied at once if Numba is loaded, else when the first function compiles
    (Numba's generator is not used before).
    """
    _PENDING_SEED[:] = [np.random.get_state(legacy=True)]
    if "numba" in sys.modules:
        apply_pending_seed()


def apply_pending_seed() -> None:
    if not _PENDING_SEED:
        return
    from numba import _helperlib
    state = _PENDING_SEED.pop()
    _helperlib.rnd_set_state(_helperlib.rnd_get_np_state_ptr(),
                             (int(state[2]), state[1].tolist()))
