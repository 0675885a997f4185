"""The text vectors move from a generated column of the wide document table to the narrow
`search_listingtext` table (PostgreSQL only; SQLite keeps its FTS5 table).

Matching a broad text ("online consultation video" matches 18,673 of 42,877 listings) visits most of
the table's pages, and ranking reads every match's vector: on the wide table, a page holds a few
documents and their vectors sit in TOAST. Here a row is an id and its vector, kept inline (STORAGE
MAIN: compressed, out of line only past a page), so both read about half the pages and no TOAST
(measured in docs/search.md). A statement-level trigger writes the vectors of the documents each
INSERT or UPDATE writes (a rebuild's COPY of 500 documents computes them in one statement); deleting
a document deletes its row (Django's cascade, or the read model's own DELETEs, search/documents.py).
"""

import django.db.models.deletion
from django.db import migrations, models

import search.fields

# Name A; supplier and capabilities B; summary, features and epic names C; description D. The same
# expression the generated column of 0002 had, so every vector keeps its weights.
VECTOR = """
    setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(supplier_name, '') || ' ' || coalesce(capability_text, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(summary, '') || ' ' || coalesce(feature_text, '') || ' '
        || coalesce(epic_text, '')), 'C') ||
    setweight(to_tsvector('english', coalesce(description, '')), 'D')
"""

FORWARD = [
    "ALTER TABLE search_listingtext ALTER COLUMN search_vector SET STORAGE MAIN",
    f"""
    CREATE FUNCTION search_listingtext_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_listingtext (solution_id, search_vector)
        SELECT solution_id, {VECTOR} FROM written
        ON CONFLICT (solution_id) DO UPDATE SET search_vector = excluded.search_vector;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER search_listingtext_on_insert AFTER INSERT ON search_listingdocument
       REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION search_listingtext_write()""",
    """CREATE TRIGGER search_listingtext_on_update AFTER UPDATE ON search_listingdocument
       REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION search_listingtext_write()""",
    f"INSERT INTO search_listingtext (solution_id, search_vector) SELECT solution_id, {VECTOR} "
    "FROM search_listingdocument",
    "CREATE INDEX search_listingtext_search_vector ON search_listingtext USING GIN (search_vector)",
    "DROP INDEX IF EXISTS search_listingdocument_search_vector",
    "ALTER TABLE search_listingdocument DROP COLUMN IF EXISTS search_vector",
    "ANALYZE search_listingtext",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS search_listingtext_on_update ON search_listingdocument",
    "DROP TRIGGER IF EXISTS search_listingtext_on_insert ON search_listingdocument",
    "DROP FUNCTION IF EXISTS search_listingtext_write()",
    f"ALTER TABLE search_listingdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX search_listingdocument_search_vector ON search_listingdocument USING GIN (search_vector)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0006_matrix_index")]

    operations = [
        migrations.CreateModel(
            name="ListingText",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        db_column="solution_id",
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="text",
                        serialize=False,
                        to="search.listingdocument",
                    ),
                ),
                ("search_vector", search.fields.TextVectorField(editable=False, null=True)),
            ],
        ),
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
