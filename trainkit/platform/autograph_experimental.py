"""``tf.autograph.experimental``: ``do_not_convert``, ``set_loop_options`` and
``Feature``. Re-exports only."""

from __future__ import annotations

from trainkit.platform.autograph import Feature, do_not_convert, set_loop_options

__all__ = ["Feature", "do_not_convert", "set_loop_options"]
