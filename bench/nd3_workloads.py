"""The bench workloads written with neurodynex3, as a student would, run in neurodynex3's own
environment (its own brian2, default code generation): never imported by our benches.

    ND3_PYTHON nd3_workloads.py WORKLOAD [--dt MS] [--repeats N] [--count N]

prints one JSON line: {"times_s": [...], "result": ...}. The workloads mirror ours in
bench_lif.py, bench_hh.py and bench_neuron_type.py: the same parameters, currents switched on
at the same times, the same dt.
"""
import argparse
import json
import time

import brian2 as b2
import numpy as np

BOOK_LIF = dict(v_rest=-70 * b2.mV, v_reset=-65 * b2.mV, firing_threshold=-50 * b2.mV,
                membrane_resistance=10 * b2.Mohm, membrane_time_scale=8 * b2.ms,
                abs_refractory_period=2 * b2.ms)


def lif_run(amplitude_nA=2.5):
    """400 ms, a step from 100 to 300 ms; the spike count."""
    from neurodynex3.leaky_integrate_and_fire import LIF
    from neurodynex3.tools import input_factory

    current = input_factory.get_step_current(1000, 2999, 0.1 * b2.ms, amplitude_nA * b2.nA)
    _, spikes = LIF.simulate_LIF_neuron(current, simulation_time=400 * b2.ms, **BOOK_LIF)
    return int(spikes.num_spikes)


def lif_fi(count=50):
    """Rates (Hz, mean ISI) for steps of 0 to 5 nA lasting the whole 500 ms: a loop of runs."""
    from neurodynex3.leaky_integrate_and_fire import LIF
    from neurodynex3.tools import input_factory

    rates = []
    for amplitude in np.linspace(0.0, 5.0, count):
        current = input_factory.get_step_current(0, 4999, 0.1 * b2.ms, amplitude * b2.nA)
        _, spikes = LIF.simulate_LIF_neuron(current, simulation_time=500 * b2.ms, **BOOK_LIF)
        times = spikes.t / b2.ms
        rates.append(1000.0 / np.mean(np.diff(times)) if len(times) > 1 else 0.0)
    return rates


def hh_spikes(amplitude_uA):
    """The default HH step: 20 to 180 ms in a 200 ms run; upward crossings of 50 mV."""
    from neurodynex3.hodgkin_huxley import HH
    from neurodynex3.tools import input_factory

    current = input_factory.get_step_current(200, 1799, 0.1 * b2.ms, amplitude_uA * b2.uA)
    v = HH.simulate_HH_neuron(current, 200 * b2.ms).vm[0] / b2.mV
    return int(((v[:-1] < 50) & (v[1:] >= 50)).sum())


def hh_run():
    return hh_spikes(7.0)


def hh_threshold():
    """The lowest step amplitude giving a spike, by bisection on [0, 20] uA to 0.01 uA."""
    low, high = 0.0, 20.0
    while high - low > 0.01:
        middle = 0.5 * (low + high)
        low, high = (low, middle) if hh_spikes(middle) else (middle, high)
    return high


def _neuron(kind):
    from neurodynex3.neuron_type import neurons

    return neurons._NeuronTypeOne() if kind == 1 else neurons._NeuronTypeTwo()


def ntype_step(kind):
    """The exercise's step: 0.5 pA from 20 to 270 ms in a 300 ms run; v (mV)."""
    from neurodynex3.tools import input_factory

    current = input_factory.get_step_current(200, 2699, 0.1 * b2.ms, 0.5 * b2.pA)
    return float(np.max(_NEURONS[kind].run(current, 300 * b2.ms).v[0] / b2.mV))


def ntype_fi(count=100):
    """Rates (Hz, mean ISI of upward crossings of 0.5 mV) of both types for steps of 0 to
    1 pA from 100 ms to the end of a 1 s run: 2 x ``count`` runs."""
    from neurodynex3.tools import input_factory

    rates = []
    for kind in (1, 2):
        for amplitude in np.linspace(0.0, 1.0, 100)[np.linspace(0, 99, count).round().astype(int)]:
            current = input_factory.get_step_current(1000, 9999, 0.1 * b2.ms,
                                                     amplitude * b2.pA)
            monitor = _NEURONS[kind].run(current, 1000 * b2.ms)
            t, v = monitor.t / b2.ms, monitor.v[0] / b2.mV
            spikes = t[1:][(v[:-1] < 0.5) & (v[1:] >= 0.5)]
            rates.append(1000.0 / np.mean(np.diff(spikes)) if len(spikes) > 1 else 0.0)
    return rates


def adex_run():
    """AdEx with neurodynex3's defaults (the initial-burst set), 65 pA from 10 ms, 500 ms at
    the clock the workload's --dt sets (its module sets 0.01 ms on import): the spike count."""
    dt = b2.defaultclock.dt
    from neurodynex3.adex_model import AdEx
    from neurodynex3.tools import input_factory

    b2.defaultclock.dt = dt
    steps = int(round(500 * b2.ms / dt))
    current = input_factory.get_step_current(int(round(10 * b2.ms / dt)), steps - 1, dt,
                                             65 * b2.pA)
    _, spikes = AdEx.simulate_AdEx_neuron(I_stim=current, simulation_time=500 * b2.ms)
    return int(spikes.num_spikes)


def cable_default():
    """neurodynex3's default passive cable (200 compartments, 5 ms, its 0.2 nA pulse); the
    peak potential (mV)."""
    from neurodynex3.cable_equation import passive_cable

    monitor, _ = passive_cable.simulate_passive_cable()
    return float(np.max(monitor.v / b2.mV))


def cable_long():
    """5 mm, 1000 compartments, 100 ms, a 0.1 nA step at the middle; the peak (mV)."""
    from neurodynex3.cable_equation import passive_cable
    from neurodynex3.tools import input_factory

    current = input_factory.get_step_current(0, 100000, unit_time=b2.us, amplitude=0.1 * b2.nA)
    monitor, _ = passive_cable.simulate_passive_cable(
        current_injection_location=[2.5 * b2.mm], input_current=current, length=5 * b2.mm,
        nr_compartments=1000, simulation_time=100 * b2.ms)
    return float(np.max(monitor.v / b2.mV))


def brunel_run(count=None):
    """neurodynex3's Brunel network with its defaults for ``count`` ms (default 1000); the
    mean rate of the population (Hz)."""
    from neurodynex3.brunel_model import LIF_spiking_network

    rate_monitor, _, _, _ = LIF_spiking_network.simulate_brunel_network(
        sim_time=(count or 1000) * b2.ms)
    return float(np.mean(rate_monitor.rate / b2.Hz))


def wm_run(count=None):
    """neurodynex3's working-memory ring with its defaults (its module sets dt 0.05 ms on
    import) for ``count`` ms (default 800); the number of excitatory spikes."""
    from neurodynex3.working_memory_network import wm_model

    _, spikes, *_ = wm_model.simulate_wm(sim_time=(count or 800) * b2.ms)
    return {"spikes": int(spikes.num_spikes), "dt_ms": float(b2.defaultclock.dt / b2.ms)}


_NEURONS = {}
WORKLOADS = {"brunel_run": brunel_run, "wm_run": wm_run, "adex_run": adex_run,
             "cable_default": cable_default, "cable_long": cable_long, "lif_run": lif_run,
             "lif_fi": lif_fi, "hh_run": hh_run,
             "hh_threshold": hh_threshold, "type1_step": lambda: ntype_step(1),
             "type2_step": lambda: ntype_step(2), "ntype_fi": ntype_fi}

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("--dt", type=float, default=0.1, help="brian2's defaultclock.dt, ms")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--count", type=int, help="runs in a loop workload")
    args = parser.parse_args()
    b2.defaultclock.dt = args.dt * b2.ms
    if args.workload in ("type1_step", "type2_step", "ntype_fi"):
        _NEURONS.update({1: _neuron(1), 2: _neuron(2)})
    call = WORKLOADS[args.workload]
    kwargs = {"count": args.count} if args.count else {}
    times, cpus, result = [], [], None
    for _ in range(args.repeats):
        start, cpu = time.perf_counter(), time.process_time()
        result = call(**kwargs)
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    print(json.dumps({"times_s": times, "cpu_s": cpus, "result": result,
                      "target": b2.prefs.codegen.target, "brian2": b2.__version__}))
