"""Parameter descriptions: one frozen dataclass per model, fields carry their metadata.

The form, validation, sessions and the command line all read these descriptions::

    @dataclass(frozen=True)
    class LIFParams(Params):
        tau_ms: float = param(8.0, "membrane time constant", "ms", min=0.01, max=1000)

A field's name is its scripting-API name; the unit is part of the metadata (and of the name
where it helps). ``Params.from_dict`` validates and raises :class:`ParamError` naming the field.

The scripting API checks its arguments against the same fields with the :func:`checked`
decorator, before any simulation starts.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import math
import numbers
import typing
from typing import Any, Callable, Mapping, Sequence

import numpy as np


class ParamError(ValueError):
    """A parameter value that is refused; ``name`` is the field, ``message`` says why."""

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


@dataclasses.dataclass(frozen=True)
class Meta:
    """What a form and a validator need to know about one parameter."""

    label: str
    unit: str = ""
    min: float | None = None
    max: float | None = None
    step: float | None = None
    help: str = ""
    choices: tuple[str, ...] | None = None
    decimals: int = 4
    section: str = ""
    show_when: tuple[str, tuple[str, ...]] | None = None  # (other field, values) that show it


def param(default: Any, label: str, unit: str = "", **meta: Any) -> Any:
    """A dataclass field with its :class:`Meta`."""
    return dataclasses.field(default=default, metadata={"meta": Meta(label, unit, **meta)})


@dataclasses.dataclass(frozen=True)
class Params:
    """Base of every parameter set: bounds checked on construction."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _check_field(f, getattr(self, f.name))
        self.check()

    def check(self) -> None:
        """Cross-field rules; raise ParamError. Override where a model has them."""

    @classmethod
    def specs(cls) -> list[tuple[str, Any, Meta]]:
        """(name, default, meta) for every field, in declaration order."""
        return [(f.name, f.default, f.metadata["meta"]) for f in dataclasses.fields(cls)]

    @classmethod
    def meta(cls, name: str) -> Meta:
        for field_name, _, meta in cls.specs():
            if field_name == name:
                return meta
        raise ParamError(name, f"unknown parameter (known: {', '.join(cls.names())})")

    @classmethod
    def names(cls) -> list[str]:
        return [name for name, _, _ in cls.specs()]

    @classmethod
    def from_dict(cls, values: Mapping[str, Any], base: "Params | None" = None):
        """Build from a mapping of plain values (strings allowed), on top of ``base`` or defaults.

        Unknown names and unparsable or out-of-range values raise ParamError.
        """
        current = dataclasses.asdict(base) if base is not None else {}
        for name, raw in values.items():
            current[name] = coerce(cls, name, raw)
        return cls(**current)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def replace(self, **changes: Any):
        return self.from_dict(changes, base=self)


def coerce(cls: type[Params], name: str, raw: Any) -> Any:
    """Turn a plain or textual value into the field's type, or raise ParamError."""
    meta = cls.meta(name)
    default = next(d for n, d, _ in cls.specs() if n == name)
    if meta.choices is not None:
        value = str(raw)
        if value not in meta.choices:
            raise ParamError(name, f"'{_shown(value)}' is not one of {', '.join(meta.choices)}")
        return value
    if isinstance(default, bool):
        if isinstance(raw, str):
            if raw.strip().lower() in ("1", "true", "yes", "on"):
                return True
            if raw.strip().lower() in ("0", "false", "no", "off"):
                return False
            raise ParamError(name, f"'{_shown(raw)}' is not true or false")
        if isinstance(raw, (bool, np.bool_)) or (isinstance(raw, (int, float, np.number))
                                                 and raw in (0, 1)):
            return bool(raw)  # not bool(nan), which is True
        raise ParamError(name, f"'{_shown(str(raw))}' is not true or false")
    kind = int if isinstance(default, int) else float
    try:
        value = kind(raw.strip() if isinstance(raw, str) else raw)
        if kind is int and not isinstance(raw, str) and value != raw:
            raise ValueError("not integral")  # 1.7 is refused, not truncated to 1
    except (TypeError, ValueError, OverflowError):
        raise ParamError(name, f"'{_shown(raw)}' is not a"
                               f"{'n integer' if kind is int else ' number'}")
    _check_field_value(name, meta, value)
    return value


def _check_field(field: dataclasses.Field, value: Any) -> None:
    """The type and bounds of a field's value (a constructor's arguments are not coerced)."""
    meta: Meta = field.metadata["meta"]
    if meta.choices is not None:
        if not isinstance(value, str) or value not in meta.choices:
            raise ParamError(field.name, f"'{_shown(value)}' is not one of "
                                         f"{', '.join(meta.choices)}")
        return
    if isinstance(field.default, bool):
        if not isinstance(value, (bool, np.bool_)):
            raise ParamError(field.name, f"'{_shown(value)}' is not true or false")
        return
    kind = numbers.Integral if isinstance(field.default, int) else numbers.Real
    if not isinstance(value, kind) or isinstance(value, (bool, np.bool_)):
        raise ParamError(field.name, f"'{_shown(value)}' is not a"
                                     f"{'n integer' if kind is numbers.Integral else ' number'}")
    _check_field_value(field.name, meta, value)


def _shown(raw: Any, limit: int = 40) -> str:
    """A value as a message quotes it: cut to ``limit`` characters."""
    text = str(raw)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _check_field_value(name: str, meta: Meta, value: float) -> None:
    if isinstance(value, float) and not math.isfinite(value):  # ints of any size compare exactly
        raise ParamError(name, "must be a finite number")
    unit = f" {meta.unit}" if meta.unit else ""
    if meta.min is not None and value < meta.min:
        raise ParamError(name, f"must be at least {_bound(meta.min)}{unit}")
    if meta.max is not None and value > meta.max:
        raise ParamError(name, f"must be at most {_bound(meta.max)}{unit}")


def _bound(value: float) -> str:
    """A bound as a message shows it: whole numbers in full (2147483647, not 2.14748e+09)."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e16 else f"{value:g}"


def checked(*classes: type[Params] | str, diverges: bool = False, **aliases: str | None):
    """Decorator of a public scripting function: check its arguments, then run it.

    An argument named like a field of one of ``classes`` (or renamed to one by ``aliases``,
    argument="field"; argument=None leaves it unchecked) must pass what the form of that
    field passes, and the classes' cross-field rules; a sequence is checked item by item;
    None (the functions' "default" or "random") and random generators pass. An argument whose default or annotation is a Params
    class must be an instance of it. A refusal is a ParamError (a ValueError) naming the
    argument, raised before the function starts. Classes may be given by name (resolved in the
    function's module at the first call). With ``diverges``, a result that diverged warns
    (:func:`.divergence.warn_if_diverged`).
    """
    def decorate(function: Callable) -> Callable:
        signature = inspect.signature(function)
        plan: list = []  # filled at the first call: module-level classes exist by then

        def resolved():
            if not plan:
                plan.append(_plan(function, signature, classes, aliases))
            return plan[0]

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            check_arguments(bound.arguments, *resolved())
            result = function(*args, **kwargs)
            if diverges:
                from .divergence import warn_if_diverged

                warn_if_diverged(result, stacklevel=2)
            return result

        wrapper.checked_arguments = lambda: resolved()[0]  # argument -> (class, field)
        return wrapper

    return decorate


def check_arguments(arguments: Mapping[str, Any],
                    fields: Mapping[str, tuple[type[Params], str]],
                    instances: Mapping[str, type[Params]]) -> None:
    """Check ``arguments`` (name -> value): ``fields`` maps an argument to (class, field),
    ``instances`` to the Params class it must be an instance of; raises ParamError."""
    for name, cls in instances.items():
        if not isinstance(arguments.get(name), cls):
            raise ParamError(name, f"must be a {cls.__name__}, not "
                                   f"{type(arguments.get(name)).__name__}")
    by_class: dict[type[Params], dict[str, tuple[str, Any]]] = {}
    for name, (cls, field) in fields.items():
        value = arguments.get(name)
        if value is None or isinstance(value, np.random.Generator):
            continue
        several = isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, str)
        try:
            items = np.ravel(np.asarray(value, dtype=object)).tolist() if several else [value]
            coerced = [coerce(cls, field, item) for item in items]
        except ParamError as error:
            raise ParamError(name, error.message) from None
        except ValueError:  # a ragged sequence
            raise ParamError(name, "must be a number or a flat sequence of numbers") from None
        if not several:
            by_class.setdefault(cls, {})[field] = (name, coerced[0])
    for cls, values in by_class.items():  # the cross-field rules, e.g. I_max above I_min
        try:
            cls(**{**_defaults(cls), **{field: value for field, (_, value) in values.items()}})
        except ParamError as error:
            raise ParamError(values.get(error.name, (error.name,))[0], error.message) from None


def _plan(function, signature, classes, aliases):
    """(argument -> (class, field), argument -> Params class of instance arguments)."""
    module = inspect.getmodule(function)
    resolved = [getattr(module, cls) if isinstance(cls, str) else cls for cls in classes]
    fields = {}
    for name in signature.parameters:
        field = aliases.get(name, name)
        owner = next((cls for cls in resolved if field in cls.names()), None) if field else None
        if owner is not None:
            fields[name] = (owner, field)
    try:
        hints = typing.get_type_hints(function, vars(module))
    except (NameError, TypeError):
        hints = {}
    instances = {}
    for name, parameter in signature.parameters.items():
        kind = type(parameter.default) if isinstance(parameter.default, Params) \
            else hints.get(name)
        if isinstance(kind, type) and issubclass(kind, Params):
            instances[name] = kind
            fields.pop(name, None)  # a Params argument, not a field of the same name
    return fields, instances


def _defaults(cls: type[Params]) -> dict[str, Any]:
    return {name: default for name, default, _ in cls.specs()}
