"""Neural fields tab (book chapter 18): bumps, fronts, waves and patterns, animated.

A run streams frames from a thread of this process; the replay shows them at the chosen rate
while the integration goes on (the newest frame when the integration is behind). 1D runs show
u(x) above the growing space-time map, 2D runs an image; a click places the input.
"""
from __future__ import annotations

import bisect
import dataclasses
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PyQt5.QtCore import pyqtSignal
from PyQt5.QtWidgets import QFileDialog, QPushButton

from .. import dialog_folder, export
from ..models import field_runs as fr
from ..models import neural_field as nf
from ..models import reaction_diffusion as rd
from ..models.params import Params, param
from ..widgets.field_plots import FieldImagePanel, KernelPanel, SpaceTimePanel
from ..widgets.replay import LAST
from .base import ModelTab
from .declarations import Page, Section

SIMULATE = "neurodynex_gui.models.field_runs:simulate"
FIELD_FORMS = ("field", "kernel", "transfer", "input")
OTHER_FORMS = ("reaction", "grid")
GIF_FRAMES = 200  # an animated GIF keeps every frame in memory and in the file


@dataclasses.dataclass(frozen=True)
class ShowParams(Params):
    """Which system runs, and how fast its frames are shown."""

    system: str = param("field 1D", "system", choices=fr.SYSTEMS,
                        help="Neural field on a ring (1D) or a torus (2D); reaction-diffusion "
                             "du/dt = D laplacian(u) + f(u); wave equation.")
    fps: float = param(60.0, "animation speed", "frames/s", min=1.0, max=1000.0, step=10.0,
                       help="Frames shown per second (one frame per frame interval of the "
                            "run); while the integration is slower, the newest frame is shown.")


def _preset(system: str, **forms) -> dict[str, Params]:
    return {"show": ShowParams(system=system), "field": nf.FieldParams(),
            "kernel": nf.KernelParams(), "transfer": nf.TransferParams(),
            "input": nf.InputParams(), "reaction": rd.ReactionParams(),
            "grid": rd.GridParams(), **forms}


EXCITATORY = nf.KernelParams(kernel="exponential", a_e=0.5, a_i=0.0)
EXCITATORY_2D = EXCITATORY.replace(a_e=0.16)  # about 1 / 2 pi: w integrates to 1 in 2D
BALANCED_2D = nf.KernelParams(a_i=0.25)  # a_e sigma_e^2 = a_i sigma_i^2: w integrates to 0
FIELD_2D = nf.FieldParams(n=128, dt=0.5, record_dt=2.0, t_end=300.0)
PATTERN_2D = FIELD_2D.replace(h=0.0, L=40.0, noise=0.05)


class Shown(NamedTuple):
    """The run being shown: its system, grid, 1D input profile (or None) and input."""

    system: str
    x: np.ndarray
    input_profile: np.ndarray | None
    stimulus: nf.InputParams


class FrameBuffer:
    """Frames arriving in chunks, kept as they come (no copy, however long the run), with
    the range of their values; ``block()`` joins them where one array is needed (1D)."""

    def __init__(self):
        self.set()

    def set(self, t=None, u=None) -> None:
        self._t: list[np.ndarray] = []
        self._u: list[np.ndarray] = []
        self._starts: list[int] = []
        self.count = 0
        self.levels = (np.inf, -np.inf)
        if t is not None:
            self.append(t, u)

    def append(self, t, u) -> None:
        if not len(t):
            return
        self._starts.append(self.count)
        self._t.append(np.asarray(t, float))
        self._u.append(np.asarray(u))
        self.count += len(t)
        finite = self._u[-1][np.isfinite(self._u[-1])]
        if finite.size:
            self.levels = (min(self.levels[0], float(finite.min())),
                           max(self.levels[1], float(finite.max())))

    def times(self) -> np.ndarray:
        if len(self._t) > 1:
            self._t = [np.concatenate(self._t)]
        return self._t[0] if self._t else np.zeros(0)

    def frame(self, index: int) -> np.ndarray:
        chunk = bisect.bisect_right(self._starts, index) - 1
        return self._u[chunk][index - self._starts[chunk]]

    def block(self) -> np.ndarray:
        """Every frame in one array."""
        if len(self._u) > 1:
            self._u, self._starts = [np.concatenate(self._u)], [0]
        return self._u[0]


class NeuralFieldTab(ModelTab):
    tab_id = "neural_field"
    title = "Neural fields"
    book_section = "Neuronal Dynamics, ch. 18"
    forms = (("show", "System and animation", ShowParams),
             ("field", "Field", nf.FieldParams),
             ("kernel", "Kernel w(x)", nf.KernelParams),
             ("transfer", "Transfer function f(u)", nf.TransferParams),
             ("input", "Input (click or drag it on the field)", nf.InputParams),
             ("reaction", "Reaction and waves", rd.ReactionParams),
             ("grid", "Grid", rd.GridParams))
    presets = {
        "Bump: working memory (1D)": _preset("field 1D"),
        "No bump: h too low (1D)": _preset("field 1D", field=nf.FieldParams(h=-0.35)),
        "Fronts: excitatory kernel (1D)": _preset(
            "field 1D", kernel=EXCITATORY, transfer=nf.TransferParams(theta=0.2),
            field=nf.FieldParams(h=0.0, L=100.0, n=1024, t_end=300.0)),
        "Travelling pulses with adaptation (1D)": _preset(
            "field 1D", kernel=EXCITATORY, transfer=nf.TransferParams(theta=0.2),
            field=nf.FieldParams(h=0.0, L=100.0, n=1024, t_end=400.0, b=5.0, tau_a=200.0),
            input=nf.InputParams(x0=-30.0, t_off=10.0)),
        "One-way pulse from a broken wave (1D)": _preset(
            "field 1D", kernel=EXCITATORY, transfer=nf.TransferParams(theta=0.2),
            field=nf.FieldParams(h=0.0, L=100.0, n=1024, t_end=600.0, b=5.0, tau_a=200.0,
                                 initial="broken wave"),
            input=nf.InputParams(amplitude=0.0)),
        "Spiral wave with adaptation (2D)": _preset(
            "field 2D", kernel=EXCITATORY_2D, transfer=nf.TransferParams(theta=0.2),
            field=FIELD_2D.replace(h=0.0, L=100.0, n=160, b=5.0, tau_a=200.0, t_end=800.0,
                                   record_dt=4.0, initial="broken wave"),
            input=nf.InputParams(amplitude=0.0)),
        "Single bump (2D)": _preset("field 2D", field=FIELD_2D,
                                    input=nf.InputParams(x0=3.0, y0=-2.0)),
        "Stripes from noise, lateral inhibition (2D)": _preset(
            "field 2D", kernel=BALANCED_2D, transfer=nf.TransferParams(f="sigmoid", beta=4.0),
            field=PATTERN_2D, input=nf.InputParams(amplitude=0.0)),
        "Spots from noise, lateral inhibition (2D)": _preset(
            "field 2D", kernel=BALANCED_2D,
            transfer=nf.TransferParams(f="sigmoid", beta=4.0, theta=0.5),
            field=PATTERN_2D, input=nf.InputParams(amplitude=0.0)),
        "Rings around a local input (2D)": _preset(
            "field 2D", kernel=BALANCED_2D, transfer=nf.TransferParams(f="sigmoid", beta=4.0),
            field=PATTERN_2D.replace(noise=0.0), input=nf.InputParams(amplitude=0.2)),
        "Fisher-KPP front (1D)": _preset("reaction-diffusion 1D",
                                         grid=rd.GridParams(L=200.0, n=1000)),
        "Bistable front, a = 0.25 (1D)": _preset("reaction-diffusion 1D",
                                                 reaction=rd.ReactionParams(f="bistable")),
        "Bistable front retreats, a = 0.75 (1D)": _preset(
            "reaction-diffusion 1D", reaction=rd.ReactionParams(f="bistable", a=0.75),
            grid=rd.GridParams(t_end=60.0)),
        "Fisher-KPP, expanding disc (2D)": _preset(
            "reaction-diffusion 2D", grid=rd.GridParams(n=128, dt=0.05, t_end=30.0)),
        "Waves on a ring (1D)": _preset("wave 1D", grid=rd.GridParams(dt=0.05)),
        "Waves on a torus (2D)": _preset("wave 2D", grid=rd.GridParams(n=128, dt=0.2,
                                                                       t_end=40.0)),
    }
    simulate_path = SIMULATE
    in_process = True  # numpy and scipy.fft: a thread of this process, frames streamed
    animated = True
    traces_class = SpaceTimePanel
    exercises = """
        <h3>Neural fields (Neuronal Dynamics, chapter 18)</h3>
        <p>tau du/dt = -u + &int; w(x - y) f(u(y)) dy + h + I(x, t) on a ring, with a
        Mexican-hat kernel w and a Heaviside f(u) = H(u - theta).</p>
        <ol>
        <li><b>Working memory.</b> Run the default: an input at x = 0 until 20 ms starts a
        bump that stays after the input is gone. Compare its width with Amari's condition
        W(a) + h = theta (readout; W(a) is the integral of w from 0 to a). Lower h: when
        does the bump die (preset <i>No bump</i>)? Click elsewhere on the field to move
        the input.</li>
        <li><b>Fronts and pulses.</b> With a purely excitatory kernel the active region
        spreads as two fronts (readout: their speed against the travelling-wave solution).
        Add linear adaptation (b &gt; 0): the fronts become pulses that annihilate when they
        meet. Start from a <i>broken wave</i>: one pulse runs one way round the ring; in 2D
        the free ends of the broken wave curl into spiral waves.</li>
        <li><b>Patterns.</b> In 2D, a balanced Mexican hat with a sigmoid of gain beta
        destabilises the uniform state: stripes or spots appear whose wavelength the peak of
        the kernel's Fourier transform predicts (page <i>Kernel</i>). When does the uniform
        state stay stable (beta / 4 times the peak below 1)?</li>
        <li><b>Reaction-diffusion.</b> A Fisher-KPP front approaches the speed 2 sqrt(D r)
        from below; a bistable front moves at sqrt(D r / 2)(1 - 2a) and turns back for
        a &gt; 1/2. Vary D and r and check the readout.</li>
        <li><b>Waves.</b> d2u/dt2 = c^2 laplacian(u) - alpha u + f(u): a bump splits into two
        waves moving at +-c; alpha &gt; 0 makes them dispersive.</li>
        </ol>"""

    frame_shown = pyqtSignal(int)

    def __init__(self, runner=None, parent=None):
        self.frames = FrameBuffer()
        self.streaming = False
        self.shown: Shown | None = None
        super().__init__(runner, parent)
        self.run_failed.connect(lambda _text: self.end_stream())
        for key in ("show", "field", "kernel", "input"):
            self.param_forms[key].changed.connect(lambda _p: self.show_controls())
        self.traces.clicked.connect(lambda x, _y: self.place_input(x))
        self.image.clicked.connect(self.place_input)
        self.traces.shaped.connect(lambda x, _y, width: self.place_input(x, None, width))
        self.image.shaped.connect(self.place_input)
        self.show_controls()

    # -- screen --------------------------------------------------------------------------------

    def build_pages(self) -> list[Page]:
        self.image = FieldImagePanel()
        self.kernel_panel = KernelPanel()
        return [Page("Space-time (1D)", self.traces), Page("Image (2D)", self.image),
                Page("Kernel", self.kernel_panel)]

    def side_sections(self) -> list[Section]:
        button = QPushButton("Save animation…")
        button.setObjectName("field_save_animation")
        button.setToolTip("Save the finished run as drawn: an animated GIF, or every frame as "
                          "a numbered PNG (name_0000.png, ...) for a video")
        button.clicked.connect(self._ask_animation_path)
        return [Section(None, button, "run")]

    def show_controls(self) -> None:
        """The forms of the system chosen, its kernel, the animation's rate."""
        show = self.param_forms["show"].params()
        field = fr.is_field(show.system)
        for key in FIELD_FORMS:
            self.param_forms[key].parentWidget().setVisible(field)
        for key in OTHER_FORMS:
            self.param_forms[key].parentWidget().setVisible(not field)
        self.replay.set_rate(show.fps)
        self.show_kernel()
        stimulus = self.param_forms["input"].params()
        visible = field and stimulus.amplitude != 0
        self.traces.show_input(stimulus.x0, stimulus.width, visible)
        self.image.show_input(stimulus.x0, stimulus.y0, stimulus.width, visible)

    def apply_preset(self, name: str) -> None:
        super().apply_preset(name)
        self.show_controls()

    def apply_view(self, view) -> None:
        self.show_controls()  # the forms are restored by now

    def show_kernel(self) -> None:
        """Draw w(x) and its transform in the dimension of the system chosen."""
        kernel, field = self.param_forms["kernel"].params(), self.param_forms["field"].params()
        ndim = fr.dimensions(self.param_forms["show"].params().system)
        x = np.linspace(-field.L / 2, field.L / 2, 801)
        k = np.linspace(0.0, 6.0 / min(kernel.sigma_e, kernel.sigma_i), 601)
        wavelength = nf.pattern_wavelength(kernel, ndim)
        peak = 2 * np.pi / wavelength if np.isfinite(wavelength) else None
        self.kernel_panel.show_kernel(x, nf.kernel(x, kernel), k,
                                      nf.kernel_transform(k, kernel, ndim), peak, ndim)

    # -- running -------------------------------------------------------------------------------

    def job_kwargs(self) -> dict:
        values = self.values()
        return {"system": values.pop("show").system, "stimulus": values.pop("input"), **values}

    def run(self) -> None:
        """Integrate with the current parameters and animate the frames as they come."""
        if self.refuse_if_invalid():
            return
        self.start_run()
        self.submit(SIMULATE, self.job_kwargs(), "integrating", on_done=self.finish_run,
                    on_chunk=self.on_chunk)
        self.replay.start()

    def run_blocking(self) -> fr.FieldRun:
        """Integrate in this thread and show the last frame (command line export)."""
        self.start_run()
        result = fr.simulate(**self.job_kwargs())
        self.finish_run(result)
        return result

    def start_run(self) -> None:
        super().start_run()
        self.replay.end()
        values = self.values()
        system = values["show"].system
        x = fr.positions(system, values["field"], values["grid"])
        profile = None
        if system == "field 1D":
            profile = nf.input_profiles([values["input"]], x, 1)[0][1]
        level = values["transfer"].theta if fr.is_field(system) else \
            0.5 if system.startswith("reaction") else None
        self.shown = Shown(system, x, profile, values["input"])
        self.frames.set()
        self.streaming = True
        self.traces.set_level(level)
        self.pages.setCurrentWidget(self.image if fr.dimensions(system) == 2 else self.traces)
        self.readout.setText("integrating…")

    def on_chunk(self, chunk) -> None:
        self.frames.append(chunk["t"], chunk["u"])

    def show_result(self, result: fr.FieldRun) -> None:
        self.frames.set(result.t, result.u)
        self.streaming = False
        self.readout.setText(result.measured.replace("\n", "<br>") or
                             f"{len(result.t)} frames up to {result.t[-1]:.4g} ms")
        if not self.replay.active:
            self.draw(len(result.t) - 1)

    def stop(self) -> None:
        self.streaming = False
        super().stop()

    def end_stream(self) -> None:
        """A run that failed: no more frames will come."""
        self.streaming = False
        self.replay.end()

    def advance_to(self, frame: int) -> bool:
        """Show ``frame`` (the newest one while the integration is behind)."""
        if not self.frames.count:
            return self.streaming and frame != LAST
        last = self.frames.count - 1
        self.draw(min(frame, last))
        return frame != LAST and (self.streaming or frame < last)

    def draw(self, index: int) -> None:
        if self.shown is None or not self.frames.count:
            return
        system, x, profile, stimulus = self.shown
        t = self.frames.times()
        low, high = self.frames.levels
        levels = (low, high) if low <= high else (0.0, 1.0)
        if fr.dimensions(system) == 2:
            self.image.show_frame(x, t[index], self.frames.frame(index), levels)
        else:
            on = profile is not None and stimulus.t_on <= t[index] < stimulus.t_off
            self.traces.show_frame(x, t, self.frames.block(), index, levels,
                                   profile if on else None)
            self.traces.frame_ranges(x, max(t[-1], self._planned_end()) if self.streaming
                                     else t[-1], levels)
        self.frame_shown.emit(index)

    def _planned_end(self) -> float:
        system = self.shown.system
        return self.param_forms["field" if fr.is_field(system) else "grid"].params().t_end

    # -- the input, placed with the mouse -------------------------------------------------------

    def place_input(self, x: float, y: float | None = None, width: float | None = None):
        """Put the input at (x, y) (mm), with ``width`` if given, and run again."""
        system = self.param_forms["show"].params().system
        if not fr.is_field(system):
            return
        form = self.param_forms["input"]
        form.set_value("x0", f"{x:.3g}")
        if y is not None and system == "field 2D":
            form.set_value("y0", f"{y:.3g}")
        if width is not None:
            form.set_value("width", f"{max(width, 0.01):.3g}")
        if not (self.auto_run_enabled and self.auto_run):
            self.run()

    # -- the run as an animation ---------------------------------------------------------------

    def _ask_animation_path(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, "Save the run as an animation", dialog_folder.start_path("field.gif"),
            "Animated GIF (*.gif);;Numbered PNG frames (*.png)")
        if not path:
            return
        if not Path(path).suffix:
            path += ".png" if "png" in chosen else ".gif"
        dialog_folder.remember(path)
        try:
            written = self.save_animation(path)
        except (export.ExportError, OSError) as error:
            self.message.emit(f"{self.title}: cannot save the animation: {error}")
            return
        self.message.emit(f"{self.title}: animation saved ({len(written)} file(s)) "
                          f"to {Path(path).parent}")

    def save_animation(self, path, width: int | None = None) -> list[Path]:
        """The finished run as drawn, as an animated GIF (at most ``GIF_FRAMES`` frames, evenly
        picked, at the animation speed up to 25 frames/s) or as ``stem_0000.png``, ..."""
        if self.streaming:
            raise export.ExportError("the run is still going: save it once it has finished")
        self.replay.end()
        gif = str(path).lower().endswith(".gif")
        every = max(1, -(-self.frames.count // GIF_FRAMES)) if gif else 1
        frames = range(0, self.frames.count, every)
        panel = self.image if self.shown and fr.dimensions(self.shown.system) == 2 \
            else self.traces
        fps = min(self.param_forms["show"].params().fps, 25.0)
        return export.export_animation(panel, lambda i: self.draw(frames[i]), len(frames),
                                       path, fps=fps, width=width)
