"""Generated programs: nested if/while/for over array values, in-place writes, break/continue.

Hypothesis builds small NumPy programs as source text; each is written to a
file (so that ``shim.jit`` can read its source), run by NumPy eagerly, and
run through ``shim.jit`` on each backend with the same inputs; the results
and the arrays written in place must agree.
"""
from __future__ import annotations

import importlib.util
import itertools
import os
import tempfile

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import shim

_DIR = tempfile.mkdtemp(prefix="shim_programs_")
_COUNTER = itertools.count()
CHECKED = {"jax": 0, "numpy": 0}

_N = 4
constants = st.sampled_from(["0.25", "0.5", "0.75", "1.5"])
indices = st.integers(0, _N - 1)


@st.composite
def conditions(draw, loop_var):
    index = draw(indices)
    where = f"({loop_var} + {index}) % {_N}" if loop_var else str(index)
    return draw(st.sampled_from([
        f"x[{where}] > {draw(constants)}",
        f"s > {draw(constants)}",
        f"y.sum() < {draw(constants)} * 4",
        f"x[{where}] > y[{index}]",
    ]))


@st.composite
def blocks(draw, depth, loop_var, in_loop):
    n = draw(st.integers(1, 3))
    return [line for _ in range(n) for line in draw(statements(depth, loop_var, in_loop))]


@st.composite
def statements(draw, depth, loop_var, in_loop):
    index = draw(indices)
    where = f"({loop_var} + {index}) % {_N}" if loop_var else str(index)
    simple = [
        [f"x[{where}] = x[{where}] * 0.5 + {draw(constants)}"],
        [f"s = s + x[{where}]"],
        [f"y += {draw(constants)}"],
        [f"y[{index}] = s"],
    ]
    kinds = ["simple"] * 3
    if depth > 0:
        kinds += ["if", "for", "while"]
    if in_loop:
        kinds += ["break", "continue"]
    kind = draw(st.sampled_from(kinds))
    if kind == "simple":
        return draw(st.sampled_from(simple))
    if kind in ("break", "continue"):
        return [f"if {draw(conditions(loop_var))}:", f"    {kind}"]
    if kind == "if":
        lines = [f"if {draw(conditions(loop_var))}:"]
        lines += ["    " + line for line in draw(blocks(depth - 1, loop_var, in_loop))]
        if draw(st.booleans()):
            lines.append("else:")
            lines += ["    " + line for line in draw(blocks(depth - 1, loop_var, in_loop))]
        return lines
    var = f"i{depth}"
    if kind == "for":
        count = draw(st.sampled_from([3, 20]))
        lines = [f"for {var} in range({count}):"]
    else:
        lines = [f"{var} = 0", f"while {var} < 6 and {draw(conditions(loop_var))}:",
                 f"    {var} += 1"]
    lines += ["    " + line for line in draw(blocks(depth - 1, var, True))]
    return lines


def _load(source):
    path = os.path.join(_DIR, f"program_{next(_COUNTER)}.py")
    with open(path, "w") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.program


def _source(body):
    lines = ["import numpy as np", "", "", "def program(x, y):", "    s = 0.0"]
    lines += ["    " + line for line in body]
    lines.append("    return s")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("backend", ["jax", "numpy"])
@settings(phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(body=blocks(3, None, False), data=st.data())
def test_generated_program_matches_numpy(backend, body, data):
    source = _source(body)
    program = _load(source)
    with shim.use_backend(backend):
        compiled = shim.jit(program)
    for _ in range(2):                      # two inputs: the branches taken differ
        x0 = np.asarray(data.draw(st.lists(st.sampled_from([0.0, 0.3, 0.6, 0.9, 1.2]),
                                           min_size=_N, max_size=_N)))
        y0 = np.asarray(data.draw(st.lists(st.sampled_from([0.0, 0.5, 1.0]),
                                           min_size=_N, max_size=_N)))
        xn, yn = x0.copy(), y0.copy()
        expected = program(xn, yn)
        with shim.use_backend(backend):
            xs = shim.asarray(x0) if backend == "jax" else x0.copy()
            ys = shim.asarray(y0) if backend == "jax" else y0.copy()
            actual = compiled(xs, ys)
        np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-12, err_msg=source)
        np.testing.assert_allclose(np.asarray(xs), xn, rtol=1e-12, err_msg=source)
        np.testing.assert_allclose(np.asarray(ys), yn, rtol=1e-12, err_msg=source)
    CHECKED[backend] += 1


def test_report_generated_programs(capsys):
    """Prints how many generated programs were checked in this session (for the record)."""
    with capsys.disabled():
        print(f"\ngenerated programs checked: {CHECKED}")
