"""A two-variable custom model as a PlanarModel, for the shared phase-plane widget.

The phase plane needs dx/dt and dy/dt on grids of thousands of points in the GUI process
(which never imports brian2). The right-hand sides are read here with Python's ``ast`` parser
and computed by a small interpreter that knows numbers, the parameters and state variables,
+ - * / ** %, and a fixed list of numpy functions; any other construct (attributes,
subscripts, lambdas, names with '__', calls of anything else) is refused. Nothing is passed to
eval or exec. brian2 has checked the units of the same text in the worker.

Variables are in the units of the form (mV for volt, ...); time in ms.
"""
from __future__ import annotations

import ast
import operator

import numpy as np

from .custom_spec import ModelText, display_unit_of, parse_lines
from .params import ParamError, checked
from .planar import PlanarModel, bifurcation_scan, scan_sweep

__all__ = ["planar_model", "plane_params", "PlanarError", "PlaneParams", "bifurcation"]

FUNCTIONS = {"exp": np.exp, "log": np.log, "log10": np.log10, "sqrt": np.sqrt, "sin": np.sin,
             "cos": np.cos, "tan": np.tan, "tanh": np.tanh, "sinh": np.sinh, "cosh": np.cosh,
             "arctan": np.arctan, "abs": np.abs, "floor": np.floor, "ceil": np.ceil,
             "sign": np.sign, "clip": np.clip}
CONSTANTS = {"pi": np.pi, "e": np.e}
UNITS = {"volt": 1.0, "amp": 1.0, "second": 1.0, "siemens": 1.0, "farad": 1.0, "ohm": 1.0,
         "hertz": 1.0, "metre": 1.0, "meter": 1.0, "mole": 1.0, "molar": 1e3, "coulomb": 1.0,
         "V": 1.0, "A": 1.0, "s": 1.0, "S": 1.0, "F": 1.0, "Hz": 1.0, "m": 1.0, "M": 1e3}
"""brian2's unit names in SI, with a prefix below (``mV``, ``nA``, ``pF``, ``cm2``); a bare
symbol (``V``, ``m``) only with a prefix, so that it never hides a variable's name."""
PREFIXES = {"f": 1e-15, "p": 1e-12, "n": 1e-9, "u": 1e-6, "m": 1e-3, "c": 1e-2, "d": 1e-1,
            "k": 1e3, "M": 1e6, "G": 1e9}


def _unit_value(name: str) -> float | None:
    """The SI value of a brian2 unit name (``mV`` 1e-3, ``cm2`` 1e-4, ``ms`` 1e-3), or None."""
    power = 1
    if name[-1:] in "23" and len(name) > 1:
        name, power = name[:-1], int(name[-1])
    for prefix, factor in [("", 1.0), *PREFIXES.items()]:
        base = name[len(prefix):]
        if name.startswith(prefix) and base in UNITS and (prefix or len(base) > 1):
            return (factor * UNITS[base]) ** power
    return None
OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
             ast.Div: operator.truediv, ast.Pow: operator.pow, ast.Mod: operator.mod}


class PlanarError(ParamError):
    """The model has no phase plane here (not two variables, or a construct not supported)."""


def _compile(text: str, line: int):
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except SyntaxError as error:
        raise PlanarError(f"line {line}", f"cannot read '{text}': {error.msg}") from None

    def build(node):
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            value = float(node.value)
            return lambda env: value
        if isinstance(node, ast.Name) and "__" not in node.id:
            name = node.id
            value = CONSTANTS.get(name, _unit_value(name))
            if value is None:
                return lambda env: env[name]
            return lambda env: env.get(name, value)  # a variable's name wins over a unit's
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            op, left, right = OPERATORS[type(node.op)], build(node.left), build(node.right)
            return lambda env: op(left(env), right(env))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = build(node.operand)
            sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
            return lambda env: sign * inner(env)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in FUNCTIONS and not node.keywords:
            function, args = FUNCTIONS[node.func.id], [build(a) for a in node.args]
            return lambda env: function(*(a(env) for a in args))
        raise PlanarError(f"line {line}", f"'{ast.unparse(node)}' is not supported by the "
                                          f"phase plane (numbers, names, + - * / ** and "
                                          f"{', '.join(FUNCTIONS)} are)")
    return build(tree)


def planar_model(model: ModelText) -> PlanarModel:
    """The phase-plane model of a two-variable ``model``; raises PlanarError otherwise."""
    lines = parse_lines(model.equations)
    states = [line for line in lines if line.kind == "diff"]
    if len(states) != 2:
        raise PlanarError("equations", f"has {len(states)} state variables; the phase plane "
                                       f"needs two")
    subs = {line.name: _compile(line.expression, line.number)
            for line in lines if line.kind == "sub"}
    rates = [_compile(line.expression, line.number) for line in states]
    (x, x_scale), (y, y_scale) = [(line.name, display_unit_of(line.unit)[1]) for line in states]
    scales = {line.name: display_unit_of(line.unit)[1] for line in lines if line.kind == "param"}
    x_unit, y_unit = (display_unit_of(line.unit)[0] for line in states)

    def rhs(xv, yv, p):
        env = {name: value * scales.get(name, 1.0) for name, value in vars(p).items()}
        env[x], env[y] = np.asarray(xv, float) * x_scale, np.asarray(yv, float) * y_scale
        for name, expression in subs.items():  # in text order; brian2 allows any order
            env[name] = expression(env)
        with np.errstate(all="ignore"):
            dx, dy = (rate(env) for rate in rates)
        # per second in SI units -> per ms in the form's units
        return (np.asarray(dx) * 1e-3 / x_scale + 0 * np.asarray(xv, float),
                np.asarray(dy) * 1e-3 / y_scale + 0 * np.asarray(yv, float))

    return PlanarModel(name="custom model", rhs=rhs, x_name=x, y_name=y, x_label=x,
                       y_label=y, x_unit=x_unit, y_unit=y_unit, t_unit="ms")


class PlaneParams:
    """Parameter values in the form's units, as attributes (so that ``planar.with_param``
    can vary one), comparable for the phase-plane widget."""

    def __init__(self, **values):
        self.__dict__.update(values)

    def __eq__(self, other):
        return isinstance(other, PlaneParams) and all(
            np.array_equal(a, b) for a, b in zip(*(sorted(vars(o).items())
                                                   for o in (self, other))))

    def __getitem__(self, name):
        return vars(self)[name]


def plane_params(model: ModelText, values: dict, stimulus: dict | None = None) -> PlaneParams:
    """The values the right-hand sides need (form units): the form's parameters, and the
    driven current at its step value (offset + amplitude) as a constant."""
    given = {line.name: float(values[line.name]) for line in model.parameters()}
    if model.current:
        given[model.current] = 0.0 if stimulus is None else \
            float(stimulus["I_offset"]) + float(stimulus["I_amp"])
    return PlaneParams(**given)


@checked()
def bifurcation(model: ModelText, values: dict, stimulus: dict | None, name: str, low: float,
                high: float, n_values: int = 150, xlim=None, ylim=None, *, on_chunk=None,
                should_stop=None):
    """Fixed point, eigenvalues and attractor extent of a two-variable model against the
    parameter ``name`` from ``low`` to ``high`` (form units), for the bifurcation view."""
    planar = planar_model(model)
    params = plane_params(model, values, stimulus)
    if name not in vars(params):
        raise ParamError("name", f"'{name}' is not a parameter of the equations")
    if not (np.isfinite(low) and np.isfinite(high) and high > low):
        raise ParamError("high", "must be above the lower end")
    if not 3 <= int(n_values) <= 2000:
        raise ParamError("n_values", "must be 3 to 2000")
    scan = bifurcation_scan(planar, params, name, np.linspace(low, high, int(n_values)),
                            xlim=xlim, ylim=ylim, t_transient=values["tend"],
                            t_measure=values["tend"] / 3)
    unit = display_unit_of(model.unit_of(name))[0]
    return scan_sweep(scan, name, planar.x_label, unit)
