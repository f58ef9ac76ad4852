"""Records TF 2.21's ``summary_ops_v2`` (TF 1.x's ``tf.contrib.summary``) in graph mode for
test_contrib_summary.py.

Not a test: run it with the TF peer environment, from the repository root::

    /work/venvs/tf/bin/python tests/contrib/make_contrib_summary_reference.py
"""

import json
import os
import sys
import tempfile

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tensorflow.compat.v1 as tf  # noqa: E402
from contrib_summary_cases import run  # noqa: E402
from tensorflow.python.ops import summary_ops_v2  # noqa: E402

tf.disable_v2_behavior()
with tempfile.TemporaryDirectory() as d:
    out = run(tf, summary_ops_v2, d)
out["tf_version"] = tf.__version__
with open(os.path.join(HERE, "contrib_summary_reference.json"), "w") as f:
    f.write(json.dumps(out, indent=1, sort_keys=True))
print(json.dumps(out, indent=1, sort_keys=True))
