"""shim's exceptions and warnings carry their reason as data, and the registry refuses duplicates."""
from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

import shim
from shim import _errors
from shim._dispatch import _jax_in, _registry


def test_every_shim_error_and_warning_has_a_reason_and_a_function():
    classes = [getattr(_errors, name) for name in _errors.__all__
               if isinstance(getattr(_errors, name), type)]
    for cls in classes:
        assert issubclass(cls, (shim.ShimError, shim.ShimWarning)), cls
    error = shim.TracingError("message", reason=_errors.TRACED_VALUE, function="bool(x)")
    assert (error.reason, error.function, str(error)) == (_errors.TRACED_VALUE, "bool(x)", "message")
    assert isinstance(error, TypeError)
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is shim.TracingError and (back.reason, back.function) == (error.reason, "bool(x)")
    with pytest.raises(TypeError, match="reason"):
        shim.StateError("no reason given")


def test_a_fallback_warning_says_why():
    entry = next(e for e in _registry.BY_NAME.values() if e.status == "fallback")
    assert entry.reason
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        _warn_once(entry)
    found = [w.message for w in seen if isinstance(w.message, shim.FallbackWarning)]
    assert found and found[0].reason == entry.reason and found[0].function == entry.name


def _warn_once(entry, mode="warn"):
    from shim._dispatch import _host
    _host.forget_warnings()
    with shim.config.override(fallback=mode):
        _host._announce_fallback(entry)


def test_fallback_error_and_tracing_errors_carry_reasons():
    entry = next(e for e in _registry.BY_NAME.values() if e.status == "fallback")
    with pytest.raises(shim.FallbackError) as info:
        _warn_once(entry, "error")
    assert info.value.reason == entry.reason and info.value.function == entry.name

    with pytest.raises(shim.TracingError) as info:
        shim.jit(lambda x: bool(x.sum() > 0))(shim.ones(3))
    assert (info.value.reason, info.value.function) == (_errors.TRACED_VALUE, "bool(x)")

    with pytest.raises(shim.TracingError) as info:
        shim.jit(lambda x: np.unique(x))(shim.asarray([1, 1, 2]))
    assert info.value.reason == _errors.DATA_DEPENDENT_SHAPE

    with pytest.raises(IndexError) as info:              # NumPy code catches IndexError here
        shim.jit(lambda x: x[x > 1] * 2)(shim.asarray([1.0, 2.0, 3.0]))
    assert info.value.reason == _errors.DATA_DEPENDENT_SHAPE


def test_numba_errors_say_whether_a_numpy_function_is_missing():
    pytest.importorskip("numba")

    def spectrum(x):
        return np.fft.fft(x)

    with shim.use_backend("numpy"):
        compiled = shim.jit(spectrum)
        with pytest.raises(shim.NumbaCompileError) as info:
            compiled(np.ones(4))
    assert info.value.function == "test_numba_errors_say_whether_a_numpy_function_is_missing.<locals>.spectrum"
    assert info.value.reason and info.value.unsupported_function


def test_a_name_with_two_implementations_is_an_error(monkeypatch):
    duplicate = ("numpy.sum", _jax_in.IMPLEMENTATIONS[0][1], "a second sum")
    monkeypatch.setattr(_jax_in, "IMPLEMENTATIONS", [*_jax_in.IMPLEMENTATIONS, duplicate])
    with pytest.raises(RuntimeError, match="numpy.sum has two implementations"):
        _registry._implementations()


def test_show_config_takes_numpys_mode_argument(capsys):
    import io

    import shim
    report = shim.show_config(mode="dicts")
    assert report["x64"] is shim.config.x64 and report["backend"] == shim.get_backend_name()
    assert shim.show_config() is None and "shim" in capsys.readouterr().out
    stream = io.StringIO()
    shim.show_config(file=stream)
    assert "fallback" in stream.getvalue()
    with pytest.raises(ValueError):
        shim.show_config(mode="json")
