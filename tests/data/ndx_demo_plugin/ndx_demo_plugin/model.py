"""dv/dt = -v / tau from v0, in closed form (no Qt)."""
import dataclasses

import numpy as np

from neurodynex_gui.models.params import Params, param


@dataclasses.dataclass(frozen=True)
class DecayParams(Params):
    tau: float = param(10.0, "time constant tau", "ms", min=0.1, max=1000.0)
    v0: float = param(20.0, "start value v0", "mV", min=-100.0, max=100.0)
    tend: float = param(50.0, "duration", "ms", min=1.0, max=1000.0)


def simulate(params: DecayParams, *, on_chunk=None, should_stop=None):
    t = np.arange(0.0, params.tend, 0.1)
    return {"t_ms": t, "v_mV": params.v0 * np.exp(-t / params.tau)}
