"""Records contrib_image_reference.json with TF 2.21 (a peer, never a dependency):

    /work/venvs/tf/bin/python tests/contrib/make_contrib_image_reference.py

TF 2.21's ``tf.raw_ops.ImageProjectiveTransformV2`` (``fill_mode="CONSTANT"``) is the
kernel TF 1.15's ``tf.contrib.image.transform`` called, and its registered gradient is
the same inverse-transform rule; each gradient case records ``tf.gradients`` with fixed
``grad_ys``.
"""

import json
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf2  # noqa: E402

tf = tf2.compat.v1
tf.disable_v2_behavior()
OUT = Path(__file__).resolve().parent / "contrib_image_reference.json"


def _rotations(angles, h, w):
    rows = []
    for a in angles:
        c, s = np.cos(a), np.sin(a)
        xo = ((w - 1) - (c * (w - 1) - s * (h - 1))) / 2.0
        yo = ((h - 1) - (s * (w - 1) + c * (h - 1))) / 2.0
        rows.append([c, -s, xo, s, c, yo, 0.0, 0.0])
    return np.asarray(rows, np.float32)


def cases():
    rng = np.random.RandomState(7)
    img = np.round(rng.uniform(0, 10, [2, 7, 8, 2]), 2).astype(np.float32)
    rot = _rotations([0.4, -1.1], 7, 8)
    proj = np.asarray([[0.9, 0.2, 0.5, -0.1, 1.1, -0.3, 0.01, -0.02]], np.float32)
    u8 = rng.randint(0, 256, [1, 6, 5, 3]).astype(np.uint8)
    scale = np.asarray([[0.7, 0.1, 0.8, -0.15, 0.8, 1.2, 0.0, 0.0]], np.float32)
    f64 = (rng.randint(1, 30, [1, 5, 6, 1]) / 3.0).astype(np.float64)
    shift = np.asarray([[1.0, 0.0, -1.25, 0.0, 1.0, 0.5, 0.0, 0.0]], np.float32)
    return {
        "rot_bilinear": (img, rot, [7, 8], "BILINEAR", True),
        "rot_nearest": (img, rot, [7, 8], "NEAREST", True),
        "proj_bilinear": (img, proj, [6, 10], "BILINEAR", True),
        "proj_nearest": (img, proj, [6, 10], "NEAREST", True),
        "uint8_bilinear": (u8, scale, [6, 5], "BILINEAR", False),
        "uint8_nearest": (u8, scale, [4, 7], "NEAREST", False),
        "float64_bilinear": (f64, shift, [5, 6], "BILINEAR", False),
    }


def _op(images, transforms, shape, interpolation):
    return tf.raw_ops.ImageProjectiveTransformV2(
        images=images, transforms=transforms, output_shape=shape,
        interpolation=interpolation, fill_mode="CONSTANT")


def main():
    out = {}
    rng = np.random.RandomState(11)
    for name, (img, t, shape, interp, grad) in cases().items():
        with tf.Graph().as_default(), tf.Session() as sess:
            x = tf.constant(img)
            y = _op(x, t, shape, interp)
            case = {"images": img.tolist(), "dtype": str(img.dtype), "transforms": t.tolist(),
                    "output_shape": shape, "interpolation": interp}
            case["output"] = sess.run(y).tolist()
            if grad:
                dy = np.round(rng.uniform(-1, 1, [img.shape[0]] + shape + [img.shape[3]]),
                              2).astype(np.float32)
                g = tf.gradients(y, x, grad_ys=tf.constant(dy))[0]
                case["dy"] = dy.tolist()
                case["grad"] = sess.run(g).tolist()
            out[name] = case
    out["_meta"] = {"tensorflow": tf2.__version__}
    OUT.write_text(json.dumps(out))
    print(f"wrote {OUT} with TF {tf2.__version__}")


if __name__ == "__main__":
    main()
