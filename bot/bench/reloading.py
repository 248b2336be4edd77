"""Bench step 2: the bot's reload on a built database, with nothing changed, then one article added."""

from __future__ import annotations

import shutil
import time

from bot.bench.common import Bench, peak_rss_mb, phase_settings, run_phase, say


async def phase_reload(args: dict) -> dict:
    """The bot's /reload on a built database: nothing changed, then one article added."""
    from bot.engine import Engine
    from bot.text.segmenter import tokenizer

    s = phase_settings(args, workers=True)
    t = time.perf_counter()
    engine = await Engine.open(s, build=False)
    load_s = time.perf_counter() - t
    tokenizer()  # a bot that has answered once has the segmenter loaded
    try:
        unchanged = await engine.reload()
        shutil.copy2(args["extra"], args["extra_to"])
        added = await engine.reload()
    finally:
        await engine.close()
    return {
        "load_s": load_s,
        "unchanged_s": unchanged.seconds,
        "unchanged_report": [unchanged.new, unchanged.changed, unchanged.removed, unchanged.unchanged],
        "add_one_s": added.seconds,
        "add_one_report": [added.new, added.changed, added.removed, added.unchanged],
        "passages": added.passages,
        "peak_rss_mb": peak_rss_mb(),
    }


def step_reload(b: Bench) -> None:
    """The extra article goes into the corpus (and the database) from here on."""
    target = b.corpus / b.extra.name
    r = run_phase(
        "reload", {**b.common(), "workers": b.workers, "extra": str(b.extra), "extra_to": str(target)}
    )
    b.out["reload"] = r
    say(
        f"open built database: {r['load_s']:.2f} s; rebuild with nothing changed: {r['unchanged_s']:.2f} s;"
        f" with one article added: {r['add_one_s']:.2f} s ({r['passages']:,} passages);"
        f" peak RSS {r['peak_rss_mb']:.0f} MB (old and new index together)"
    )
