"""dask and xarray as clients: JaxArray chunks and JaxArray-backed DataArrays give NumPy's
results and stay JaxArrays.

Each test runs the same client code on NumPy data and on JaxArrays and
compares; the JaxArray run must keep a JaxArray underneath (dask's chunks,
xarray's ``.data``).
"""
from __future__ import annotations

import numpy as np
import pytest

import shim

da = pytest.importorskip("dask.array")
xr = pytest.importorskip("xarray")

DATA = np.arange(48.0).reshape(6, 8) - 20.0


def _same(result, expected):
    np.testing.assert_allclose(np.asarray(result), np.asarray(expected), rtol=1e-12,
                               equal_nan=True)
    assert np.asarray(result).dtype == np.asarray(expected).dtype


# --- dask.array over JaxArray chunks -------------------------------------------------------

@shim.jit
def _scaled(block):
    return block * 2.0 + 1.0


DASK_CASES = {
    "sum": lambda d: d.sum(),
    "mean_axis": lambda d: d.mean(axis=0),
    "std": lambda d: d.std(axis=1),
    "max": lambda d: d.max(axis=1),
    "map_blocks_jit": lambda d: d.map_blocks(_scaled),
    "elementwise": lambda d: np.sin(d) ** 2 + d,
    "rechunk": lambda d: d.rechunk((3, 8)).sum(axis=1),
    "mask": lambda d: d[d > 0],
    "transpose_dot": lambda d: d.T @ d,
    "cumsum": lambda d: d.cumsum(axis=1),
}


@pytest.mark.parametrize("name", sorted(DASK_CASES))
def test_dask_over_jaxarray_chunks(name):
    fn = DASK_CASES[name]
    expected = fn(da.from_array(DATA, chunks=(2, 4))).compute()
    lazy = fn(da.from_array(shim.asarray(DATA), chunks=(2, 4), asarray=False))
    result = lazy.compute()
    _same(result, expected)
    assert type(result) is shim.JaxArray


# --- xarray over JaxArrays -------------------------------------------------------------------

def _data_array(values):
    return xr.DataArray(values, dims=("x", "y"), coords={"x": np.arange(6) * 10,
                                                         "y": np.arange(8)})


XARRAY_CASES = {
    "arithmetic": lambda a: a * 2 + a ** 2,
    "reduction": lambda a: a.mean("x"),
    "std": lambda a: a.std("y"),
    "where": lambda a: a.where(a > 0),
    "where_other": lambda a: a.where(a > 0, -1.0),
    "fillna": lambda a: a.where(a > 0).fillna(0.0),
    "rolling_mean": lambda a: a.rolling(x=3).mean(),
    "rolling_center_sum": lambda a: a.rolling(y=3, center=True).sum(),
    "shift": lambda a: a.shift(x=1),
    "pad": lambda a: a.pad(y=2),
    "sel": lambda a: a.sel(x=20),
    "isel": lambda a: a.isel(y=slice(1, 5)),
    "groupby": lambda a: a.groupby(xr.DataArray([0, 1, 0, 1, 0, 1], dims="x")).mean(),
    "concat": lambda a: xr.concat([a, a * 2], dim="x"),
    "diff": lambda a: a.diff("x"),
    "dataset": lambda a: xr.Dataset({"u": a, "v": a * 3}).sum("y")["v"],
}


@pytest.mark.parametrize("name", sorted(XARRAY_CASES))
def test_xarray_over_jaxarray(name):
    fn = XARRAY_CASES[name]
    expected = fn(_data_array(DATA))
    result = fn(_data_array(shim.asarray(DATA)))
    _same(result.values, expected.values)
    assert type(result.data) is shim.JaxArray


def test_xarray_chunk_into_dask():
    expected = _data_array(DATA).chunk({"x": 2}).mean("y").compute()
    array = _data_array(shim.asarray(DATA)).chunk({"x": 2})
    assert isinstance(array.data, da.Array)
    result = array.mean("y").compute()
    _same(result.values, expected.values)
    assert type(result.data) is shim.JaxArray


@pytest.mark.parametrize("scalar", [np.float64(np.nan), np.float32(1.5), np.int64(3), 2.0, 1])
def test_array_api_result_type_takes_scalars(scalar):
    xp = shim.array_api
    x = xp.asarray(np.ones(3, dtype=np.float32))
    assert xp.result_type(x, scalar) == np.result_type(np.ones(3, dtype=np.float32), scalar)


def test_array_api_pad_and_sliding_window_view():
    xp = shim.array_api
    x = xp.asarray(DATA)
    _same(xp.pad(x, ((1, 0), (0, 2)), constant_values=np.nan),
          np.pad(DATA, ((1, 0), (0, 2)), constant_values=np.nan))
    _same(xp.pad(x, 2, mode="edge"), np.pad(DATA, 2, mode="edge"))
    windows = xp.lib.stride_tricks.sliding_window_view(x, 3, axis=1)
    _same(windows, np.lib.stride_tricks.sliding_window_view(DATA, 3, axis=1))
    assert type(windows) is shim.JaxArray
