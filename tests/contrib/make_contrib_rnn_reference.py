"""Records contrib_rnn_reference.json with TF 2.21 (a peer, never a dependency):

    /work/venvs/tf/bin/python tests/contrib/make_contrib_rnn_reference.py

TF 2.21 has no ``tf.contrib``, but it still has the C++ kernels TF 1.15's block cells
called: ``raw_ops.LSTMBlockCell`` (``LSTMBlockCell``), ``raw_ops.GRUBlockCell``
(``GRUBlockCell``/``V2``) and ``raw_ops.BlockLSTM`` (``LSTMBlockFusedCell``). The inputs
are drawn here with a fixed seed and stored with the outputs (float32).
"""

import json
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

OUT = Path(__file__).resolve().parent / "contrib_rnn_reference.json"


def _f32(rng, *shape, scale=0.8):
    return rng.normal(0, scale, shape).astype(np.float32)


def main() -> None:
    rng = np.random.default_rng(20261207)
    b, d, n, t = 3, 2, 4, 5
    lstm = {"x": _f32(rng, b, d), "cs_prev": _f32(rng, b, n), "h_prev": _f32(rng, b, n),
            "w": _f32(rng, d + n, 4 * n), "b": _f32(rng, 4 * n), "wci": _f32(rng, n),
            "wcf": _f32(rng, n), "wco": _f32(rng, n)}
    i, cs, f, o, ci, co, h = tf.raw_ops.LSTMBlockCell(
        **{k: tf.constant(v) for k, v in lstm.items()}, forget_bias=0.7, cell_clip=0.5,
        use_peephole=True)
    lstm_out = {"cs": cs.numpy(), "h": h.numpy()}
    gru = {"x": _f32(rng, b, d), "h_prev": _f32(rng, b, n), "w_ru": _f32(rng, d + n, 2 * n),
           "w_c": _f32(rng, d + n, n), "b_ru": _f32(rng, 2 * n), "b_c": _f32(rng, n)}
    r, u, c, gh = tf.raw_ops.GRUBlockCell(**{k: tf.constant(v) for k, v in gru.items()})
    gru_out = {"h": gh.numpy()}
    seq = {"x": _f32(rng, t, b, d), "cs_prev": _f32(rng, b, n), "h_prev": _f32(rng, b, n),
           "w": _f32(rng, d + n, 4 * n), "b": _f32(rng, 4 * n), "wci": _f32(rng, n),
           "wcf": _f32(rng, n), "wco": _f32(rng, n)}
    outs = tf.raw_ops.BlockLSTM(seq_len_max=tf.constant(t, tf.int64),
                                **{k: tf.constant(v) for k, v in seq.items()},
                                forget_bias=0.2, cell_clip=-1.0, use_peephole=True)
    seq_out = {"cs": outs[1].numpy(), "h": outs[6].numpy()}
    data = {name: {"inputs": {k: v.tolist() for k, v in ins.items()},
                   "outputs": {k: v.tolist() for k, v in got.items()}}
            for name, ins, got in (("lstm_block_cell", lstm, lstm_out),
                                   ("gru_block_cell", gru, gru_out),
                                   ("block_lstm", seq, seq_out))}
    data["_source"] = f"TensorFlow {tf.__version__} raw_ops"
    OUT.write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main()
