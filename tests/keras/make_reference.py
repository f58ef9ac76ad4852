"""Records the TF numbers of ``scenarios.py`` into ``tf_reference.json`` (and, with the
argument ``fit``, those of ``fit_scenarios.py`` into ``fit_reference.json``): run with
real TensorFlow (TF 2.21.0, tf_keras 2.21) from the repository root::

    TF_USE_LEGACY_KERAS=1 python -m tests.keras.make_reference [fit]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    import tensorflow as tf_root
    import tensorflow.compat.v1 as tf

    if argv == ["fit"]:
        tf.disable_v2_behavior()   # TF1's metric names ('acc', 'mean_squared_error')
    else:
        tf.disable_eager_execution()
    if argv == ["fit"]:
        from tests.keras.fit_scenarios import FIT_SCENARIOS as scenarios
        target = "fit_reference.json"
    else:
        from tests.keras.scenarios import SCENARIOS as scenarios
        target = "tf_reference.json"
    out = {"tf_version": tf_root.__version__}
    for name, scenario in scenarios.items():
        tf.reset_default_graph()
        tf.keras.backend.clear_session()
        out[name] = scenario(tf)
    path = Path(__file__).with_name(target)
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
