"""The fast path's builds, in a child process of their own (``build_processes.spawn_builder``
starts ``python -m neurodynex_gui.models.fast_path_build``; the compiled programs of
``plasticity_standalone``'s kind build there too): brian2's C++ standalone device writes and
compiles a model's project, with the command-line inputs and result files the fast path's runs
use, and moves it into its cache folder atomically. The only module of the fast path that
imports brian2."""
from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from .build_processes import building_marker
from .fast_path import COMPILE_ARGS, DURATION_ARG, Model, Setup


def build_into(folder: Path, make) -> None:
    """``make(work)`` builds a standalone project in a new folder beside ``folder`` and returns
    its manifest (inputs and outputs); the manifest is written and the folder renamed into
    place, atomically (a finished build of the same key by another app instance is kept)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        manifest = {"program": "main.exe" if os.name == "nt" else "main", **make(work)}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        shutil.rmtree(work / "results", ignore_errors=True)
        try:
            os.rename(work, folder)
        except OSError:
            if not (folder / "manifest.json").exists():  # not another instance's build
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def use_device(work: Path, compile_args: list[str] = COMPILE_ARGS):
    """Make brian2 write its project into ``work`` with this module's standalone device
    (``_device_class``), compiled with ``compile_args``; the device."""
    import brian2 as b2
    from brian2.devices.device import all_devices

    all_devices["neurodynex_standalone"] = _device_class()()
    b2.set_device("neurodynex_standalone", directory=str(work), build_on_run=False)
    b2.prefs.codegen.cpp.extra_compile_args_gcc = compile_args
    return b2.get_device()


def result_file(var) -> dict:
    """A manifest's output: the file the built program writes brian2 variable ``var`` to, and
    its dtype."""
    import brian2 as b2

    return {"file": b2.get_device().get_array_filename(var), "dtype": np.dtype(var.dtype).str}


def command_line_input(group, name: str) -> dict:
    """A manifest's input: how a run sets variable ``name`` of ``group`` (brian2's run_args
    name), and its dtype."""
    return {"arg": f"{group.name}.{name}", "dtype": np.dtype(group.variables[name].dtype).str}


def _build_here(model: Model, setup: Setup, folder: Path) -> None:
    """Build and compile the standalone project, then move it into ``folder`` atomically."""
    import brian2 as b2

    def make(work: Path) -> dict:
        use_device(work)
        tables = {name: b2.TimedArray(np.zeros(size) * (1 if unit == "1" else
                                                         getattr(b2, unit)),
                                      dt=1 * b2.ms, name=name)
                  for name, size, unit in model.tables}
        group = b2.NeuronGroup(setup.n, model.equations, threshold=model.threshold,
                               reset=model.reset, refractory=model.refractory,
                               method=model.method, dt=setup.dt_ms * b2.ms, name="neuron",
                               namespace=tables,
                               events={name: condition for name, condition, _ in model.events}
                               or None)
        for name, _, code in model.events:
            group.run_on_event(name, code)
        monitors = []
        if setup.record:
            monitors.append(b2.StateMonitor(group, list(setup.record), record=True,
                                            dt=setup.record_every * setup.dt_ms * b2.ms,
                                            name="state"))
        if setup.spikes:
            monitors.append(b2.SpikeMonitor(group, name="spikes"))
        net = b2.Network(group, *monitors, name="net")
        net.run(setup.duration_ms * b2.ms, namespace={})
        outputs = _outputs(monitors)
        b2.get_device().kept_results = frozenset(spec["file"] for spec in outputs.values())
        b2.device.build(directory=str(work), compile=True, run=False, with_output=False)
        return {"inputs": {**_inputs(group), **_table_inputs(tables)}, "outputs": outputs}

    build_into(folder, make)


_CLOCK_IN_LOOP = re.compile(r"(\n[ \t]*current = std::clock\(\);\n"
                            r"[ \t]*elapsed_realtime = [^\n]*\n)(\s*\n[ \t]*\}\n)")
_RESULT_FILE = re.compile(r"[ \t]*ofstream outfile_(?P<name>\w+);\n[ \t]*outfile_(?P=name)\.open"
                          r"\(results_dir \+ \"(?P<file>[^\"]+)\".*?Error writing output file "
                          r"for (?P=name)\.[^\n]*\n[ \t]*\}\n", re.DOTALL)


_DURATION_CODE = f"""double _run_duration = -1.0;
for (size_t _k = 0; _k < args.size(); _k++)
{{
    if (args[_k].compare(0, {len(DURATION_ARG) + 1}, "{DURATION_ARG}=") == 0)
    {{
        _run_duration = std::stod(args[_k].substr({len(DURATION_ARG) + 1}));
        args.erase(args.begin() + _k);
        break;
    }}
}}
if (_run_duration < 0)
{{
    std::cerr << "no run length given ({DURATION_ARG}=seconds)" << std::endl;
    return 2;
}}"""
"""C++ of ``main`` that takes the run length off the command line (before brian2 reads the
other ``name=value`` arguments)."""

_ROWS_2D = re.compile(r"template<class T>\s*class DynamicArray2D\s*\{.*?\n\};\n", re.DOTALL)
_ROWS_IN_ONE_BLOCK = """template<class T>
class DynamicArray2D
{
	// neurodynex-gui: the rows (one per recorded step) one after the other in one vector
	std::vector<T> data;
	struct Row { bool is_empty; bool empty() const { return is_empty; } };
public:
	int n, m;
	DynamicArray2D(int _n=0, int _m=0) : n(0), m(0) { resize(_n, _m); }
	void resize(int _n, int _m)
	{
		if(_m != m && n > 0 && m > 0)
		{
			std::vector<T> moved((size_t)_n * _m);
			for(int i=0; i<n && i<_n; i++)
				for(int j=0; j<m && j<_m; j++)
					moved[(size_t)i * _m + j] = data[(size_t)i * m + j];
			data.swap(moved);
		} else
			data.resize((size_t)_n * _m);
		n = _n;
		m = _m;
	}
	inline typename std::vector<T>::reference operator()(int i, int j)
	{
		return data[(size_t)i * m + j];
	}
	inline Row operator()(int i)
	{
		return Row{m == 0};
	}
};
"""
"""brian2's 2D dynamic array (a StateMonitor's recorded values), with the same interface as
brian2's generated code uses it (``resize(n, m)``, ``(i, j)``, ``(i).empty()``, ``n``, ``m``)
but one block of memory: brian2's own class allocates a vector per row, two allocations per
recorded step and variable, which took half of a Hodgkin-Huxley run (9.3 -> 5.4 ms for
10,000 samples of 4 variables, results bit for bit the same)."""


_CORE_SOURCES = ("main.cpp", "network.cpp", "objects.cpp", "run.cpp", "synapses_classes.cpp")
"""brian2's files that every project has: compiled as one translation unit (``core.cpp``), they
take 1.0 s of processor time instead of 1.9 s (the standard headers are read once), and a
first build, waited for, is done sooner. The code objects stay separate (their helper
functions share names)."""


def _device_class():
    """brian2's standalone device, with five changes to the program it writes:

    - the run length is read from the command line (``DURATION_ARG``): the build fails if
      brian2's run code does not read as expected (a program must never run a wrong length);

    and, where brian2's code reads as expected (else it is left as it is, slower):

    - its network reads the processor clock once per run instead of once per step (there it
      only serves ``maximum_run_time``, unused here): the clock call cost 0.6 us of the
      0.8 us a LIF step took;
    - at the end it writes only the result files in ``kept_results`` (the monitors'), not
      every variable: some 40 files, 3-4 ms per run where system calls are slow;
    - recorded values are kept in one block of memory (``_ROWS_IN_ONE_BLOCK``);
    - its own files are compiled as one (``_CORE_SOURCES``).
    """
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice

    class Device(CPPStandaloneDevice):
        kept_results: frozenset = frozenset()

        def network_run(self, net, duration, *args, **kwargs):
            super().network_run(net, duration, *args, **kwargs)
            runs = [args for kind, args in self.main_queue if kind == "run_network"]
            lines = runs[-1][1] if len(runs) == 1 else []
            run = f"{net.name}.run("
            at = [k for k, line in enumerate(lines) if line.startswith(run)]
            if len(at) != 1 or "set_from_command_line(args);" not in lines:
                raise RuntimeError("brian2's standalone run code is not as expected: the "
                                   "run length cannot be given at run time")
            lines[at[0]] = run + "_run_duration," + lines[at[0]].split(",", 1)[1]
            lines.insert(lines.index("set_from_command_line(args);"), _DURATION_CODE)

        def copy_source_files(self, writer, directory):
            super().copy_source_files(writer, directory)
            header = Path(directory) / "brianlib" / "dynamic_array.h"
            text = header.read_text(encoding="utf-8")
            header.write_text(_ROWS_2D.sub(lambda _: _ROWS_IN_ONE_BLOCK, text, count=1),
                              encoding="utf-8")

        def generate_makefile(self, writer, *args, **kwargs):
            core = sorted(writer.source_files & set(_CORE_SOURCES))
            writer.write("core.cpp", "".join(f'#include "{name}"\n' for name in core))
            writer.source_files -= set(core)
            super().generate_makefile(writer, *args, **kwargs)

        def generate_network_source(self, writer, compiler):
            with _edited(writer, lambda cpp: _CLOCK_IN_LOOP.sub(r"\2\1", cpp)):
                super().generate_network_source(writer, compiler)

        def generate_objects_source(self, writer, *args, **kwargs):
            def keep(match):
                return match.group(0) if match.group("file") in self.kept_results else ""

            with _edited(writer, lambda cpp: _RESULT_FILE.sub(keep, cpp)):
                super().generate_objects_source(writer, *args, **kwargs)

    return Device


@contextlib.contextmanager
def _edited(writer, edit):
    """While in the block, the .cpp file of brian2's next multi-file write goes through
    ``edit``."""
    write = writer.write

    def edited(filename, contents):
        write(filename[:-1] + "cpp", edit(contents.cpp_file))
        write(filename[:-1] + "h", contents.h_file)

    writer.write = edited
    try:
        yield
    finally:
        del writer.write


def _inputs(group) -> dict:
    from brian2.core.variables import ArrayVariable

    return {name: {**command_line_input(group, name), "size": var.size}
            for name, var in group.variables.items()
            if isinstance(var, ArrayVariable) and var.owner.name == group.name
            and not var.read_only and not name.startswith("_")}


def _table_inputs(tables: dict) -> dict:
    """The command-line names of the tables' values (brian2's ``name.values``)."""
    return {name: {"arg": f"{name}.values", "dtype": np.dtype(table.values.dtype).str,
                   "size": int(table.values.size)} for name, table in tables.items()}


def _outputs(monitors) -> dict:
    import brian2 as b2

    outputs = {}
    for monitor in monitors:
        names = ["t"] + (list(monitor.record_variables) if isinstance(monitor, b2.StateMonitor)
                         else ["i"])
        for name in names:
            outputs[f"{monitor.name}.{name}"] = {
                **result_file(monitor.variables[name]),
                "columns": monitor.n_indices if isinstance(monitor, b2.StateMonitor)
                and name != "t" else 0}
    return outputs


def _main(spec: dict) -> int:
    """Build every job of ``spec`` (see ``build_processes.spawn_builder``): a fast-path build
    (a model and setup) or a compiled program of its own (the module whose ``Spec`` and
    ``_build_here`` build it); 1 if any failed."""
    if spec["nice"] and hasattr(os, "nice"):
        os.nice(10)  # a background build yields to the foreground simulation
    failed = 0
    for job in spec["jobs"]:
        folder = Path(job["folder"])
        try:
            if "program" in job:
                module = importlib.import_module(job["program"])
                module._build_here(module.Spec(**job["spec"]), folder)
            else:
                setup = Setup(**{**job["setup"], "record": tuple(job["setup"]["record"])})
                _build_here(Model(**job["model"]), setup, folder)
        except Exception as error:  # noqa: BLE001 - reported in the log, the next job goes on
            failed = 1
            print(f"{folder.name}: {type(error).__name__}: {error}", flush=True)
        finally:
            building_marker(folder).unlink(missing_ok=True)
        if job is not spec["jobs"][-1]:
            gc.collect()  # the next build reuses the brian2 names of this one
    return failed


if __name__ == "__main__":
    code = _main(json.loads(sys.argv[1]))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # without the interpreter's teardown of brian2's heap: 0.5 s a build sooner
