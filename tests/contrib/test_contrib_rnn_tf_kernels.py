"""The block cells against TF's own kernels: numbers recorded with TF 2.21's
``raw_ops.LSTMBlockCell`` / ``GRUBlockCell`` / ``BlockLSTM`` (the C++ kernels TF 1.15's
``LSTMBlockCell``, ``GRUBlockCell`` and ``LSTMBlockFusedCell`` call) by
``make_contrib_rnn_reference.py``; float32, so compared to 1e-5."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import trainkit as tk

C = tk.contrib.rnn
REF = json.loads((Path(__file__).parent / "contrib_rnn_reference.json").read_text())


def _case(name):
    case = REF[name]
    ins = {k: np.asarray(v, np.float32) for k, v in case["inputs"].items()}
    outs = {k: np.asarray(v, np.float32) for k, v in case["outputs"].items()}
    return ins, outs


def _load(sess, cell, values):
    for v in cell.variables:
        v.load(values[v.op.name.split("/", 1)[1]], sess)


def _close(got, want):
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_lstm_block_cell_equals_tf_kernel():
    ins, want = _case("lstm_block_cell")
    with tk.Graph().as_default():
        cell = C.LSTMBlockCell(4, forget_bias=0.7, cell_clip=0.5, use_peephole=True)
        h, (cs, h2) = cell(tk.constant(ins["x"]),
                           C.LSTMStateTuple(tk.constant(ins["cs_prev"]),
                                            tk.constant(ins["h_prev"])))
        with tk.Session() as sess:
            _load(sess, cell, {"kernel": ins["w"], "bias": ins["b"], "w_i_diag": ins["wci"],
                               "w_f_diag": ins["wcf"], "w_o_diag": ins["wco"]})
            got_h, got_cs = sess.run((h, cs))
    _close(got_cs, want["cs"])
    _close(got_h, want["h"])
    assert np.abs(got_cs).max() <= 0.5


def test_gru_block_cells_equal_tf_kernel():
    ins, want = _case("gru_block_cell")
    for cls, names in ((C.GRUBlockCell, {"w_c": ins["w_ru"], "b_ru": ins["b_ru"],
                                         "w_ru": ins["w_c"], "b_c": ins["b_c"]}),
                       (C.GRUBlockCellV2, {"gates/kernel": ins["w_ru"],
                                           "gates/bias": ins["b_ru"],
                                           "candidate/kernel": ins["w_c"],
                                           "candidate/bias": ins["b_c"]})):
        # TF 1.15's GRUBlockCell stores the kernel fed as the op's w_ru under "w_c"
        with tk.Graph().as_default():
            cell = cls(4)
            h, _ = cell(tk.constant(ins["x"]), tk.constant(ins["h_prev"]))
            with tk.Session() as sess:
                _load(sess, cell, names)
                _close(sess.run(h), want["h"])


def test_lstm_block_fused_cell_equals_tf_block_lstm():
    ins, want = _case("block_lstm")
    with tk.Graph().as_default():
        cell = C.LSTMBlockFusedCell(4, forget_bias=0.2, use_peephole=True)
        out, st = cell(tk.constant(ins["x"]), initial_state=(tk.constant(ins["cs_prev"]),
                                                             tk.constant(ins["h_prev"])))
        with tk.Session() as sess:
            _load(sess, cell, {"kernel": ins["w"], "bias": ins["b"], "w_i_diag": ins["wci"],
                               "w_f_diag": ins["wcf"], "w_o_diag": ins["wco"]})
            got_out, got_st = sess.run((out, st))
    _close(got_out, want["h"])
    _close(got_st.h, want["h"][-1])
    _close(got_st.c, want["cs"][-1])
