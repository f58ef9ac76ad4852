"""``trainkit.queue`` (``tf.queue``): the TF1 queues under their ``tf.queue`` names.
Re-exports only; ``PriorityQueue`` is not implemented."""

from __future__ import annotations

from trainkit.data.queues import FIFOQueue, PaddingFIFOQueue, QueueBase, RandomShuffleQueue

__all__ = ["FIFOQueue", "PaddingFIFOQueue", "QueueBase", "RandomShuffleQueue"]
