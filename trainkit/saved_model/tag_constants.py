"""``tf.compat.v1.saved_model.tag_constants``: the standard MetaGraphDef tags."""

from __future__ import annotations

SERVING = "serve"
TRAINING = "train"
GPU = "gpu"
TPU = "tpu"

__all__ = ["SERVING", "TRAINING", "GPU", "TPU"]
