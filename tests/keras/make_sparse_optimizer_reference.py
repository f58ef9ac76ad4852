"""Records ``sparse_optimizer_reference.json`` with real TF (2.21.0, tf_keras 2.21,
``disable_v2_behavior``) from the repository root::

    TF_USE_LEGACY_KERAS=1 python -m tests.keras.make_sparse_optimizer_reference
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.keras.sparse_optimizer_scenarios import embedding_after_training, make_opts


def main() -> None:
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    out = {name: embedding_after_training(tf, tf.keras, make)
           for name, make in make_opts(tf.keras).items()}
    path = Path(__file__).with_name("sparse_optimizer_reference.json")
    path.write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
