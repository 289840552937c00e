"""Bulk work without the cyclic garbage collector's pauses.

Work that builds hundreds of thousands of small objects (strings, tuples, dicts, none of them
in a reference cycle) makes the collector walk every live object again and again: a fifth to a
third of exporting a million triples, or of extracting and checking a 1 MB article.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (reference counting still frees)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What is left goes to the oldest generation, as collections would have moved it, but
        # without one: the first collection after the block would otherwise walk all of it.
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()
