"""Records contrib_data_reference.json with TF 2.21 (a peer, never a dependency):

    /work/venvs/tf/bin/python tests/contrib/make_contrib_data_reference.py

TF 2.21 has TF 1.15's ``tf.contrib.data`` transformations as ``tf.data.experimental``;
``padded_batch_and_drop_remainder`` is ``padded_batch(..., drop_remainder=True)`` and
``sliding_window_batch`` is ``window(...).flat_map(batch)``, as TF 1.15 documents.
"""

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import contrib_data_cases as cases  # noqa: E402
import tensorflow as tf2  # noqa: E402

tf = tf2.compat.v1
tf.disable_v2_behavior()


class _Exp:
    """TF 1.15's contrib.data names on top of tf.data.experimental."""


exp = _Exp()
for _n in ["unbatch", "group_by_window", "bucket_by_sequence_length", "scan", "ignore_errors",
           "Counter", "map_and_batch", "parallel_interleave", "shuffle_and_repeat"]:
    setattr(exp, _n, getattr(tf2.data.experimental, _n))
exp.padded_batch_and_drop_remainder = (
    lambda b, s, v=None: (lambda ds: ds.padded_batch(b, s, v, drop_remainder=True)))


def main() -> None:
    out = {}
    makers = cases.cases(tf, exp)
    for name in list(makers) + list(cases.sliding(tf, exp, "tf")):
        tf.reset_default_graph()
        ds = makers[name]() if name in makers else cases.sliding(tf, exp, "tf")[name]
        out[name] = cases.normalise(name, cases.run(tf, ds))
    (HERE / "contrib_data_reference.json").write_text(json.dumps(out, indent=0) + "\n")


if __name__ == "__main__":
    main()
