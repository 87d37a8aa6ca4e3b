"""The vectorised threshold search against thresholds known in advance."""
import numpy as np
import pytest

from neurodynex_gui.models.search import lowest_firing


def step_neuron(thresholds):
    """Group g 'fires' (one spike) at amplitudes >= thresholds[g]; counts how often it ran."""
    calls = []

    def fires(amps):
        calls.append(amps.shape)
        fired = amps >= np.asarray(thresholds)[:, None]
        return fired.astype(int), fired

    return fires, calls


@pytest.mark.parametrize("threshold", [0.0137, 3.2171, 77.7])
def test_brackets_the_threshold_to_the_resolution(threshold):
    fires, calls = step_neuron([threshold])
    search = lowest_firing(fires, resolution=1e-3, start=1.0, ceiling=1e3, neurons=21)
    assert search.low[0] < threshold <= search.high[0]
    assert search.high[0] - search.low[0] <= 1e-3
    assert all(shape == (1, 21) for shape in calls)


def test_several_groups_in_one_run_and_nothing_below_the_ceiling():
    fires, calls = step_neuron([0.5, 2.5, 5000.0])
    search = lowest_firing(fires, resolution=0.01, groups=3, start=1.0, ceiling=100.0)
    assert search.answer[0] == pytest.approx(0.5, abs=0.01)
    assert search.answer[1] == pytest.approx(2.5, abs=0.01)
    assert np.isnan(search.answer[2])
    assert all(shape == (3, 46) for shape in calls)


def test_firing_without_input_gives_zero():
    fires, _ = step_neuron([0.0])
    assert lowest_firing(fires, resolution=0.01, start=1.0, ceiling=10.0).answer[0] == 0.0
