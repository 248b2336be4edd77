"""Loading the last good snapshot from the database, ready to answer."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.errors import StorageError
from bot.index import build
from bot.search.bm25 import BM25Index, n_segments
from bot.search.snapshot import SOURCE_FIELDS, Snapshot, article_from_meta, assemble
from bot.storage.facts import FactReader
from bot.storage.index_store import IndexStore
from bot.storage.passages import PassageReader


@dataclass(frozen=True)
class Loaded:
    snapshot: Snapshot
    reader: PassageReader  # the snapshot's passage texts; closed when the snapshot is let go


def _give_back_memory() -> None:
    """Return the C heap's free pages to the system (glibc only; elsewhere nothing happens).

    A build frees more than a hundred megabytes of arrays and small objects; without this, a
    bot that reloads keeps them counted in its resident memory, and the next load comes on top.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


async def load(store: IndexStore) -> Loaded | None:
    """The last good snapshot in the database; None when there is none."""
    _give_back_memory()
    stored = await store.read_snapshot()
    if stored is None:
        return None

    def assemble_snapshot() -> Loaded:
        a = stored.arrays
        reader = store.passage_reader(a["doc_passage"])
        try:
            vocab = {stored.terms[int(g)]: i for i, g in enumerate(a["term_ids"].tolist())}
            bits = build.SEGMENT_BITS  # the build's: the index was cut in segments of this size
            shape = (a["ptr"].shape[0] - 1, n_segments(a["doc_len"].shape[0], bits))
            over = a["tf_over"]
            index = BM25Index(
                vocab,
                a["ptr"],
                a["docs"],
                a["tfs"],
                a["doc_len"],
                seg_counts=a["seg_counts"].reshape(shape),
                tf_over_pos=over[: over.shape[0] // 2],
                tf_over_val=over[over.shape[0] // 2 :],
                seg_bits=bits,
            )
            # A row is path, the source line's fields, years, then the extra fields (build.article_row).
            articles = [
                article_from_meta(
                    row[0],
                    dict(zip(SOURCE_FIELDS, row[1:7], strict=True)) | (row[8] if len(row) > 8 else {}),
                    row[7],
                )
                for row in json.loads(stored.articles_json)
            ]
            snap = assemble(
                index,
                a["doc_article"],
                articles,
                reader,
                Counter(json.loads(stored.unigrams_json)),
                Counter(json.loads(stored.bigrams_json)),
                built_at=stored.built_at,
                # Derived data that is not the corpus's: beside the database, not in it.
                cache_dir=Path(store.path).parent / "cache",
                facts=FactReader(store.path),
            )
        except (KeyError, ValueError) as e:
            reader.close()
            raise StorageError(f"the stored index is damaged: {e}", kind="corrupt") from e
        except BaseException:
            reader.close()
            raise
        return Loaded(snap, reader)

    return await asyncio.to_thread(assemble_snapshot)
