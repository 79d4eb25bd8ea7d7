"""64-bit types are scoped to shim: ``import shim`` leaves JAX's own default dtypes as they were."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROGRAM = """
import jax, jax.numpy as jnp, numpy as np
import shim
assert jnp.ones(2).dtype == np.float32 and not jax.config.jax_enable_x64
x = shim.ones(3)
results = {
    "ones": x, "asarray": shim.asarray(np.arange(3.0)), "ufunc": np.sin(x), "operator": x * 2 + 1,
    "function": np.sum(x), "linalg": np.linalg.solve(shim.eye(3), x), "fft": np.abs(np.fft.fft(x)),
    "method": x.sum(), "view": x[1:], "random": shim.random.normal(size=3),
    "generator": shim.random.default_rng(0).normal(size=3), "array_api": shim.array_api.ones(3),
    "jit": shim.jit(lambda a: a * 2)(x), "grad": shim.grad(lambda a: np.sum(a ** 2))(x),
    "int": shim.arange(3),
}
x[0] = 5.0
results["setitem"] = x
wrong = {k: str(v.dtype) for k, v in results.items() if v.dtype not in (np.float64, np.int64)}
assert not wrong, wrong
assert jnp.ones(2).dtype == np.float32 and not jax.config.jax_enable_x64
print("ok")
"""


def test_import_shim_keeps_jax_32_bit_and_shim_64_bit():
    done = subprocess.run([sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok"


def test_jit_on_the_numpy_backend_without_numba_says_how_to_install_it():
    program = ("import sys; sys.modules['numba'] = None\n"
               "import importlib.util; importlib.util.find_spec = lambda name, *a: None\n"
               "import shim\nshim.use_backend('numpy')\n"
               "try:\n    shim.jit(lambda x: x)\nexcept ImportError as e:\n"
               "    assert isinstance(e, shim.ShimError) and 'shim-numpy[numba]' in str(e); print('ok')\n")
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.stdout.strip() == "ok", done.stderr[-3000:]


def test_a_long_compile_logs_a_notice_on_the_shim_logger(caplog):
    import numpy as np

    import shim
    with shim.config.override(compile_notice_seconds=0.0), caplog.at_level("INFO", logger="shim"):
        shim.jit(lambda a: np.sin(a) * 2)(shim.ones(3))
    notices = [r for r in caplog.records if r.name == "shim" and r.levelname == "WARNING"]
    assert notices and "compiled" in notices[0].getMessage()
