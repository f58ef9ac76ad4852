"""Word embeddings trained with NCE, from Aurélien Géron's "Hands-On Machine Learning"
(1st edition), chapter 14: ``ageron/handson-ml``, ``14_recurrent_neural_networks.ipynb``
at commit b7051594afbb1d835f5e031af8664c4363878050 (section "Embeddings": "Build the
dictionary", "Generate batches", "Build the model", "Train the model"). The vocabulary
from ``Counter(words).most_common(vocabulary_size - 1)`` behind ``"UNK"``, the
notebook's skip-gram ``generate_batch`` (a ``deque`` window, context words picked with
``np.random.randint``), a ``tf.random_uniform``-initialised ``embeddings`` variable read
by ``tf.nn.embedding_lookup``, ``tf.nn.nce_loss`` against ``nce_weights`` /
``nce_biases`` minimised by Adam (the embeddings' gradient arrives as IndexedSlices),
and the cosine similarity of the validation words to every normalised embedding.

Adapted: the text8 download becomes a generated corpus of 20000 words over 300 word
types (a Zipf-like frequency, words drawn mostly within one of six topics, so that
neighbours share a topic), and ``vocabulary_size`` is 400 instead of 50000; 101 training
steps instead of 10001, the average loss taken every 50 steps instead of 2000 and the
similarity at steps 0 and 100 instead of 0 and 10000 (the nearest words summarised by
their similarity sums, which do not depend on the order of near ties); the negative
classes, which ``nce_loss`` draws from each library's own random stream, are drawn in
NumPy from the same log-uniform distribution (unique, like TF's default sampler) and
passed as ``sampled_values`` with their expected counts (TF's formula for unique
sampling, ``-expm1(tries * log1p(-p))``); ``embeddings`` and ``nce_weights`` start from
``same_start``'s NumPy draws; the graph in a ``tf.Graph()`` of its own instead of
``reset_graph()``.
"""

# ruff: noqa: B007 - the notebook's loop variables are kept

from __future__ import annotations

from collections import Counter, deque

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"batch": 0.0, "labels": 0.0, "average_losses": 1e-4, "first_loss": 1e-5,
           "last_loss": 1e-3, "loss_sum": 1e-3, "nearest_sim_sums": 1e-4,
           "final_embeddings_sum": 1e-4, "vocabulary_head": 0.0}


def generated_words(n_words=20000, n_types=300, n_topics=6, seed=7):
    """A corpus whose words mostly stay within one topic for a while (text8 stand-in)."""
    rng = np.random.RandomState(seed)
    ranks = np.arange(1, n_types + 1)
    topic_of = rng.randint(n_topics, size=n_types)
    in_topic = (topic_of == np.arange(n_topics)[:, None]) | (ranks <= 10)  # common: anywhere
    p = np.where(in_topic, 1.0 / ranks, 0.02 / ranks)
    cumulative = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    words, topic = [], 0
    for _ in range(n_words):
        if rng.rand() < 0.1:
            topic = rng.randint(n_topics)
        word = min(int(np.searchsorted(cumulative[topic], rng.rand())), n_types - 1)
        words.append(f"w{word}")
    return words


def log_uniform_draw(rng, num_sampled, range_max, labels):
    """``num_sampled`` distinct classes from TF's log-uniform (Zipfian) distribution and
    the expected counts TF reports for unique sampling."""
    def prob(k):
        return (np.log(k + 2.0) - np.log(k + 1.0)) / np.log(range_max + 1.0)

    seen, tries = [], 0
    while len(seen) < num_sampled:
        k = int(np.exp(rng.rand() * np.log(range_max + 1.0))) - 1
        tries += 1
        if k not in seen:
            seen.append(k)
    sampled = np.array(seen, np.int64)
    true_expected = -np.expm1(tries * np.log1p(-prob(labels.astype(np.float64))))
    sampled_expected = -np.expm1(tries * np.log1p(-prob(sampled.astype(np.float64))))
    return sampled, true_expected.astype(np.float32), sampled_expected.astype(np.float32)


def main(tf):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    words = generated_words()
    out = {}

    vocabulary_size = 400

    vocabulary = [("UNK", None)] + Counter(words).most_common(vocabulary_size - 1)
    vocabulary = np.array([word for word, _ in vocabulary])
    dictionary = {word: code for code, word in enumerate(vocabulary)}
    data = np.array([dictionary.get(word, 0) for word in words])
    out["vocabulary_head"] = [str(w) for w in vocabulary[:5]]

    data_index = 0

    def generate_batch(batch_size, num_skips, skip_window):
        nonlocal data_index
        assert batch_size % num_skips == 0
        assert num_skips <= 2 * skip_window
        batch = np.ndarray(shape=[batch_size], dtype=np.int32)
        labels = np.ndarray(shape=[batch_size, 1], dtype=np.int32)
        span = 2 * skip_window + 1  # [ skip_window target skip_window ]
        buffer = deque(maxlen=span)
        for _ in range(span):
            buffer.append(data[data_index])
            data_index = (data_index + 1) % len(data)
        for i in range(batch_size // num_skips):
            target = skip_window  # target label at the center of the buffer
            targets_to_avoid = [skip_window]
            for j in range(num_skips):
                while target in targets_to_avoid:
                    target = np.random.randint(0, span)
                targets_to_avoid.append(target)
                batch[i * num_skips + j] = buffer[skip_window]
                labels[i * num_skips + j, 0] = buffer[target]
            buffer.append(data[data_index])
            data_index = (data_index + 1) % len(data)
        return batch, labels

    np.random.seed(42)
    data_index = 0
    batch, labels = generate_batch(8, 2, 1)
    out["batch"] = batch.tolist()
    out["labels"] = labels[:, 0].tolist()

    batch_size = 128
    embedding_size = 128  # Dimension of the embedding vector.
    skip_window = 1       # How many words to consider left and right.
    num_skips = 2         # How many times to reuse an input to generate a label.

    valid_size = 16     # Random set of words to evaluate similarity on.
    valid_window = 100  # Only pick dev samples in the head of the distribution.
    valid_examples = np.random.choice(valid_window, valid_size, replace=False)
    num_sampled = 64    # Number of negative examples to sample.

    learning_rate = 0.01
    sampler = np.random.RandomState(0)  # the negative classes (see the docstring)

    with tf.Graph().as_default():
        reset_graph()

        # Input data.
        train_labels = tf.placeholder(tf.int32, shape=[batch_size, 1])
        valid_dataset = tf.constant(valid_examples, dtype=tf.int32)

        embedding_size = 150

        # Look up embeddings for inputs.
        init_embeds = tf.random_uniform([vocabulary_size, embedding_size], -1.0, 1.0)
        embeddings = tf.Variable(init_embeds)

        train_inputs = tf.placeholder(tf.int32, shape=[None])
        embed = tf.nn.embedding_lookup(embeddings, train_inputs)

        # Construct the variables for the NCE loss
        nce_weights = tf.Variable(
            tf.truncated_normal([vocabulary_size, embedding_size],
                                stddev=1.0 / np.sqrt(embedding_size)))
        nce_biases = tf.Variable(tf.zeros([vocabulary_size]))

        sampled = tf.placeholder(tf.int64, shape=[num_sampled])
        true_expected = tf.placeholder(tf.float32, shape=[batch_size, 1])
        sampled_expected = tf.placeholder(tf.float32, shape=[num_sampled])

        # Compute the average NCE loss for the batch.
        loss = tf.reduce_mean(
            tf.nn.nce_loss(nce_weights, nce_biases, train_labels, embed,
                           num_sampled, vocabulary_size,
                           sampled_values=(sampled, true_expected, sampled_expected)))

        # Construct the Adam optimizer
        optimizer = tf.train.AdamOptimizer(learning_rate)
        training_op = optimizer.minimize(loss)

        # Compute the cosine similarity between minibatch examples and all embeddings.
        norm = tf.sqrt(tf.reduce_sum(tf.square(embeddings), axis=1, keepdims=True))
        normalized_embeddings = embeddings / norm
        valid_embeddings = tf.nn.embedding_lookup(normalized_embeddings, valid_dataset)
        similarity = tf.matmul(valid_embeddings, normalized_embeddings, transpose_b=True)

        # Add variable initializer.
        init = tf.global_variables_initializer()

        num_steps = 101
        losses, average_losses, nearest_sim_sums = [], [], []

        with tf.Session() as session:
            init.run()
            same_start(session, tf)

            average_loss = 0
            for step in range(num_steps):
                batch_inputs, batch_labels = generate_batch(batch_size, num_skips,
                                                            skip_window)
                s, t, e = log_uniform_draw(sampler, num_sampled, vocabulary_size,
                                           batch_labels)
                feed_dict = {train_inputs: batch_inputs, train_labels: batch_labels,
                             sampled: s, true_expected: t, sampled_expected: e}

                # We perform one update step by evaluating the training op (including it
                # in the list of returned values for session.run()
                _, loss_val = session.run([training_op, loss], feed_dict=feed_dict)
                average_loss += loss_val
                losses.append(float(loss_val))

                if step % 50 == 0:
                    if step > 0:
                        average_loss /= 50
                    # The average loss is an estimate of the loss over the last 50 batches.
                    average_losses.append(float(average_loss))
                    average_loss = 0

                if step % 100 == 0:
                    sim = similarity.eval()
                    for i in range(valid_size):
                        top_k = 8  # number of nearest neighbors
                        nearest = (-sim[i, :]).argsort()[1:top_k + 1]
                        nearest_sim_sums.append(float(np.sum(sim[i, nearest])))

            final_embeddings = normalized_embeddings.eval()

    out["average_losses"] = float(np.dot(average_losses, np.arange(1, 4)))
    out["first_loss"] = losses[0]
    out["last_loss"] = losses[-1]
    out["loss_sum"] = float(np.sum(losses))
    out["nearest_sim_sums"] = float(np.dot(nearest_sim_sums, np.arange(1, 33)))
    out["final_embeddings_sum"] = float(np.sum(np.abs(final_embeddings)))
    return out
