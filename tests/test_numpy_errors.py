"""NumPy's refusals and exception types on shim arrays, with NumPy as the oracle.

Code catches ``ValueError``, ``TypeError``, ``AxisError``, ``LinAlgError`` and
``MemoryError``; shim raises the same types where NumPy does, and answers
where NumPy answers.
"""
from __future__ import annotations

import numpy as np
import pytest

X = np.array([[0.5, 1.7], [3.2, 2.0]])

# --- out=: each function's own casting rule --------------------------------------------

#: (label, function of (x, out)): every NumPy function taking ``out=`` whose rule differs.
OUT_CALLS = {
    "all": lambda x, o: np.all(x, axis=0, out=o),
    "amax": lambda x, o: np.amax(x, axis=0, out=o),
    "argmax": lambda x, o: np.argmax(x, axis=0, out=o),
    "nanargmin": lambda x, o: np.nanargmin(x, axis=0, out=o),
    "around": lambda x, o: np.around(x[0], out=o),
    "round": lambda x, o: np.round(x[0], out=o),
    "clip": lambda x, o: np.clip(x[0], 0, 2, out=o),
    "clip-method": lambda x, o: x[0].clip(0, 2, out=o),
    "compress": lambda x, o: np.compress([True, True], x[0], out=o),
    "concatenate": lambda x, o: np.concatenate([x[0][:1], x[0][1:]], out=o),
    "cumsum": lambda x, o: np.cumsum(x[0], out=o),
    "dot": lambda x, o: np.dot(x, x[0], out=o),
    "einsum": lambda x, o: np.einsum("ij->j", x, out=o),
    "fix": lambda x, o: np.fix(x[0], out=o),
    "mean": lambda x, o: np.mean(x, axis=0, out=o),
    "nanmean": lambda x, o: np.nanmean(x, axis=0, out=o),
    "nanstd": lambda x, o: np.nanstd(x, axis=0, out=o),
    "median": lambda x, o: np.median(x, axis=0, out=o),
    "percentile": lambda x, o: np.percentile(x, 50, axis=0, out=o),
    "quantile": lambda x, o: np.quantile(x, 0.5, axis=0, out=o),
    "prod": lambda x, o: np.prod(x, axis=0, out=o),
    "ptp": lambda x, o: np.ptp(x, axis=0, out=o),
    "stack": lambda x, o: np.stack([x[0][0], x[0][1]], out=o),
    "std": lambda x, o: np.std(x, axis=0, out=o),
    "var": lambda x, o: np.var(x, axis=0, out=o),
    "sum": lambda x, o: np.sum(x, axis=0, out=o),
    "take": lambda x, o: np.take(x[0], [0, 1], out=o),
}


@pytest.mark.parametrize("dtype", [np.int64, np.bool_, np.float32], ids=str)
@pytest.mark.parametrize("label", sorted(OUT_CALLS))
def test_out_casts_by_each_functions_rule(oracle, label, dtype):
    oracle(OUT_CALLS[label], X, np.zeros(2, dtype))


def test_a_refused_out_cast_writes_nothing(oracle):
    def clip_into(x, o):
        try:
            np.clip(x[0], 0, 2, out=o)
        except TypeError:
            return "refused"
        return o
    oracle(clip_into, X, np.full(2, 7, np.int64))


def test_fft_out_needs_a_complex_array(oracle):
    oracle(lambda x, o: np.fft.fft(x[0], out=o), X, np.zeros(2, np.float64))
