"""The documentation site builds, with every example executed and no warning.

One test: Sphinx builds ``docs/`` into a temporary directory with warnings as
errors (``-W --keep-going``), running every code cell of the user guide
(``SHIM_DOCS_EXECUTE=force``, so no cached output is reused); an exception in
a cell fails the build. It then checks that outputs only the executed code can
produce are in the pages. About a minute on two cores; deselect it locally
with ``-m "not docs"``. It needs the ``docs`` extra (``pip install -e
".[docs]"``, which ``.ci/run`` installs) and is skipped without it.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"

#: (page, text that only appears once the page's code has run).
EXECUTED_OUTPUTS = [
    ("quickstart.html", "JaxArray float64"),
    ("dispatch.html", "FallbackWarning : shim.random.vonmises has no JAX implementation"),
    ("writes_and_views.html", "IndexError: index 10 is out of bounds for axis 0 with size 6"),
    ("random_dtypes_devices.html", "NumPy: float16  shim: float16"),
    ("jit.html", "compiling update again because LIF.tau changed"),
    ("numba.html", "Numba cannot compile spectrum"),
    ("array_api.html", "True 2025.12"),
    ("gallery/game_of_life.html", "JaxArray int64 True"),
    ("gallery/spiking_network.html", "JaxArray True"),
]


@pytest.mark.docs
def test_docs_build_with_warnings_as_errors(tmp_path):
    for module in ("sphinx", "myst_nb", "furo", "ipykernel"):
        pytest.importorskip(module, reason=f"{module} is not installed: pip install -e '.[docs]'")
    # The kernels that run the examples keep their connection files and
    # IPython profile in the test's directory, not in the home directory.
    env = dict(os.environ, SHIM_DOCS_EXECUTE="force", PYTHONWARNINGS="",
               JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter"), IPYTHONDIR=str(tmp_path / "ipython"))
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")],
        capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, f"sphinx failed:\n{result.stdout[-5000:]}\n{result.stderr[-10000:]}"
    for page, text in EXECUTED_OUTPUTS:
        html = (tmp_path / "html" / page).read_text(encoding="utf-8")
        assert text in html, f"{page}: the output {text!r} of its executed code is missing"
