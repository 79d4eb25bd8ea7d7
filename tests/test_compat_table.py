"""The committed comparison table (compat_table/) is what the code does today.

The table is regenerated in shards (``test_rows_are_current``), so pytest-xdist
spreads the smoke calls over its workers; ``test_files_are_one_rendering``
checks that the committed Markdown, reStructuredText and JSON are the rendering
of those rows, with today's versions and summary counts. Together they fail
whenever a fresh ``python -m shim.compat_table`` would change a committed file.
"""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from shim import compat_table
from shim.compat_table import _callables, _render, _samples, _smoke

SHARDS = 12
FOLDER = compat_table.DEFAULT_FOLDER
REGENERATE = "regenerate with: python -m shim.compat_table"


def _committed(file):
    path = FOLDER / file
    if not path.exists():
        pytest.fail(f"{path} is missing; {REGENERATE}")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def committed_rows():
    return {row["name"]: row for row in _render.parse_markdown(_committed("numpy_api.md"))}


def test_files_are_one_rendering(committed_rows):
    rows = list(committed_rows.values())
    texts = _render.render(rows)
    for file in compat_table.OUTPUTS:
        assert texts[file] == _committed(file), f"{file} is not the rendering of its rows; {REGENERATE}"


def test_every_callable_has_a_row(committed_rows):
    names = _callables.enumerate_callables()
    assert len(names) == len(set(names))
    missing = sorted(set(names) - set(committed_rows))
    extra = sorted(set(committed_rows) - set(names))
    assert not missing and not extra, f"missing {missing[:5]}, extra {extra[:5]}; {REGENERATE}"


def test_json_schema():
    document = json.loads(_committed("numpy_api.json"))
    assert list(document) == ["versions", "columns", "rows"]
    assert list(document["versions"]) == ["numpy", "jax", "numba"]
    assert document["columns"] == ["jax", "jax-jit", "numpy", "numba"]
    pattern = re.compile(r"^(native|numpy: no array input|fallback|error: .+|mismatch: .+)$")
    names = [row["name"] for row in document["rows"]]
    assert len(names) == len(set(names))
    for row in document["rows"]:
        assert list(row) == ["name", "cells"]
        assert list(row["cells"]) == document["columns"]
        assert all(pattern.match(cell) for cell in row["cells"].values()), row
    assert {"numpy.add.at", "numpy.ndarray.sum", "numpy.linalg.solve", "numpy.fft.fft",
            "numpy.random.normal", "numpy.random.Generator.normal"} <= set(names)


def test_numpy_answering_without_an_array_is_not_native(committed_rows):
    # busday_count's sample passes two date strings: NumPy itself answers.
    for name in ("numpy.busday_count", "numpy.promote_types"):
        assert committed_rows[name]["cells"]["jax"] == _smoke.NO_ARRAY_INPUT, name
    assert committed_rows["numpy.zeros"]["cells"]["jax"] == "native"
    assert "| numpy: no array input |" in _committed("numpy_api.md")


def test_scipy_special_ufuncs_have_a_section(committed_rows):
    pytest.importorskip("scipy.special")
    assert "## scipy.special\n" in _committed("numpy_api.md")
    for name in ("scipy.special.erf", "scipy.special.gamma", "scipy.special.expit",
                 "scipy.special.xlogy"):
        assert committed_rows[name]["cells"]["jax"] == "native", name
        assert committed_rows[name]["cells"]["jax-jit"] == "native", name


def test_markdown_starts_with_the_summary():
    text = _committed("numpy_api.md")
    summary = text.index("## Summary")
    assert summary < text.index("## numpy\n")
    for column in _smoke.COLUMNS:
        assert column in text[summary:text.index("## numpy\n")]
    assert re.search(r"\| native \| \d+/\d+ \(", text)


@pytest.mark.parametrize("shard", range(SHARDS))
@pytest.mark.filterwarnings("default::shim.FallbackWarning")   # rows are measured as the CLI does
def test_rows_are_current(shard, committed_rows):
    names = _callables.enumerate_callables()[shard::SHARDS]
    for name in names:
        fresh = _smoke.run_row(name)
        old = committed_rows.get(name)
        assert old is not None, f"{name} has no row; {REGENERATE}"
        if fresh["excluded"] is not None or old["excluded"] is not None:
            assert _render.md_excluded(fresh) == _render.md_excluded(old), REGENERATE
        else:
            assert _render.md_row(fresh) == _render.md_row(old), \
                f"{name}: the committed row differs from a fresh run; {REGENERATE}"


# --- the cells themselves --------------------------------------------------------------------------

def test_a_native_row():
    row = _smoke.run_row("numpy.add")
    assert row["cells"] == dict.fromkeys(_smoke.COLUMNS, "native")
    assert row["sample"] == "rule"


def test_a_mutating_function_is_checked_through_its_arguments():
    row = _smoke.run_row("numpy.putmask")
    assert row["cells"]["jax"] == "native"
    assert row["sample"] == "hand"


def test_mismatch_names_what_differs():
    import shim
    expected = np.array([1, 2], dtype=np.int64)
    problem, _ = _smoke._compare(expected, shim.asarray(np.array([1, 2], dtype=np.int32)),
                                 jax=True, values=True)
    assert problem == "result dtype int32, NumPy int64"
    problem, _ = _smoke._compare(expected, shim.asarray(np.array([1, 3])), jax=True, values=True)
    assert problem == "result values differ"
    problem, _ = _smoke._compare((expected,), [expected], jax=False, values=True)
    assert problem is None
    problem, host = _smoke._compare(expected, expected.copy(), jax=True, values=True)
    assert problem is None and host


def test_error_reasons_are_short_and_free_of_addresses():
    exc = TypeError("No implementation of function Function(<function fix at 0x7f00deadbeef>) "
                    "found for signature:\n more")
    assert _smoke._short(exc) == "TypeError: No implementation of function fix found for signature"
    assert len(_smoke._short(ValueError("x" * 500))) <= 90


def test_samples_come_from_rules():
    args, kwargs, label = _samples.candidates("function", "numpy.moveaxis", np.moveaxis)[0]()
    assert label == "rule" and args[1:] == (0, -1) and isinstance(args[0], np.ndarray)
    args, kwargs, label = _samples.candidates("random", "numpy.random.binomial", np.random.binomial)[0]()
    assert args == (10, 0.5) and kwargs == {"size": 3}


def test_deprecated_names_are_excluded():
    row = _smoke.run_row("numpy.row_stack")
    assert row["excluded"].startswith("deprecated: ")
