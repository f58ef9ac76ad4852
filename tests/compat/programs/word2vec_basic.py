"""word2vec (the TF tutorial's ``word2vec_basic.py`` shape): a skip-gram batch generator
over a word list, ``embedding_lookup`` of the centre words, ``tf.nn.nce_loss`` with 16
negative samples, SGD (its gradient reaches the embeddings as IndexedSlices), cosine
similarity of normalized embeddings. The corpus is generated (the text8 download
replaced). The NCE sampler draws differently in TF and trainkit, so the losses are
compared loosely; the batches and the similarity shapes exactly."""

from __future__ import annotations

import collections

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_loss": 0.25, "average_loss": 0.25, "batch_head": 0.0,
           "nearest_shape": 0.0}


def _corpus(rng, n_words=3000):
    """Words of two topics that co-occur: 'a*' words follow 'a*' words, 'b*' follow 'b*'."""
    topics = [[f"a{i}" for i in range(20)], [f"b{i}" for i in range(20)]]
    words, topic = [], 0
    for _ in range(n_words):
        if rng.rand() < 0.05:
            topic = 1 - topic
        words.append(topics[topic][rng.randint(20)])
    return words


def main(tf):
    rng = np.random.RandomState(2)
    words = _corpus(rng)
    count = collections.Counter(words).most_common()
    dictionary = {w: i for i, (w, _) in enumerate(count)}
    data = [dictionary[w] for w in words]
    vocabulary_size = len(dictionary)
    state = {"index": 0}

    def generate_batch(batch_size, num_skips, skip_window):
        batch = np.ndarray(shape=(batch_size,), dtype=np.int32)
        labels = np.ndarray(shape=(batch_size, 1), dtype=np.int32)
        span = 2 * skip_window + 1
        buffer = collections.deque(maxlen=span)
        for _ in range(span):
            buffer.append(data[state["index"]])
            state["index"] = (state["index"] + 1) % len(data)
        for i in range(batch_size // num_skips):
            context_words = [w for w in range(span) if w != skip_window]
            for j, context_word in enumerate(context_words[:num_skips]):
                batch[i * num_skips + j] = buffer[skip_window]
                labels[i * num_skips + j, 0] = buffer[context_word]
            buffer.append(data[state["index"]])
            state["index"] = (state["index"] + 1) % len(data)
        return batch, labels

    batch_size, embedding_size, skip_window, num_skips, num_sampled = 64, 16, 1, 2, 16
    valid_examples = np.array([0, 1, 2, 3])
    train_inputs = tf.placeholder(tf.int32, shape=[batch_size])
    train_labels = tf.placeholder(tf.int32, shape=[batch_size, 1])
    valid_dataset = tf.constant(valid_examples, dtype=tf.int32)
    embeddings = tf.Variable(tf.random_uniform([vocabulary_size, embedding_size], -1.0, 1.0))
    embed = tf.nn.embedding_lookup(embeddings, train_inputs)
    nce_weights = tf.Variable(tf.truncated_normal([vocabulary_size, embedding_size],
                                                  stddev=1.0 / np.sqrt(embedding_size)))
    nce_biases = tf.Variable(tf.zeros([vocabulary_size]))
    loss = tf.reduce_mean(tf.nn.nce_loss(weights=nce_weights, biases=nce_biases,
                                         labels=train_labels, inputs=embed,
                                         num_sampled=num_sampled,
                                         num_classes=vocabulary_size))
    optimizer = tf.train.GradientDescentOptimizer(1.0).minimize(loss)
    norm = tf.sqrt(tf.reduce_sum(tf.square(embeddings), 1, keepdims=True))
    normalized_embeddings = embeddings / norm
    valid_embeddings = tf.nn.embedding_lookup(normalized_embeddings, valid_dataset)
    similarity = tf.matmul(valid_embeddings, normalized_embeddings, transpose_b=True)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf)
        losses = []
        head = None
        for step in range(300):
            batch_inputs, batch_labels = generate_batch(batch_size, num_skips, skip_window)
            if step == 0:
                head = batch_inputs[:6].tolist() + batch_labels[:6, 0].tolist()
            _, lv = sess.run([optimizer, loss], {train_inputs: batch_inputs,
                                                 train_labels: batch_labels})
            losses.append(lv)
        sim = similarity.eval()
    return {"first_loss": float(np.mean(losses[:20])), "average_loss": float(np.mean(losses[-50:])),
            "batch_head": head, "nearest_shape": list(sim.shape)}
