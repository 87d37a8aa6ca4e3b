"""Custom equations on the compiled fast path: the same spikes and traces as brian2's runtime;
in the tab a changed value re-runs on the compiled program, a changed equation compiles in
the background with progress while the last result stays shown. One build (about 5-8 s)."""
from __future__ import annotations

import numpy as np
import pytest

from neurodynex_gui.models import custom, custom_fast, custom_spec as cs
from neurodynex_gui.models import fast_path
from neurodynex_gui.tabs.custom_tab import CustomTab, _stimulus_class

needs_compiler = pytest.mark.skipif(bool(fast_path.missing_compiler()),
                                    reason="no C++ compiler")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """The fast path on, with a cache folder of this module's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEURODYNEX_GUI_CACHE", str(tmp_path_factory.mktemp("custom-fast")))
        patch.setenv("NEURODYNEX_GUI_FAST_PATH", "on")
        yield patch


def lif(**changes):
    """The LIF preset as three copies with tau 4, 10 and 16 ms (a per-copy value)."""
    text, values, stimulus = cs.PRESETS["leaky integrate-and-fire"]
    form = cs.params_class(text, values)().to_dict()
    form.update({"n_copies": 3, "vary": "tau", "vary_from": 4.0, "vary_to": 16.0, **changes})
    return text, form, _stimulus_class("nA", **stimulus)().to_dict()


@needs_compiler
def test_a_custom_lif_on_the_fast_path_equals_the_runtime(cache, monkeypatch):
    text, values, stimulus = lif()
    no_build, note = custom_fast.run(text, values, stimulus)
    assert no_build is None and note
    built = custom_fast.build(text, values, stimulus)
    assert built.ready, built.message
    fast = custom.simulate(text, values, stimulus)
    assert fast.path == fast_path.PATH
    changed = custom.simulate(text, {**values, "R": 12.0}, {**stimulus, "I_amp": 2.2})
    assert changed.path == fast_path.PATH  # new values: the same build
    for result, form, stim in ((fast, values, stimulus),
                               (changed, {**values, "R": 12.0}, {**stimulus, "I_amp": 2.2})):
        with monkeypatch.context() as patch:
            patch.setenv("NEURODYNEX_GUI_FAST_PATH", "off")
            slow = custom.simulate(text, form, stim)
        assert slow.path == "numpy"
        assert result.spike_counts == slow.spike_counts and sum(slow.spike_counts) > 10
        for mine, theirs in zip(result.spikes_ms, slow.spikes_ms):
            assert np.allclose(mine, theirs, atol=1e-9)
        assert np.allclose(result.t_ms, slow.t_ms)
        assert np.allclose(result.traces["v"], slow.traces["v"], atol=1e-6)
        assert np.allclose(result.traces["I"], slow.traces["I"], atol=1e-9)


@pytest.fixture(scope="module")
def fast_runner(cache):
    """Simulation processes that see the fast path on (the session's runner has it off)."""
    from neurodynex_gui.runner import Runner

    runner = Runner()
    runner.start()
    yield runner
    runner.shutdown(timeout=2.0)


@needs_compiler
def test_the_tab_reruns_a_changed_value_compiled_and_compiles_a_changed_equation(
        qtbot, fast_runner, run_and_wait):
    tab = CustomTab(fast_runner)
    qtbot.addWidget(tab)
    tab.auto_run_enabled = True
    tab.show()
    for name, value in lif().__getitem__(1).items():
        if name in ("n_copies", "vary", "vary_from", "vary_to"):
            tab.set_value(name, str(value))
    tab.check_now()
    qtbot.waitUntil(lambda: tab.compiler.is_ready(tab.run_arguments()), timeout=120000)
    first = run_and_wait(tab)
    assert first.path == fast_path.PATH
    with qtbot.waitSignal(tab.result_ready, timeout=30000) as blocker:
        tab.param_forms["params"].set_value("R", "12")  # typed: re-runs by itself, compiled
    assert blocker.args[0].path == fast_path.PATH
    assert blocker.args[0].spike_counts != first.spike_counts
    shown = tab.result
    tab.editor.appendPlainText("v_extra : volt")
    qtbot.waitUntil(lambda: not tab.compiler.bar.isHidden(), timeout=30000)
    assert tab.result is shown and tab.traces.plots["a"].listDataItems()  # still shown
    with qtbot.waitSignal(tab.result_ready, timeout=120000) as blocker:
        pass  # compiled, then the new equations run on the fast path
    assert blocker.args[0].path == fast_path.PATH
    assert tab.compiler.bar.isHidden()
    tab.stop()


def test_without_a_compiler_runs_use_the_runtime_and_say_why(tmp_path, monkeypatch, qtbot):
    monkeypatch.setenv("NEURODYNEX_GUI_CACHE", str(tmp_path))
    monkeypatch.setenv("NEURODYNEX_GUI_FAST_PATH", "on")
    monkeypatch.setattr(fast_path, "missing_compiler", lambda: "no C++ compiler (test)")
    text, values, stimulus = lif(n_copies=1, tend=30.0)
    built = custom_fast.build(text, values, stimulus)
    assert not built.ready and built.permanent and "no C++ compiler" in built.message
    result = custom.simulate(text, values, stimulus)
    assert result.path == "numpy" and "no C++ compiler" in result.path_note
    tab = CustomTab()
    qtbot.addWidget(tab)
    messages = []
    tab.message.connect(messages.append)
    tab.compiler.finished(built)  # as the build job would report it
    assert tab.compiler.unavailable and "no C++ compiler" in messages[-1]
    tab.finish_run(result)
    assert "no C++ compiler" in tab.readout.text()
