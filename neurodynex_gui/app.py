"""Application entry: the window, or headless export from the command line.

    neurodynex-gui                                   open the window
    neurodynex-gui --list-tabs                       print the tab ids
    neurodynex-gui --install-desktop                 menu entry, desktop shortcut, icons
    neurodynex-gui --precompile [MODEL ...]          build the compiled fast path ahead of use
    neurodynex-gui --tab lif [--session F] [--set NAME=VALUE ...] --export OUT.png
                                                     simulate, render without a window, write
    neurodynex-gui --tab hh [--set NAME=VALUE ...]   open the window on that tab, with values
                                                     (what neurodynex_gui.show(...) starts)
"""
from __future__ import annotations

import argparse
import faulthandler
import os
import sys

from .qt_application import make_application

# small matrix products are many times slower with threaded BLAS on a busy two-core machine
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

__version__ = "0.1.0"


MIN_WIDTH, MAX_WIDTH = 100, 20000
"""PNG widths (pixels) that --export accepts, as the window's export dialog."""


class _Parser(argparse.ArgumentParser):
    """Bad flags and values: one line and exit status 2 (``--help`` shows the usage)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _width(text: str) -> int:
    try:
        width = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text[:20]}' is not a whole number of pixels")
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise argparse.ArgumentTypeError(f"{text[:20]} pixels is outside {MIN_WIDTH} to "
                                         f"{MAX_WIDTH}")
    return width


def parse_args(argv):
    parser = _Parser(prog="neurodynex-gui",
                     description="The models of the book Neuronal Dynamics, live.")
    parser.add_argument("--list-tabs", action="store_true", help="print the tab ids and exit")
    parser.add_argument("--tab", help="tab id for --export, or the tab the window opens on "
                                      "(see --list-tabs)")
    parser.add_argument("--session", help="session file (*.ndx.json) to load first")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="set a parameter by its scripting name (repeatable)")
    parser.add_argument("--model", metavar="FILE",
                        help="custom tab: a model file (equations and #! lines) to load first")
    parser.add_argument("--export", metavar="OUT",
                        help="run the tab's simulation and write OUT (.png .svg .csv .npz) "
                             "without showing a window")
    parser.add_argument("--animation", metavar="OUT",
                        help="run the tab's simulation and save the whole run as an animated "
                             "GIF (OUT.gif) or as numbered PNGs (OUT.png: OUT_0000.png, ...); "
                             "tabs with animations: neural_field")
    parser.add_argument("--width", type=_width,
                        help=f"PNG width in pixels for --export and --animation "
                             f"({MIN_WIDTH}-{MAX_WIDTH})")
    parser.add_argument("--sweep", action="append", default=[], metavar="NAME=START:STOP:N",
                        help="with --tab and --export (.npz or .csv): run the tab's model on "
                             "a grid of values instead of one run (repeat for more "
                             "dimensions; NAME=V1,V2,... lists values)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT", default="",
                        help="a dask.distributed scheduler that runs --sweep (default: the one "
                             "saved in Settings, else local worker processes)")
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--install-desktop", action="store_true",
                        help="add a menu entry, a desktop shortcut and icons for this user")
    parser.add_argument("--precompile", nargs="*", metavar="MODEL",
                        choices=("lif", "hh", "neuron_type", "synapses", "working_memory"),
                        help="build the compiled fast path of every model (or of the named "
                             "ones: lif, hh, neuron_type, synapses, working_memory) ahead of "
                             "a lecture, and exit")
    parser.add_argument("--exit-after-show", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.list_tabs:
        from .tabs import tab_classes

        for tab_id, cls in tab_classes().items():
            print(f"{tab_id}\t{cls.title}")
        return 0
    if args.precompile is not None:
        from .models.precompile import main as precompile

        return precompile(args.precompile)
    if args.install_desktop:
        from .desktop import install

        for path in install():
            print(f"wrote {path}")
        return 0
    if args.export or args.animation or (args.set and not args.tab):
        return export_headless(args)
    return run_window(args)


def debug_main(argv=None) -> int:
    """The console launcher: tracebacks, and a native crash's stack, go to the terminal."""
    faulthandler.enable()
    print("neurodynex-gui (debug): tracebacks are printed here", file=sys.stderr)
    return main(argv)


def run_window(args) -> int:
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        print("neurodynex-gui: no display to open the window on (DISPLAY is not set); "
              "the command line export works without one: --help", file=sys.stderr)
        return 1
    pairs = []
    if args.tab:  # --tab without --export: the window opens on it with the --set values
        from .notebook import check_values

        try:
            pairs = check_values(args.tab, dict(_assignment(text) for text in args.set))
        except ValueError as error:
            print(f"neurodynex-gui: error: {error}", file=sys.stderr)
            return 2
    app = make_application(sys.argv[:1])
    from PyQt5.QtCore import QTimer

    from .main_window import MainWindow

    window = MainWindow(autosave=True, lazy=True, run_on_first_view=True)
    window.show()
    if args.exit_after_show:  # start-up benchmark: report the first paint, then leave
        window.first_paint.connect(lambda: print("window shown", flush=True))
        window.first_paint.connect(lambda: QTimer.singleShot(0, window.close))
    sys.excepthook = window.report_exception
    if args.session:  # from the event loop: whatever happens, a dialog, never a crash
        QTimer.singleShot(0, lambda: window.open_session(args.session))
    if args.tab:
        from .notebook import open_on

        QTimer.singleShot(0, lambda: open_on(window, args.tab, pairs))
    return exec_window(app, window)


def _assignment(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"--set '{text}' is not NAME=VALUE")
    return name.strip(), value.strip()


def exec_window(app, window) -> int:
    """Run the event loop, then delete the window while Python is whole: Qt's own clean-up at
    interpreter exit can crash on pyqtgraph items."""
    from PyQt5 import sip

    code = app.exec_()
    sip.delete(window)
    return code


def export_headless(args) -> int:
    """Simulate one tab and write a file (or an animation) without a window; one-line
    errors, exit 2."""
    from .export import ANIMATION_FORMATS, FORMATS
    from .tabs import tab_classes, tab_ids

    def fail(message: str) -> int:
        one_line = " ".join(message.split())  # a quoted value may hold line breaks
        print(f"neurodynex-gui: error: {one_line}", file=sys.stderr)
        return 2

    if not args.tab or not (args.export or args.animation):
        return fail("--tab and --export (or --animation) go together (e.g. --tab lif "
                    "--export out.png)")
    if args.tab not in tab_ids():
        return fail(f"unknown tab '{args.tab}' (known: {', '.join(tab_ids())})")
    script = bool(args.export) and args.export.lower().endswith(".py")
    if script and not hasattr(tab_classes()[args.tab], "export_script"):
        return fail(f"the '{args.tab}' tab exports no script (.py is for --tab custom)")
    if args.export and not script and \
            os.path.splitext(args.export)[1].lower().lstrip(".") not in FORMATS:
        suffix = os.path.splitext(args.export)[1].lower().lstrip(".")
        return fail(f"cannot export '.{suffix}': use .png, .svg, .csv or .npz"
                    + (" (--animation writes a .gif)" if suffix == "gif" else ""))
    if args.animation and (os.path.splitext(args.animation)[1].lower().lstrip(".")
                           not in ANIMATION_FORMATS):
        return fail(f"cannot save an animation as '{args.animation}': use .gif, or .png for "
                    "numbered PNG frames")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _quiet_qt()
    app = make_application()
    from PyQt5 import sip

    from .tabs import tab_class

    tab = tab_class(args.tab)(runner=None)
    tab.resize(1400, 800)
    tab.show()  # on the offscreen platform: laid out at its size, never on a screen
    try:
        return _render(app, tab, args, fail)
    finally:
        sip.delete(tab)  # now, while Python is whole: Qt's clean-up at exit crashed on it


def _quiet_qt() -> None:
    """Only Qt's critical messages reach the terminal: off screen, its warnings (e.g. "This
    plugin does not support propagateSizeHints()") would bury the one line the export prints."""
    from PyQt5.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind, _context, message):
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            print(f"Qt: {message}", file=sys.stderr)

    qInstallMessageHandler(handler)


def _render(app, tab, args, fail) -> int:
    from . import export, session
    from .export import ExportError
    from .models.params import ParamError
    from .session import SessionError

    try:
        if args.session:
            doc = session.load(args.session)
            for note in session.check_states(doc, {args.tab: tab}, args.session):
                print(f"neurodynex-gui: note: {note}", file=sys.stderr)
            if args.tab in doc["tabs"]:
                tab.restore(doc["tabs"][args.tab])
        if args.model:
            if not hasattr(tab, "load_model_file"):
                return fail(f"--model is for the custom tab, not '{args.tab}'")
            tab.load_model_file(args.model)
        for assignment in args.set:
            name, sep, value = assignment.partition("=")
            if not sep:
                return fail(f"--set '{assignment}' is not NAME=VALUE")
            tab.set_value(name.strip(), value.strip())
        if args.sweep:
            return _sweep(tab, args, fail)
        if args.export and args.export.lower().endswith(".py"):
            tab.export_script(args.export)  # the script runs it; the GUI does not
            print(f"wrote {args.export}")
            return 0
        tab.run_blocking()
        app.processEvents()
        written = []
        if args.export:
            written.append(export.export(tab.export_panel(), args.export, args.width))
        if args.animation:
            written += tab.save_animation(args.animation, args.width)
    except (ParamError, SessionError, ExportError) as error:
        return fail(str(error))
    except OSError as error:
        return fail(f"cannot write {error.filename or args.export or args.animation}: "
                    f"{error.strerror or error}")
    except Exception as error:  # a simulation that fails: one line, not a traceback
        return fail(f"the simulation failed: {type(error).__name__}: {error}")
    for path in written[:3]:
        print(f"wrote {path}")
    if len(written) > 3:
        print(f"... and {len(written) - 3} more frames like these")
    return 0


def _sweep(tab, args, fail) -> int:
    """``--sweep``: the tab's sweep function on the grid, written as NPZ or CSV."""
    from . import sweeps

    if not hasattr(tab, "sweep_arguments"):
        return fail(f"the tab '{args.tab}' has no sweep (--sweep)")
    suffix = os.path.splitext(args.export or "")[1].lower()
    if suffix not in (".npz", ".csv"):
        return fail("--sweep writes its grid as .npz or .csv (--export)")
    try:
        grid = dict(sweeps.parse_range(text) for text in args.sweep)
    except ValueError as error:
        return fail(str(error))
    try:
        path, base = tab.sweep_arguments(list(grid))
    except ValueError as error:
        return fail(str(error))

    def progress(index, values, done, total, eta):
        print(f"point {done}/{total}", file=sys.stderr, flush=True)

    from .settings_dialog import sweep_scheduler

    # --scheduler, else the address saved in Settings, else local worker processes
    result = sweeps.run_sweep(path, grid, sweep_scheduler(args.scheduler) or None, base=base,
                              on_point=progress)
    (result.to_npz if suffix == ".npz" else result.to_csv)(args.export)
    for index, error in list(result.failed.items())[:3]:
        print(f"neurodynex-gui: point {index} failed: {error}", file=sys.stderr)
    print(f"wrote {args.export}")
    return 0 if not result.failed else 1
