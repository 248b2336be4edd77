"""The SQLite schema as named steps, applied in order, each once, each in its own transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.errors import StorageError
from bot.storage import keyfile
from bot.storage.connection import connect, failure_kind, now_iso

# A step that SQL alone cannot take: (connection inside the step's transaction, database path).
Step = Callable[[sqlite3.Connection, Path], None]


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str
    step: Step | None = None  # runs after sql, in the same transaction


def _user_key_to_file(conn: sqlite3.Connection, db_path: Path) -> None:
    """Move the generated user-hash key out of the database into its own owner-only file (see
    keyfile.py); the same key, so every hash already in the log stays the same. The file is
    written before the row goes: if the step's COMMIT fails, it runs again and writes the same."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'user_hash_key'").fetchone()
    if row is None:
        return
    keyfile.write_key(keyfile.key_path(db_path), row[0], replace=True)
    conn.execute("DELETE FROM meta WHERE key = 'user_hash_key'")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "0001_corpus",
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        -- One row per distinct article content (file bytes + sidecar): the segmentation cache.
        CREATE TABLE analyses (
            hash TEXT PRIMARY KEY,
            meta_json TEXT NOT NULL,
            years_json TEXT NOT NULL,
            tokens BLOB NOT NULL,      -- int32 term ids of every passage, concatenated
            lengths BLOB NOT NULL,     -- int32 token count per passage
            ngrams_json TEXT NOT NULL, -- syllable counts for diacritic restoration
            created_at TEXT NOT NULL
        );
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY,
            hash TEXT NOT NULL REFERENCES analyses(hash) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            text TEXT NOT NULL,
            before TEXT,
            after TEXT,
            UNIQUE (hash, seq)
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            hash TEXT NOT NULL REFERENCES analyses(hash),
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            title TEXT NOT NULL,
            publisher TEXT,
            date TEXT,
            place TEXT,
            province TEXT,
            url TEXT,
            indexed_at TEXT NOT NULL
        );
        CREATE TABLE terms (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE);
        -- The last good index, written in the same transaction as the articles it covers.
        CREATE TABLE snapshot (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            built_at TEXT NOT NULL,
            ptr BLOB NOT NULL,
            docs BLOB NOT NULL,
            tfs BLOB NOT NULL,
            doc_len BLOB NOT NULL,
            doc_article BLOB NOT NULL,
            doc_passage BLOB NOT NULL,
            articles_json TEXT NOT NULL,
            term_ids BLOB NOT NULL,    -- global term id of each index column
            unigrams_json TEXT NOT NULL,
            bigrams_json TEXT NOT NULL
        );
        """,
    ),
    Migration(
        "0002_question_log",
        """
        CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            asked_at TEXT NOT NULL,
            user_hash TEXT,            -- keyed hash of the user id, never the id
            channel TEXT NOT NULL,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            refused INTEGER NOT NULL,
            latency_ms REAL NOT NULL
        );
        CREATE INDEX questions_asked_at ON questions(asked_at);
        """,
    ),
    Migration(
        "0003_feedback",
        """
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
            user_hash TEXT NOT NULL,
            value INTEGER NOT NULL CHECK (value IN (-1, 1)),
            at TEXT NOT NULL,
            UNIQUE (question_id, user_hash)
        );
        """,
    ),
    Migration(
        "0004_compact_index",
        """
        -- Syllables and syllable pairs of the diacritic model, by number (as terms are).
        CREATE TABLE grams (id INTEGER PRIMARY KEY, gram TEXT NOT NULL UNIQUE);
        -- int32: unigram count, then unigram ids, unigram counts, bigram ids, bigram counts, in the
        -- article's own order. NULL: an older row, whose counts are still in ngrams_json.
        ALTER TABLE analyses ADD COLUMN grams BLOB;
        -- The passages of an analysis have ids first_passage, first_passage + 1, ... in seq order.
        -- NULL: an older row, whose passage ids are looked up.
        ALTER TABLE analyses ADD COLUMN first_passage INTEGER;
        -- 1: tokens and grams are zlib-compressed. 0: as written before this step.
        ALTER TABLE analyses ADD COLUMN packed INTEGER NOT NULL DEFAULT 0;
        -- 1: int32 passage numbers, uint16 counts. 2: BM25Index's compact layout (seg_counts, tf_over).
        ALTER TABLE snapshot ADD COLUMN layout INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE snapshot ADD COLUMN seg_counts BLOB;
        ALTER TABLE snapshot ADD COLUMN tf_over BLOB;
        """,
    ),
    Migration(
        "0005_snapshot_arrays",
        """
        -- The snapshot's arrays, one a row (layout 3). A blob written piece by piece must be the
        -- last column of its row: SQLite builds a zeroblob followed by other columns in memory.
        CREATE TABLE snapshot_arrays (name TEXT PRIMARY KEY, data BLOB NOT NULL);
        """,
    ),
    Migration(
        "0006_passage_pages",
        """
        -- The page a passage starts on, in a paged document (PDF): its citation names it.
        ALTER TABLE passages ADD COLUMN page INTEGER;
        """,
    ),
    Migration(
        "0007_facts",
        """
        -- Figures read from the passages at indexing time (bot/search/facts.py), by analysis:
        -- they come and go with it. seq is the passage (passages.hash, passages.seq) they were
        -- read from, so every value can be quoted with its sentence.
        CREATE TABLE facts (
            id INTEGER PRIMARY KEY,
            hash TEXT NOT NULL REFERENCES analyses(hash) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            indicator TEXT NOT NULL,   -- thesaurus concept token, "≈thu_ngân_sách"
            year INTEGER,              -- NULL: the text names no period
            months INTEGER,            -- how far into the year (12: the whole year)
            part TEXT,                 -- "2 tháng đầu năm", "quý I" (NULL: the whole year)
            start_year INTEGER,        -- first year of a range ("giai đoạn 2021-2023")
            value REAL NOT NULL,
            unit TEXT NOT NULL,
            figure TEXT NOT NULL,      -- as the sentence writes it, "gần 5.000 tỷ đồng"
            status TEXT NOT NULL,      -- actual, estimate or target
            province_wide INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX facts_hash ON facts(hash);
        """,
    ),
    Migration(
        "0008_snapshot_layout_3_only",
        """
        -- Only layout 3 is read from now on. Layout 2 held the same arrays in the snapshot row:
        -- they move to snapshot_arrays as they are.
        INSERT OR REPLACE INTO snapshot_arrays (name, data) SELECT 'ptr', ptr FROM snapshot WHERE layout = 2;
        INSERT OR REPLACE INTO snapshot_arrays (name, data) SELECT 'docs', docs FROM snapshot WHERE layout = 2;
        INSERT OR REPLACE INTO snapshot_arrays (name, data) SELECT 'tfs', tfs FROM snapshot WHERE layout = 2;
        INSERT OR REPLACE INTO snapshot_arrays (name, data) SELECT 'doc_len', doc_len FROM snapshot WHERE layout = 2;
        INSERT OR REPLACE INTO snapshot_arrays (name, data) SELECT 'doc_article', doc_article FROM snapshot WHERE layout = 2;
        INSERT OR REPLACE INTO snapshot_arrays (name, data) SELECT 'doc_passage', doc_passage FROM snapshot WHERE layout = 2;
        INSERT OR REPLACE INTO snapshot_arrays (name, data) SELECT 'term_ids', term_ids FROM snapshot WHERE layout = 2;
        INSERT OR REPLACE INTO snapshot_arrays (name, data) SELECT 'seg_counts', seg_counts FROM snapshot WHERE layout = 2;
        INSERT OR REPLACE INTO snapshot_arrays (name, data) SELECT 'tf_over', tf_over FROM snapshot WHERE layout = 2;
        UPDATE snapshot SET ptr = x'', docs = x'', tfs = x'', doc_len = x'', doc_article = x'',
            doc_passage = x'', term_ids = x'', seg_counts = NULL, tf_over = NULL, layout = 3
            WHERE layout = 2;
        -- Layout 1 (int32 postings, no segments) cannot be converted in SQL. Its snapshot goes;
        -- the next start builds the index again from the cached analyses, analysing nothing.
        DELETE FROM snapshot WHERE layout = 1;
        """,
    ),
    Migration("0009_user_hash_key_to_file", "", _user_key_to_file),
)


def applied(conn: sqlite3.Connection) -> list[str]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    return [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]


def migrate(conn: sqlite3.Connection, db_path: Path, migrations: Sequence[Migration]) -> list[str]:
    """Apply the missing steps in order; each step and its record commit together or not at all."""
    done = set(applied(conn))
    out = []
    for m in migrations:
        if m.name in done:
            continue
        try:
            conn.execute("BEGIN IMMEDIATE")
            # Another process starting on the same database may have applied it meanwhile.
            if conn.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (m.name,)).fetchone():
                conn.execute("COMMIT")
                continue
            for statement in _statements(m.sql):
                conn.execute(statement)
            if m.step is not None:
                m.step(conn, db_path)
            conn.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (m.name, now_iso())
            )
            conn.execute("COMMIT")
        except (sqlite3.Error, OSError, StorageError) as e:
            if conn.in_transaction:  # SQLite may have rolled back already (full disk)
                conn.execute("ROLLBACK")
            raise StorageError(f"migration {m.name} failed: {e}", kind=failure_kind(e)) from e
        out.append(m.name)
    _add_late_columns(conn)
    return out


def _add_late_columns(conn: sqlite3.Connection) -> None:
    """Columns a migration gained after some databases had applied it: added where missing.

    0004_compact_index ran for a while, in shared working copies, before it had
    analyses.packed; those databases record the step as done and lack the column.
    """
    columns = {r[0] for r in conn.execute("SELECT name FROM pragma_table_info('analyses')")}
    if columns and "packed" not in columns:
        conn.execute("ALTER TABLE analyses ADD COLUMN packed INTEGER NOT NULL DEFAULT 0")


def run(db_path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """Bring the database at db_path up to date, on a connection of its own; the steps applied."""
    try:
        conn = connect(db_path)
    except sqlite3.Error as e:
        raise StorageError(f"cannot open database {db_path}: {e}", kind=failure_kind(e)) from e
    try:
        return migrate(conn, db_path, migrations)
    finally:
        conn.close()


def names_applied(db_path: Path) -> list[str]:
    try:
        conn = connect(db_path)
    except sqlite3.Error as e:
        raise StorageError(f"cannot open database {db_path}: {e}", kind=failure_kind(e)) from e
    try:
        return applied(conn)
    except sqlite3.Error as e:
        raise StorageError(f"cannot read the migrations: {e}", kind=failure_kind(e)) from e
    finally:
        conn.close()


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (our scripts have no semicolons inside literals)."""
    out = []
    for part in script.split(";"):
        lines = [line for line in part.splitlines() if not line.strip().startswith("--")]
        stmt = "\n".join(lines).strip()
        if stmt:
            out.append(stmt)
    return out
