"""What routers share: the city index and relation graph for the current store version,
checking user text, and turning what users type (IRI, slug, Q-id, code, name) into IRIs."""
from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError

from citykg.api.canned import MAX_IRI, ParamError, check_text
from citykg.api.deps import get_holder
from citykg.api.graph import RelationGraph
from citykg.api.relations import AmbiguousCity, CityNotFound
from citykg.api.search import CityIndex, is_iri, resolve_city


def index_of(request: Request) -> CityIndex:
    return request.app.state.index.get(get_holder(request))


def graph_of(request: Request) -> RelationGraph:
    return request.app.state.graph.get(get_holder(request))


def invalid(name: str, message: str, value=None) -> RequestValidationError:
    """A 422 naming the parameter, shaped like FastAPI's own validation errors."""
    return RequestValidationError([{"type": "value_error", "loc": ("query", name), "msg": message,
                                    "input": value if not isinstance(value, str) else value[:200]}])


def checked(name: str, value: str | None, limit: int = 500) -> str | None:
    if value is None:
        return None
    try:
        return check_text(name, value, limit)
    except ParamError as exc:
        raise invalid(name, str(exc), value) from None


def city_iri(index: CityIndex, text: str, name: str = "city", limit: int = 500) -> str:
    """The IRI of the city `text` names; 404 with a message when none (or several) does.
    Text that only looks like an IRI ("Foo: Bar") is a name like any other."""
    text = checked(name, text, limit).strip()
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    problem = _iri_problem(iri) if is_iri(iri) else None
    if is_iri(iri) and problem is None:
        if iri in index.cities:
            return iri
        raise HTTPException(404, f"no city {iri}")
    try:
        return resolve_city(index, text)
    except AmbiguousCity as exc:
        raise HTTPException(404, str(exc)) from None
    except CityNotFound:
        if problem:
            raise HTTPException(404, f"{name}: {text!r} is not a valid IRI ({problem}) nor the "
                                     "name of a city") from None
        raise HTTPException(404, f"{name}: no city called {text!r} (try /cities?q=…)") from None


def _iri_problem(text: str) -> str | None:
    try:
        ox.NamedNode(text)
    except ValueError as exc:
        return str(exc)
    return None


def place_value(index: Callable[[], CityIndex], name: str, value: str) -> str:
    """For an IRI parameter named like a city or a country, what a user typed (slug, name,
    Q-id, code) as an IRI; anything that already is an IRI passes through unchanged."""
    text = value.strip()
    if is_iri(text.strip("<>")) and _iri_problem(text.strip("<>")) is None:
        return value
    if "country" in name:
        found = index().country(text)
        if not found:
            raise HTTPException(404, f"no country called {text!r}")
        return found
    if "city" in name:
        return city_iri(index(), text, name, MAX_IRI)
    return value
