"""A list of integers stored natively by each database the read model runs on."""

from __future__ import annotations

import json

from django.db import models


class CodeListField(models.Field):
    """`integer[]` on PostgreSQL (so a search can `unnest` it and test it with `@>` / `&&`), JSON text
    on SQLite (read with `json_each`). Holds a listing's facet codes (search.models.FacetCode)."""

    description = "A list of integers"

    def db_type(self, connection) -> str:
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        values = [int(v) for v in value]
        return values if connection.vendor == "postgresql" else json.dumps(values)

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)

    def to_python(self, value):
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)


class TextVectorField(models.Field):
    """PostgreSQL's `tsvector` (written by a trigger, search/migrations/0007; never by Django), plain
    text elsewhere, where the column stays empty: SQLite searches its FTS5 table instead."""

    description = "A full-text search vector"

    def db_type(self, connection) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"
