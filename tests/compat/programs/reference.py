"""Records TF1's numbers for the compat programs: run under TensorFlow, not trainkit.

    TF_USE_LEGACY_KERAS=1 python -m tests.compat.programs.reference [name ...]

Runs each program's ``main(tf.compat.v1)`` (eager execution disabled, a fresh graph per
program) and merges the results into ``tf_reference.json`` beside this file, with the
TensorFlow version that produced them.
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
    skip = {"__init__", "common", "reference"}
    return sorted(p.stem for p in HERE.glob("*.py") if p.stem not in skip)


def main(argv: list[str]) -> None:
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    tf1 = tf.compat.v1
    tf1.disable_eager_execution()
    data = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {"programs": {}}
    for name in argv or program_names():
        module = importlib.import_module(f"tests.compat.programs.{name}")
        with tf1.Graph().as_default():
            result = module.main(tf1)
        data["programs"][name] = result
        print(name, result, flush=True)
    data["tensorflow"] = f"tensorflow-cpu {tf.__version__}, tf.compat.v1, graph mode"
    data["computed"] = datetime.date.today().isoformat()
    REFERENCE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
