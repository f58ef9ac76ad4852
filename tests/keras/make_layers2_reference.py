"""Records the TF numbers of ``layers2_scenarios.py`` into ``layers2_reference.json``: run
with real TensorFlow (TF 2.21.0, tf_keras 2.21) from the repository root::

    TF_USE_LEGACY_KERAS=1 python -m tests.keras.make_layers2_reference
"""

from __future__ import annotations

import json
from pathlib import Path


def main() -> None:
    import tensorflow as tf_root
    import tensorflow.compat.v1 as tf

    from tests.keras.layers2_scenarios import SCENARIOS

    tf.disable_eager_execution()
    out = {"tf_version": tf_root.__version__}
    for name, scenario in SCENARIOS.items():
        tf.reset_default_graph()
        tf.keras.backend.clear_session()
        out[name] = scenario(tf)
    path = Path(__file__).with_name("layers2_reference.json")
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
