"""Speed of the Hopfield model: capacity sweep, one update of a 100 x 100 network, neurodynex3.

Run as ``python bench/bench_hopfield.py``; one line per measurement with its target.
"""
from benchkit import report, timed
from neurodynex_gui.models import hopfield as hf

CAPACITY = dict(N=10, P_values=range(1, 31), trials=20, flip_ratio=0.1, t_max=20)


def best_of(repeats, fn):
    """Shortest wall time of ``repeats`` calls, in seconds."""
    return min(timed(fn) for _ in range(repeats))


def big_network(mode):
    net = hf.HopfieldNetwork(100, mode=mode, seed=0)
    net.make_pattern(P=100)
    net.cue(0, 0.2)
    return net


def neurodynex3_capacity(trials):
    """The capacity workload through neurodynex3's HopfieldNetwork, ``trials`` per P."""
    from neurodynex3.hopfield_network import network, pattern_tools

    factory = pattern_tools.PatternFactory(CAPACITY["N"])
    n = CAPACITY["N"] ** 2
    for P in CAPACITY["P_values"]:
        for _ in range(trials):
            net = network.HopfieldNetwork(n)
            patterns = factory.create_random_pattern_list(P)
            net.store_patterns(patterns)
            net.set_state_from_pattern(pattern_tools.flip_n(patterns[0], round(0.1 * n)))
            net.run(CAPACITY["t_max"])


def main():
    ours = best_of(3, lambda: hf.capacity_experiment(**CAPACITY, seed=0))
    report("capacity 10x10, P = 1..30, 20 trials", 1e3 * ours, "ms", "<= 2000 ms")

    sync = big_network("sync")
    report("one sync update, 100x100, P = 100", 1e3 * best_of(30, sync.dynamic), "ms",
           "<= 5 ms")
    report("one animation frame (update, overlaps, energy), 100x100",
           1e3 * best_of(30, lambda: list(sync.iterate(1))), "ms",
           "<= 10 ms (30 frames/s with drawing)")
    report("one async sweep, 100x100, P = 100", 1e3 * best_of(3, big_network("async").dynamic),
           "ms", "<= 100 ms")

    try:
        import neurodynex3.hopfield_network.network  # noqa: F401
    except ImportError:
        print("neurodynex3 comparison skipped: neurodynex3 is not importable")
        return
    trials = 2  # neurodynex3 builds its weights in a Python double loop: time 2 trials, scale
    theirs = best_of(1, lambda: neurodynex3_capacity(trials)) * CAPACITY["trials"] / trials
    report(f"neurodynex3 capacity, same workload (from {trials} of 20 trials)", 1e3 * theirs,
           "ms")
    report("  speed-up over neurodynex3", theirs / ours, "x")


if __name__ == "__main__":
    main()
