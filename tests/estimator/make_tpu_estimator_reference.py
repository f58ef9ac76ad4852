"""Records TF 2.15's TPUEstimator (use_tpu=False) results for test_tpu_estimator.py.

Run with the TF 2.15 venv (tensorflow-estimator 2.15.0, the last with TPUEstimator):
    /work/venvs/tf215/bin/python tests/estimator/make_tpu_estimator_reference.py
"""

from __future__ import annotations

import glob
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

import tensorflow as tf  # noqa: E402

from tests.estimator.tpu_estimator_cases import run  # noqa: E402

tf.compat.v1.disable_eager_execution()
with tempfile.TemporaryDirectory() as d:
    out = run(tf, d, tf.compat.v1.estimator.tpu)
    tags = set()
    for path in glob.glob(os.path.join(d, "events.out.tfevents.*")):
        for e in tf.compat.v1.train.summary_iterator(path):
            tags.update(v.tag for v in e.summary.value)
    out["train_event_tags"] = sorted(tags)
out["tf_version"] = tf.__version__
path = os.path.join(os.path.dirname(__file__), "tpu_estimator_reference.json")
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.flush()
    os.fsync(f.fileno())
os.replace(tmp, path)
print(json.dumps(out, indent=1, sort_keys=True))
