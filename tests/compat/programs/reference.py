"""Records TF1's numbers for the compat programs: run under TensorFlow, not trainkit.

    TF_USE_LEGACY_KERAS=1 python -m tests.compat.programs.reference [name ...]
    # the estimator_* programs and the others that use tf.estimator, under 2.15.1:
    TF_USE_LEGACY_KERAS=0 /work/venvs/tf215/bin/python -m tests.compat.programs.reference \
        estimator_custom estimator_custom_iris estimator_premade_iris \
        estimator_linear_regressor estimator_wide_deep estimator_dnn_mnist \
        hvass_estimator_api hvass_tfrecords_dataset

Runs each program's ``main(tf.compat.v1)`` (``disable_v2_behavior()``: TF1 semantics; a
fresh graph per program) and merges the results into ``tf_reference.json`` beside this
file, with the TensorFlow version that produced each (TF 2.16+ has no ``tf.estimator``:
the estimator programs, those named ``estimator_*`` or using ``tf.estimator.``, are
recorded with tensorflow-cpu 2.15.1, which brings tensorflow-estimator 2.15:
``python3 -m venv /work/venvs/tf215 && /work/venvs/tf215/bin/pip install
tensorflow-cpu==2.15.1``, never a project dependency).
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "tf_reference.json"


def program_names() -> list[str]:
    skip = {"__init__", "common", "reference", "rl_envs", "tf_contrib"}
    return sorted(p.stem for p in HERE.glob("*.py") if p.stem not in skip)


def main(argv: list[str]) -> None:
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    tf1 = tf.compat.v1
    tf1.disable_v2_behavior()  # TF1 semantics: graph mode, Dimension shapes, v1 control flow
    data = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {}
    data.setdefault("programs", {})
    data.setdefault("versions", {})
    version = (f"tensorflow-cpu {tf.__version__}, tf.compat.v1 with disable_v2_behavior(), "
               f"computed {datetime.date.today().isoformat()}")
    for name in argv or program_names():
        module = importlib.import_module(f"tests.compat.programs.{name}")
        with tf1.Graph().as_default():
            result = module.main(tf1)
        data["programs"][name] = result
        data["versions"][name] = version
        print(name, result, flush=True)
    REFERENCE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
