"""Search backends: the database's own full-text search (default) and Elasticsearch."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def database_backend():
    from .database import PostgresBackend, SQLiteBackend

    return PostgresBackend() if connection.vendor == "postgresql" else SQLiteBackend()


def configured_backend():
    """The backend settings ask for (SEARCH_BACKEND)."""
    if settings.SEARCH_BACKEND == "elasticsearch":
        from .elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend()
    return database_backend()
