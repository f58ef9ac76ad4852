"""Records the TF numbers of ``feature_layer_scenarios.py`` into
``feature_layer_reference.json``: run with real TensorFlow (TF 2.21.0, tf_keras 2.21)
from the repository root::

    TF_USE_LEGACY_KERAS=1 python -m tests.keras.make_feature_layer_reference [scenario ...]

With scenario names, only those entries are re-recorded (the others are kept).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    import tensorflow as tf_root
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()   # TF1 Keras: v1 DenseFeatures, v1 training loops
    from tests.keras.feature_layer_scenarios import FEATURE_LAYER_SCENARIOS
    from tests.keras.fit2_scenarios import to_json

    path = Path(__file__).with_name("feature_layer_reference.json")
    out = json.loads(path.read_text()) if argv and path.exists() else {}
    out["tf_version"] = tf_root.__version__
    for name, scenario in FEATURE_LAYER_SCENARIOS.items():
        if argv and name not in argv:
            continue
        tf.reset_default_graph()
        tf.keras.backend.clear_session()
        out[name] = json.loads(to_json(scenario(tf)))
    path.write_text(to_json(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
