"""NumPy's rules for writes, views and layout attributes, with NumPy as the oracle.

Each test runs the same code on NumPy arrays and on JaxArrays (``oracle.check``)
and compares results, dtypes, exception types and the arrays afterwards.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from oracle import check

import shim


def run(fn, *args):
    """``check`` on the JAX backend, NumPy's warnings silenced on both sides."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        return check(fn, *args, backend="jax")


# --- dtype views write through ---------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.int32, np.uint32, np.float32])
def test_dtype_view_writes_reach_the_base(dtype):
    def f(z):
        y = z.view(dtype)
        y[:] = 7
        return y
    run(f, np.zeros(4, np.float32))


def test_dtype_views_of_views_and_their_views_write_through():
    def f(z):
        y = z[:, 1:].view(np.int64)      # same item size: any view
        y[0, 0] = 0
        y[1] += 1
        w = y.T.view(np.float64)[::-1]
        w[0] = -1.5
        return y, w
    run(f, np.arange(6.0).reshape(2, 3))


def test_dtype_view_with_another_item_size():
    def f(z, c):
        w = z.view(np.int32)
        w[1] = 1072693248                 # the high word of 1.0
        w[0] = 0
        v = c.view(np.float64)
        v[1] = 3.0                        # the imaginary part of c[0]
        return w.shape, v.shape, w.view(np.float32)[::2], z.reshape(2, 2).view(np.int16)
    run(f, np.arange(4.0), np.zeros(2, np.complex128))


def test_dtype_view_errors_are_numpys():
    run(lambda z: z.view(np.int16), np.zeros((), np.float32))          # 0-d, other size
    run(lambda z: z.view(np.complex128), np.zeros(3))                  # size does not divide


def test_dtype_view_refusals_say_why():
    x = shim.arange(6.0).reshape(2, 3)
    with pytest.raises(ValueError, match="whole array"):
        x[:, 1:].view(np.int32)
    with pytest.raises(TypeError, match="bool"):
        shim.zeros(3, np.uint8).view(bool)


def test_view_as_ndarray_subclass_is_a_type_error():
    class Sub(np.ndarray):
        pass
    x = shim.zeros(3)
    with pytest.raises(TypeError, match="cannot be viewed as 'Sub'"):
        x.view(Sub)
    with pytest.raises(TypeError, match="cannot be viewed"):
        x.view(type=Sub)
    assert type(x.view(shim.JaxArray)) is shim.JaxArray


# --- Ellipsis between advanced indices ----------------------------------------------

@pytest.mark.parametrize("index", [
    (slice(None), [0], ..., 1), ([0], ..., [0]), ([1, 0], ..., 0, slice(None)),
    (..., [0], 0), (0, ..., [0, 1]), ([True, False], ..., 2)])
@pytest.mark.parametrize("shape", [(2, 1, 3), (2, 1, 1, 3)])
def test_ellipsis_separates_advanced_indices(index, shape):
    def get(x):
        return x[index]

    def put(x):
        x[index] = np.arange(np.prod(np.zeros(shape)[index].shape)).reshape(
            np.zeros(shape)[index].shape)
        return x
    run(get, np.arange(float(np.prod(shape))).reshape(shape))
    run(put, np.zeros(shape))


# --- scalar assignment casting ------------------------------------------------------

@pytest.mark.parametrize("code", [
    "xf[...] = 1j", "xf[0] = 1j", "xi[0] = np.float64('inf')", "xi[0] = np.float64('nan')",
    "i8[...] = np.int64(300)", "i8[[0]] = np.int64(300)", "i8[0] = 300", "xi[0] = 2**70",
    "f4[()] = 2**70", "f4[0] = 10**40", "xf[0] = np.complex128(1 + 2j)", "u8[0] = -1",
    "u8[0] = np.int64(-1)", "xi.fill(np.float64('nan'))", "xi[xi == 0] = np.float64(np.inf)",
    "xb[0] = 10**40", "u64[0] = 2**64 - 1", "xf[0] = 10**400", "xi[0] = np.array([3])"])
def test_scalar_assignment_follows_numpy(code):
    def f(xf, xi, i8, f4, u8, xb, u64):
        exec(code, {"np": np}, locals())
        return xf, xi, i8, f4, u8, xb, u64
    run(f, np.zeros(3), np.zeros(3, np.int64), np.zeros(3, np.int8), np.zeros((), np.float32),
        np.zeros(3, np.uint8), np.zeros(3, bool), np.zeros(3, np.uint64))


# --- unsigned and narrow index arrays ------------------------------------------------

@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32, np.uint64, np.int8,
                                   np.int16, np.int32])
def test_integer_index_arrays_of_every_dtype(dtype):
    index = np.array([0, 5, 127, 3], dtype)

    def f(x, i):
        y = x[i]
        x[i] = -1
        return y, x[i[:2]]
    run(f, np.arange(300), index)
    run(lambda x, i: x[i], np.arange(100), index)             # out of bounds: IndexError
    if np.dtype(dtype).kind == "i":
        run(lambda x, i: x[-i], np.arange(300), index)


def test_unsigned_index_grid():
    def f(img):
        i, j = np.meshgrid(np.arange(3), np.arange(4), indexing="ij")
        return img[i.astype(np.uint32), j.astype(np.uint32)]
    run(lambda img: f(img), np.arange(12.0).reshape(3, 4))
    x = shim.arange(12.0).reshape(3, 4)
    i = shim.asarray(np.array([2, 0], np.uint8))
    np.testing.assert_array_equal(np.asarray(x[i]), np.arange(12.0).reshape(3, 4)[[2, 0]])


# --- x.shape = s ----------------------------------------------------------------------

def test_shape_setter():
    def f(a):
        b = a[1:3]
        a.shape = (2, 3)
        a[1, 0] = 9
        a[0, 1] = -1
        c = a.reshape(6)
        c.shape = 3, 2
        a.shape = -1
        return a.shape, b, c
    run(f, np.arange(6.0))


@pytest.mark.parametrize("code", ["a.T.shape = 6", "a.shape = 5", "a.shape = (-1, -1)",
                                  "a[:, :3].shape = (6,)", "a.shape = 'x'"])
def test_shape_setter_errors(code):
    def f(a):
        exec(code)
        return a
    run(f, np.arange(8.0).reshape(2, 4))


# --- strides and flags ----------------------------------------------------------------

@pytest.mark.parametrize("view", ["x", "x.T", "x[:, ::2]", "x[None]", "x[1]", "x[::-1]",
                                  "x.reshape(4, 3)", "x[:, :1]", "x[..., None, :]",
                                  "x.view(np.int32)", "x[0, ::2]", "x[:0]"])
def test_strides_and_flags(view):
    def f(x):
        v = eval(view)
        fl = v.flags
        return (v.strides, fl.c_contiguous, fl.f_contiguous, fl["C_CONTIGUOUS"], fl["F"],
                fl.owndata, fl.writeable, fl.aligned, fl.writebackifcopy, fl.fnc, fl.forc,
                np.isfortran(v))
    run(f, np.zeros((3, 4)))


def test_writeable_false_makes_writes_raise():
    def f(x, y):
        x.flags.writeable = False
        out = []
        for code in ["x[0] = 1", "x += 1", "x[...] = y", "v = x[1:]; v[0] = 1",
                     "np.add(y, 1, out=x)", "x.fill(0)", "np.copyto(x, y)",
                     "x[1:].flags.writeable = True"]:
            try:
                exec(code)
                out.append("ok")
            except ValueError:
                out.append("ValueError")
        x.flags.writeable = True
        x[0] = 5
        v = y[1:]
        v.flags.writeable = False
        y[1] = 7                        # the base stays writeable
        return out, x, v.flags.writeable, y.flags["W"]
    run(f, np.zeros(3), np.ones(3))


# --- scalar elements vs regions in augmented assignment ------------------------------

@pytest.mark.parametrize("code", [
    "i8[1, 2] += -7.5", "img[0, 1] *= 1.5", "i8[1, 2] //= 2.5", "img[1, 1] /= 3",
    "i8[0, 0] -= 10**30", "img[0, 0] += 1j", "i8[0:1, 0] += 1.5", "img[0] *= 1.5",
    "i8[1, 1] += np.float64(np.nan)", "img[1, 2] *= 100.0", "s = i8[0, 1]; s += 0.5; i8[0, 0] = s"])
def test_scalar_element_augmented_assignment(code):
    def f(i8, img):
        exec(code, {"np": np}, locals())
        return i8, img
    run(f, np.arange(6).reshape(2, 3), np.arange(6, dtype=np.uint8).reshape(2, 3))


# --- x.flat assignment ------------------------------------------------------------------

@pytest.mark.parametrize("index", [[0, 1], slice(0, 3), [0, 1, 2, 3], slice(None), ...,
                                   np.array([True, False, True, False, True, False]), 4])
@pytest.mark.parametrize("values", [[1, 2, 3], [7, 8], 5, [[1, 2], [3, 4]], [1.5, 2.5]])
def test_flat_assignment_repeats_or_cuts_values(index, values):
    def f(a):
        a.flat[index] = values
        return a
    run(f, np.zeros((2, 3), int))


def test_shares_memory_of_dtype_views_and_reshaped_roots():
    def f(z, a):
        c, i, t = z.view(np.complex128), z.view(np.int32), z[::2].view(np.int64)
        b = a[3:]
        a.shape = (2, 3)
        return [np.shares_memory(c, z[1::2]), np.shares_memory(i[2:4], z[1:2]),
                np.shares_memory(i[2:4], z[2:]), np.shares_memory(t, z[1::2]),
                np.shares_memory(t, z[2:3]), np.shares_memory(b, a[0]), np.shares_memory(b, a[1])]
    run(f, np.arange(8.0), np.arange(6.0))
