"""Udacity "Deep Learning" (Vincent Vanhoucke), assignment 5: ``5_word2vec.ipynb`` from
``tensorflow/tensorflow``, ``tensorflow/examples/udacity`` at commit
970e967ba3e2f436d29fa7d3f2011f8ccdefd9d2. A skip-gram model: ``build_dataset`` (the
``vocabulary_size - 1`` most common words behind ``'UNK'``), the ``deque``-window
``generate_batch`` with context words picked by ``random.randint``, validation words
from ``random.sample``; ``embeddings`` from ``tf.random_uniform`` read by
``tf.nn.embedding_lookup``, ``tf.nn.sampled_softmax_loss`` over ``softmax_weights`` /
``softmax_biases`` (the default log-uniform sampler, accidental hits removed), Adagrad at
1.0 (the embeddings' gradient arrives as IndexedSlices with repeated rows), and the
cosine similarity of the validation words to the ``keep_dims=True``-normalised
embeddings, with the notebook's ``argsort`` nearest neighbours.

Adapted: the text8 download becomes 3000 words drawn from ``common.SMS_HAM``;
``vocabulary_size`` 40 instead of 50000, ``embedding_size`` 32 instead of 128,
``num_sampled`` 16 instead of 64, 4 validation words from the first 20 instead of 16 from
100; 201 steps instead of 100001, the average loss every 100 steps instead of 2000 and
the neighbours at steps 0 and 200 instead of every 10000; ``random`` is seeded; the loss
takes keyword arguments (TF 1.x's ``sampled_softmax_loss`` puts ``labels`` before
``inputs``, so the notebook's positional call was rewritten this way in later revisions)
plus ``seed=1``, so that both backends draw the same sampled classes (TF seeds an
unseeded op at random); ``tf.device('/cpu:0')`` is kept; the ``tf.random_uniform`` /
``tf.truncated_normal`` starts are replaced by ``same_start``'s NumPy draw; the t-SNE
plot and the prints are left out (their numbers and words are returned)."""

# ruff: noqa: E741, UP031 - the notebook's `l` and %-formatting are kept

from __future__ import annotations

import collections
import math
import random

import numpy as np

from tests.compat.programs.common import SMS_HAM, same_start

COMPARE = {"average_losses": 1e-4, "nearest": 0.0, "final_embeddings_sum": 1e-4,
           "data_head": 0.0, "valid_examples": 0.0, "count_head": 0.0}


def read_data(rng, n=3000):
    """text8's words: ``n`` lower-case words."""
    return [SMS_HAM[i] for i in rng.randint(len(SMS_HAM), size=n)]


def main(tf):
    random.seed(5)
    words = read_data(np.random.RandomState(5))

    vocabulary_size = 40

    def build_dataset(words):
        count = [['UNK', -1]]
        count.extend(collections.Counter(words).most_common(vocabulary_size - 1))
        dictionary = dict()
        for word, _ in count:
            dictionary[word] = len(dictionary)
        data = list()
        unk_count = 0
        for word in words:
            if word in dictionary:
                index = dictionary[word]
            else:
                index = 0  # dictionary['UNK']
                unk_count = unk_count + 1
            data.append(index)
        count[0][1] = unk_count
        reverse_dictionary = dict(zip(dictionary.values(), dictionary.keys()))
        return data, count, dictionary, reverse_dictionary

    data, count, dictionary, reverse_dictionary = build_dataset(words)
    del words  # Hint to reduce memory.

    data_index = 0

    def generate_batch(batch_size, num_skips, skip_window):
        nonlocal data_index
        assert batch_size % num_skips == 0
        assert num_skips <= 2 * skip_window
        batch = np.ndarray(shape=(batch_size), dtype=np.int32)
        labels = np.ndarray(shape=(batch_size, 1), dtype=np.int32)
        span = 2 * skip_window + 1  # [ skip_window target skip_window ]
        buffer = collections.deque(maxlen=span)
        for _ in range(span):
            buffer.append(data[data_index])
            data_index = (data_index + 1) % len(data)
        for i in range(batch_size // num_skips):
            target = skip_window  # target label at the center of the buffer
            targets_to_avoid = [skip_window]
            for j in range(num_skips):
                while target in targets_to_avoid:
                    target = random.randint(0, span - 1)
                targets_to_avoid.append(target)
                batch[i * num_skips + j] = buffer[skip_window]
                labels[i * num_skips + j, 0] = buffer[target]
            buffer.append(data[data_index])
            data_index = (data_index + 1) % len(data)
        return batch, labels

    for num_skips, skip_window in [(2, 1), (4, 2)]:
        data_index = 0
        batch, labels = generate_batch(batch_size=8, num_skips=num_skips,
                                       skip_window=skip_window)

    batch_size = 128
    embedding_size = 32  # Dimension of the embedding vector.
    skip_window = 1  # How many words to consider left and right.
    num_skips = 2  # How many times to reuse an input to generate a label.
    # We pick a random validation set to sample nearest neighbors. here we limit the
    # validation samples to the words that have a low numeric ID, which by
    # construction are also the most frequent.
    valid_size = 4  # Random set of words to evaluate similarity on.
    valid_window = 20  # Only pick dev samples in the head of the distribution.
    valid_examples = np.array(random.sample(range(valid_window), valid_size))
    num_sampled = 16  # Number of negative examples to sample.

    graph = tf.Graph()

    with graph.as_default(), tf.device('/cpu:0'):

        # Input data.
        train_dataset = tf.placeholder(tf.int32, shape=[batch_size])
        train_labels = tf.placeholder(tf.int32, shape=[batch_size, 1])
        valid_dataset = tf.constant(valid_examples, dtype=tf.int32)

        # Variables.
        embeddings = tf.Variable(
            tf.random_uniform([vocabulary_size, embedding_size], -1.0, 1.0))
        softmax_weights = tf.Variable(
            tf.truncated_normal([vocabulary_size, embedding_size],
                                stddev=1.0 / math.sqrt(embedding_size)))
        softmax_biases = tf.Variable(tf.zeros([vocabulary_size]))

        # Model.
        # Look up embeddings for inputs.
        embed = tf.nn.embedding_lookup(embeddings, train_dataset)
        # Compute the softmax loss, using a sample of the negative labels each time.
        loss = tf.reduce_mean(
            tf.nn.sampled_softmax_loss(weights=softmax_weights, biases=softmax_biases,
                                       inputs=embed, labels=train_labels,
                                       num_sampled=num_sampled,
                                       num_classes=vocabulary_size, seed=1))

        # Optimizer.
        # Note: The optimizer will optimize the softmax_weights AND the embeddings.
        # This is because the embeddings are defined as a variable quantity and the
        # optimizer's `minimize` method will by default modify all variable quantities
        # that contribute to the tensor it is passed.
        # See docs on `tf.train.Optimizer.minimize()` for more details.
        optimizer = tf.train.AdagradOptimizer(1.0).minimize(loss)

        # Compute the similarity between minibatch examples and all embeddings.
        # We use the cosine distance:
        norm = tf.sqrt(tf.reduce_sum(tf.square(embeddings), 1, keep_dims=True))
        normalized_embeddings = embeddings / norm
        valid_embeddings = tf.nn.embedding_lookup(
            normalized_embeddings, valid_dataset)
        similarity = tf.matmul(valid_embeddings, tf.transpose(normalized_embeddings))

    num_steps = 201

    average_losses, nearest_words = [], []
    with tf.Session(graph=graph) as session:
        tf.global_variables_initializer().run()
        same_start(session, tf)
        average_loss = 0
        for step in range(num_steps):
            batch_data, batch_labels = generate_batch(
                batch_size, num_skips, skip_window)
            feed_dict = {train_dataset: batch_data, train_labels: batch_labels}
            _, l = session.run([optimizer, loss], feed_dict=feed_dict)
            average_loss += l
            if step % 100 == 0:
                if step > 0:
                    average_loss = average_loss / 100
                # The average loss is an estimate of the loss over the last 100 batches.
                average_losses.append(float(average_loss))
                average_loss = 0
            # note that this is expensive (~20% slowdown if computed every 500 steps)
            if step % 200 == 0:
                sim = similarity.eval()
                for i in range(valid_size):
                    valid_word = reverse_dictionary[valid_examples[i]]
                    top_k = 8  # number of nearest neighbors
                    nearest = (-sim[i, :]).argsort()[1:top_k + 1]
                    log = 'Nearest to %s:' % valid_word
                    for k in range(top_k):
                        close_word = reverse_dictionary[nearest[k]]
                        log = '%s %s,' % (log, close_word)
                    nearest_words.append(log)
        final_embeddings = normalized_embeddings.eval()
    return {"average_losses": float(np.sum(average_losses)), "nearest": nearest_words,
            "final_embeddings_sum": float(np.abs(final_embeddings).sum()),
            "data_head": data[:10], "valid_examples": valid_examples.tolist(),
            "count_head": [list(c) for c in count[:3]]}
