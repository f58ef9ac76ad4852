"""Records the TF numbers of ``layers2_scenarios.py`` into ``layers2_reference.json``: run
with real TensorFlow (TF 2.21.0, tf_keras 2.21) from the repository root::

    TF_USE_LEGACY_KERAS=1 python -m tests.keras.make_layers2_reference [scenario ...]

With scenario names, only those entries are re-recorded (the others are kept).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    import tensorflow as tf_root
    import tensorflow.compat.v1 as tf

    from tests.keras.layers2_scenarios import SCENARIOS

    tf.disable_eager_execution()
    path = Path(__file__).with_name("layers2_reference.json")
    out = json.loads(path.read_text()) if argv and path.exists() else {}
    unknown = sorted(set(argv) - set(SCENARIOS))
    if unknown:
        raise SystemExit(f"unknown scenarios {unknown}; known: {sorted(SCENARIOS)}")
    out["tf_version"] = tf_root.__version__
    for name, scenario in SCENARIOS.items():
        if argv and name not in argv:
            continue
        tf.reset_default_graph()
        tf.keras.backend.clear_session()
        out[name] = scenario(tf)
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
