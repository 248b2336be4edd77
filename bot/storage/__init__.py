"""Everything the bot keeps in its SQLite file, and the only code that speaks SQL.

- connection.py: opening the file, the settings of every connection, errors as StorageError kinds;
- migrations.py: the schema as named steps;
- db.py: the question log and feedback (aiosqlite);
- index_store.py: articles, the analysis cache and the snapshot, on a thread of their own;
- index_layout.py: how analyses and the snapshot's arrays are laid out in their tables;
- passages.py: passage texts read on demand while answering; facts.py: the figures table;
- keyfile.py: the generated user-hash key, in a file of its own;
- inspect.py: read-only looks for the bench.
"""
