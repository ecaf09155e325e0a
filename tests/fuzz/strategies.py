"""Hypothesis strategies for hostile input: JSON values of every shape, and payloads that are
real ones with parts replaced, removed or added."""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

from hypothesis import strategies as st

text = st.text(max_size=16)
ids = st.sampled_from(["U1", "U0BOT", "T0POSITIE", "T0OTHER", "C0MIXED001", "C0RIJK0001",
                       "D0123", "", " ", "0", "1.5", "null", "\u0000", "\u00ff"])
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text | ids
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=2) | st.dictionaries(text, inner, max_size=2),
    max_leaves=4)


@functools.cache
def base_paths(document: str) -> list[tuple[Any, ...]]:
    return paths(json.loads(document))


def paths(payload: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into a JSON document."""
    found = [prefix] if prefix else []
    if isinstance(payload, dict):
        for key, value in payload.items():
            found += paths(value, (*prefix, key))
    elif isinstance(payload, list):
        for index, value in enumerate(payload):
            found += paths(value, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> Any:
    """`base` with one to three parts replaced by any JSON, removed, or left as is; now and
    then something that is not an object at all."""
    if draw(st.integers(0, 19)) == 0:
        return draw(json_values)
    payload = copy.deepcopy(base)
    known = base_paths(json.dumps(base, sort_keys=True))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(known or [()]))
        if not where:
            continue
        parent: Any = payload
        for step in where[:-1]:
            try:
                parent = parent[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            action = draw(st.sampled_from(["replace", "replace", "delete"]))
            try:
                if action == "delete" and isinstance(parent, dict):
                    del parent[where[-1]]
                elif isinstance(parent, dict | list):
                    parent[where[-1]] = draw(json_values)
            except (KeyError, IndexError, TypeError):
                pass
    return payload
