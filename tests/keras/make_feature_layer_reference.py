"""Records the TF numbers of ``feature_layer_scenarios.py`` into
``feature_layer_reference.json``: run with real TensorFlow (TF 2.21.0, tf_keras 2.21)
from the repository root::

    TF_USE_LEGACY_KERAS=1 python -m tests.keras.make_feature_layer_reference [scenario ...]

With scenario names, only those entries are re-recorded (the others are kept).
"""

from __future__ import annotations

import sys

from tests.keras.make_fit2_reference import record


def main(argv: list[str]) -> None:
    from tests.keras.feature_layer_scenarios import FEATURE_LAYER_SCENARIOS

    record(FEATURE_LAYER_SCENARIOS, "feature_layer_reference.json", argv)


if __name__ == "__main__":
    main(sys.argv[1:])
