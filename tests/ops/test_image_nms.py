"""TF's other non-max suppressions against TF 2.21 ``tf.compat.v1``: soft-NMS (both its
indices and decayed scores), padded, overlap-matrix and combined (per class, batched,
clipped / padded per class) NMS; every expected value was printed by TF for the same
inputs (rounded to 6 decimals)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

TF = {"v3_eq": [0, 1],
      "soft_i": [3, 0, 1, 5, 4, 2],
      "soft_s": [0.95, 0.9, 0.384004, 0.3, 0.256003, 0.196972],
      "soft2_i": [3, 0, 5, 1, 4],
      "soft2_s": [0.95, 0.9, 0.3, 0.245764, 0.163843],
      "hard_i": [3, 0, 5],
      "hard_s": [0.95, 0.9, 0.3],
      "pad_i": [3, 0, 5, 0, 0],
      "pad_v": 3,
      "nopad_i": [3, 0, 5],
      "nopad_v": 3,
      "ov": [0, 2],
      "c_boxes": [[[0.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 0.5, 0.45],
                   [0.0, 1.0, 0.5, 1.0]],
                  [[0.0, 0.0, 1.0, 0.9], [0.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.9],
                   [0.0, 1.0, 1.0, 1.0]]],
      "c_scores": [[0.95, 0.9, 0.855, 0.81], [0.95, 0.9, 0.76, 0.75]],
      "c_classes": [[0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 0.0, 1.0]],
      "c_valid": [4, 4],
      "p_boxes": [[[0.0, 10.0, 1.0, 11.0], [0.0, 0.0, 1.0, 1.0], [0.0, -0.1, 1.0, 0.9],
                   [0.0, 100.0, 1.0, 101.0]],
                  [[0.0, -0.1, 1.0, 0.9], [0.0, 100.0, 1.0, 101.0], [0.0, -0.1, 1.0, 0.9],
                   [0.0, 100.0, 1.0, 101.0]]],
      "p_scores": [[0.95, 0.9, 0.855, 0.81], [0.95, 0.9, 0.76, 0.72]],
      "p_classes": [[0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 0.0, 0.0]],
      "p_valid": [4, 4]}

BOXES = np.array([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11],
                  [0, 10.1, 1, 11.1], [0, 100, 1, 101]], np.float32)
SCORES = np.array([0.9, 0.75, 0.6, 0.95, 0.5, 0.3], np.float32)


def _graph():
    boxes, scores = tk.constant(BOXES), tk.constant(SCORES)
    img = tk.image
    t = {"v3_eq": img.non_max_suppression(np.array([[0, 0, 1, 1], [0, 0.5, 1, 1.5]],
                                                   np.float32), [0.9, 0.8], 5,
                                          iou_threshold=1 / 3)}
    t["soft_i"], t["soft_s"] = img.non_max_suppression_with_scores(
        boxes, scores, 6, iou_threshold=0.5, soft_nms_sigma=0.5)
    t["soft2_i"], t["soft2_s"] = img.non_max_suppression_with_scores(
        boxes, scores, 6, iou_threshold=1.0, score_threshold=0.1, soft_nms_sigma=0.3)
    t["hard_i"], t["hard_s"] = img.non_max_suppression_with_scores(boxes, scores, 3,
                                                                   iou_threshold=0.5)
    t["pad_i"], t["pad_v"] = img.non_max_suppression_padded(boxes, scores, 5,
                                                            iou_threshold=0.5,
                                                            pad_to_max_output_size=True)
    t["nopad_i"], t["nopad_v"] = img.non_max_suppression_padded(boxes, scores, 5,
                                                                iou_threshold=0.5)
    ov = np.array([[1, 0.8, 0.1], [0.8, 1, 0.6], [0.1, 0.6, 1]], np.float32)
    t["ov"] = img.non_max_suppression_overlaps(ov, [0.9, 0.8, 0.7], 3, overlap_threshold=0.5)
    bb = np.stack([np.stack([BOXES, BOXES * 0.5], 1), np.stack([BOXES[::-1], BOXES[::-1]], 1)])
    sc = np.stack([np.stack([SCORES, SCORES[::-1] * 0.9], 1),
                   np.stack([SCORES * 0.8, SCORES], 1)])
    (t["c_boxes"], t["c_scores"], t["c_classes"],
     t["c_valid"]) = img.combined_non_max_suppression(bb, sc, 3, 4, iou_threshold=0.5,
                                                      score_threshold=0.2)
    (t["p_boxes"], t["p_scores"], t["p_classes"],
     t["p_valid"]) = img.combined_non_max_suppression(bb[:, :, :1], sc, 2, 10,
                                                      iou_threshold=0.5, pad_per_class=True,
                                                      clip_boxes=False)
    return t


def test_every_variant_gives_tf_values():
    with tk.Graph().as_default():
        t = _graph()
        assert t["pad_i"].shape.as_list() == [5] and t["c_boxes"].shape.as_list() == [2, 4, 4]
        with tk.Session() as s:
            got = {k: np.asarray(s.run(v)).round(6).tolist() for k, v in t.items()}
    for k, want in TF.items():
        np.testing.assert_allclose(got[k], want, rtol=1e-6, atol=1e-6, err_msg=k)


def test_bad_arguments():
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="soft_nms_sigma"):
            tk.image.non_max_suppression_with_scores(BOXES, SCORES, 3, soft_nms_sigma=-1.0)
        with pytest.raises(ValueError, match="batch, num_boxes, q, 4"):
            tk.image.combined_non_max_suppression(BOXES, SCORES, 2, 3)
        with pytest.raises(ValueError, match="must be positive"):
            tk.image.combined_non_max_suppression(BOXES[None, :, None], SCORES[None, :, None],
                                                  0, 3)


def test_is_jpeg_checks_the_first_three_bytes():
    # TF: substr(contents, 0, 3) == b"\xff\xd8\xff", elementwise
    with tk.Graph().as_default():
        png = tk.image.encode_png(np.zeros((2, 2, 3), np.uint8))
        jpg = tk.image.encode_jpeg(np.zeros((2, 2, 3), np.uint8))
        with tk.Session() as s:
            p, j = s.run([png, jpg])
            assert not s.run(tk.image.is_jpeg(p)) and s.run(tk.io.is_jpeg(j))
            assert s.run(tk.image.is_jpeg(tk.constant([j, p, b"\xff\xd8", b""]))).tolist() \
                == [True, False, False, False]
