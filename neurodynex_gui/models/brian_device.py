"""Which brian2 device runs a network simulation, chosen by name: the seam for another device.

- ``"runtime"`` (default): brian2's runtime mode in this process (the numpy target, see
  :mod:`.brian_support`); streams chunks while it runs.
- ``"cpp_standalone"``: brian2 writes the network as a C++ project, compiles and runs it (in a
  fresh temporary folder, deleted afterwards), then the results are read back. No Python runs
  during the simulation, so nothing streams (the whole result arrives at the end) and
  ``should_stop`` is not polled. Every run compiles anew (about 10-60 s): worth it only for long
  runs of large networks.
- ``"cuda_standalone"``: the same through brian2cuda on an NVIDIA GPU. It is *not* shipped or
  tested here: it is refused with a ValueError unless brian2cuda can be imported, and then it
  goes through the same code path as cpp_standalone (brian2cuda's device is a subclass of it).

Only brunel uses it so far (``brunel.simulate(params, device=...)``). brian2's device is
process-wide: :func:`use_device` switches it for one run and always switches back to the
runtime device, so that the worker's next job (any model) runs as before. Imported lazily (it
imports brian2).
"""
from __future__ import annotations

import contextlib
import importlib.util
import shutil
import tempfile

from .params import ParamError

DEVICES = ("runtime", "cpp_standalone", "cuda_standalone")
STANDALONE = ("cpp_standalone", "cuda_standalone")


def check_device(name) -> str:
    """``name`` if it is a device this machine can use; else ParamError (a ValueError) naming
    ``device`` and saying why."""
    if name not in DEVICES:
        raise ParamError("device", f"'{name}' is not one of {', '.join(DEVICES)}")
    if name == "cuda_standalone" and importlib.util.find_spec("brian2cuda") is None:
        raise ParamError("device", "'cuda_standalone' needs the brian2cuda package and an "
                                   "NVIDIA GPU with the CUDA toolkit; brian2cuda is not "
                                   "installed here (pip install brian2cuda), so use "
                                   "'runtime' or 'cpp_standalone'")
    return name


def streams(name: str) -> bool:
    """Whether a run on this device can stream chunks and be stopped while it runs."""
    return name not in STANDALONE


@contextlib.contextmanager
def use_device(name: str = "runtime"):
    """Within the block, brian2 builds networks for device ``name``; a standalone device
    builds, compiles and runs at the network's ``run`` (build_on_run) in a temporary folder.
    Results must be read inside the block; afterwards the runtime device is active again and
    the folder deleted."""
    check_device(name)
    if name == "runtime":
        yield
        return
    import brian2 as b2
    from brian2.devices.device import reset_device

    if name == "cuda_standalone":
        import brian2cuda  # noqa: F401  (registers the device)
    folder = tempfile.mkdtemp(prefix=f"neurodynex-{name}-")
    b2.set_device(name, directory=folder, build_on_run=True, with_output=False)
    try:
        yield
    finally:
        b2.get_device().reinit()  # forget this network's project
        reset_device("runtime")
        shutil.rmtree(folder, ignore_errors=True)
