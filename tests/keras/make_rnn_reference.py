"""Records the TF numbers of ``rnn_scenarios.py`` into ``rnn_reference.json``: run with
real TensorFlow (TF 2.21.0, tf_keras 2.21) from the repository root::

    TF_USE_LEGACY_KERAS=1 python -m tests.keras.make_rnn_reference [scenario ...]

With scenario names, only those are recorded again (the others are kept).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    import tensorflow as tf_root
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()   # tf.compat.v1.keras: GRU v1, LSTM v1, TF1 metric names
    from tests.keras.rnn_scenarios import RNN_SCENARIOS

    path = Path(__file__).with_name("rnn_reference.json")
    out = json.loads(path.read_text()) if argv and path.exists() else {}
    out["tf_version"] = tf_root.__version__
    for name, scenario in RNN_SCENARIOS.items():
        if argv and name not in argv:
            continue
        tf.reset_default_graph()
        tf.keras.backend.clear_session()
        out[name] = scenario(tf)
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
