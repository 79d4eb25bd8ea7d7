"""Random numbers on the JAX backend, with NumPy's API.

A stream's state is a JAX PRNG key held in a JaxArray: each draw runs one
compiled kernel that splits the key, samples, and returns the next key, which
is written back into the same JaxArray. Being a JaxArray, the key is state
like any other for ``shim.jit``.

:class:`RandomState` has the legacy ``numpy.random`` functions (the global
``shim.random.normal(...)`` calls use one shared instance); :class:`Generator`
has the ``numpy.random.Generator`` methods (``shim.random.default_rng``).
Seeded streams are reproducible run to run; they are not NumPy's streams.
Distributions that JAX lacks draw a seed from the stream and run NumPy's
generator on the host, with a :class:`~shim.FallbackWarning`.
"""
from __future__ import annotations

import contextvars
import functools
import inspect
import operator
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from ._array import JaxArray, commit, wrap
from ._config import config, scope_class, scoped
from ._dispatch import as_sharding
from ._errors import NO_JAX_IMPLEMENTATION, FallbackError, FallbackWarning, TracingError

__all__ = ["RandomState", "Generator", "default_rng", "DEFAULT"]

_Tracer = jax.core.Tracer
_NO_SAMPLER = "jax.random has no sampler for this distribution"


def _float():
    return jax.dtypes.canonicalize_dtype(np.float64)


def _int():
    return jax.dtypes.canonicalize_dtype(np.int64)


def _seed_key(seed):
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % 2**63)
    else:
        try:
            seed = operator.index(seed)
        except TypeError:
            raise TypeError(f"seed must be an integer or None, got {type(seed).__name__}") from None
        if not 0 <= seed < 2**63:
            raise ValueError(f"seed must be between 0 and 2**63 - 1, got {seed}")
    return jax.random.key_data(jax.random.key(seed))


@functools.partial(jax.jit, static_argnames=("sampler", "shape", "dtype", "options", "sharding"))
def _draw_kernel(raw_key, params, *, sampler, shape, dtype, options, sharding=None):
    key, sub = jax.random.split(jax.random.wrap_key_data(raw_key))
    sample = sampler(sub, shape, dtype, *params, *options)
    if sharding is not None:     # drawn in place: each device computes its part of the stream
        sample = jax.lax.with_sharding_constraint(sample, sharding)
    return jax.random.key_data(key), sample


#: The sharding of the draw being made (``device=`` of a distribution), or None.
_DEVICE = contextvars.ContextVar("shim.random device", default=None)


def _param(x):
    if type(x) is JaxArray:
        return x.value
    if isinstance(x, (list, tuple)):
        return np.asarray(x)
    return x


class _NoSize(tuple):
    """The shape of a draw with ``size=None`` and scalar parameters: NumPy returns a scalar."""


_NO_SIZE = _NoSize()


def _shape(size, *params) -> tuple[int, ...]:
    if size is None:
        shape = tuple(np.broadcast_shapes(*(np.shape(p) for p in params)))
        return shape if shape else _NO_SIZE
    if isinstance(size, (tuple, list)):
        return tuple(operator.index(n) for n in size)
    return (operator.index(size),)


def _scalar(sample):
    """NumPy's scalar for a draw with ``size=None``: a Python float or int for the default
    dtypes, a NumPy scalar for the others (``randint(5, dtype=np.int32)``)."""
    value = sample.item()
    dtype = np.dtype(sample.dtype)
    if dtype == _float() or dtype == _int() or dtype.kind == "b":
        return value
    return dtype.type(value)


def _concrete(*params):
    """Host copies of the parameters, or None if any is traced (checks are skipped)."""
    values = []
    for p in params:
        if isinstance(p, _Tracer):
            return None
        values.append(np.asarray(p))
    return values


def _require(params, predicate, message):
    values = _concrete(*params)
    if values is not None and not predicate(*values):
        raise ValueError(message)


# --- samplers: (key, shape, dtype, *params) -> array -------------------------------------------

def _uniform(key, shape, dtype, low, high):
    return jax.random.uniform(key, shape, dtype, low, high)


def _normal(key, shape, dtype, loc, scale):
    return loc + scale * jax.random.normal(key, shape, dtype)


def _lognormal(key, shape, dtype, mean, sigma):
    return jnp.exp(mean + sigma * jax.random.normal(key, shape, dtype))


def _integers(key, shape, dtype, low, high):
    return jax.random.randint(key, shape, low, high, dtype)


def _exponential(key, shape, dtype, scale):
    return scale * jax.random.exponential(key, shape, dtype)


def _gamma(key, shape, dtype, a, scale):
    return scale * jax.random.gamma(key, a, shape, dtype)


def _loc_scale(sample):
    def sampler(key, shape, dtype, loc, scale):
        return loc + scale * sample(key, shape, dtype)
    sampler.__name__ = sample.__name__
    return sampler


_laplace = _loc_scale(jax.random.laplace)
_logistic = _loc_scale(jax.random.logistic)
_gumbel = _loc_scale(jax.random.gumbel)


def _poisson(key, shape, dtype, lam):
    return jax.random.poisson(key, lam, shape, dtype)


def _binomial(key, shape, dtype, n, p):
    return jax.random.binomial(key, n, p, shape).astype(dtype)


def _beta(key, shape, dtype, a, b):
    return jax.random.beta(key, a, b, shape, dtype)


def _chisquare(key, shape, dtype, df):
    return jax.random.chisquare(key, df, shape, dtype)


def _standard_t(key, shape, dtype, df):
    return jax.random.t(key, df, shape, dtype)


def _standard_cauchy(key, shape, dtype):
    return jax.random.cauchy(key, shape, dtype)


def _pareto(key, shape, dtype, a):
    return jax.random.pareto(key, a, shape, dtype) - 1      # NumPy's pareto is Lomax


def _weibull(key, shape, dtype, a):
    return jax.random.weibull_min(key, 1.0, a, shape, dtype)


def _rayleigh(key, shape, dtype, scale):
    return jax.random.rayleigh(key, scale, shape, dtype)


def _geometric(key, shape, dtype, p):
    return jax.random.geometric(key, p, shape, dtype)


def _triangular(key, shape, dtype, left, mode, right):
    return jax.random.triangular(key, left, mode, right, shape, dtype)


def _power(key, shape, dtype, a):
    return jax.random.uniform(key, shape, dtype) ** (1.0 / a)


def _f(key, shape, dtype, dfnum, dfden):
    return jax.random.f(key, dfnum, dfden, shape, dtype)


def _wald(key, shape, dtype, mean, scale):
    # Inverse Gaussian(mean, scale) from a standard one with mean mean/scale, scaled.
    return scale * jax.random.wald(key, mean / scale, shape, dtype)


def _dirichlet(key, shape, dtype, alpha):
    return jax.random.dirichlet(key, alpha, shape, dtype)


def _multivariate_normal(key, shape, dtype, mean, cov):
    return jax.random.multivariate_normal(key, mean, cov, shape, dtype, method="svd")


def _multinomial(key, shape, dtype, n, pvals):
    return jax.random.multinomial(key, n, pvals, shape=shape).astype(dtype)


def _choice(key, shape, dtype, a, p, population, replace, axis):
    source = population if a is None else a
    return jax.random.choice(key, source, shape, replace, p, axis)


def _permutation(key, shape, dtype, x, population, axis, independent):
    return jax.random.permutation(key, population if x is None else x, axis, independent)


class _Stream:
    """A JAX PRNG key in a JaxArray, advanced by every draw."""

    def __init__(self, seed=None):
        self._key = wrap(_seed_key(seed))

    def _draw(self, sampler, shape, dtype, *params, options=()):
        key, sample = _draw_kernel(self._key.value, tuple(map(_param, params)),
                                   sampler=sampler, shape=shape, dtype=np.dtype(dtype),
                                   options=options, sharding=_DEVICE.get())
        commit(self._key, key)
        if shape is _NO_SIZE and not isinstance(sample, jax.core.Tracer):
            return _scalar(sample)
        return wrap(sample)

    def _host(self, name, *args, size=None, **kwargs):
        """A distribution JAX lacks: NumPy's generator on the host, seeded from this stream."""
        if isinstance(self._key.value, jax.core.Tracer):
            raise TracingError(f"shim.random.{name} cannot be used inside jit: JAX has no "
                               "sampler for it, so it would run NumPy's generator on the host, "
                               "which a compiled function cannot do. Draw the numbers outside "
                               "the compiled function and pass them in.",
                               reason=NO_JAX_IMPLEMENTATION, function=f"shim.random.{name}")
        if config.fallback == "error":
            raise FallbackError(f"shim.random.{name} has no JAX implementation; "
                                "shim.config.fallback is 'error'", reason=_NO_SAMPLER,
                                function=f"shim.random.{name}")
        if config.fallback == "warn":
            warnings.warn(FallbackWarning(f"shim.random.{name} has no JAX implementation; it "
                                          "runs NumPy's generator on the host, seeded from "
                                          "shim's stream.", reason=_NO_SAMPLER,
                                          function=f"shim.random.{name}"), stacklevel=3)
        sharding = _DEVICE.get()
        token = _DEVICE.set(None)
        try:
            seed = self._draw(_integers, (), np.int64, 0, 2**62)
        finally:
            _DEVICE.reset(token)
        generator = np.random.default_rng(int(seed))
        host_args = [np.asarray(a) if isinstance(a, (JaxArray, jax.Array)) else a for a in args]
        result = _wrap_host(getattr(generator, name)(*host_args, size=size, **kwargs))
        if sharding is not None and type(result) is JaxArray:
            result = wrap(jax.device_put(result.value, sharding))
        return result

    # --- shared distributions ---------------------------------------------------------

    def normal(self, loc=0.0, scale=1.0, size=None):
        _require((_param(scale),), lambda s: np.all(s >= 0), "scale < 0")
        return self._draw(_normal, _shape(size, _param(loc), _param(scale)), _float(), loc, scale)

    def standard_normal(self, size=None):
        return self._draw(_normal, _shape(size), _float(), 0.0, 1.0)

    def uniform(self, low=0.0, high=1.0, size=None):
        return self._draw(_uniform, _shape(size, _param(low), _param(high)), _float(), low, high)

    def exponential(self, scale=1.0, size=None):
        _require((_param(scale),), lambda s: np.all(s >= 0), "scale < 0")
        return self._draw(_exponential, _shape(size, _param(scale)), _float(), scale)

    def standard_exponential(self, size=None):
        return self._draw(_exponential, _shape(size), _float(), 1.0)

    def poisson(self, lam=1.0, size=None):
        _require((_param(lam),), lambda v: np.all(v >= 0), "lam < 0")
        return self._draw(_poisson, _shape(size, _param(lam)), _int(), lam)

    def binomial(self, n, p, size=None):
        _require((_param(n),), lambda v: np.all(v >= 0), "n < 0")
        _require((_param(p),), lambda v: np.all((v >= 0) & (v <= 1)), "p < 0, p > 1 or p is NaN")
        return self._draw(_binomial, _shape(size, _param(n), _param(p)), _int(), n, p)

    def beta(self, a, b, size=None):
        _require((_param(a),), lambda v: np.all(v > 0), "a <= 0")
        _require((_param(b),), lambda v: np.all(v > 0), "b <= 0")
        return self._draw(_beta, _shape(size, _param(a), _param(b)), _float(), a, b)

    def gamma(self, shape, scale=1.0, size=None):
        _require((_param(shape),), lambda v: np.all(v >= 0), "shape < 0")
        _require((_param(scale),), lambda v: np.all(v >= 0), "scale < 0")
        return self._draw(_gamma, _shape(size, _param(shape), _param(scale)), _float(), shape, scale)

    def standard_gamma(self, shape, size=None):
        _require((_param(shape),), lambda v: np.all(v >= 0), "shape < 0")
        return self._draw(_gamma, _shape(size, _param(shape)), _float(), shape, 1.0)

    def lognormal(self, mean=0.0, sigma=1.0, size=None):
        _require((_param(sigma),), lambda v: np.all(v >= 0), "sigma < 0")
        return self._draw(_lognormal, _shape(size, _param(mean), _param(sigma)), _float(),
                          mean, sigma)

    def laplace(self, loc=0.0, scale=1.0, size=None):
        return self._draw(_laplace, _shape(size, _param(loc), _param(scale)), _float(), loc, scale)

    def logistic(self, loc=0.0, scale=1.0, size=None):
        return self._draw(_logistic, _shape(size, _param(loc), _param(scale)), _float(), loc, scale)

    def gumbel(self, loc=0.0, scale=1.0, size=None):
        return self._draw(_gumbel, _shape(size, _param(loc), _param(scale)), _float(), loc, scale)

    def chisquare(self, df, size=None):
        _require((_param(df),), lambda v: np.all(v > 0), "df <= 0")
        return self._draw(_chisquare, _shape(size, _param(df)), _float(), df)

    def standard_t(self, df, size=None):
        _require((_param(df),), lambda v: np.all(v > 0), "df <= 0")
        return self._draw(_standard_t, _shape(size, _param(df)), _float(), df)

    def standard_cauchy(self, size=None):
        return self._draw(_standard_cauchy, _shape(size), _float())

    def pareto(self, a, size=None):
        _require((_param(a),), lambda v: np.all(v > 0), "a <= 0")
        return self._draw(_pareto, _shape(size, _param(a)), _float(), a)

    def weibull(self, a, size=None):
        _require((_param(a),), lambda v: np.all(v >= 0), "a < 0")
        return self._draw(_weibull, _shape(size, _param(a)), _float(), a)

    def rayleigh(self, scale=1.0, size=None):
        _require((_param(scale),), lambda v: np.all(v >= 0), "scale < 0")
        return self._draw(_rayleigh, _shape(size, _param(scale)), _float(), scale)

    def geometric(self, p, size=None):
        _require((_param(p),), lambda v: np.all((v > 0) & (v <= 1)), "p <= 0, p > 1 or p is NaN")
        return self._draw(_geometric, _shape(size, _param(p)), _int(), p)

    def triangular(self, left, mode, right, size=None):
        _require((_param(left), _param(mode), _param(right)),
                 lambda lo, mode, hi: np.all((lo <= mode) & (mode <= hi) & (lo < hi)),
                 "left > mode, mode > right, or left == right")
        params = (_param(left), _param(mode), _param(right))
        return self._draw(_triangular, _shape(size, *params), _float(), *params)

    def power(self, a, size=None):
        _require((_param(a),), lambda v: np.all(v > 0), "a <= 0")
        return self._draw(_power, _shape(size, _param(a)), _float(), a)

    def f(self, dfnum, dfden, size=None):
        return self._draw(_f, _shape(size, _param(dfnum), _param(dfden)), _float(), dfnum, dfden)

    def wald(self, mean, scale, size=None):
        _require((_param(mean),), lambda v: np.all(v > 0), "mean <= 0")
        _require((_param(scale),), lambda v: np.all(v > 0), "scale <= 0")
        return self._draw(_wald, _shape(size, _param(mean), _param(scale)), _float(), mean, scale)

    def dirichlet(self, alpha, size=None):
        alpha = jnp.asarray(_param(alpha), dtype=_float())
        _require((alpha,), lambda v: np.all(v > 0), "alpha <= 0")
        return self._draw(_dirichlet, _shape(size), _float(), alpha)

    def multivariate_normal(self, mean, cov, size=None, check_valid="warn", tol=1e-8, **kwargs):
        mean = jnp.asarray(_param(mean), dtype=_float())
        cov = jnp.asarray(_param(cov), dtype=_float())
        if mean.ndim != 1 or cov.shape != (mean.shape[0],) * 2:
            raise ValueError("mean must be 1 dimensional and cov must be 2 dimensional and square, "
                             "with the length of mean")
        return self._draw(_multivariate_normal, _shape(size), _float(), mean, cov)

    def multinomial(self, n, pvals, size=None):
        pvals = jnp.asarray(_param(pvals), dtype=_float())
        shape = _shape(size) + pvals.shape[-1:]
        return self._draw(_multinomial, shape, _int(), n, pvals)

    def negative_binomial(self, n, p, size=None):
        return self._host("negative_binomial", n, p, size=size)

    def hypergeometric(self, ngood, nbad, nsample, size=None):
        return self._host("hypergeometric", ngood, nbad, nsample, size=size)

    def logseries(self, p, size=None):
        return self._host("logseries", p, size=size)

    def zipf(self, a, size=None):
        return self._host("zipf", a, size=size)

    def vonmises(self, mu, kappa, size=None):
        return self._host("vonmises", mu, kappa, size=size)

    def noncentral_chisquare(self, df, nonc, size=None):
        return self._host("noncentral_chisquare", df, nonc, size=size)

    def noncentral_f(self, dfnum, dfden, nonc, size=None):
        return self._host("noncentral_f", dfnum, dfden, nonc, size=size)

    def bytes(self, length):
        values = self._draw(_integers, (operator.index(length),), np.int32, 0, 256)
        return np.asarray(values).astype(np.uint8).tobytes()

    # --- choice and permutations -------------------------------------------------------

    def _choice(self, a, size, replace, p, axis):
        if isinstance(a, (int, np.integer)):
            population, a_value, n = int(a), None, int(a)
            if n <= 0:
                raise ValueError("a must be a positive integer unless no samples are taken")
        else:
            a_value = jnp.asarray(_param(a))
            if a_value.ndim == 0:
                raise ValueError("a must be a sequence or an integer, not a 0-d array")
            population, n = None, a_value.shape[axis]
        shape = _shape(size) if size is not None else _NO_SIZE
        count = int(np.prod(shape))
        if not replace and count > n:
            raise ValueError("Cannot take a larger sample than population when replace is False")
        if p is not None:
            p = jnp.asarray(_param(p), dtype=_float())
            if p.shape != (n,):
                raise ValueError("a and p must have same size")
            _require((p,), lambda v: np.all(v >= 0) and abs(v.sum() - 1) < 1e-8,
                     "probabilities are not non-negative or do not sum to 1")
        dtype = _int() if a_value is None else a_value.dtype
        result = self._draw(_choice, shape, dtype, a_value, p,
                            options=(population, bool(replace), axis))
        if a_value is not None and shape is _NO_SIZE and not isinstance(result, JaxArray):
            return np.dtype(dtype).type(result)   # an element of an array: NumPy's scalar
        return result

    def _permutation(self, x, axis=0, independent=False):
        if isinstance(x, (int, np.integer)):
            return self._draw(_permutation, (), _int(), None,
                              options=(int(x), axis, independent))
        value = jnp.asarray(_param(x))
        if value.ndim == 0:
            raise TypeError("x must be an integer or at least 1-dimensional")
        return self._draw(_permutation, (), value.dtype, value,
                          options=(None, axis, independent))

    def _shuffle(self, x, axis=0):
        if isinstance(x, np.ndarray):
            x[...] = np.asarray(self._permutation(x, axis))
            return None
        if type(x) is not JaxArray:
            raise TypeError(f"shuffle: x must be a JaxArray or numpy.ndarray (it is shuffled in "
                            f"place), got {type(x).__name__}")
        x.value = self._permutation(x, axis).value
        return None

    def get_state(self):
        """The stream's state: ``("jax-threefry", key)`` with the key as a NumPy array."""
        return ("jax-threefry", np.asarray(self._key))

    def set_state(self, state):
        """Restore a state from :meth:`get_state`."""
        name, key = state[0], np.asarray(state[1])
        if name != "jax-threefry" or key.shape != self._key.shape:
            raise ValueError("set_state: state must come from shim's get_state() on this backend")
        self._key.value = jnp.asarray(key, dtype=self._key.dtype)


class RandomState(_Stream):
    """NumPy's legacy random API (``numpy.random.RandomState``) on JAX.

    Parameters
    ----------
    seed : int or None
        ``None`` seeds from the operating system's entropy.
    """

    def seed(self, seed=None) -> None:
        """Reseed the stream in place (the key array keeps its identity)."""
        self._key.value = _seed_key(seed)

    def random_sample(self, size=None):
        return self._draw(_uniform, _shape(size), _float(), 0.0, 1.0)

    random = ranf = sample = random_sample

    def rand(self, *dims):
        return self._draw(_uniform, tuple(map(operator.index, dims)) or _NO_SIZE, _float(),
                          0.0, 1.0)

    def randn(self, *dims):
        return self._draw(_normal, tuple(map(operator.index, dims)) or _NO_SIZE, _float(),
                          0.0, 1.0)

    def randint(self, low, high=None, size=None, dtype=int):
        if high is None:
            low, high = 0, low
        _require((_param(low), _param(high)), lambda lo, hi: np.all(lo < hi), "low >= high")
        dtype = jax.dtypes.canonicalize_dtype(np.dtype(dtype))
        return self._draw(_integers, _shape(size, _param(low), _param(high)), dtype, low, high)

    def choice(self, a, size=None, replace=True, p=None):
        return self._choice(a, size, replace, p, 0)

    def permutation(self, x):
        return self._permutation(x)

    def shuffle(self, x):
        return self._shuffle(x)


class Generator(_Stream):
    """``numpy.random.Generator``'s methods on JAX; make one with :func:`default_rng`."""

    def random(self, size=None, dtype=np.float64, out=None):
        return _into(out, self._draw(_uniform, _shape(size), _float_dtype(dtype), 0.0, 1.0))

    def standard_normal(self, size=None, dtype=np.float64, out=None):
        return _into(out, self._draw(_normal, _shape(size), _float_dtype(dtype), 0.0, 1.0))

    def integers(self, low, high=None, size=None, dtype=np.int64, endpoint=False):
        if high is None:
            low, high = 0, low
        if endpoint:
            high = _param(high) + 1
        _require((_param(low), _param(high)), lambda lo, hi: np.all(lo < hi),
                 "low > high" if endpoint else "low >= high")
        dtype = jax.dtypes.canonicalize_dtype(np.dtype(dtype))
        result = self._draw(_integers, _shape(size, _param(low), _param(high)), dtype, low, high)
        return dtype.type(result) if type(result) is int else result   # NumPy's np.int64

    def choice(self, a, size=None, replace=True, p=None, axis=0, shuffle=True):
        return self._choice(a, size, replace, p, axis)

    def permutation(self, x, axis=0):
        return self._permutation(x, axis)

    def permuted(self, x, axis=None, out=None):
        value = jnp.asarray(_param(x))
        if axis is None:
            result = self._permutation(value.ravel()).value.reshape(value.shape)
        else:
            result = self._permutation(value, axis, independent=True).value
        return _into(out, wrap(result))

    def shuffle(self, x, axis=0):
        return self._shuffle(x, axis)

    def spawn(self, n_children):
        """``n_children`` independent generators seeded from this one."""
        seeds = np.asarray(self._draw(_integers, (n_children,), np.int64, 0, 2**62))
        return [Generator(int(s)) for s in seeds]

    def __repr__(self) -> str:
        return "Generator(jax-threefry)"


def _float_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"Unsupported dtype {dtype} for random floats; allowed: float32, float64")
    return jax.dtypes.canonicalize_dtype(dtype)


def _into(out, result):
    if out is None:
        return result
    out[...] = result
    return out


def _wrap_host(result):
    if isinstance(result, (np.ndarray, np.generic)):
        return wrap(jnp.asarray(result))
    return result


def _with_device(method):
    """``method`` with a keyword ``device=``: a ``jax.Device`` or a sharding to draw onto.

    The numbers are those drawn without it; each device computes its part.
    """
    @functools.wraps(method)
    def draw(self, *args, device=None, **kwargs):
        if device is None:
            return method(self, *args, **kwargs)
        token = _DEVICE.set(as_sharding(device, f"shim.random.{method.__name__}"))
        try:
            return method(self, *args, **kwargs)
        finally:
            _DEVICE.reset(token)

    signature = inspect.signature(method)
    params = list(signature.parameters.values())
    at = len(params) - (params[-1].kind is inspect.Parameter.VAR_KEYWORD)
    params.insert(at, inspect.Parameter("device", inspect.Parameter.KEYWORD_ONLY, default=None))
    draw.__signature__ = signature.replace(parameters=params)
    return draw


#: Public methods that draw no array a user could place.
_NOT_DRAWS = frozenset({"seed", "get_state", "set_state", "spawn", "shuffle", "bytes"})

for _cls in (RandomState, Generator):
    for _name in dir(_cls):
        if not _name.startswith("_") and _name not in _NOT_DRAWS and callable(getattr(_cls, _name)):
            setattr(_cls, _name, _with_device(getattr(_cls, _name)))
del _cls, _name


def default_rng(seed=None) -> Generator:
    """A new :class:`Generator` (``numpy.random.default_rng`` on JAX)."""
    if isinstance(seed, Generator):
        return seed
    return Generator(seed)


for _cls in (_Stream, RandomState, Generator):     # draws run under shim's 64-bit setting
    scope_class(_cls)
default_rng = scoped(default_rng)

#: The stream behind the module-level functions (``shim.random.normal``...).
DEFAULT = RandomState()
