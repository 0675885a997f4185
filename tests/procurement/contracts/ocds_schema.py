"""Validate OCDS 1.1 release packages offline against the standard's own schema files.

Both schema files are registered by their `id` in a `referencing` Registry, so the package schema's
$ref to the release schema resolves locally and nothing is ever fetched. The format checker checks
date-times (jsonschema needs rfc3339-validator for that; without it "date-time" passes silently, so the
import below is deliberate).
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

import rfc3339_validator  # noqa: F401 - makes jsonschema's format checker really check date-times
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent / "ocds-1.1"  # copied from ../shared/reference/ocds-1.1


def _load(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text())


@cache
def package_validator() -> Draft4Validator:
    package = _load("release-package-schema.json")
    release = _load("release-schema.json")

    def unreachable(uri: str):  # any $ref not registered here is a bug, never a download
        raise LookupError(f"OCDS schema reference not available offline: {uri}")

    registry = Registry(retrieve=unreachable).with_resources(
        [
            (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
            for schema in (package, release)
        ]
    )
    return Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def codelist(name: str) -> set[str]:
    with (SCHEMA_DIR / "codelists" / name).open(newline="") as handle:
        return {row["Code"] for row in csv.DictReader(handle)}


def schema_errors(package: dict) -> list[str]:
    """Every way the package breaks the schema, as readable lines (empty when valid)."""
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(package)'}: {error.message}"
        for error in sorted(
            package_validator().iter_errors(package), key=lambda error: list(error.absolute_path)
        )
    ]


def assert_valid_package(package: dict) -> None:
    errors = schema_errors(package)
    assert errors == [], "\n".join(errors)
    # Open codelists the schema cannot enforce, but which we use only from the standard's lists.
    roles = codelist("partyRole.csv")
    for release in package["releases"]:
        for party in release["parties"]:
            assert set(party["roles"]) <= roles, party["roles"]
