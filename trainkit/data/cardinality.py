"""The number of elements a started iterator will yield, as TF's ``cardinality`` counts
it: a count, ``INFINITE`` (-1) for an endless pipeline, or ``UNKNOWN`` (-2) when it
depends on the data (``filter``, generators, files...).

TF computes it from the dataset graph; here it is read from the pipeline stages an
initialized iterator built (the sizes of sliced arrays are known by then), with TF's
rules: ``batch`` divides (rounding up unless ``drop_remainder``), ``repeat()`` of a
non-empty input is endless (even of an unknown one), ``take``/``skip`` clip, ``zip`` is
its shortest input, element-wise stages keep their input's count.

Example:
    >>> it = ds.make_initializable_iterator()
    >>> sess.run(it.initializer)
    >>> iterator_cardinality(it, sess)     # e.g. 7, INFINITE or UNKNOWN
"""

from __future__ import annotations

from typing import Any

from trainkit.data import pipeline as pl

INFINITE = -1
UNKNOWN = -2


def _batched(n: int, stage: pl.Batch) -> int:
    if n < 0:
        return n
    size = stage.batch_size
    return n // size if stage.drop_remainder else -(-n // size)


def _repeated(n: int, count: int | None) -> int:
    if count is None:
        return 0 if n == 0 else INFINITE
    if n < 0:
        return n
    return n * count


def _taken(n: int, count: int) -> int:
    if count < 0:
        return n
    if n == UNKNOWN:
        return UNKNOWN
    return count if n == INFINITE else min(n, count)


def _skipped(n: int, count: int) -> int:
    if n < 0:
        return n
    return 0 if count < 0 else max(0, n - count)


def _zipped(counts: list[int]) -> int:
    known = [c for c in counts if c >= 0]
    if known:
        return min(known)
    return UNKNOWN if UNKNOWN in counts else INFINITE


def stage_cardinality(stage: Any) -> int:
    """The element count of a pipeline stage and everything upstream of it."""
    if isinstance(stage, pl.SliceSource):
        return stage.n
    if isinstance(stage, pl.TensorsSource):
        return 1
    if isinstance(stage, pl.Zip):
        return _zipped([stage_cardinality(s) for s in stage.inputs])
    if isinstance(stage, pl.Map | pl.Shuffle):
        return stage_cardinality(stage.upstream)
    if isinstance(stage, pl.Batch):
        return _batched(stage_cardinality(stage.upstream), stage)
    if isinstance(stage, pl.Repeat):
        return _repeated(stage_cardinality(stage.upstream), stage.count)
    if isinstance(stage, pl.Take):
        return _taken(stage_cardinality(stage.upstream), stage.count)
    if isinstance(stage, pl.Skip):
        return _skipped(stage_cardinality(stage.upstream), stage.count)
    return UNKNOWN


def iterator_cardinality(iterator: Any, session: Any) -> int:
    """The count of the pipeline ``iterator`` runs in ``session`` (UNKNOWN when it has
    not been started there)."""
    stage = session.state.resources.get(iterator.key)
    return UNKNOWN if stage is None else stage_cardinality(stage)


__all__ = ["INFINITE", "UNKNOWN", "stage_cardinality", "iterator_cardinality"]
