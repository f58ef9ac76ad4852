"""Records ``fixtures/seeded_normal_tf221.json`` with TF 2.21 (``tf.compat.v1`` graph
mode, CPU): the SHA-256 of the bytes of seeded normal and truncated normal draws, two
runs of each op in one session.

The tests import :data:`CASES` and :data:`STATELESS` from here (TF is imported only to
record). Not a test: run it with the TF peer environment, from this directory::

    /work/venvs/tf/bin/python make_seeded_normal_reference.py fixtures/seeded_normal_tf221.json
"""

import hashlib
import json
import os
import sys

#: name -> (op, shape, dtype, op seed or None for the graph seed's rule alone)
CASES = {
    # deep MNIST's fc1 weight shape under tf.set_random_seed(1)
    "truncated/3136x1024/float32": ("truncated_normal", [3136, 1024], "float32", None),
    "normal/3136x1024/float32": ("random_normal", [3136, 1024], "float32", None),
    "truncated/1024x1024/float64": ("truncated_normal", [1024, 1024], "float64", 5),
    "normal/1024x1024/float64": ("random_normal", [1024, 1024], "float64", 5),
    "truncated/1024x1024/float16": ("truncated_normal", [1024, 1024], "float16", 6),
    "normal/1024x1024/float16": ("random_normal", [1024, 1024], "float16", 6),
    "truncated/301x257/float32": ("truncated_normal", [301, 257], "float32", 7),
    "normal/301x257/float32": ("random_normal", [301, 257], "float32", 7),
    "truncated/301x257/float64": ("truncated_normal", [301, 257], "float64", 8),
    "normal/301x257/float64": ("random_normal", [301, 257], "float64", 8),
    "truncated/301x257/float16": ("truncated_normal", [301, 257], "float16", 9),
    "normal/301x257/float16": ("random_normal", [301, 257], "float16", 9),
}
#: name -> (op, shape, dtype, [seed0, seed1]) of stateless draws (one run each)
STATELESS = {
    "stateless_truncated/301x257/float32": ("truncated_normal", [301, 257], "float32",
                                            [3, -4]),
    "stateless_normal/301x257/float64": ("normal", [301, 257], "float64", [11, 12]),
}


def _sha(value):
    return hashlib.sha256(value.tobytes()).hexdigest()


def main(path):
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    out = {}
    for name, (op, shape, dtype, seed) in CASES.items():
        with tf.Graph().as_default():
            tf.set_random_seed(1)
            t = getattr(tf, op)(shape, dtype=dtype, seed=seed)
            with tf.Session() as sess:
                out[name] = [_sha(sess.run(t)) for _ in range(2)]
    for name, (op, shape, dtype, seed) in STATELESS.items():
        with tf.Graph().as_default():
            t = getattr(tf.random, "stateless_" + op)(shape, seed, dtype=dtype)
            with tf.Session() as sess:
                out[name] = [_sha(sess.run(t))]
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
