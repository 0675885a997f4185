"""The database's own text index for listing documents.

PostgreSQL: a generated `search_vector` column (name A; supplier and capabilities B; summary, features
and epic names C; description D; English stemming) with a GIN index. SQLite: an FTS5 table over the
same columns (Porter stemming) kept in step with the documents by triggers. Django's model does not
declare either: search/backends/database.py queries them in SQL.
"""

from django.db import migrations

COLUMNS = "name, supplier_name, capability_text, summary, feature_text, epic_text, description"

POSTGRES = [
    """
    ALTER TABLE search_listingdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(supplier_name, '') || ' ' || coalesce(capability_text, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(summary, '') || ' ' || coalesce(feature_text, '') || ' '
            || coalesce(epic_text, '')), 'C') ||
        setweight(to_tsvector('english', coalesce(description, '')), 'D')
    ) STORED
    """,
    "CREATE INDEX search_listingdocument_search_vector ON search_listingdocument USING GIN (search_vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_listingdocument_search_vector",
    "ALTER TABLE search_listingdocument DROP COLUMN IF EXISTS search_vector",
]

_NEW = ", ".join(f"new.{c.strip()}" for c in COLUMNS.split(","))
_OLD = ", ".join(f"old.{c.strip()}" for c in COLUMNS.split(","))
SQLITE = [
    f"""CREATE VIRTUAL TABLE search_listing_fts USING fts5({COLUMNS}, content='search_listingdocument',
        content_rowid='solution_id', tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER search_listingdocument_ai AFTER INSERT ON search_listingdocument BEGIN
        INSERT INTO search_listing_fts(rowid, {COLUMNS}) VALUES (new.solution_id, {_NEW}); END""",
    f"""CREATE TRIGGER search_listingdocument_ad AFTER DELETE ON search_listingdocument BEGIN
        INSERT INTO search_listing_fts(search_listing_fts, rowid, {COLUMNS})
        VALUES ('delete', old.solution_id, {_OLD}); END""",
    f"""CREATE TRIGGER search_listingdocument_au AFTER UPDATE ON search_listingdocument BEGIN
        INSERT INTO search_listing_fts(search_listing_fts, rowid, {COLUMNS})
        VALUES ('delete', old.solution_id, {_OLD});
        INSERT INTO search_listing_fts(rowid, {COLUMNS}) VALUES (new.solution_id, {_NEW}); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_listingdocument_au",
    "DROP TRIGGER IF EXISTS search_listingdocument_ad",
    "DROP TRIGGER IF EXISTS search_listingdocument_ai",
    "DROP TABLE IF EXISTS search_listing_fts",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
