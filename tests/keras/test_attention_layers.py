"""``tk.keras.layers.Attention`` and ``AdditiveAttention`` equal to tf_keras 2.21's in TF
2.21 graph mode (``TF_USE_LEGACY_KERAS=1``, the same inputs and weights; the expected
values, rounded to 7 decimals, were recorded from TF 2.21.0)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

L = tk.keras.layers
Q = (((np.arange(24).reshape(2, 3, 4) % 7) - 3.0) / 4.0).astype(np.float32)
V = (((np.arange(16).reshape(2, 2, 4) % 5) - 2.0) / 3.0).astype(np.float32)
K = (((np.arange(16).reshape(2, 2, 4) * 3 % 7) - 3.0) / 5.0).astype(np.float32)
V3 = (((np.arange(24).reshape(2, 3, 4) % 5) - 2.0) / 3.0).astype(np.float32)
QM = np.array([[True, True, False], [True, False, True]])
VM = np.array([[True, False], [True, True]])

DOT = [[[-0.2389049, -0.4402738, -0.1069404, 0.2263929],
        [0.0554273, -0.5138568, -0.1805235, 0.1528098],
        [-0.2143419, -0.4464146, -0.1130812, 0.2202521]],
       [[0.2591, 0.5924333, -0.3697332, -0.4075667],
        [0.1459412, 0.4792745, 0.082902, -0.5207255],
        [0.2139447, 0.547278, -0.1891121, -0.452722]]]
DOT_KEY = [[[-0.147519, -0.4631203, -0.1297869, 0.2035464],
            [0.0166632, -0.5041658, -0.1708325, 0.1625009],
            [-0.1632791, -0.4591802, -0.1258469, 0.2074865]],
           [[0.1666667, 0.5, 0.0, -0.5], [0.183278, 0.5166113, -0.0664454, -0.4833887],
            [0.1418525, 0.4751858, 0.0992567, -0.5248142]]]
DOT_KEY_W = [[[0.6106393, 0.3893608], [0.4875026, 0.5124974], [0.6224594, 0.3775407]],
             [[0.5, 0.5], [0.549834, 0.450166], [0.4255575, 0.5744425]]]
MASKED = [[[-0.6666667, -0.3333333, 0.0, 0.3333333], [-0.6666667, -0.3333333, 0.0, 0.3333333],
           [0.0, 0.0, 0.0, 0.0]],
          [[0.2591, 0.5924333, -0.3697332, -0.4075667], [0.0, 0.0, 0.0, 0.0],
           [0.2139447, 0.547278, -0.1891121, -0.452722]]]
MASKED_W = [[[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]],
            [[0.7772999, 0.2227001], [0.4378235, 0.5621765], [0.641834, 0.3581659]]]
CAUSAL = [[[-0.6666667, -0.3333333, 0.0, 0.3333333],
           [0.0554273, -0.5138568, -0.1805235, 0.1528098],
           [-0.0998844, -0.213794, -0.2287739, 0.1045595]],
          [[0.0, 0.3333333, 0.6666667, -0.6666667],
           [-0.2202521, 0.1130812, 0.4464146, 0.2143419],
           [-0.3432086, -0.0098753, 0.3234581, 0.0886197]]]
CAUSAL_W = [[[1.0, 0.0, 0.0], [0.4584295, 0.5415705, 0.0], [0.5226663, 0.2683458, 0.2089879]],
            [[1.0, 0.0, 0.0], [0.3392436, 0.6607564, 0.0], [0.340903, 0.2885682, 0.3705288]]]
CAUSAL_VMASK = [[[0.1111111, -0.1111111, -0.3333334, 0.0],
                 [0.6666667, -0.6666667, -0.3333333, 0.0],
                 [0.5207255, -0.082902, -0.4792745, -0.1459412]],
                [[0.0, 0.3333333, 0.6666667, -0.6666667],
                 [-0.2202521, 0.1130812, 0.4464146, 0.2143419],
                 [-0.1528098, 0.1805235, 0.5138568, -0.0554273]]]
CAUSAL_VMASK_W = [[[0.3333333, 0.3333333, 0.3333333], [0.0, 1.0, 0.0], [0.0, 0.5621765, 0.4378235]],
                  [[1.0, 0.0, 0.0], [0.3392436, 0.6607564, 0.0], [0.5415705, 0.4584295, 0.0]]]
CONCAT = [[[-0.145143, -0.4637143, -0.1303809, 0.2029524],
           [0.0917657, -0.5229415, -0.1896081, 0.1437252],
           [-0.1161136, -0.4709717, -0.1376383, 0.1956951]],
          [[0.2432555, 0.5765889, -0.3063554, -0.4234112],
           [0.2623336, 0.5956669, -0.3826677, -0.4043331],
           [0.2585413, 0.5918746, -0.3674985, -0.4081254]]]
CONCAT_W = [[[0.6088572, 0.3911428], [0.4311757, 0.5688243], [0.5870852, 0.4129149]],
            [[0.7297666, 0.2702334], [0.7870008, 0.2129993], [0.7756239, 0.2243761]]]
SCALE_HALF = [[[-0.0746852, -0.4813287, -0.1479954, 0.185338],
               [0.0083329, -0.5020832, -0.1687499, 0.1645834],
               [-0.082902, -0.4792745, -0.1459412, 0.1873922]],
              [[0.1666667, 0.5, 0.0, -0.5], [0.1749931, 0.5083264, -0.0333056, -0.4916736],
               [0.15419, 0.4875234, 0.0499065, -0.5124766]]]
CONCAT_SCALED = [[[0.1004498, -0.5251125, -0.1917791, 0.1415542],
                  [-0.0001587, -0.4999603, -0.166627, 0.1667063],
                  [0.0855134, -0.5213784, -0.188045, 0.1452883]],
                 [[0.067866, 0.4011993, 0.3952027, -0.5988007],
                  [0.0601626, 0.3934959, 0.4260162, -0.606504],
                  [0.0616189, 0.3949523, 0.4201909, -0.6050478]]]
CONCAT_SCALED_W = [[[0.4246626, 0.5753374], [0.500119, 0.4998809], [0.4358649, 0.5641351]],
                   [[0.203598, 0.796402], [0.1804878, 0.8195121], [0.1848568, 0.8151432]]]
ADD_MASKED = [[[-0.6666667, -0.3333333, 0.0, 0.3333333],
               [-0.6666667, -0.3333333, 0.0, 0.3333333], [0.0, 0.0, 0.0, 0.0]],
              [[0.0578495, 0.3911828, 0.4352686, -0.6088171], [0.0, 0.0, 0.0, 0.0],
               [0.0345222, 0.3678555, 0.528578, -0.6321446]]]
ADD_MASKED_W = [[[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]],
                [[0.1735486, 0.8264514], [0.0952166, 0.9047833], [0.1035665, 0.8964335]]]
ADD_CAUSAL = [[[-0.6666667, -0.3333333, 0.0, 0.3333333],
               [0.101242, -0.5253105, -0.1919772, 0.1413562],
               [0.1707408, -0.0425433, -0.3760659, -0.0427325]],
              [[0.0, 0.3333333, 0.6666667, -0.6666667],
               [-0.1822403, 0.151093, 0.4844264, 0.0622945],
               [-0.2697469, 0.0635864, 0.3969198, 0.1392662]]]
ADD_SCALED_CAUSAL_KEY = [[[-0.6666667, -0.3333333, 0.0, 0.3333333],
                          [0.0438964, -0.5109741, -0.1776408, 0.1556926],
                          [-0.0790086, -0.4452142, -0.1585924, 0.174741]],
                         [[0.0, 0.3333333, 0.6666667, -0.6666667],
                          [-0.1964742, 0.1368592, 0.4701926, 0.11923],
                          [-0.1885026, 0.1448307, 0.4781641, -0.0677938]]]
ADD_SCALE = [0.5, -1.0, 2.0, 0.25]


def _run(outs, assigns=()):
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        for var, value in assigns:
            sess.run(var.assign(value))
        return sess.run(outs)


def _check(got, want):
    np.testing.assert_allclose(got, np.array(want), rtol=0, atol=2e-6)


CASES = {
    "dot": (lambda: L.Attention()([Q, V]), [DOT]),
    "dot_key_scores": (lambda: L.Attention()([Q, V, K], return_attention_scores=True),
                       [DOT_KEY, DOT_KEY_W]),
    "dot_masks": (lambda: L.Attention()([Q, V], mask=[QM, VM], return_attention_scores=True),
                  [MASKED, MASKED_W]),
    "dot_causal": (lambda: L.Attention()([Q, V3], use_causal_mask=True,
                                         return_attention_scores=True), [CAUSAL, CAUSAL_W]),
    "dot_causal_kwarg": (lambda: L.Attention(causal=True)([Q, V3]), [CAUSAL]),
    "dot_causal_value_mask": (
        lambda: L.Attention()([Q, V3], mask=[None, np.array([[False, True, True],
                                                             [True, True, False]])],
                              use_causal_mask=True, return_attention_scores=True),
        [CAUSAL_VMASK, CAUSAL_VMASK_W]),
    "dot_scale_initial": (lambda: L.Attention(use_scale=True)([Q, V, K]), [DOT_KEY]),
    "concat": (lambda: L.Attention(score_mode="concat")([Q, V, K],
                                                        return_attention_scores=True),
               [CONCAT, CONCAT_W]),
    "concat_scale_initial": (lambda: L.Attention(score_mode="concat", use_scale=True)(
        [Q, V, K]), [CONCAT]),
    "additive_no_scale": (lambda: L.AdditiveAttention(use_scale=False)(
        [Q, V, K], return_attention_scores=True), [CONCAT, CONCAT_W]),
    "additive_causal": (lambda: L.AdditiveAttention(use_scale=False)(
        [Q, V3], use_causal_mask=True), [ADD_CAUSAL]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_attention_equals_tf_keras(name):
    build, want = CASES[name]
    out = build()
    outs = list(out) if isinstance(out, tuple) else [out]
    got = _run(outs)
    assert [o.shape.as_list() for o in outs] == [list(np.shape(w)) for w in want]
    for g, w in zip(got, want, strict=True):
        _check(g, w)


def test_half_inputs_are_cast_to_the_layer_dtype():
    """tf_keras 2.21 casts float16 inputs to the layer's float32 (the output is float32;
    the values are those of the rounded inputs)."""
    out, w = L.Attention()([Q.astype(np.float16), V.astype(np.float16)], mask=[QM, VM],
                           return_attention_scores=True)
    assert out.dtype == tk.float32
    got_out, got_w = _run([out, w])
    _check(got_out, [[[-0.66650390625, -0.333251953125, 0.0, 0.333251953125],
                      [-0.66650390625, -0.333251953125, 0.0, 0.333251953125],
                      [0.0, 0.0, 0.0, 0.0]],
                     [[0.25901907682418823, 0.5922710299491882, -0.3695724308490753,
                       -0.4074847996234894], [0.0, 0.0, 0.0, 0.0],
                      [0.21388153731822968, 0.5471335053443909, -0.1890222430229187,
                       -0.45262235403060913]]])
    _check(got_w, [[[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]],
                   [[0.7772470116615295, 0.22275297343730927],
                    [0.43783852458000183, 0.5621615052223206],
                    [0.6418012976646423, 0.35819870233535767]]])


def test_float16_layer_masks_with_the_largest_half():
    """A float16 layer pushes masked scores down by 65504 (1e9 is inf in float16 and would
    make NaNs): the weights are the float32 ones (TF 2.21) to float16 precision."""
    out, w = L.Attention(dtype="float16")([Q, V], mask=[QM, VM],
                                          return_attention_scores=True)
    assert w.dtype == tk.float16
    got_out, got_w = _run([out, w])
    np.testing.assert_allclose(got_w.astype(np.float32), MASKED_W, atol=2e-3)
    np.testing.assert_allclose(got_out.astype(np.float32), MASKED, atol=2e-3)


def test_learned_scales_equal_tf_keras():
    """tf_keras 2.21 with the weights assigned: Attention scale 0.5; concat scale 0.5 and
    concat_score_weight -2; AdditiveAttention scale [0.5, -1, 2, 0.25]."""
    a1 = L.Attention(use_scale=True, name="a1")
    out1 = a1([Q, V, K])
    a2 = L.Attention(use_scale=True, score_mode="concat", name="a2")
    out2, w2 = a2([Q, V, K], return_attention_scores=True)
    a3 = L.AdditiveAttention(name="a3")
    out3, w3 = a3([Q, V], mask=[QM, VM], return_attention_scores=True)
    a4 = L.AdditiveAttention(name="a4")
    out4 = a4([Q, V3, V3 * 2], use_causal_mask=True)
    assert [w.name for w in a2.trainable_weights] == ["a2/scale:0", "a2/concat_score_weight:0"]
    assert [w.name for w in a3.weights] == ["a3/scale:0"] and a3.scale.shape.as_list() == [4]
    got = _run([out1, out2, w2, out3, w3, out4],
               [(a1.scale, 0.5), (a2.scale, 0.5), (a2.concat_score_weight, -2.0),
                (a3.scale, ADD_SCALE), (a4.scale, ADD_SCALE)])
    for g, w in zip(got, [SCALE_HALF, CONCAT_SCALED, CONCAT_SCALED_W, ADD_MASKED,
                          ADD_MASKED_W, ADD_SCALED_CAUSAL_KEY], strict=True):
        _check(g, w)


def test_scale_gradient_equals_tf_keras():
    """TF 2.21: d sum(AdditiveAttention()([Q, V])) / d scale at [0.5, -1, 2, 0.25]."""
    a = L.AdditiveAttention(name="g")
    (grad,) = tk.gradients(tk.reduce_sum(a([Q, V])), [a.scale])
    _check(_run(grad, [(a.scale, ADD_SCALE)]), [0.214918, -0.076672, 0.031652, -0.091956])


def test_scale_gradient_matches_finite_differences():
    a = L.Attention(use_scale=True, score_mode="concat")
    out = tk.reduce_sum(a([Q, V, K]) * np.linspace(-1, 1, 4).astype(np.float32))
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        err = tk.test.compute_gradient_error(a.scale, [], out, [], x_init_value=np.float32(0.7))
    assert err < 1e-2


def test_variables_and_no_weights_without_scale():
    """tf_keras names the weights '<layer>/scale:0'; dot attention without scale and
    dropout creates none."""
    plain = L.Attention()
    plain([Q, V])
    assert plain.weights == [] and tk.global_variables() == []
    add = L.AdditiveAttention()
    add([Q, V])
    assert [w.name for w in tk.global_variables()] == ["additive_attention/scale:0"]
    limit = np.sqrt(6.0 / 8.0)  # glorot-uniform of a [4] vector: fan_in = fan_out = 4
    scale = _run(add.scale)
    assert np.all(np.abs(scale) <= limit) and np.ptp(scale) > 0


def test_dropout_only_when_training():
    tk.set_random_seed(3)  # fixed dropout draws
    layer = L.Attention(dropout=0.5)
    out_eval, w_eval = layer([Q, V], training=False, return_attention_scores=True)
    out_train, w_train = layer([Q, V], training=True, return_attention_scores=True)
    got = _run([out_eval, w_eval, w_train, out_train])
    _check(got[0], DOT)
    clean = got[1]
    dropped = got[2]
    kept = dropped != 0
    np.testing.assert_allclose(dropped[kept], 2 * clean[kept], rtol=1e-6)
    assert 0 < kept.sum() < kept.size
    np.testing.assert_allclose(got[3], np.matmul(dropped, V), rtol=1e-5, atol=1e-6)


def test_learning_phase_drives_dropout():
    tk.set_random_seed(3)
    layer = L.Attention(dropout=0.9)
    _, weights = layer([Q, V], return_attention_scores=True)
    with tk.Session() as sess:
        test_w = sess.run(weights, {tk.keras.backend.learning_phase(): False})
        train_w = sess.run(weights, {tk.keras.backend.learning_phase(): True})
    scores = np.matmul(Q.astype(np.float64), V.transpose(0, 2, 1))
    e = np.exp(scores - scores.max(-1, keepdims=True))
    np.testing.assert_allclose(test_w, e / e.sum(-1, keepdims=True), rtol=1e-5)
    assert (train_w == 0).any()


def test_keras_masks_are_used_and_carried():
    """Embedding(mask_zero=True) masks the query and value; the output carries the query
    mask (tf_keras 2.21: y._keras_mask is the embedding's mask)."""
    from trainkit.keras import sequence_masks

    ids = tk.constant([[1, 2, 0], [3, 0, 0]])
    emb = L.Embedding(5, 4, mask_zero=True, embeddings_initializer="ones")(ids)
    out, w = L.Attention()([emb, emb], return_attention_scores=True)
    mask = sequence_masks.get_mask(out)
    assert mask is not None
    got_out, got_w, got_mask = _run([out, w, mask])
    assert got_mask.tolist() == [[True, True, False], [True, False, False]]
    np.testing.assert_allclose(got_w[0, 0], [0.5, 0.5, 0.0], atol=1e-6)
    np.testing.assert_allclose(got_w[1, 1], [1.0, 0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(got_out[1, 1:], 0.0)
    np.testing.assert_allclose(got_out[0, :2], 1.0, rtol=1e-6)


def test_functional_model_output_shape():
    inp = tk.keras.Input(shape=(3, 4))
    mem = tk.keras.Input(shape=(2, 4))
    out = L.AdditiveAttention()([inp, mem])
    model = tk.keras.Model([inp, mem], out)
    assert model.output_shape == (None, 3, 4)
    assert L.Attention().compute_output_shape([(None, 3, 4), (None, 2, 4)]).as_list() == \
        [None, 3, 4]


@pytest.mark.parametrize("call, match", [
    (lambda: L.Attention()(tk.constant(Q)),
     r"Attention layer must be called on a list of inputs, namely \[query, value\] or "
     r"\[query, value, key\]"),
    (lambda: L.Attention()([Q]), "Attention layer accepts inputs list of length 2 or 3"),
    (lambda: L.AdditiveAttention()([Q, V, K, V]),
     "AdditiveAttention layer accepts inputs list of length 2 or 3, namely .* Received "
     "length: 4"),
    (lambda: L.Attention()([Q, V], mask=QM), "Attention layer mask must be a list"),
    (lambda: L.Attention()([Q, V], mask=[QM]),
     r"mask must be a list of length 2, namely \[query_mask, value_mask\]. Received "
     r"length: 1"),
    (lambda: L.Attention()([Q, V], mask=[QM, VM, VM]), "Received length: 3"),
    (lambda: L.Attention(score_mode="x"),
     r'Received: score_mode=x. Acceptable values are: \["dot", "concat"\]'),
])
def test_bad_calls_raise_like_tf_keras(call, match):
    with pytest.raises(ValueError, match=match):
        call()
