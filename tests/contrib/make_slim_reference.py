"""Records the TF 2.21 + ``tf_slim`` 1.1.0 (``tf.compat.v1`` graph mode) numbers of a cases
module: every case of ``<name>_cases.py`` into ``<name>_reference.json`` (``slim``, the
default: ``slim_cases.py`` -> ``slim_reference.json``; ``slim_nets``: the model-zoo-style
nets of ``slim_nets_cases.py`` -> ``slim_nets_reference.json``; ``slim_data``: the data
pipeline of ``slim_data_cases.py`` -> ``slim_data_reference.json``).

Not a test: run it with the TF peer environment, from the repository root::

    TF_USE_LEGACY_KERAS=1 /work/venvs/tf/bin/python tests/contrib/make_slim_reference.py
    TF_USE_LEGACY_KERAS=1 /work/venvs/tf/bin/python tests/contrib/make_slim_reference.py slim_nets
    TF_USE_LEGACY_KERAS=1 /work/venvs/tf/bin/python tests/contrib/make_slim_reference.py slim_data
"""

import importlib
import json
import os
import sys

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
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
# tf_slim's tfexample_decoder (slim_data_cases) calls these where TF 1.15 had them.
from tensorflow.python.ops import array_ops  # noqa: E402

control_flow_ops.case = tf.case
array_ops.stack = tf.stack
# TF's tensorflow.python.layers shims look for tf_keras.legacy_tf_layers, which tf_keras
# ships as tf_keras.src.legacy_tf_layers.
for _sub in ("", ".base", ".core", ".convolutional", ".normalization", ".pooling"):
    sys.modules["tf_keras.legacy_tf_layers" + _sub] = importlib.import_module(
        "tf_keras.src.legacy_tf_layers" + _sub)

name = sys.argv[1] if len(sys.argv) > 1 else "slim"
cases = importlib.import_module(f"{name}_cases")
out = {case.__name__: case(tf, slim) for case in cases.CASES}
with open(os.path.join(HERE, f"{name}_reference.json"), "w") as f:
    f.write(json.dumps(out, indent=1, sort_keys=True))
