"""Records ``schedule_scenarios.py`` under TF 2.21 + tf_keras 2.21 (``tf.compat.v1``,
``disable_v2_behavior()``) into ``schedule_reference.json``, from the repository root::

    TF_USE_LEGACY_KERAS=1 python -m tests.keras.make_schedule_reference
"""

from __future__ import annotations

import json
from pathlib import Path


def main() -> None:
    import tensorflow as tf_root
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    from tests.keras.schedule_scenarios import scenarios

    out = {"tf_version": tf_root.__version__, **scenarios(tf)}
    Path(__file__).with_name("schedule_reference.json").write_text(
        json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
