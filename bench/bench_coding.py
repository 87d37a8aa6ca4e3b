"""The Coding tab's analyses at the sizes of issue 21.

- rate, CV, Fano factor and spectrum of a 1 s raster of 1000 units (Poisson at 20 Hz, the
  size of a Brunel network run): target <= 1 s;
- transfer entropy between 10 pairs with 100 surrogates each (1 s at 1 ms bins): <= 2 s;
- motif counts (and the rest of ``connectivity``) of a 1000-node graph with p = 0.1: <= 2 s;
- one whole analysis of the tab's default run (the Run button), and a rate-window drag.

Run: python bench/bench_coding.py
"""
import statistics

import numpy as np
from benchkit import report, timed
from neurodynex_gui.models import coding
from neurodynex_gui.models.coding import analysis

REPEATS = 5


def median_s(fn):
    return statistics.median(timed(fn) for _ in range(REPEATS))


def rate_part(data):
    trains = data.trains()
    coding.psth(data.times_ms, data.t_end_ms, 10.0, n=data.n_units)
    coding.sliding_rate(data.times_ms, data.t_end_ms, 10.0, n=data.n_units)
    coding.cv(trains)
    coding.fano_curve(trains, data.t_end_ms, np.linspace(25, 500, 20))
    coding.power_spectrum(data.times_ms, data.t_end_ms, 1.0, n=data.n_units)


def transfer_pairs(bins):
    for i in range(10):
        coding.transfer_entropy_test(bins[i], bins[i + 10], surrogates=100, seed=i)


def main():
    raster = coding.poisson_spikes(20.0, 1000.0, 1000, seed=1)
    report(f"rate, CV, Fano, spectrum: 1000 units, 1 s, {len(raster.times_ms)} spikes",
           median_s(lambda: rate_part(raster)), "s", "<= 1 s")
    bins = np.minimum(raster.binned(1.0), 1).astype(int)
    report("transfer entropy, 10 pairs x 100 surrogates, 1000 bins",
           median_s(lambda: transfer_pairs(bins)), "s", "<= 2 s")
    graph = coding.random_graph(1000, 0.1, seed=1)
    report("motif counts, 1000 nodes, p = 0.1", median_s(lambda: coding.motif_counts(graph)),
           "s", "<= 2 s")
    report("connectivity (degrees, clustering, motifs), 1000 nodes",
           median_s(lambda: coding.connectivity(graph)), "s", "<= 2 s")
    report("whole analysis of the tab's default run", median_s(coding.analyse), "s")
    data = coding.generate(coding.SourceParams())
    report("rate-window drag (PSTH + sliding rate), default run",
           median_s(lambda: analysis.rate_part(data, 37.0)) * 1e3, "ms")


if __name__ == "__main__":
    main()
