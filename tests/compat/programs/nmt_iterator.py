"""The input pipeline of TensorFlow's NMT tutorial (tensorflow/nmt, Apache-2.0,
``nmt/utils/iterator_utils.py`` with ``vocab_utils.create_vocab_tables``), run the way
its ``iterator_utils_test.py`` runs it, then turned back into text the way inference
does (``model_helper.create_infer_model``'s ``index_to_string_table_from_file`` reverse
table, ``nmt_utils.get_translation`` cutting at ``</s>``). ``get_iterator``:
``Dataset.zip`` of source and target lines, ``shard``, ``skip`` by a ``tf.int64``
placeholder fed to the initializer, ``tf.string_split([src]).values`` maps, a ``filter`` on
``tf.logical_and`` of sizes, ``src[:src_max_len]`` slicing, ``tf.cast`` of vocabulary
lookups, ``tf.concat(([tgt_sos_id], tgt), 0)`` (a list holding a tensor), sizes, and
``group_by_window`` buckets (``key_func`` from ``tf.maximum`` / ``tf.minimum`` of floor
divisions, ``reduce_func`` a ``padded_batch`` padding with the looked-up ``eos`` id
*tensors*), all ``prefetch``ed; ``get_infer_iterator`` likewise for inference.

Adapted: the pipeline's ``shuffle`` left out (its order with a seed is backend-specific,
so the test's expected batches are not reused) and its character-encoding branches
(``use_char_encode``, not used) dropped; the test's ``HParams`` are plain values;
``tf.contrib.data.group_by_window`` is ``tf.data.experimental``'s under TF 2 (no
contrib); the vocabulary files are written to a temp dir."""

from __future__ import annotations

import collections
import os
import tempfile

COMPARE = {"basic": 0.0, "shard": 0.0, "skip3": 0.0, "skip0": 0.0, "infer": 0.0,
           "files": 0.0, "translations": 0.0, "shapes": 0.0}

UNK = "<unk>"
SOS = "<s>"
EOS = "</s>"
UNK_ID = 0


class BatchedInput(
        collections.namedtuple("BatchedInput",
                               ("initializer", "source", "target_input",
                                "target_output", "source_sequence_length",
                                "target_sequence_length"))):
    pass


def build(tf, lookup_ops):
    """``iterator_utils.py`` and ``vocab_utils.create_vocab_tables`` over ``tf``."""
    group_by_window = (tf.contrib.data if hasattr(tf, "contrib")
                       else tf.data.experimental).group_by_window

    def create_vocab_tables(src_vocab_file, tgt_vocab_file, share_vocab):
        """Creates vocab tables for src_vocab_file and tgt_vocab_file."""
        src_vocab_table = lookup_ops.index_table_from_file(
            src_vocab_file, default_value=UNK_ID)
        if share_vocab:
            tgt_vocab_table = src_vocab_table
        else:
            tgt_vocab_table = lookup_ops.index_table_from_file(
                tgt_vocab_file, default_value=UNK_ID)
        return src_vocab_table, tgt_vocab_table

    def get_infer_iterator(src_dataset,
                           src_vocab_table,
                           batch_size,
                           eos,
                           src_max_len=None):
        src_eos_id = tf.cast(src_vocab_table.lookup(tf.constant(eos)), tf.int32)
        src_dataset = src_dataset.map(lambda src: tf.string_split([src]).values)

        if src_max_len:
            src_dataset = src_dataset.map(lambda src: src[:src_max_len])
        # Convert the word strings to ids
        src_dataset = src_dataset.map(
            lambda src: tf.cast(src_vocab_table.lookup(src), tf.int32))
        # Add in the word counts.
        src_dataset = src_dataset.map(lambda src: (src, tf.size(src)))

        def batching_func(x):
            return x.padded_batch(
                batch_size,
                # The entry is the source line rows;
                # this has unknown-length vectors.  The last entry is
                # the source row size; this is a scalar.
                padded_shapes=(
                    tf.TensorShape([None]),  # src
                    tf.TensorShape([])),  # src_len
                # Pad the source sequences with eos tokens.
                padding_values=(
                    src_eos_id,  # src
                    0))  # src_len -- unused

        batched_dataset = batching_func(src_dataset)
        batched_iter = batched_dataset.make_initializable_iterator()
        (src_ids, src_seq_len) = batched_iter.get_next()
        return BatchedInput(
            initializer=batched_iter.initializer,
            source=src_ids,
            target_input=None,
            target_output=None,
            source_sequence_length=src_seq_len,
            target_sequence_length=None)

    def get_iterator(src_dataset,
                     tgt_dataset,
                     src_vocab_table,
                     tgt_vocab_table,
                     batch_size,
                     sos,
                     eos,
                     random_seed,
                     num_buckets,
                     src_max_len=None,
                     tgt_max_len=None,
                     num_parallel_calls=4,
                     output_buffer_size=None,
                     skip_count=None,
                     num_shards=1,
                     shard_index=0,
                     reshuffle_each_iteration=True):
        if not output_buffer_size:
            output_buffer_size = batch_size * 1000

        src_eos_id = tf.cast(src_vocab_table.lookup(tf.constant(eos)), tf.int32)
        tgt_sos_id = tf.cast(tgt_vocab_table.lookup(tf.constant(sos)), tf.int32)
        tgt_eos_id = tf.cast(tgt_vocab_table.lookup(tf.constant(eos)), tf.int32)

        src_tgt_dataset = tf.data.Dataset.zip((src_dataset, tgt_dataset))

        src_tgt_dataset = src_tgt_dataset.shard(num_shards, shard_index)
        if skip_count is not None:
            src_tgt_dataset = src_tgt_dataset.skip(skip_count)

        # (adapted: the shuffle(output_buffer_size, random_seed, reshuffle_each_iteration)
        # is left out; its order is backend-specific)

        src_tgt_dataset = src_tgt_dataset.map(
            lambda src, tgt: (
                tf.string_split([src]).values, tf.string_split([tgt]).values),
            num_parallel_calls=num_parallel_calls).prefetch(output_buffer_size)

        # Filter zero length input sequences.
        src_tgt_dataset = src_tgt_dataset.filter(
            lambda src, tgt: tf.logical_and(tf.size(src) > 0, tf.size(tgt) > 0))

        if src_max_len:
            src_tgt_dataset = src_tgt_dataset.map(
                lambda src, tgt: (src[:src_max_len], tgt),
                num_parallel_calls=num_parallel_calls).prefetch(output_buffer_size)
        if tgt_max_len:
            src_tgt_dataset = src_tgt_dataset.map(
                lambda src, tgt: (src, tgt[:tgt_max_len]),
                num_parallel_calls=num_parallel_calls).prefetch(output_buffer_size)

        # Convert the word strings to ids.  Word strings that are not in the
        # vocab get the lookup table's default_value integer.
        src_tgt_dataset = src_tgt_dataset.map(
            lambda src, tgt: (tf.cast(src_vocab_table.lookup(src), tf.int32),
                              tf.cast(tgt_vocab_table.lookup(tgt), tf.int32)),
            num_parallel_calls=num_parallel_calls)

        src_tgt_dataset = src_tgt_dataset.prefetch(output_buffer_size)
        # Create a tgt_input prefixed with <sos> and a tgt_output suffixed with <eos>.
        src_tgt_dataset = src_tgt_dataset.map(
            lambda src, tgt: (src,
                              tf.concat(([tgt_sos_id], tgt), 0),
                              tf.concat((tgt, [tgt_eos_id]), 0)),
            num_parallel_calls=num_parallel_calls).prefetch(output_buffer_size)
        # Add in sequence lengths.
        src_tgt_dataset = src_tgt_dataset.map(
            lambda src, tgt_in, tgt_out: (
                src, tgt_in, tgt_out, tf.size(src), tf.size(tgt_in)),
            num_parallel_calls=num_parallel_calls)

        src_tgt_dataset = src_tgt_dataset.prefetch(output_buffer_size)

        # Bucket by source sequence length (buckets for lengths 0-9, 10-19, ...)
        def batching_func(x):
            return x.padded_batch(
                batch_size,
                # The first three entries are the source and target line rows;
                # these have unknown-length vectors.  The last two entries are
                # the source and target row sizes; these are scalars.
                padded_shapes=(
                    tf.TensorShape([None]),  # src
                    tf.TensorShape([None]),  # tgt_input
                    tf.TensorShape([None]),  # tgt_output
                    tf.TensorShape([]),  # src_len
                    tf.TensorShape([])),  # tgt_len
                # Pad the source and target sequences with eos tokens.
                padding_values=(
                    src_eos_id,  # src
                    tgt_eos_id,  # tgt_input
                    tgt_eos_id,  # tgt_output
                    0,  # src_len -- unused
                    0))  # tgt_len -- unused

        if num_buckets > 1:

            def key_func(unused_1, unused_2, unused_3, src_len, tgt_len):
                # Calculate bucket_width by maximum source sequence length.
                if src_max_len:
                    bucket_width = (src_max_len + num_buckets - 1) // num_buckets
                else:
                    bucket_width = 10

                # Bucket sentence pairs by the length of their source sentence and target
                # sentence.
                bucket_id = tf.maximum(src_len // bucket_width, tgt_len // bucket_width)
                return tf.to_int64(tf.minimum(num_buckets, bucket_id))

            def reduce_func(unused_key, windowed_data):
                return batching_func(windowed_data)

            batched_dataset = src_tgt_dataset.apply(
                group_by_window(
                    key_func=key_func, reduce_func=reduce_func, window_size=batch_size))

        else:
            batched_dataset = batching_func(src_tgt_dataset)
        batched_iter = batched_dataset.make_initializable_iterator()
        (src_ids, tgt_input_ids, tgt_output_ids, src_seq_len,
         tgt_seq_len) = (batched_iter.get_next())
        return BatchedInput(
            initializer=batched_iter.initializer,
            source=src_ids,
            target_input=tgt_input_ids,
            target_output=tgt_output_ids,
            source_sequence_length=src_seq_len,
            target_sequence_length=tgt_seq_len)

    return create_vocab_tables, get_infer_iterator, get_iterator


def _lookup_ops(tf):
    """``tensorflow.python.ops.lookup_ops`` (trainkit's ``tf.contrib.lookup`` holds the
    same functions)."""
    if hasattr(tf, "contrib"):
        return tf.contrib.lookup
    from tensorflow.python.ops import lookup_ops
    return lookup_ops


def _drain(tf, sess, fetches):
    """Every batch until the end of the sequence, as lists."""
    out = []
    while True:
        try:
            values = sess.run(fetches)
        except tf.errors.OutOfRangeError:
            return out
        out.append([v.tolist() for v in values])


def main(tf):
    lookup_ops = _lookup_ops(tf)
    create_vocab_tables, get_infer_iterator, get_iterator = build(tf, lookup_ops)
    tf.set_random_seed(1)
    result = {}

    # testGetIterator / testGetIteratorWithShard / testGetIteratorWithSkipCount.
    tgt_vocab_table = src_vocab_table = lookup_ops.index_table_from_tensor(
        tf.constant(["a", "b", "c", "eos", "sos"]))
    src_lines = tf.constant(["f e a g", "c c a", "d", "c a", "b b b b a", "a"])
    tgt_lines = tf.constant(["c c", "a b", "", "b c", "c a b", "b b b b b b b"])
    skip_count = tf.placeholder(shape=(), dtype=tf.int64)
    iterators = {}
    for key, kwargs in (("basic", {}), ("shard", {"num_shards": 2, "shard_index": 1}),
                        ("skip", {"skip_count": skip_count})):
        iterators[key] = get_iterator(
            src_dataset=tf.data.Dataset.from_tensor_slices(src_lines),
            tgt_dataset=tf.data.Dataset.from_tensor_slices(tgt_lines),
            src_vocab_table=src_vocab_table,
            tgt_vocab_table=tgt_vocab_table,
            batch_size=2,
            sos="sos",
            eos="eos",
            random_seed=3,
            num_buckets=5,
            src_max_len=3,
            reshuffle_each_iteration=False,
            **kwargs)
    infer = get_infer_iterator(
        src_dataset=tf.data.Dataset.from_tensor_slices(
            tf.constant(["c c a", "c a", "d", "f e a g"])),
        src_vocab_table=src_vocab_table, batch_size=2, eos="eos", src_max_len=3)

    # Vocabulary files, one bucket, and the inference's reverse table.
    vocab_dir = tempfile.mkdtemp()
    src_file, tgt_file = (os.path.join(vocab_dir, n) for n in ("vocab.src", "vocab.tgt"))
    with open(src_file, "w") as f:
        f.write("\n".join([UNK, SOS, EOS, "ich", "bin", "ein", "student"]) + "\n")
    with open(tgt_file, "w") as f:
        f.write("\n".join([UNK, SOS, EOS, "i", "am", "a", "student"]) + "\n")
    src_table, tgt_table = create_vocab_tables(src_file, tgt_file, share_vocab=False)
    files = get_iterator(
        src_dataset=tf.data.Dataset.from_tensor_slices(
            tf.constant(["ich bin ein student", "ich bin", "du bist ein lehrer"])),
        tgt_dataset=tf.data.Dataset.from_tensor_slices(
            tf.constant(["i am a student", "i am", "you are a teacher"])),
        src_vocab_table=src_table, tgt_vocab_table=tgt_table, batch_size=3, sos=SOS,
        eos=EOS, random_seed=None, num_buckets=1)
    reverse_tgt_vocab_table = lookup_ops.index_to_string_table_from_file(
        tgt_file, default_value=UNK)
    words = reverse_tgt_vocab_table.lookup(tf.to_int64(files.target_output))

    def fetches(it):
        return (it.source, it.source_sequence_length, it.target_input, it.target_output,
                it.target_sequence_length)

    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        for key in ("basic", "shard"):
            sess.run(iterators[key].initializer)
            result[key] = _drain(tf, sess, fetches(iterators[key]))
        for count in (3, 0):
            sess.run(iterators["skip"].initializer, feed_dict={skip_count: count})
            result[f"skip{count}"] = _drain(tf, sess, fetches(iterators["skip"]))
        sess.run(infer.initializer)
        result["infer"] = _drain(tf, sess, (infer.source, infer.source_sequence_length))
        sess.run(files.initializer)
        result["files"] = _drain(tf, sess, fetches(files))
        sess.run(files.initializer)
        nmt_outputs = sess.run(words)
    translations = []
    tgt_eos = EOS.encode("utf-8")
    for sent_id in range(nmt_outputs.shape[0]):
        # nmt_utils.get_translation
        output = nmt_outputs[sent_id, :].tolist()
        if tgt_eos and tgt_eos in output:
            output = output[:output.index(tgt_eos)]
        translations.append(b" ".join(output).decode("utf-8"))
    result["translations"] = translations
    result["shapes"] = [iterators["basic"].source.shape.as_list(),
                        iterators["basic"].source_sequence_length.shape.as_list()]
    return result
