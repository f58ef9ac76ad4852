"""Records the TF numbers of ``fit2_scenarios.py`` into ``fit2_reference.json``: run with
real TensorFlow (TF 2.21.0, tf_keras 2.21) from the repository root::

    TF_USE_LEGACY_KERAS=1 python -m tests.keras.make_fit2_reference [scenario ...]

With scenario names, only those entries are re-recorded (the others are kept).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def record(scenarios: dict, json_name: str, argv: list[str]) -> None:
    """Runs ``scenarios`` (name -> ``scenario(tf)``) under TF's v1 Keras and writes their
    results to ``json_name`` beside this file; with names in ``argv`` only those entries
    are re-recorded (the others are kept)."""
    import tensorflow as tf_root
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()   # TF1 Keras: metric names, v1 layers and training loops
    from tests.keras.fit2_scenarios import to_json

    path = Path(__file__).with_name(json_name)
    out = json.loads(path.read_text()) if argv and path.exists() else {}
    out["tf_version"] = tf_root.__version__
    for name, scenario in scenarios.items():
        if argv and name not in argv:
            continue
        tf.reset_default_graph()
        tf.keras.backend.clear_session()
        out[name] = json.loads(to_json(scenario(tf)))
    path.write_text(to_json(out) + "\n")


def main(argv: list[str]) -> None:
    from tests.keras.fit2_scenarios import FIT2_SCENARIOS

    record(FIT2_SCENARIOS, "fit2_reference.json", argv)


if __name__ == "__main__":
    main(sys.argv[1:])
