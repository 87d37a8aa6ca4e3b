"""The brian2 device seam (models/brian_device.py, issue 18): a network simulation chooses its
device by name; cpp_standalone gives the statistics of the runtime device; cuda_standalone is
refused clearly where brian2cuda is missing (no untested GPU path is shipped)."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from neurodynex_gui.models import brian_device, brunel

ROOT = Path(__file__).resolve().parents[1]
NO_CUDA = importlib.util.find_spec("brian2cuda") is None


def test_device_names_are_checked():
    assert brian_device.check_device("runtime") == "runtime"
    assert brian_device.check_device("cpp_standalone") == "cpp_standalone"
    with pytest.raises(ValueError, match="device.*'gpu' is not one of runtime"):
        brian_device.check_device("gpu")
    assert brian_device.streams("runtime") and not brian_device.streams("cpp_standalone")


@pytest.mark.skipif(not NO_CUDA, reason="brian2cuda is installed here")
def test_cuda_is_refused_without_brian2cuda():
    with pytest.raises(ValueError, match="brian2cuda"):
        brian_device.check_device("cuda_standalone")
    # and a simulation asked for it refuses before building anything
    with pytest.raises(ValueError, match="device.*brian2cuda is not installed"):
        brunel.simulate(brunel.BrunelParams(N_Excit=100, sim_time=10.0),
                        device="cuda_standalone")
    with pytest.raises(ValueError, match="device"):
        brunel.sweep_point(device="cuda", N_Excit=100, sim_time=10.0)


# An input-driven network (neurodynex3's weights at N_E = 1000, external 15 Hz = 1.5 nu_thr):
# its rate hardly depends on the draw of connections and input (62.6-64.0 Hz over seeds 1-3,
# CV 0.144-0.146, measured on the runtime device) and agrees with the mean-field rate, so the
# two devices' different random streams may be compared by their statistics.
SCRIPT = """
import json
import brian2 as b2
from neurodynex_gui.models import brunel
params = brunel.BrunelParams(N_Excit=1000, sim_time=400.0, random_vm_init=True, seed=1,
                             monitored_subset_size=1000, poisson_input_rate=15.0)
out = {}
for device in ("cpp_standalone", "runtime"):
    stats = brunel.simulate(params, device=device).stats
    out[device] = [stats.mean_rate_Hz, stats.cv_isi]
out["after"] = type(b2.get_device()).__name__
out["mean_field"] = brunel.mean_field_rate(params)
print(json.dumps(out))
"""


def test_cpp_standalone_gives_the_runtime_statistics(tmp_path):
    # its own process: brian2's device is process-wide; the C++ build (10-30 s) is the cost
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    (rate_c, cv_c), (rate_r, cv_r) = out["cpp_standalone"], out["runtime"]
    assert rate_c == pytest.approx(rate_r, rel=0.05) and cv_c == pytest.approx(cv_r, abs=0.03)
    assert rate_c == pytest.approx(out["mean_field"], rel=0.1)  # and Brunel's theory
    assert out["after"] == "RuntimeDevice"  # the worker's next job runs as before
