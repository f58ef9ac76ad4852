"""``trainkit.summary``: summary ops and event-file writers (``tf.compat.v1.summary``).

Example:
    >>> import trainkit as tk
    >>> loss = tk.constant(0.25)
    >>> merged = tk.summary.merge([tk.summary.scalar("loss", loss)])
    >>> with tk.Session() as sess, tk.summary.FileWriter(logdir) as w:  # doctest: +SKIP
    ...     w.add_session_log(tk.summary.SessionLog(status=tk.summary.SessionLog.START), 0)
    ...     w.add_summary(sess.run(merged), global_step=0)
"""

from __future__ import annotations

from typing import Any as _Any

from trainkit.summary.event_reader import summary_iterator
from trainkit.summary.summary_ops import (
    audio,
    histogram,
    image,
    merge,
    merge_all,
    scalar,
    tensor_summary,
    text,
)
from trainkit.summary.writer import FileWriter
from trainkit.summary.writer_cache import FileWriterCache
from trainkit.summary.writer_ops import all_v2_summary_ops

_PROTOS = ("Event", "Summary", "SessionLog", "TaggedRunMetadata", "HistogramProto",
           "SummaryMetadata")


def __getattr__(name: str) -> _Any:
    # Proto classes come from tensorboardX, imported only when first asked for.
    if name in _PROTOS:
        from trainkit.summary.summary_proto import pb

        return getattr(pb(), name)
    raise AttributeError(f"module 'trainkit.summary' has no attribute '{name}'")


__all__ = [
    "scalar", "histogram", "image", "audio", "text", "tensor_summary", "merge", "merge_all",
    "FileWriter",
    "FileWriterCache", "summary_iterator", "all_v2_summary_ops", *_PROTOS,
]
