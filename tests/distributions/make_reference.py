"""Records tf_reference.json with TF 2.21's ``tf.compat.v1.distributions`` (a peer, never
a dependency):

    /work/venvs/tf/bin/python tests/distributions/make_reference.py
"""

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import dist_cases  # noqa: E402
import tensorflow as tf2  # noqa: E402

tf = tf2.compat.v1
tf.disable_v2_behavior()


def main() -> None:
    out = {"tensorflow": tf2.__version__}
    for name in dist_cases.cases(tf):
        out[name] = dist_cases.run(tf, name)
    (HERE / "tf_reference.json").write_text(json.dumps(out, indent=0) + "\n")


if __name__ == "__main__":
    main()
