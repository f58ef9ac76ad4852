"""Records the TF numbers of ``applications_scenarios.py``: run with real TensorFlow
(TF 2.21.0, tf_keras 2.21) from the repository root::

    TF_USE_LEGACY_KERAS=1 python -m tests.keras.make_applications_reference

Writes ``applications_reference.json`` (structures, error classes),
``data/applications_weights.npz`` (TF's weights of the ``"npz"`` cases) and
``data/applications_outputs.npz`` (TF's outputs of every numeric case).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tests.keras import applications_scenarios as sc


def _fresh(tf) -> None:
    tf.reset_default_graph()
    tf.keras.backend.clear_session()


def main() -> None:
    import tensorflow as tf_root
    import tensorflow.compat.v1 as tf

    tf.disable_eager_execution()
    here = Path(__file__).parent
    out: dict = {"tf_version": tf_root.__version__, "structure": {}, "errors": {}}
    for name, (module, fn, kwargs) in sc.STRUCTURE.items():
        _fresh(tf)
        out["structure"][name] = sc.describe(sc.build(tf, module, fn,
                                                      {"weights": None, **kwargs}))
    for name in sc.ERRORS:
        _fresh(tf)
        out["errors"][name] = sc.error_name(tf, name)
    weights, outputs = {}, {}
    for name, (_, _, _, how) in sc.NUMERIC.items():
        _fresh(tf)

        def set_weights(model, name=name, how=how):
            shapes = [(w.name, tuple(w.shape.as_list())) for w in model.weights]
            model.set_weights(sc.seeded_weights(shapes))
            if how == "npz":
                for i, w in enumerate(model.get_weights()):
                    weights[f"{name}/{i}"] = w

        outputs[name] = sc.run_numeric(tf, name, set_weights)
    (here / "applications_reference.json").write_text(json.dumps(out, sort_keys=True) + "\n")
    np.savez_compressed(here / "data" / "applications_weights.npz", **weights)
    np.savez_compressed(here / "data" / "applications_outputs.npz", **outputs)


if __name__ == "__main__":
    main()
