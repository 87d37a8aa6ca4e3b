"""Custom model: equations typed as text give the numbers of the closed-form models."""
from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neurodynex_gui.models import custom, custom_run
from neurodynex_gui.models import custom_spec as cs


def lif_spike_times(v_rest, v_reset, v_th, R, I, tau, t_ref, t_on, t_off, dt=None):
    """Book eq. 1.11: from v0 to threshold in tau ln((RI - (v0 - rest)) / (RI - (th - rest))).

    With ``dt``, on brian2's time grid: a crossing during the step from t to t + dt is a
    spike at t, and the refractory period counts from there."""
    times, t, v0 = [], t_on, v_rest
    while True:
        t += tau * math.log((R * I - (v0 - v_rest)) / (R * I - (v_th - v_rest)))
        if dt is not None:
            t = math.ceil(t / dt - 1e-9) * dt - dt
        if t >= t_off:
            return np.array(times)
        times.append(t)
        t += t_ref
        v0 = v_reset


def preset_model(name, **changes):
    text, values, stimulus = cs.PRESETS[name]
    model = custom.CustomModel(text.equations, text.threshold, text.reset, text.refractory,
                               text.current, {**values, **changes})
    return model, stimulus


def test_lif_as_equations_spikes_as_the_closed_form():
    model, stimulus = preset_model("leaky integrate-and-fire")
    result = model.simulate(stimulus)
    # -70 mV rest, -65 reset, -50 threshold, 10 MOhm * 2.5 nA, tau 8 ms, 2 ms, 20-170 ms
    expected = lif_spike_times(-70, -65, -50, 10, 2.5, 8, 2, 20, 170)
    assert result.spike_counts == [len(expected)]
    on_grid = lif_spike_times(-70, -65, -50, 10, 2.5, 8, 2, 20, 170, dt=0.1)
    assert np.max(np.abs(result.spikes_ms[0] - on_grid)) <= 0.1 + 1e-9


def test_sweep_gives_each_copy_its_own_tau():
    model, stimulus = preset_model("leaky integrate-and-fire", n_copies=3, vary="tau",
                                   vary_from=4.0, vary_to=16.0)
    result = model.simulate(stimulus)
    expected = [len(lif_spike_times(-70, -65, -50, 10, 2.5, tau, 2, 20, 170))
                for tau in (4.0, 10.0, 16.0)]
    assert result.spike_counts == expected
    assert result.traces["v"].shape[0] == 3


def test_fitzhugh_nagumo_trajectory_as_the_tab():
    from neurodynex_gui.models import fitzhugh_nagumo as fhn

    model, stimulus = preset_model("FitzHugh-Nagumo", tend=50.0)
    result = model.simulate({**stimulus, "I_amp": 0.5})
    t, u, w = fhn.get_trajectory(v0=0.0, w0=0.0, I=0.5, tend=50.0)
    assert np.allclose(np.interp(t, result.t_ms, result.traces["u"][0]), u, atol=2e-3)
    assert np.allclose(np.interp(t, result.t_ms, result.traces["w"][0]), w, atol=2e-3)


@pytest.mark.parametrize("equations, line, words", [
    ("# LIF\ntau : second\nR : ohm\nI : amp\ndv/dt = (-v + R * I * tau) / tau : volt\n", 5,
     "units"),
    ("tau : second\n\ndv/dt = -v / tau + foo : volt\n", 3, "undefined name 'foo'"),
    ("tau : second\ndv/dt = (-v / tau : volt\n", 2, "never closed"),
    ("tau : second\ndv/dt = -v / tau + __import__('os').system('exit 3') : volt\n", 2, "'__'"),
])
def test_problems_are_reported_at_their_line(equations, line, words):
    problems = custom.check(cs.ModelText(equations)).problems
    assert problems and problems[0].line == line
    assert words in problems[0].message


def test_a_threshold_in_the_wrong_unit_is_refused():
    text = cs.PRESETS["leaky integrate-and-fire"][0]
    problems = custom.check(cs.ModelText(text.equations, "v > 3", "v = v_reset", "t_ref",
                                         "I")).problems
    assert [p.field for p in problems] == ["threshold"]


def test_exported_script_reproduces_the_spikes(tmp_path):
    model, stimulus = preset_model("leaky integrate-and-fire")
    path = tmp_path / "lif.py"
    path.write_text(model.to_script(stimulus))
    out = subprocess.run([sys.executable, str(path), "--no-plot"], capture_output=True,
                         text=True, timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    line = next(x for x in out.stdout.splitlines() if x.startswith("copy 0:"))
    times = np.array([float(x) for x in line.split(" at ")[1].replace(" ms", "").split(",")])
    expected = lif_spike_times(-70, -65, -50, 10, 2.5, 8, 2, 20, 170)
    assert len(times) == len(expected)
    on_grid = lif_spike_times(-70, -65, -50, 10, 2.5, 8, 2, 20, 170, dt=0.1)
    assert np.max(np.abs(times - on_grid)) <= 0.1 + 1e-9
    assert np.allclose(times, model.simulate(stimulus).spikes_ms[0], atol=1e-6)


def test_typed_code_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "ran"
    for text in (f"dv/dt = -v / tau + __import__('os').system('touch {marker}') : volt\n",
                 f"dv/dt = -v / tau : volt\ntau : __import__('os').system('touch {marker}')\n",
                 "dv/dt = -v / tau + eval('1') * volt / second : volt\ntau : second\n",
                 "dv/dt = -v / tau : (lambda: volt)()\ntau : second\n"):
        problems = custom.check(cs.ModelText(text)).problems
        assert problems, text
        with pytest.raises(Exception):
            custom.simulate(cs.ModelText(text), {"tend": 1.0, "dt": 0.1, "v_0": 0.0,
                                                 "tau": 1.0})
    assert not marker.exists()


@given(st.text(alphabet="dvwxt/=:()*+-_.#;, 0123456789abelmosu\n", max_size=80))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_typed_text_gives_problems_or_a_model_never_a_crash(text):
    result = custom.check(cs.ModelText(text))
    assert all(isinstance(p.line, int) and p.message for p in result.problems)
    assert all(0 <= p.line <= len(text.splitlines()) for p in result.problems)


@pytest.mark.parametrize("threshold, reset, refractory, field", [
    ("v > v_th", "v = v_reset", "t_ref", None),
    ("v > v_th", "v = v_reset; v += 1*mV", "v > v_th", None),
    ("v > v_th", "v = v_reset\nv *= 0.5", "2*ms", None),
    ("v", "v = v_reset", "t_ref", "threshold"),
    ("v > v_th +", "v = v_reset", "t_ref", "threshold"),
    ("v > 3", "v = v_reset", "t_ref", "threshold"),
    ("v > v_th", "v = 3", "t_ref", "reset"),
    ("v > v_th", "x = 1*mV; v = v_reset + x", "t_ref", None),
    ("v > v_th", "v = v_reset; x += 1", "t_ref", "reset"),
    ("v > v_th", "v = v_reset + y", "t_ref", "reset"),
    ("v > v_th", "tau = 3*ms", "t_ref", None),
    ("v > v_th", "v *= 2*mV", "t_ref", "reset"),
    ("v > v_th", "v == v_reset", "t_ref", "reset"),
    ("v > v_th", "v = v_reset", "3*mV", "refractory"),
    ("v > v_th", "v = v_reset", "t_ref + ", "refractory"),
])
def test_threshold_reset_and_refractory_are_judged_as_brian2_judges_a_group(
        threshold, reset, refractory, field):
    """The check parses the three fields without building a group (fast); brian2 building
    and running one (the slow way) must agree on whether they are fine."""
    import brian2 as b2

    text = cs.PRESETS["leaky integrate-and-fire"][0]
    model = cs.ModelText(text.equations, threshold, reset, refractory)
    problems = custom.check(model).problems
    assert [p.field for p in problems] == ([field] if field else [])
    try:
        group = b2.NeuronGroup(1, custom_run.equations_text(model, False), threshold=threshold,
                               reset=reset, refractory=refractory, namespace={},
                               name="events_reference")
        b2.Network(group).run(0 * b2.ms, namespace={})
        built = True
    except Exception:  # noqa: BLE001 - any refusal of brian2
        built = False
    assert built == (field is None)
