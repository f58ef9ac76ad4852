"""``tk.contrib.tpu``: the TPUEstimator names of TF 1.x's ``tf.contrib.tpu`` (run on the
CPU with ``use_tpu=False``, as TPU programs run without a TPU). Re-exports only."""

from __future__ import annotations

from trainkit.estimator.tpu import (
    InputPipelineConfig,
    RunConfig,
    TPUConfig,
    TPUEstimator,
    TPUEstimatorSpec,
)

__all__ = ["InputPipelineConfig", "RunConfig", "TPUConfig", "TPUEstimator", "TPUEstimatorSpec"]
