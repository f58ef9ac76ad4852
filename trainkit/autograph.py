"""``trainkit.autograph`` (``tf.autograph``): the decorators and options TF1 graph code
calls; trainkit converts no functions (no ``to_graph``). Re-exports only."""

from __future__ import annotations

from trainkit.platform import autograph_experimental as experimental
from trainkit.platform.autograph import set_verbosity, trace

__all__ = ["experimental", "set_verbosity", "trace"]
