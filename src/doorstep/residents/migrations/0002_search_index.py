"""The resident search index (see docs/decisions/0002-search.md).

- `residents_name_term`: every distinct lower-cased first and last name, filled by database
  triggers on residents_resident (insert-only: a term no longer used simply matches nobody).
  SQLite indexes it with an FTS5 trigram table, PostgreSQL with a pg_trgm GiST index.
- Partial expression indexes on live residents for looking names up once they are known.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The same SQL works on both databases: expression and partial indexes on live residents.
RESIDENT_INDEXES = [
    "CREATE INDEX residents_live_last_first ON residents_resident "
    "(lower(last_name), lower(first_name)) WHERE merged_into_id IS NULL",
    "CREATE INDEX residents_live_last_id ON residents_resident "
    "(lower(last_name), id) WHERE merged_into_id IS NULL",
    "CREATE INDEX residents_live_first_id ON residents_resident "
    "(lower(first_name), id) WHERE merged_into_id IS NULL",
]
DROP_RESIDENT_INDEXES = [
    "DROP INDEX IF EXISTS residents_live_last_first",
    "DROP INDEX IF EXISTS residents_live_last_id",
    "DROP INDEX IF EXISTS residents_live_first_id",
]

SQLITE_FORWARD = [
    "CREATE TABLE residents_name_term (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE)",
    # Each word padded like pg_trgm does ("  john "), so a word's first letters make trigrams
    # too: "jon" and "john" share "  j" and " jo". Contentless: only the rowid is read back.
    "CREATE VIRTUAL TABLE residents_name_term_fts USING fts5("
    "padded, tokenize='trigram', content='', detail='none')",
    """
    CREATE TRIGGER residents_name_term_ai AFTER INSERT ON residents_name_term BEGIN
        INSERT INTO residents_name_term_fts (rowid, padded)
        VALUES (new.id, '  ' || replace(new.term, ' ', '  ') || ' ');
    END
    """,
    """
    CREATE TRIGGER residents_resident_terms_ai AFTER INSERT ON residents_resident BEGIN
        INSERT OR IGNORE INTO residents_name_term (term)
        SELECT lower(new.first_name) WHERE new.first_name <> ''
        UNION SELECT lower(new.last_name) WHERE new.last_name <> '';
    END
    """,
    """
    CREATE TRIGGER residents_resident_terms_au AFTER UPDATE OF first_name, last_name
    ON residents_resident BEGIN
        INSERT OR IGNORE INTO residents_name_term (term)
        SELECT lower(new.first_name) WHERE new.first_name <> ''
        UNION SELECT lower(new.last_name) WHERE new.last_name <> '';
    END
    """,
    """
    INSERT OR IGNORE INTO residents_name_term (term)
    SELECT lower(first_name) FROM residents_resident WHERE first_name <> ''
    UNION SELECT lower(last_name) FROM residents_resident WHERE last_name <> ''
    """,
    *RESIDENT_INDEXES,
]
SQLITE_BACKWARD = [
    *DROP_RESIDENT_INDEXES,
    "DROP TRIGGER IF EXISTS residents_resident_terms_au",
    "DROP TRIGGER IF EXISTS residents_resident_terms_ai",
    "DROP TRIGGER IF EXISTS residents_name_term_ai",
    "DROP TABLE IF EXISTS residents_name_term_fts",
    "DROP TABLE IF EXISTS residents_name_term",
]

POSTGRES_FORWARD = [
    "CREATE TABLE residents_name_term (id bigserial PRIMARY KEY, term text NOT NULL UNIQUE)",
    # GiST rather than GIN: it answers "the nearest terms" (ORDER BY <->) with no threshold.
    "CREATE INDEX residents_name_term_trgm ON residents_name_term USING gist (term gist_trgm_ops)",
    """
    CREATE FUNCTION residents_name_term_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO residents_name_term (term)
        SELECT DISTINCT t FROM (VALUES (lower(NEW.first_name)), (lower(NEW.last_name))) AS v (t)
        WHERE t <> ''
        ON CONFLICT (term) DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER residents_resident_terms
    AFTER INSERT OR UPDATE OF first_name, last_name ON residents_resident
    FOR EACH ROW EXECUTE FUNCTION residents_name_term_sync()
    """,
    """
    INSERT INTO residents_name_term (term)
    SELECT lower(first_name) FROM residents_resident WHERE first_name <> ''
    UNION SELECT lower(last_name) FROM residents_resident WHERE last_name <> ''
    ON CONFLICT (term) DO NOTHING
    """,
    *RESIDENT_INDEXES,
]
POSTGRES_BACKWARD = [
    *DROP_RESIDENT_INDEXES,
    "DROP TRIGGER IF EXISTS residents_resident_terms ON residents_resident",
    "DROP FUNCTION IF EXISTS residents_name_term_sync()",
    "DROP TABLE IF EXISTS residents_name_term",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"Resident search supports SQLite and PostgreSQL, not {schema_editor.connection.vendor}"
            )
        for statement in statements:
            schema_editor.execute(statement)

    return run


class PostgresTrigramExtension(TrigramExtension):
    """TrigramExtension skips other databases going forwards but not backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0001_initial"),
    ]

    operations = [
        # Does nothing on SQLite.
        PostgresTrigramExtension(),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
            elidable=False,
        ),
    ]
