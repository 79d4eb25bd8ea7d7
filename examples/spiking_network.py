"""A network of leaky integrate-and-fire neurons, excitatory and inhibitory.

The network is a class whose state lives in array attributes: membrane
potentials ``self.v``, the spikes of the last step ``self.spike``, refractory
counters ``self.refractory``, the time of each neuron's last spike
``self.last_spike`` and the spike count of each neuron ``self.n_spikes``;
the fraction of neurons active at each step is kept in ``self.activity``. The
random sparse connectivity matrix ``W`` (``W[i, j]``: weight from neuron ``j``
to neuron ``i``; positive columns for excitatory neurons, negative for
inhibitory ones, Dale's law) is given at construction.

Every step integrates ``tau dv/dt = -v + i_ext + W @ spike`` with Euler's
method; a neuron whose potential crosses ``v_th`` spikes, is reset to
``v_reset`` and is clamped there for ``t_ref`` milliseconds.
"""
import time

import numpy as np


class LIFNetwork:
    """Leaky integrate-and-fire neurons coupled by the weight matrix ``W``.

    ``v0`` gives the initial membrane potentials; times are in milliseconds.
    """

    def __init__(self, W, v0, tau=20.0, dt=0.1, v_th=1.0, v_reset=0.0, t_ref=2.0):
        self.W = W
        self.tau = tau
        self.dt = dt
        self.v_th = v_th
        self.v_reset = v_reset
        self.n_ref = int(round(t_ref / dt))
        self.v = v0.copy()
        self.spike = np.zeros_like(v0, dtype=bool)
        self.refractory = np.zeros_like(v0, dtype=int)
        self.last_spike = np.full_like(v0, -np.inf)
        self.n_spikes = np.zeros_like(v0, dtype=int)
        self.t = 0.0
        self.activity = []
        self.recorded = []

    def update(self, i_ext):
        """Advance the network by one time step ``dt`` under input current ``i_ext``."""
        dt, tau = self.dt, self.tau
        self.v += dt * (-self.v + i_ext + self.W @ self.spike) / tau
        # Neurons in their refractory period stay at rest.
        resting = self.refractory > 0
        self.v[resting] = self.v_reset
        self.refractory[resting] -= 1
        self.t += dt
        self.spike = self.v > self.v_th
        self.v[self.spike] = self.v_reset
        self.refractory[self.spike] = self.n_ref
        self.last_spike[self.spike] = self.t
        self.n_spikes += self.spike
        return self.spike

    def run(self, n_steps, i_ext, record=False):
        """Run ``n_steps`` steps with a constant input; return the spike count of each step.

        With ``record=True`` the indices of the neurons that spiked are kept
        for every step, for :meth:`raster`.
        """
        counts = []
        for _ in range(n_steps):
            self.update(i_ext)
            counts.append(self.spike.sum())
            self.activity.append(self.spike.mean())
            if record:
                self.recorded.append((self.t, np.flatnonzero(self.spike)))
        return np.array([int(c) for c in counts])

    def raster(self):
        """Spike times (ms) and neuron indices of the recorded steps, as two flat arrays."""
        times = [np.full_like(neurons, t, dtype=float) for t, neurons in self.recorded]
        neurons = [neurons for t, neurons in self.recorded]
        return np.concatenate(times), np.concatenate(neurons)

    def population_rate(self):
        """Instantaneous population rate of every step so far, in Hz."""
        return np.stack(self.activity) / (self.dt * 1e-3)

    def rates(self):
        """Mean firing rate of each neuron so far, in Hz (dt is in ms)."""
        return self.n_spikes / (self.t * 1e-3)


def random_connectivity(rng, n_exc, n_inh, p=0.1, w_exc=1.0, w_inh=-4.0):
    """Sparse random weights obeying Dale's law, no self-connections."""
    n = n_exc + n_inh
    connected = rng.random((n, n)) < p
    np.fill_diagonal(connected, False)
    W = np.zeros((n, n))
    W[:, :n_exc] = w_exc
    W[:, n_exc:] = w_inh
    W *= connected
    W *= rng.uniform(0.5, 1.5, size=(n, n))
    return W


def initial_state(seed=0, n_exc=160, n_inh=40):
    """Connectivity, initial potentials and a heterogeneous constant drive."""
    rng = np.random.default_rng(seed)
    W = random_connectivity(rng, n_exc, n_inh)
    v0 = rng.uniform(0.0, 1.0, size=n_exc + n_inh)
    i_ext = rng.normal(1.1, 0.1, size=n_exc + n_inh)
    return W, v0, i_ext


def main():
    W, v0, i_ext = initial_state(seed=0, n_exc=800, n_inh=200)
    net = LIFNetwork(W, v0)
    start = time.perf_counter()
    counts = net.run(1000, i_ext, record=True)
    elapsed = time.perf_counter() - start
    rates = net.rates()
    print(f"LIF network, 800 E + 200 I neurons, {net.t:.0f} ms in {elapsed:.2f} s")
    print(f"  {counts.sum()} spikes; per step: mean {counts.mean():.2f}, max {counts.max()}")
    print(f"  population rate: peak {net.population_rate().max():.1f} Hz")
    print(f"  mean rate: excitatory {rates[:800].mean():.1f} Hz, "
          f"inhibitory {rates[800:].mean():.1f} Hz")
    times, neurons = net.raster()
    first = times.argmin()
    print(f"  first spike: neuron {neurons[first]} at {times[first]:.1f} ms; "
          f"last: neuron {neurons[-1]} at {times[-1]:.1f} ms")


if __name__ == "__main__":
    main()
