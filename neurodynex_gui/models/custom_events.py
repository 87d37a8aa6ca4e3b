"""The check of a custom model's threshold, reset and refractoriness, as the user types.

brian2 checks them when it builds and runs a group (code generation: 200-250 ms, too slow
for a check after each keystroke). Here the same rules are applied with brian2's own parsers
and unit functions to the names of the group already built for the equations' check, in a few
milliseconds: the threshold is a boolean expression; the reset is statements ``x = expr``,
``x += expr``, ... (separated by ``;`` or new lines) that assign to a state variable or
parameter in its unit (or ``=`` to a new name: a local value); the refractoriness is a time or a boolean expression. brian2 is
imported inside the function: it runs in the worker process.
"""
from __future__ import annotations

import re

__all__ = ["event_problems"]

_ASSIGNMENTS = ("=", "+=", "-=", "*=", "/=")


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def event_problems(group, threshold: str, reset: str, refractory: str) -> list[tuple[str, str]]:
    """(field, message) for each problem of the three fields, given ``group``, a brian2
    NeuronGroup of the equations (names are resolved against it, with no namespace)."""
    from brian2.core.variables import ArrayVariable
    from brian2.parsing.expressions import is_boolean_expression, parse_expression_dimensions
    from brian2.parsing.statements import parse_statement
    from brian2.units.fundamentalunits import DIMENSIONLESS, get_unit
    from brian2.utils.stringtools import get_identifiers

    def resolved(text: str) -> dict:
        names = get_identifiers(text)
        found = {}
        for name in sorted(names):
            try:
                found.update(group.resolve_all({name}, run_namespace={}))
            except KeyError:
                raise ValueError(f"undefined name '{name}'") from None
        return found

    def dimensions(text: str):
        return parse_expression_dimensions(text, resolved(text))

    def boolean(text: str) -> bool:
        dimensions(text)  # raises on a syntax error or a unit mismatch inside
        return is_boolean_expression(text, resolved(text))

    problems = []
    if threshold:
        try:
            if not boolean(threshold):
                problems.append(("threshold", "must be a condition, e.g. v > v_th"))
        except Exception as error:  # brian2's parsers raise several kinds for bad text
            problems.append(("threshold", _first_line(error)))
    temporary: set[str] = set()  # "x = ..." with a new name: a local value, as in brian2
    for statement in (s.strip() for s in re.split(r"[;\n]", reset)):
        if not statement:
            continue
        try:
            name, op, expression, _ = parse_statement(statement)
            if op not in _ASSIGNMENTS:
                raise ValueError(f"'{op}' is not one of {', '.join(_ASSIGNMENTS)}")
            if temporary & get_identifiers(expression):
                continue  # its unit is brian2's to check when it runs
            variable = group.variables.get(name)
            if variable is None and op == "=":
                dimensions(expression)
                temporary.add(name)
                continue
            if not isinstance(variable, ArrayVariable) or variable.read_only \
                    or variable.owner.name != group.name:
                raise ValueError(f"'{name}' is not a state variable or parameter to set")
            dim = dimensions(expression)
            wanted = DIMENSIONLESS if op in ("*=", "/=") else variable.dim
            if dim != wanted:
                raise ValueError(f"unit mismatch: '{expression.strip()}' is in "
                                 f"{get_unit(dim)!r}, {name} in {get_unit(variable.dim)!r}")
        except Exception as error:  # brian2's parsers raise several kinds for bad text
            problems.append(("reset", f"'{statement}': {_first_line(error)}"))
            break
    if refractory:
        try:
            from brian2 import second

            if not boolean(refractory) and dimensions(refractory) != second.dim:
                problems.append(("refractory", "must be a time (e.g. 2*ms or t_ref) or a "
                                               "condition"))
        except Exception as error:  # brian2's parsers raise several kinds for bad text
            problems.append(("refractory", _first_line(error)))
    return problems
