"""A small JSON Schema checker for the scenario schema (``schema.json``).

It implements the keywords ``schema.json`` uses (type, enum, pattern,
minLength, minimum, maximum, minItems, items, required, properties,
additionalProperties, propertyNames, minProperties, oneOf, not, $ref to
``#/$defs/...``) with the meaning draft 2020-12 gives them, and reports every
fault as an ``Error`` carrying what the loader needs to name it (the path to
the value, the keyword, the value and the schema that failed).

Why not the ``jsonschema`` package: importing it costs more than a second
(its format checkers build dozens of parsers at import), paid by every
notebook that opens a role-play and by ``csworkbook scenarios check``. The
scenario schema is small and fixed; ``tests/test_roleplay_loader.py`` checks
that this module and ``jsonschema`` agree on the shipped files and on broken
ones. A keyword this module does not know is refused when the schema is
loaded, so the schema cannot grow a rule that is silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

KNOWN = {
    "$schema", "$id", "$ref", "$defs", "title", "description",
    "type", "enum", "pattern", "minLength", "minimum", "maximum", "minItems", "items",
    "required", "properties", "additionalProperties", "propertyNames", "minProperties", "oneOf", "not",
}


class SchemaUnsupported(ValueError):
    """The schema uses a keyword this checker does not implement."""


@dataclass
class Error:
    validator: str  # the keyword that failed, as jsonschema names it
    path: tuple  # where the value is, from the top of the document
    instance: object
    schema: dict
    validator_value: object
    message: str

    @property
    def absolute_path(self) -> tuple:  # jsonschema's name for it
        return self.path


def _is_type(value, kind: str) -> bool:
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "null":
        return value is None
    raise SchemaUnsupported(f"unknown type {kind!r}")


@lru_cache(maxsize=None)
def _regex(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _check_keywords(schema, where: str = "#") -> None:
    if not isinstance(schema, dict):
        return
    unknown = set(schema) - KNOWN
    if unknown:
        raise SchemaUnsupported(f"{where}: keyword(s) {sorted(unknown)} are not supported by schema_check")
    for key in ("properties", "$defs"):
        for name, sub in schema.get(key, {}).items():
            _check_keywords(sub, f"{where}/{key}/{name}")
    for key in ("items", "additionalProperties", "propertyNames", "not"):
        if isinstance(schema.get(key), dict):
            _check_keywords(schema[key], f"{where}/{key}")
    for i, sub in enumerate(schema.get("oneOf", [])):
        _check_keywords(sub, f"{where}/oneOf/{i}")


class Validator:
    """``Validator(schema).iter_errors(document)`` yields every ``Error``, like jsonschema's validators."""

    def __init__(self, schema: dict):
        _check_keywords(schema)
        self.root = schema

    def _resolve(self, ref: str) -> dict:
        if not ref.startswith("#/"):
            raise SchemaUnsupported(f"only local references are supported, got {ref!r}")
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def is_valid(self, instance, schema: dict | None = None) -> bool:
        return next(self._errors(instance, self.root if schema is None else schema, ()), None) is None

    def iter_errors(self, instance) -> Iterator[Error]:
        return self._errors(instance, self.root, ())

    def _errors(self, value, schema: dict, path: tuple) -> Iterator[Error]:
        if "$ref" in schema:
            yield from self._errors(value, self._resolve(schema["$ref"]), path)

        def error(keyword: str, message: str) -> Error:
            return Error(keyword, path, value, schema, schema[keyword], message)

        kind = schema.get("type")
        if kind is not None and not _is_type(value, kind):
            yield error("type", f"{value!r} is not of type {kind!r}")
            return  # the other keywords would only repeat the fault
        if "enum" in schema and value not in schema["enum"]:
            yield error("enum", f"{value!r} is not one of {schema['enum']!r}")
        if isinstance(value, str):
            if "minLength" in schema and len(value) < schema["minLength"]:
                yield error("minLength", f"{value!r} is too short")
            if "pattern" in schema and not _regex(schema["pattern"]).search(value):
                yield error("pattern", f"{value!r} does not match {schema['pattern']!r}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                yield error("minimum", f"{value!r} is less than the minimum of {schema['minimum']!r}")
            if "maximum" in schema and value > schema["maximum"]:
                yield error("maximum", f"{value!r} is greater than the maximum of {schema['maximum']!r}")
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                yield error("minItems", f"{value!r} should be non-empty" if schema["minItems"] == 1
                            else f"{value!r} is too short")
            if "items" in schema:
                for i, item in enumerate(value):
                    yield from self._errors(item, schema["items"], path + (i,))
        if isinstance(value, dict):
            yield from self._object_errors(value, schema, path, error)
        if "oneOf" in schema:
            matched = [i for i, sub in enumerate(schema["oneOf"]) if self.is_valid(value, sub)]
            if len(matched) != 1:
                what = "is not valid under any of the given schemas" if not matched else "is valid under each of " + \
                    ", ".join(repr(schema["oneOf"][i]) for i in matched)
                yield error("oneOf", f"{value!r} {what}")
        if "not" in schema and self.is_valid(value, schema["not"]):
            yield error("not", f"{value!r} should not be valid under {schema['not']!r}")

    def _object_errors(self, value: dict, schema: dict, path: tuple, error) -> Iterator[Error]:
        for name in schema.get("required", []):
            if name not in value:
                yield error("required", f"{name!r} is a required property")
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            yield error("minProperties", f"{value!r} does not have enough properties")
        if "propertyNames" in schema:
            for key in value:
                # As jsonschema does: the key's own fault (its pattern, say), at the object's path.
                yield from self._errors(key, schema["propertyNames"], path)
        properties = schema.get("properties", {})
        for key, sub in properties.items():
            if key in value:
                yield from self._errors(value[key], sub, path + (key,))
        extra = schema.get("additionalProperties")
        if extra is False:
            unknown = [k for k in value if k not in properties]
            if unknown:
                listed = ", ".join(repr(k) for k in unknown)
                yield error("additionalProperties",
                            f"Additional properties are not allowed ({listed} {'was' if len(unknown) == 1 else 'were'} unexpected)")
        elif isinstance(extra, dict):
            for key, item in value.items():
                if key not in properties:
                    yield from self._errors(item, extra, path + (key,))
