"""View state described once: typed dataclasses that sessions save, check and restore.

Parameters are :class:`~neurodynex_gui.models.params.Params`; everything else a tab keeps in a
session (the page shown, axis ranges, trajectories, drawn patterns, overlaid runs) is a
:class:`ViewState` whose field annotations say what a valid value is::

    @dataclass(frozen=True)
    class Start(ViewState):
        x0: float = 0.0
        backward: bool = False

    @dataclass(frozen=True)
    class PlaneView(ViewState):
        trajectories: Annotated[tuple[Start, ...], MaxItems(100)] = ()
        flow: Literal["normalised", "proportional to speed"] = "normalised"

``PlaneView.parse(json_value)`` checks everything (ParamError naming the field) before a tab
changes anything; ``view.to_json()`` gives plain JSON values. Annotations understood: bool,
int, float (finite), str, Literal, ``X | None``, ``tuple[X, ...]``, ``tuple[X, Y]``,
``dict[K, V]``, Params and ViewState subclasses, and ``Annotated`` with :class:`MaxItems`,
:class:`Rule` and :class:`Codec`. No Qt here.
"""
from __future__ import annotations

import dataclasses
import math
import types
import typing
from typing import Annotated, Any, Callable, Literal, Union

from .models.params import ParamError, Params


@dataclasses.dataclass(frozen=True)
class MaxItems:
    """At most ``n`` items in a list or object (checked before the items are)."""

    n: int


@dataclasses.dataclass(frozen=True)
class Rule:
    """An extra check of a parsed value: ``test(value)`` must be true, else ``message``."""

    test: Callable[[Any], bool]
    message: str


@dataclasses.dataclass(frozen=True)
class Codec:
    """A value kept in JSON in another form: ``load`` (raises ValueError) and ``dump``."""

    load: Callable[[Any], Any]
    dump: Callable[[Any], Any]


@dataclasses.dataclass(frozen=True)
class ViewState:
    """Base of the typed view descriptions; missing keys take the field's default."""

    @classmethod
    def parse(cls, data: Any, where: str = "view"):
        """Check ``data`` (plain JSON values) and build the description; raises ParamError."""
        return _parse(cls, data, where)

    def to_json(self) -> dict:
        return _dump(type(self), self)

    def replace(self, **changes: Any):
        return dataclasses.replace(self, **changes)


def parse_value(tp, value: Any, where: str):
    """``value`` (plain JSON) checked as the annotation ``tp`` says, e.g. a Params class;
    raises ParamError naming ``where`` and the field."""
    return _parse(tp, value, where)


def _hints(cls) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


def _parse(tp, value, where: str):
    extras = ()
    if typing.get_origin(tp) is Annotated:
        tp, *extras = typing.get_args(tp)
    limit = next((e.n for e in extras if isinstance(e, MaxItems)), None)
    if limit is not None and isinstance(value, (list, dict)) and len(value) > limit:
        raise ParamError(where, f"at most {limit} items, got {len(value)}")
    codec = next((e for e in extras if isinstance(e, Codec)), None)
    if codec is not None:
        try:
            parsed = codec.load(value)
        except (TypeError, ValueError) as error:
            raise ParamError(where, str(error)) from None
    else:
        parsed = _parse_plain(tp, value, where)
    for rule in (e for e in extras if isinstance(e, Rule)):
        if not rule.test(parsed):
            raise ParamError(where, rule.message)
    return parsed


def _parse_plain(tp, value, where: str):
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _parse(inner[0], value, where)
    if origin is Literal:
        if not isinstance(value, (str, int)) or isinstance(value, bool) or value not in args:
            raise ParamError(where, f"'{_short(value)}' is not one of "
                                    f"{', '.join(map(str, args))}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ParamError(where, "must be true or false")
        return value
    if tp is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ParamError(where, "must be an integer")
        return value
    if tp is float:
        return _number(value, where)
    if tp is str:
        if not isinstance(value, str):
            raise ParamError(where, "must be a text")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ParamError(where, "must be a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_parse(args[0], item, f"{where}[{i}]") for i, item in enumerate(value))
        if len(value) != len(args):
            raise ParamError(where, f"must be a list of {len(args)} items")
        return tuple(_parse(a, item, f"{where}[{i}]")
                     for i, (a, item) in enumerate(zip(args, value)))
    if origin is dict:
        if not isinstance(value, dict):
            raise ParamError(where, "must be an object")
        return {_parse(args[0], key, f"{where} key"): _parse(args[1], item, f"{where}/{key}")
                for key, item in value.items()}
    if isinstance(tp, type) and issubclass(tp, Params):
        if not isinstance(value, dict):
            raise ParamError(where, "must be an object of parameter values")
        try:
            return tp.from_dict(value)
        except ParamError as error:
            raise ParamError(f"{where}/{error.name}", error.message) from None
    if isinstance(tp, type) and issubclass(tp, ViewState):
        if not isinstance(value, dict):
            raise ParamError(where, "must be an object")
        hints = _hints(tp)
        unknown = sorted(set(value) - set(hints))
        if unknown:
            raise ParamError(where, f"unknown entries {', '.join(map(_short, unknown))} "
                                    f"(known: {', '.join(hints)})")
        missing = [f.name for f in dataclasses.fields(tp) if f.name not in value
                   and f.default is dataclasses.MISSING
                   and f.default_factory is dataclasses.MISSING]
        if missing:
            raise ParamError(where, f"{', '.join(missing)} missing")
        return tp(**{name: _parse(hint, value[name], f"{where}/{name}")
                     for name, hint in hints.items() if name in value})
    raise TypeError(f"{where}: a view state cannot hold {tp!r}")  # a mistake in a declaration


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParamError(where, "must be a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ParamError(where, "must be a finite number")
    return number


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _dump(tp, value):
    extras = ()
    if typing.get_origin(tp) is Annotated:
        tp, *extras = typing.get_args(tp)
    codec = next((e for e in extras if isinstance(e, Codec)), None)
    if codec is not None:
        return codec.dump(value)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if value is None:
        return None
    if origin in (Union, types.UnionType):
        return _dump(next(a for a in args if a is not type(None)), value)
    if origin is tuple:
        kinds = [args[0]] * len(value) if len(args) == 2 and args[1] is Ellipsis else args
        return [_dump(kind, item) for kind, item in zip(kinds, value)]
    if origin is dict:
        return {key: _dump(args[1], item) for key, item in value.items()}
    if isinstance(value, Params):
        return value.to_dict()
    if isinstance(value, ViewState):
        return {name: _dump(hint, getattr(value, name)) for name, hint in _hints(tp).items()}
    return float(value) if tp is float else value


Range = Annotated[tuple[float, float], Rule(lambda r: r[0] < r[1], "must be [low, high] "
                                                                      "with low < high")]
"""An axis range [low, high]."""


@dataclasses.dataclass(frozen=True)
class TabView(ViewState):
    """What every tab keeps: the page shown and each plot's axis ranges by page."""

    page: int = 0
    ranges: Annotated[dict[str, Annotated[dict[str, tuple[Range, Range]], MaxItems(64)]],
                      MaxItems(16)] = dataclasses.field(default_factory=dict)
