from django.db import migrations

# What was published stays published: on PostgreSQL the database itself refuses to change or delete a
# published OCDS release (the model and its queryset refuse too, for a clear error first).
FROZEN = """
CREATE OR REPLACE FUNCTION contracts_published_release_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'published OCDS releases cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER contracts_published_release_frozen
    BEFORE UPDATE OR DELETE ON contracts_publishedrelease
    FOR EACH ROW EXECUTE FUNCTION contracts_published_release_frozen();
"""
UNDO = """
DROP TRIGGER IF EXISTS contracts_published_release_frozen ON contracts_publishedrelease;
DROP FUNCTION IF EXISTS contracts_published_release_frozen();
"""


def frozen(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FROZEN)


def undo(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(frozen, undo)]
