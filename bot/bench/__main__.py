"""`python -m bot.bench PHASE ARGS_JSON`: one timed or weighed phase, in a process of its own.

Prints the phase's figures as one JSON line (read back by common.run_phase).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable

from bot.bench.answering import phase_serve
from bot.bench.indexing import phase_build
from bot.bench.parity import phase_rank_bm25
from bot.bench.reloading import phase_reload

PHASES: dict[str, Callable[[dict], Awaitable[dict]]] = {
    "build": phase_build,
    "reload": phase_reload,
    "serve": phase_serve,
    "rank_bm25": phase_rank_bm25,
}


def phase_main(argv: list[str]) -> int:
    phase, raw = argv
    result = asyncio.run(PHASES[phase](json.loads(raw)))
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(phase_main(sys.argv[1:]))
