"""JaxArray itself: construction, attributes, conversion, JAX interop and methods."""
from __future__ import annotations

import copy
import operator
import pickle

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oracle import assert_same

import shim

A = np.arange(12.0).reshape(3, 4) - 5.5


def test_construction_and_value():
    with shim.config.x64_scope():         # plain JAX keeps its own 32-bit default outside
        from_jax = jnp.asarray(A)
    for source in (A, A.tolist(), from_jax, shim.asarray(A)):
        x = shim.JaxArray(source)
        assert isinstance(x.value, jax.Array)
        np.testing.assert_array_equal(np.asarray(x), A)
        assert x.dtype == np.float64
    assert shim.JaxArray([1, 2]).dtype == np.int64
    assert shim.JaxArray([1, 2], dtype=np.float32).dtype == np.float32
    assert shim.JaxArray(True).dtype == np.bool_ and shim.JaxArray(2.5).shape == ()
    y = shim.asarray(A)
    assert shim.asarray(y) is y and shim.array(y) is not y
    assert shim.asarray(y, dtype=np.float32).dtype == np.float32
    with pytest.raises(TypeError, match="not supported by JAX"):
        shim.JaxArray(np.array(["a", "b"]))
    with pytest.raises(ValueError, match="copy"):
        shim.asarray([1.0, 2.0], copy=False)


def test_value_assignment():
    x = shim.zeros((2, 3))
    x.value = jnp.ones((2, 3))
    assert_same(np.ones((2, 3)), x)
    x.value = np.full((2, 3), 2, dtype=np.int32)         # cast to the array's dtype
    assert_same(np.full((2, 3), 2.0), x)
    v = x[:, 1]
    v.value = shim.asarray([7.0, 8.0])                   # a view writes through
    assert_same(np.array([[2.0, 7.0, 2.0], [2.0, 8.0, 2.0]]), x)
    with pytest.raises(ValueError, match="shape"):
        x.value = jnp.ones(3)


def test_attributes(oracle):
    oracle(lambda a: (a.shape, a.ndim, a.size, a.dtype, a.itemsize, a.nbytes, len(a),
                      a.T, a.mT, a.T.shape, a[None].mT.shape), A)
    oracle(lambda a: (a.real, a.imag, a.conj()), A + 1j * A[::-1])



def test_base_and_device():
    x = shim.asarray(A)
    assert x.base is None and x[1:].base is x and x[1:][0].base is x and x.T.base is x
    assert isinstance(x.device, jax.Device)
    assert x.to_device(x.device).shape == x.shape


def test_conversions():
    x = shim.asarray(A)
    assert float(x[0, 1]) == A[0, 1] and int(x[1, 1]) == int(A[1, 1])
    assert complex(x[0, 0]) == complex(A[0, 0]) and bool(x[0, 0])
    assert operator.index(shim.asarray(3)) == 3 and [1, 2, 3, 4][shim.asarray(2)] == 3
    assert x[2, 3].item() == A[2, 3] and x.item(5) == A.item(5) and x.item(1, 2) == A.item(1, 2)
    assert x.tolist() == A.tolist() and x.tobytes() == A.tobytes()
    with pytest.raises(ValueError, match="ambiguous"):
        bool(x)
    with pytest.raises(TypeError):
        float(x)
    with pytest.raises(TypeError):
        operator.index(shim.asarray(2.0))
    with pytest.raises(TypeError, match="unsized"):
        len(shim.asarray(1.0))
    with pytest.raises(TypeError):
        hash(x)


def test_numpy_conversion_is_a_host_copy():
    x = shim.asarray(A)
    host = np.asarray(x)
    assert type(host) is np.ndarray and host.dtype == np.float64
    np.testing.assert_array_equal(host, A)
    assert np.asarray(x, dtype=np.float32).dtype == np.float32
    copied = np.array(x)
    copied[0, 0] = 99.0                    # a copy: the JaxArray is unchanged
    assert float(x[0, 0]) == A[0, 0]
    with pytest.raises(ValueError):
        np.asarray(x, copy=False)


def test_repr_str_format():
    x = shim.asarray(np.array([[1.0, 2.5], [3.0, 4.0]]))
    assert repr(x) == "JaxArray([[1. , 2.5],\n          [3. , 4. ]])"
    assert str(x) == str(np.array([[1.0, 2.5], [3.0, 4.0]]))
    assert repr(shim.asarray(np.arange(3, dtype=np.int8))) == "JaxArray([0, 1, 2], dtype=int8)"
    assert repr(shim.asarray(2.0)) == "JaxArray(2.)"
    assert f"{shim.asarray(2.0):.3f}" == "2.000"
    assert "JaxArray" in repr(x[0])


def test_pickle_copy_deepcopy():
    x = shim.asarray(A)
    for y in (pickle.loads(pickle.dumps(x)), copy.copy(x), copy.deepcopy(x),
              pickle.loads(pickle.dumps(x[1:, ::2]))):
        assert isinstance(y, shim.JaxArray)
        y[...] = 0
    assert_same(A, x)
    np.testing.assert_array_equal(np.asarray(pickle.loads(pickle.dumps(x[1:, ::2]))), A[1:, ::2])


def test_files_and_pickles_as_numpy_writes_them(tmp_path):
    x = shim.asarray(A)
    x[1:, ::2].tofile(tmp_path / "view.bin")
    A[1:, ::2].tofile(tmp_path / "expected.bin")
    assert (tmp_path / "view.bin").read_bytes() == (tmp_path / "expected.bin").read_bytes()
    x.tofile(tmp_path / "text.txt", sep=",")
    np.testing.assert_array_equal(np.fromfile(tmp_path / "text.txt", sep=","), A.ravel())
    assert_same(A[::2], pickle.loads(x[::2].dumps()))
    x.dump(tmp_path / "x.pkl")
    with open(tmp_path / "x.pkl", "rb") as f:
        assert_same(A, pickle.load(f))


def test_to_device_takes_platform_names_as_numpy_takes_cpu():
    x = shim.asarray(A)
    assert_same(A, x.to_device("cpu"))
    assert_same(A, np.asarray(A, device="cpu") + 0 * shim.asarray(A, device="cpu"))
    with pytest.raises(ValueError, match=r"to_device: no 'no-such-platform' device .* among"):
        x.to_device("no-such-platform")


def test_dlpack_and_array_namespace():
    x = shim.asarray(A)
    np.testing.assert_array_equal(np.from_dlpack(x), A)
    np.testing.assert_array_equal(np.asarray(jnp.from_dlpack(x)), A)
    assert x.__dlpack_device__()[0] == 1          # CPU
    assert x.__array_namespace__() is shim.array_api
    with pytest.raises(ValueError, match="api_version"):
        x.__array_namespace__(api_version="1999.01")


def test_jax_interop():
    x = shim.asarray(A)
    assert isinstance(jnp.sin(x), jax.Array)
    np.testing.assert_allclose(np.asarray(jnp.sum(x)), A.sum())
    doubled = jax.jit(lambda a: a * 2)(x)
    assert isinstance(doubled, shim.JaxArray)
    assert_same(A * 2, doubled)
    grad = jax.grad(lambda a: jnp.sum(a.value ** 2))(x)
    assert isinstance(grad, shim.JaxArray)
    assert_same(2 * A, grad)
    grad2 = jax.grad(lambda a: jnp.sum(np.sin(a)))(x)        # NumPy calls inside
    assert_same(np.cos(A), grad2)
    batched = jax.vmap(lambda row: np.sum(row * 2))(x)
    assert_same(2 * A.sum(axis=1), batched)
    leaves, treedef = jax.tree_util.tree_flatten({"w": x, "b": x[0]})
    assert len(leaves) == 2 and isinstance(leaves[0], jax.Array)
    rebuilt = jax.tree_util.tree_unflatten(treedef, leaves)
    assert isinstance(rebuilt["b"], shim.JaxArray)


def test_methods_match_numpy(oracle):
    oracle(lambda a: (a.sum(), a.sum(axis=0), a.mean(1), a.max(), a.min(axis=1), a.argmax(),
                      a.argmin(axis=0), a.std(), a.var(ddof=1), a.prod(axis=1), a.cumsum(),
                      a.cumprod(axis=0), a.all(), a.any(axis=1), a.round(1), a.clip(-1, 1),
                      a.dot(a.T), a.trace(), a.diagonal(), a.nonzero(), a.ptp(axis=0) if hasattr(a, "ptp") else 0,
                      a.repeat(2, axis=0), a.take([0, 2]), a.searchsorted(0.0) if a.ndim == 1 else 0,
                      a.squeeze(), a.swapaxes(0, 1), a.transpose(1, 0), a.transpose((1, 0)),
                      a.reshape(4, 3), a.reshape((2, -1)), a.ravel(), a.flatten(), a.astype(int),
                      a.argsort(axis=0), a.compress([True, False, True], axis=0), a.conjugate()), A)


def test_inplace_methods(oracle):
    def run(a):
        a[0].sort()
        a[:, 1].fill(7.0)
        a.put([0, 5], [-1.0, -2.0])
        b = a.copy()
        b.sort(axis=0)
        a[2].partition(2)
        return a, b

    oracle(run, A.copy())


def test_membership(oracle):
    oracle(lambda a: (3.5 in a, 100.0 in a, a[0, 0] in a, 2 in a.astype(int)), A)


def test_iteration(oracle):
    oracle(lambda a: [row for row in a], A)
    oracle(lambda a: [v for v in a[0]], A)

    def rows_write_through(a):
        for row in a:
            row += 1
        return a

    oracle(rows_write_through, A)
    with pytest.raises(TypeError, match="0-d"):
        iter(shim.asarray(1.0))


def test_astype_rules():
    x = shim.asarray(A)
    assert x.astype(np.float64, copy=False) is x
    assert x.astype(np.float64) is not x
    with pytest.raises(TypeError, match="Cannot cast"):
        x.astype(np.int32, casting="safe")
    with pytest.raises(TypeError, match="not supported"):
        x.astype("U3")


def test_view_method_and_flat(oracle):
    def run(a):
        v = a.view()
        v[0, 0] = 100.0
        a.flat[5] = -5.0
        return a, a.flat[[1, 5]], list(a.flat)[:3], len(a.flat)

    oracle(run, A)


def test_membership_in_flat(oracle):
    oracle(lambda a: (A[1, 2] in a.flat, 3.5 in a.flat, A[0, 0] in a.T.flat, 7.0 in a), A)


def test_view_reinterpreting_dtype():
    x = shim.asarray(np.array([1.0, -2.0]))
    assert_same(np.array([1.0, -2.0]).view(np.int64), x.view(np.int64))
