"""tf.contrib.data cases, written once for TF 2.21 (``tf.compat.v1`` +
``tf.data.experimental``) and trainkit (``tf.contrib.data``); see
make_contrib_data_reference.py."""

import numpy as np


def run(tf, ds):
    it = tf.data.make_one_shot_iterator(ds)
    nxt = it.get_next()
    out = []
    with tf.Session() as s:
        while True:
            try:
                v = s.run(nxt)
            except tf.errors.OutOfRangeError:
                break
            out.append(jsonable(v))
    return out


def jsonable(v):
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in sorted(v.items())}
    if isinstance(v, (tuple, list)):
        return [jsonable(x) for x in v]
    a = np.asarray(v)
    if a.dtype.kind in "SO":
        return [x.decode() if isinstance(x, bytes) else x for x in a.ravel().tolist()]
    return a.tolist()


def seqs(tf):
    lens = [1, 4, 2, 6, 3, 5, 7, 2, 4]
    def gen():
        for i, n in enumerate(lens):
            yield np.arange(1, n + 1, dtype=np.int64) * (i + 1)
    return tf.data.Dataset.from_generator(gen, tf.int64, [None])


def cases(tf, exp):
    D = tf.data.Dataset
    shape0 = lambda x: tf.shape(x)[0]  # noqa: E731
    c = {}
    c["unbatch"] = lambda: D.from_tensor_slices(
        np.arange(12).reshape(3, 2, 2)).apply(exp.unbatch())
    c["unbatch_tuple"] = lambda: D.from_tensor_slices(
        (np.arange(6).reshape(3, 2), np.arange(6.0).reshape(3, 2) / 2)).apply(exp.unbatch())
    c["group_fixed"] = lambda: D.range(10).apply(exp.group_by_window(
        lambda x: x % 3, lambda k, d: d.batch(2), window_size=2))
    c["group_fn"] = lambda: D.range(12).apply(exp.group_by_window(
        lambda x: x % 3, lambda k, d: d.batch(4), window_size_func=lambda k: k + 1))
    c["group_key_in_reduce"] = lambda: D.range(8).apply(exp.group_by_window(
        lambda x: x % 2, lambda k, d: d.map(lambda x: x * 10).batch(3), window_size=3))
    c["bucket"] = lambda: seqs(tf).apply(exp.bucket_by_sequence_length(
        shape0, [3, 5], [2, 2, 3]))
    c["bucket_drop"] = lambda: seqs(tf).apply(exp.bucket_by_sequence_length(
        shape0, [3, 5], [2, 2, 3], drop_remainder=True))
    c["bucket_boundary"] = lambda: seqs(tf).apply(exp.bucket_by_sequence_length(
        shape0, [3, 5, 8], [2, 2, 3, 1], pad_to_bucket_boundary=True,
        padding_values=np.int64(-1)))
    c["scan"] = lambda: D.range(6).apply(exp.scan(np.int64(0), lambda s, x: (s + x, s * 2)))
    c["scan_tuple"] = lambda: D.from_tensor_slices((np.arange(5.0), np.arange(5))).apply(
        exp.scan((np.float64(1.0), np.int64(0)),
                 lambda s, e: ((s[0] * 2 + e[0], s[1] + e[1]),
                               {"a": s[0], "b": e[1] - s[1]})))
    c["ignore_errors"] = lambda: D.from_tensor_slices(
        np.array([1.0, 2.0, 0.0, 4.0], np.float32)).map(
        lambda x: tf.check_numerics(1.0 / x, "error")).apply(exp.ignore_errors())
    c["counter"] = lambda: exp.Counter(3, 2).take(5)
    c["map_and_batch"] = lambda: D.range(7).apply(exp.map_and_batch(lambda x: x * x, 3))
    c["map_and_batch_drop"] = lambda: D.range(7).apply(
        exp.map_and_batch(lambda x: (x, -x), 3, drop_remainder=True))
    c["padded_drop"] = lambda: seqs(tf).apply(exp.padded_batch_and_drop_remainder(2, [None]))
    c["parallel_interleave"] = lambda: D.range(1, 4).apply(exp.parallel_interleave(
        lambda x: D.from_tensor_slices(tf.stack([x, x * 10, x * 100])),
        cycle_length=2, block_length=2))
    c["shuffle_and_repeat_count"] = lambda: D.range(5).apply(
        exp.shuffle_and_repeat(5, 3, seed=1))
    return c


def sliding(tf, exp, mode):
    D = tf.data.Dataset
    params = {"slide_3_1_1": (3, 1, 1), "slide_3_2_1": (3, 2, 1), "slide_3_1_2": (3, 1, 2),
              "slide_2_4_1": (2, 4, 1), "slide_2_3_3": (2, 3, 3)}
    out = {}
    for name, (size, shift, stride) in params.items():
        src = D.from_tensor_slices((np.arange(10), np.arange(20).reshape(10, 2)))
        if mode == "tf":
            out[name] = src.window(size, shift, stride, drop_remainder=True).flat_map(
                lambda a, b, n=size: D.zip((a.batch(n), b.batch(n))))
        else:
            out[name] = src.apply(exp.sliding_window_batch(size, window_shift=shift,
                                                           window_stride=stride))
    return out

def normalise(name, result):
    """Shuffled cases compare as sorted epochs (the two RNGs differ)."""
    if name == "shuffle_and_repeat_count":
        return [sorted(result[i * 5:(i + 1) * 5]) for i in range(3)]
    return result
