"""Neural coding and information (Neuronal Dynamics ch. 7, 10-11; the note's "Neural Coding",
"Information Theory", "Network Motifs" and ``NeuralCircuit``): the scripting API of the Coding
tab.

    from neurodynex_gui.models import coding
    data = coding.poisson_spikes(rate_Hz=20., t_end=2000., n_units=20, seed=1)
    t, r = coding.psth(data.times_ms, data.t_end_ms, window_ms=50., n=data.n_units)  # ms, Hz
    coding.cv(data.trains())                                      # about 1 for Poisson
    coding.mutual_information(s, r, correction="panzeri-treves")  # bits
    coding.transfer_entropy(x, y, lag=1)                          # T_{X->Y}, bits
    coding.motif_counts(graph)                                    # networkx graph or matrix
    coding.NeuralCircuit().analyze_circuit(graph, {"times": t, "ids": i}, {})

Times in ms, rates in Hz, angles in radians (degrees where a name says ``_deg``), information
in bits. No scipy; networkx and pynwb are imported only by the functions that need them.
"""
from .analysis import CodingResult, analyse
from .circuit import (MOTIFS, CircuitParams, NeuralCircuit, adjacency, connectivity,
                      expected_motifs, motif_counts, random_graph, to_graph)
from .information import (CORRECTIONS, InformationCurve, InformationParams, TransferTest,
                          binary_entropy, channel_capacity, coding_efficiency, entropy,
                          information_vs_trials, joint_table, mutual_information,
                          panzeri_treves_bias, transfer_entropy, transfer_entropy_test)
from .population import (DecodingCurve, PopulationParams, angle_difference, bayes_decode,
                         decoding_error, fisher_information, log_posterior, population_vector)
from .rate import (RateParams, cv, fano_curve, fano_factor, isis, power_spectrum, psth,
                   sliding_rate, spike_phases)
from .spike_data import (NWB_MISSING, SourceParams, SpikeData, as_spike_data, couple, generate,
                         inhomogeneous_poisson, load_nwb, load_spikes, place_cells,
                         poisson_spikes, save_nwb, save_spikes, tuned_population,
                         von_mises_tuning)

__all__ = ["CORRECTIONS", "CircuitParams", "CodingResult", "DecodingCurve", "InformationCurve",
           "InformationParams", "MOTIFS", "NWB_MISSING", "NeuralCircuit", "PopulationParams",
           "RateParams", "SourceParams", "SpikeData", "TransferTest", "adjacency", "analyse",
           "angle_difference", "as_spike_data", "bayes_decode", "binary_entropy",
           "channel_capacity", "coding_efficiency", "connectivity", "couple", "cv",
           "decoding_error", "entropy", "expected_motifs", "fano_curve", "fano_factor",
           "fisher_information", "generate", "information_vs_trials", "inhomogeneous_poisson",
           "isis", "joint_table", "load_nwb", "load_spikes", "log_posterior", "motif_counts",
           "mutual_information", "panzeri_treves_bias", "place_cells", "poisson_spikes",
           "population_vector", "power_spectrum", "psth", "random_graph", "save_nwb", "save_spikes",
           "sliding_rate", "spike_phases", "to_graph", "transfer_entropy", "transfer_entropy_test",
           "tuned_population", "von_mises_tuning"]
