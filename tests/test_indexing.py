"""Indexing, writes and views against NumPy: hypothesis properties and edge cases."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from oracle import assert_same, check

import shim

SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5)
NONEMPTY_SHAPES = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=5)


def arange(shape, dtype=np.float64):
    return (np.arange(int(np.prod(shape)), dtype=np.float64) - 3).astype(dtype).reshape(shape)


@st.composite
def basic_cases(draw, shapes=SHAPES):
    shape = draw(shapes)
    index = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    return arange(shape), index


@st.composite
def advanced_cases(draw):
    """An index mixing integer arrays or a boolean mask with slices, integers and None."""
    shape = draw(NONEMPTY_SHAPES)
    x = arange(shape)
    items = []
    kind = draw(st.sampled_from(["ints", "mask", "mixed"]))
    if kind == "mask":
        k = draw(st.integers(1, len(shape)))
        mask = draw(hnp.arrays(np.bool_, shape[:k]))
        lead = draw(st.integers(0, len(shape) - k))
        items = [slice(None)] * lead
        mask = draw(hnp.arrays(np.bool_, shape[lead:lead + k]))
        items.append(mask)
        return x, tuple(items)
    for n in shape:
        choice = draw(st.sampled_from(["array", "slice", "int", "full"] +
                                      (["none"] if kind == "mixed" else [])))
        if choice == "none":
            items.append(None)
        if choice in ("array", "none"):
            size = draw(st.integers(0, 3))
            items.append(draw(hnp.arrays(np.intp, size, elements=st.integers(-n, n - 1))))
        elif choice == "slice":
            items.append(draw(st.slices(n)))
        elif choice == "int":
            items.append(draw(st.integers(-n, n - 1)))
        else:
            items.append(slice(None))
    assume(any(isinstance(i, np.ndarray) for i in items))
    if draw(st.booleans()):
        # Convert one array to a list and leave trailing axes implicit.
        for i, item in enumerate(items):
            if isinstance(item, np.ndarray):
                items[i] = item.tolist()
                break
        while items and isinstance(items[-1], slice) and items[-1] == slice(None):
            items.pop()
    return x, tuple(items)


def _write_value(draw, target_shape):
    kind = draw(st.sampled_from(["scalar", "full", "broadcast", "int"]))
    if kind == "scalar":
        return -7.5
    if kind == "int":
        return 3
    if kind == "full":
        return np.arange(int(np.prod(target_shape)), dtype=float).reshape(target_shape) + 100
    shape = tuple(1 if draw(st.booleans()) else n for n in target_shape)
    return np.full(shape, 42.0)


# --- reads ------------------------------------------------------------------------------

@given(basic_cases())
def test_basic_getitem(case):
    x, index = case
    check(lambda x: x[index], x)


@given(advanced_cases())
def test_advanced_getitem(case):
    x, index = case
    check(lambda x: x[index], x)


@given(basic_cases(NONEMPTY_SHAPES))
def test_basic_getitem_returns_view_unless_scalar(case):
    x, index = case
    result = shim.asarray(x)[index]
    expected = x[index]
    if isinstance(expected, np.ndarray):
        assert result.base is not None
    else:
        assert result.base is None and result.ndim == 0


# --- writes -----------------------------------------------------------------------------

@given(basic_cases(), st.data())
def test_basic_setitem(case, data):
    x, index = case
    value = _write_value(data.draw, np.shape(x[index]))

    def write(x):
        x[index] = value
        return x
    check(write, x)


@given(advanced_cases(), st.data())
def test_advanced_setitem(case, data):
    x, index = case
    try:
        target = x[index]
    except IndexError:
        value = 1.0                      # both must raise IndexError
    else:
        # Repeated targets: NumPy's last write wins, JAX's order is unspecified.
        assume(target.size == np.unique(_flat_targets(x, index)).size)
        value = _write_value(data.draw, target.shape)

    def write(x):
        x[index] = value
        return x
    check(write, x)


def _flat_targets(x, index):
    positions = np.arange(x.size).reshape(x.shape)
    return positions[index].ravel()


@given(advanced_cases())
def test_repeated_fancy_index_adds_once(case):
    x, index = case

    def iadd(x):
        x[index] += 1
        return x
    check(iadd, x)


@given(basic_cases(NONEMPTY_SHAPES), basic_cases(NONEMPTY_SHAPES), st.data())
def test_chained_views_write_through(outer, _unused, data):
    x, first = outer
    view_shape = np.shape(x[first])
    assume(isinstance(x[first], np.ndarray))
    second = data.draw(hnp.basic_indices(view_shape, allow_newaxis=True, allow_ellipsis=True))
    inner = x[first][second]
    value = _write_value(data.draw, np.shape(inner))

    def run(x):
        v = x[first]
        before = v.copy()
        v[second] = value
        w = v[second] if isinstance(inner, np.ndarray) else None
        if w is not None:
            w += 1
        return x, v, before

    check(run, x)


@given(basic_cases(NONEMPTY_SHAPES), st.sampled_from(["add", "mul", "ufunc-out"]))
def test_inplace_through_view(case, op):
    x, index = case
    assume(isinstance(x[index], np.ndarray))

    def run(x):
        v = x[index]
        if op == "add":
            v += 2.0
        elif op == "mul":
            v *= -1
        else:
            np.add(v, v, out=v)
        return x, v

    check(run, x)


@given(st.data())
def test_transposed_views(data):
    shape = data.draw(hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=4))
    x = arange(shape)
    axes = tuple(data.draw(st.permutations(range(len(shape)))))
    index = data.draw(hnp.basic_indices(tuple(shape[a] for a in axes), allow_newaxis=True,
                                        allow_ellipsis=True))
    value = _write_value(data.draw, np.shape(x.transpose(axes)[index]))

    def run(x):
        t = x.transpose(axes)
        t[index] = value
        return x, t[index], x.T

    check(run, x)


# --- errors and edge cases ------------------------------------------------------------------

@pytest.mark.parametrize("index", [5, -6, (0, 5), (slice(None), 9), [1, 7], [-7], np.array([0, 5]),
                                   (0, 0, 0), 1.5, "a", (Ellipsis, Ellipsis),
                                   np.array([True, False]), np.array([0.5])], ids=repr)
def test_index_errors(oracle, index):
    oracle(lambda x: x[index], arange((5, 5)))

    def write(x):
        x[index] = 1.0
        return x
    oracle(write, arange((5, 5)))


def test_value_shape_errors(oracle):
    def write(x, index, value):
        x[index] = value
        return x
    oracle(write, arange((4, 3)), slice(0, 2), np.ones((3, 3)))
    oracle(write, arange((4, 3)), [0, 1], np.ones((3, 3)))
    oracle(write, arange((4, 3)), slice(0, 2), np.ones((1, 1, 3)))
    oracle(write, arange((4, 3)), arange((4, 3)) > 0, np.ones(4))
    oracle(write, np.zeros(3, np.uint8), 0, 300)
    oracle(write, np.zeros(3, np.int64), 0, np.nan)
    oracle(write, np.zeros(3), 0, "text")


def test_failed_write_leaves_array_unchanged(backend, asarray):
    x = asarray(arange((4, 3)))
    before = np.asarray(x).copy()
    for index, value in [(slice(0, 2), np.ones((3, 3))), ((0, 7), 1.0), ([0, 9], 2.0)]:
        with pytest.raises((ValueError, IndexError)):
            x[index] = value
    np.testing.assert_array_equal(np.asarray(x), before)


def test_common_patterns(oracle):
    def game_of_life_style(z):
        mask = z[1:-1, 1:-1] > 0
        z[1:-1, 1:-1][mask] = 1
        z[0][1] = 9
        z[:, 0] += 1
        z[z < -2] = 0
        z[[0, 0], [1, 1]] += 1
        z[..., -1] = np.arange(5)
        z[np.array([True, False, True, False, True])] *= 2
        return z

    oracle(game_of_life_style, arange((5, 5)))

    def masked_value_array(z):
        z[z > 0] = np.arange(np.count_nonzero(z > 0)) * 10.0
        return z

    oracle(masked_value_array, arange((3, 4)))

    def flat(z):
        z.flat[[1, 5]] = -1
        return z, z.flat[3], z.ravel()

    oracle(flat, arange((3, 4)))

    def scalar_vs_view(z):
        a = z[1, 2]      # a scalar in NumPy: no write-through
        a += 100
        b = z[1, ...]    # a view
        b += 100
        c = z[..., 0]
        c *= 0
        return z

    oracle(scalar_vs_view, arange((3, 4)))


def test_reading_a_view_does_not_regather_until_base_changes():
    x = shim.arange(10.0)
    v = x[2:8]
    first = v.value
    assert v.value is first               # cached
    x[0] = 5.0                            # the root changed
    second = v.value
    assert second is not first
    assert v.value is second
    np.testing.assert_array_equal(np.asarray(v), np.arange(2.0, 8.0))


def test_index_loop_compiles_one_kernel():
    """Starts are dynamic: a loop over indices reuses its kernels (each compiles at most
    twice, once for host and once for device starts), whatever the number of indices."""
    x = shim.zeros(50)
    for _ in range(3):                    # warm up: first use, then reuse of each index
        x[0] = 1.0
        x[0:1] += 1.0
    kernel_count = _cache_sizes()
    for _ in range(2):
        for i in range(50):
            x[i] = float(i)
            x[i:i + 1] += 1.0
    assert _cache_sizes() == kernel_count
    np.testing.assert_array_equal(np.asarray(x), np.arange(50.0) + 1)


def _cache_sizes():
    from shim._array import _kernels
    return sum(k._cache_size() for k in _kernels._WRITE.values())


def test_jax_array_and_jaxarray_indices():
    x = shim.asarray(arange((4, 4)))
    idx = shim.asarray([3, 0])
    expected = arange((4, 4))[[3, 0]]
    assert_same(expected, x[idx])
    assert_same(expected, x[idx.value])
    x[shim.asarray([True, False, True, False])] = 0.0
    reference = arange((4, 4))
    reference[[0, 2]] = 0.0
    assert_same(reference, x)
    with pytest.raises(IndexError):
        x[shim.asarray([4])]
    with pytest.raises(IndexError):
        x[shim.asarray([0, -5])] = 1.0
    assert_same(reference, x)


# --- x[mask] op= v: deferred masked reads ----------------------------------------------------

def test_masked_read_modify_write_patterns(oracle):
    def patterns(x):
        x[x > 3] -= 1
        x[x < 0] *= -2
        m = x > 5
        t = x[m]
        t += 1
        t *= 2
        x[m] = t                       # two recorded updates, one write-back
        x[1:, 1:][x[1:, 1:] > 4] += 100.0   # through a view
        return x

    oracle(patterns, arange((4, 5)))

    def copy_semantics(x):
        t = x[x > 2]
        t -= 1                          # t is a copy: x unchanged
        s = x[x > 2]
        x[0, 0] = 100.0                 # s was taken before this write
        u = x[x > 50]
        u[...] = 7.0                    # still a copy
        return x, t, s, u, t.shape, len(s)

    oracle(copy_semantics, arange((3, 4)))

    def other_operands(x):
        m = x > 0
        x[m] += np.arange(np.count_nonzero(m))   # an array operand: computed, then written
        x[x > 1] = x[x > 1] * 0.5                # not an in-place update: plain path
        x[np.array([True, False, True])] -= 1    # a mask over the first axis
        return x

    oracle(other_operands, arange((3, 3)))

    def copy_between_arrays(x, y):
        red = (np.indices(x.shape).sum(axis=0) % 2) == 0
        inner = x[1:, 1:]
        inner[red[1:, 1:]] = y[1:, 1:][red[1:, 1:]]      # different mask objects: general path
        m = red
        x[m] = y[m]                                      # the same mask object: one where()
        t = y[~m]
        t *= 2
        x[~m] = t                                        # a fresh mask each time: general path
        return x

    oracle(copy_between_arrays, arange((4, 4)), -arange((4, 4)))


def test_masked_updates_compile_once_for_all_counts():
    x = shim.zeros(200)
    for k in (3, 4):
        x[shim.arange(200) < k] -= 1
    kernels = _cache_sizes()
    for k in range(5, 60, 7):
        x[shim.arange(200) < k] -= 1
    assert _cache_sizes() == kernels
    expected = np.zeros(200)
    for k in (3, 4, *range(5, 60, 7)):
        expected[np.arange(200) < k] -= 1
    np.testing.assert_array_equal(np.asarray(x), expected)


def test_masked_updates_inside_jax_jit():
    import jax

    @jax.jit
    def step(v, refractory):
        refractory[refractory > 0] -= 1
        v[v > 1.0] = 0.0
        v[refractory > 0] *= 0.5
        return v, refractory

    v = shim.asarray(np.array([0.5, 1.5, 2.0, 0.2]))
    r = shim.asarray(np.array([0, 2, 1, 3]))
    v2, r2 = step(v, r)
    np.testing.assert_array_equal(np.asarray(r2), [0, 1, 0, 2])
    np.testing.assert_array_equal(np.asarray(v2), [0.5, 0.0, 0.0, 0.1])
    with pytest.raises(IndexError, match="cannot be traced"):
        jax.jit(lambda a: a[a > 0].sum())(shim.asarray([1.0, -1.0]))
