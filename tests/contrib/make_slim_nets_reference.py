"""Records ``slim_nets_reference.json`` with TF 2.21 and ``tf_slim`` 1.1.0
(``tf.compat.v1`` graph mode), running every case of ``slim_nets_cases.py``.

Not a test: run it with the TF peer environment, from the repository root::

    TF_USE_LEGACY_KERAS=1 /work/venvs/tf/bin/python tests/contrib/make_slim_nets_reference.py
"""

import importlib
import json
import os
import sys

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import slim_nets_cases  # noqa: E402
import tensorflow.compat.v1 as tf  # noqa: E402
import tf_slim as slim  # noqa: E402

tf.disable_v2_behavior()
# tf_slim 1.1.0 still names ops.Tensor, ops.IndexedSlices and control_flow_ops.cond, which
# TF 2.21 moved (its fused batch_norm, optimize_loss and smart_cond fail without them).
from tensorflow.python.framework import ops  # noqa: E402
from tensorflow.python.ops import control_flow_ops  # noqa: E402

ops.Tensor = tf.Tensor
ops.IndexedSlices = tf.IndexedSlices
control_flow_ops.cond = tf.cond
# TF's tensorflow.python.layers shims look for tf_keras.legacy_tf_layers, which tf_keras
# ships as tf_keras.src.legacy_tf_layers.
for _sub in ("", ".base", ".core", ".convolutional", ".normalization", ".pooling"):
    sys.modules["tf_keras.legacy_tf_layers" + _sub] = importlib.import_module(
        "tf_keras.src.legacy_tf_layers" + _sub)
out = {case.__name__: case(tf, slim) for case in slim_nets_cases.CASES}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "slim_nets_reference.json")
with open(path, "w") as f:
    f.write(json.dumps(out, indent=1, sort_keys=True))
