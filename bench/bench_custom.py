"""Custom model: how long brian2's check of the typed equations takes (the as-you-type path,
run in the worker process; here in one warm process), and a run of each preset.

Prints milliseconds; the target of issue 22 is <= 150 ms from the last keystroke to a checked
model (the tab waits 100 ms after the last keystroke before it sends the check)."""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from neurodynex_gui.models import custom, custom_spec as cs  # noqa: E402

STIMULUS = {"kind": "step", "I_offset": 0.0, "I_freq": 0.1, "pulse_width": 2.0,
            "pulse_period": 10.0}


def main() -> None:
    import brian2  # noqa: F401 - imported once, as in the worker (preloaded there)

    for name, (text, values, stimulus) in cs.PRESETS.items():
        custom.check(text)  # warm
        no_events = cs.ModelText(text.equations, current=text.current)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            custom.check(no_events)
            times.append((time.perf_counter() - started) * 1e3)
        full = []
        for _ in range(5):
            started = time.perf_counter()
            custom.check(text)
            full.append((time.perf_counter() - started) * 1e3)
        started = time.perf_counter()
        result = custom.simulate(text, cs.params_class(text, values)().to_dict(),
                                 {**STIMULUS, **stimulus})
        run_ms = (time.perf_counter() - started) * 1e3
        print(f"{name}: check of the equations {statistics.median(times):.0f} ms, with "
              f"threshold/reset/refractory {statistics.median(full):.0f} ms (median of 5); "
              f"run of {values['tend']:.0f} ms at dt {values['dt']} ms: {run_ms:.0f} ms, "
              f"spikes {result.spike_counts}")


if __name__ == "__main__":
    main()
