"""The committed examples corpus (compat_table/examples.*) is what the code does today.

``test_markdown_is_the_rendering`` checks that the Markdown file is the
rendering of the JSON file; ``test_sample_is_current`` re-runs a fixed sample
of the docstrings (every :data:`STEP`-th one, and every :data:`RANDOM_STEP`-th
of ``numpy.random``'s, whose kernels are slow to compile, less the
:data:`UNSTABLE` ones; at least 400 examples, a few minutes on two cores), sharded
so that pytest-xdist spreads them over its workers, and fails on any example
whose outcome differs from the committed one. The full corpus is regenerated
with ``python -m shim.compat_table --examples``. The remaining tests check
how an example runs: isolation, import swap, expected exceptions, skips,
budgets.
"""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from shim import compat_table
from shim.compat_table import _examples

SHARDS = 12
STEP = 2
RANDOM_STEP = 4
FOLDER = compat_table.DEFAULT_FOLDER
REGENERATE = "regenerate with: python -m shim.compat_table --examples"


def _committed(file):
    path = FOLDER / file
    if not path.exists():
        pytest.fail(f"{path} is missing; {REGENERATE}")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def committed_rows():
    return {row["name"]: row for row in _examples.parse_json(_committed("examples.json"))}


#: Docstrings whose outcome is not the same on every run: a temporary file's name
#: in the result, or a matplotlib plot that can pass its time budget on a busy machine.
UNSTABLE = frozenset({"numpy.fromfile"})


def _stable(name):
    return name not in UNSTABLE and "matplotlib" not in _examples._docstring(name)


def _sample():
    names = _examples.docstring_names()
    random = [n for n in names if n.startswith("numpy.random.")]
    sample = [n for n in names if not n.startswith("numpy.random.")][::STEP] + random[::RANDOM_STEP]
    return [n for n in sample if _stable(n)]


def test_markdown_is_the_rendering(committed_rows):
    texts = _examples.render(list(committed_rows.values()))
    for file in _examples.OUTPUTS:
        assert texts[file] == _committed(file), f"{file} is not the rendering of its rows; {REGENERATE}"


def test_every_docstring_has_a_row(committed_rows):
    names = _examples.docstring_names()
    assert sorted(names) == sorted(committed_rows), REGENERATE


def test_the_summary_comes_first_with_both_percentages():
    text = _committed("examples.md")
    summary = text[text.index("## Summary"):text.index("## Examples by callable")]
    for label in _examples.MODES.values():
        assert f"| {label} | " in summary
    assert summary.count("%") >= len(_examples.MODES)


def test_the_sample_is_large_enough(committed_rows):
    assert sum(len(committed_rows[name]["examples"]) for name in _sample()) >= 400


@pytest.mark.parametrize("shard", range(SHARDS))
def test_sample_is_current(shard, committed_rows):
    for name in _sample()[shard::SHARDS]:
        fresh = json.loads(json.dumps(_examples.run_row(name)))
        assert fresh == committed_rows[name], \
            f"{name}: the committed outcome differs from a fresh run; {REGENERATE}"


# --- how an example runs ---------------------------------------------------------------------------

def _row(code: str) -> dict:
    return _examples.run_row("numpy.sum", code)


def _modes(entry):
    return {mode: entry[mode]["status"] for mode in _examples.MODES}


def test_an_agreeing_docstring():
    row = _row(">>> a = np.arange(6.).reshape(2, 3)\n>>> a.sum(axis=0)\narray([3., 5., 7.])\n\n"
               "Prose.\n\n>>> b = a * 2\n>>> print(b[0])\n[0. 2. 4.]\n")
    assert [_modes(e) for e in row["examples"]] == [{"swap": "agree", "dispatch": "agree"}] * 2
    assert [e["statements"] for e in row["examples"]] == [2, 2]


def test_a_difference_names_its_statement():
    row = _row(">>> x = np.zeros(2)\n>>> type(x).__name__\n'ndarray'\n")
    swap = row["examples"][0]["swap"]
    assert swap["status"] == "differ" and swap["statement"] == 2
    assert swap["why"] == "value is 'JaxArray', NumPy 'ndarray'"
    assert row["examples"][0]["dispatch"]["status"] == "differ"


def test_import_swap_imports_shim_modules():
    row = _row(">>> from numpy import linalg\n>>> linalg.__name__\n'numpy.linalg'\n")
    assert row["examples"][0]["swap"]["why"] == "value is 'shim.linalg', NumPy 'numpy.linalg'"
    assert row["examples"][0]["dispatch"] == {"status": "agree"}


def test_an_expected_exception_agrees_when_shim_raises_the_same_type():
    row = _row(">>> np.zeros(3)[5]\nTraceback (most recent call last):\n    ...\n"
               "IndexError: index 5 is out of bounds for axis 0 with size 3\n")
    assert _modes(row["examples"][0]) == {"swap": "agree", "dispatch": "agree"}


def test_what_numpy_cannot_run_is_skipped_with_the_reason():
    row = _row(">>> import a_module_that_is_not_there\n")
    entry = row["examples"][0]
    assert entry["skipped"] == "ModuleNotFoundError: No module named 'a_module_that_is_not_there'"
    assert _modes(entry) == {"swap": "skipped", "dispatch": "skipped"}


def test_a_difference_is_counted_once():
    # After the first example differs, the name is reset to NumPy's value.
    row = _row(">>> x = np.array([1, 2]).tolist() + [type(np.zeros(1)).__name__]\n\nProse.\n\n"
               ">>> x[:2]\n[1, 2]\n")
    assert [e["swap"]["status"] for e in row["examples"]] == ["differ", "agree"]


def test_nothing_an_example_does_leaks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    options, errors = np.get_printoptions(), np.geterr()
    state = np.random.get_state()[1].copy()
    row = _row(">>> np.set_printoptions(precision=2)\n>>> np.seterr(all='raise')['divide']\n'warn'\n"
               ">>> np.random.seed(7)\n>>> with open('out.txt', 'w') as f: _ = f.write('x')\n"
               ">>> import warnings; warnings.warn('loud')\n>>> print(np.pi)\n3.14\n")
    assert _modes(row["examples"][0]) == {"swap": "agree", "dispatch": "agree"}
    assert np.get_printoptions() == options and np.geterr() == errors
    assert np.array_equal(np.random.get_state()[1], state)
    assert os.listdir(tmp_path) == [] and os.getcwd() == str(tmp_path)


def test_random_examples_compare_shapes_and_dtypes():
    row = _row(">>> rng = np.random.default_rng()\n>>> rng.normal(size=3).shape\n(3,)\n"
               ">>> rng.integers(5, size=(2, 2))\n")
    assert _modes(row["examples"][0]) == {"swap": "agree", "dispatch": "agree"}


def test_an_example_past_its_budget_stops(monkeypatch):
    monkeypatch.setattr(_examples, "EXAMPLE_TIMEOUT", 0.5)
    row = _row(">>> while True: pass\n\nProse.\n\n>>> 1 + 1\n2\n")
    assert row["examples"][0]["skipped"] == "NumPy timed out"
    assert _modes(row["examples"][1]) == {"swap": "agree", "dispatch": "agree"}


def test_a_fresh_run_gives_the_same_row():
    first = _examples.run_row("numpy.random.Generator.choice")
    assert first["examples"] and _examples.run_row("numpy.random.Generator.choice") == first
