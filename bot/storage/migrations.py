"""The SQLite schema as named steps, applied in order, each once, each in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str


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
)
