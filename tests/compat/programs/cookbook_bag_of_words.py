"""Bag of words for SMS spam: nfmcclure's tensorflow_cookbook, ``07_Natural_Language_
Processing/02_Working_with_Bag_of_Words/02_bag_of_words.py``. Texts lower-cased and
stripped of punctuation and digits, mapped to 25 word ids by ``tf.contrib.learn.
preprocessing.VocabularyProcessor`` (min frequency 3), one-hot rows by ``embedding_lookup``
of ``tf.diag(tf.ones(...))`` summed into word counts, a logistic model trained one
sentence at a time with ``sigmoid_cross_entropy_with_logits``.

The recipe leans on the processor's TF 1.15 quirks, kept as written: the embedding size
is the number of distinct ids of a ``transform`` run before any ``fit`` (an unfrozen
vocabulary adds every word it meets, in order), the training ids come from
``fit_transform`` on the training texts (counted, trimmed and renumbered by count), and
the test ids from a second ``fit_transform`` on the test texts, which counts only known
words and renumbers them by their new totals.

Adapted: the SMS Spam Collection download (UCI's zip, cached as a CSV) is replaced by 300
messages of :func:`common.sms_spam_lines`; ``np.random`` is seeded (the recipe seeds
nothing); under TF 2.x (no ``tf.contrib``) the ``VocabularyProcessor`` comes from
:mod:`tf_contrib`'s TF 1.15 stand-in; ``A`` and ``b``'s ``random_normal`` starts are
loaded from NumPy draws so both backends start alike; the prints and the matplotlib
plots are left out."""

from __future__ import annotations

import string

import numpy as np

from tests.compat.programs.common import sms_spam_lines
from tests.compat.programs.tf_contrib import contrib

COMPARE = {"embedding_size": 0.0, "first_loss": 1e-5, "last_loss": 1e-4,
           "mean_loss": 1e-4, "train_acc_avg": 1e-6, "test_acc": 1e-6, "vocab_sizes": 0.0}


def main(tf):
    np.random.seed(23)
    sess = tf.Session()
    learn = tf.contrib.learn if hasattr(tf, "contrib") else contrib(tf).learn
    text_data = [x.split('\t') for x in sms_spam_lines(np.random.RandomState(9), n=300)]
    texts = [x[1] for x in text_data]
    target = [x[0] for x in text_data]
    target = [1 if x == 'spam' else 0 for x in target]
    texts = [x.lower() for x in texts]
    texts = [''.join(c for c in x if c not in string.punctuation) for x in texts]
    texts = [''.join(c for c in x if c not in '0123456789') for x in texts]
    texts = [' '.join(x.split()) for x in texts]

    sentence_size = 25
    min_word_freq = 3
    vocab_processor = learn.preprocessing.VocabularyProcessor(sentence_size,
                                                              min_frequency=min_word_freq)
    vocab_processor.transform(texts)
    transformed_texts = np.array([x for x in vocab_processor.transform(texts)])
    embedding_size = len(np.unique(transformed_texts))

    train_indices = np.random.choice(len(texts), round(len(texts) * 0.8), replace=False)
    test_indices = np.array(list(set(range(len(texts))) - set(train_indices)))
    texts_train = [x for ix, x in enumerate(texts) if ix in train_indices]
    texts_test = [x for ix, x in enumerate(texts) if ix in test_indices]
    target_train = [x for ix, x in enumerate(target) if ix in train_indices]
    target_test = [x for ix, x in enumerate(target) if ix in test_indices]

    identity_mat = tf.diag(tf.ones(shape=[embedding_size]))
    A = tf.Variable(tf.random_normal(shape=[embedding_size, 1]))
    b = tf.Variable(tf.random_normal(shape=[1, 1]))
    x_data = tf.placeholder(shape=[sentence_size], dtype=tf.int32)
    y_target = tf.placeholder(shape=[1, 1], dtype=tf.float32)
    x_embed = tf.nn.embedding_lookup(identity_mat, x_data)
    x_col_sums = tf.reduce_sum(x_embed, 0)
    x_col_sums_2D = tf.expand_dims(x_col_sums, 0)
    model_output = tf.add(tf.matmul(x_col_sums_2D, A), b)
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=model_output,
                                                                  labels=y_target))
    prediction = tf.sigmoid(model_output)
    my_opt = tf.train.GradientDescentOptimizer(0.001)
    train_step = my_opt.minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    A.load(np.random.normal(size=[embedding_size, 1]).astype(np.float32), sess)
    b.load(np.random.normal(size=[1, 1]).astype(np.float32), sess)

    loss_vec = []
    train_acc_all = []
    train_acc_avg = []
    for ix, t in enumerate(vocab_processor.fit_transform(texts_train)):
        y_data = [[target_train[ix]]]
        sess.run(train_step, feed_dict={x_data: t, y_target: y_data})
        temp_loss = sess.run(loss, feed_dict={x_data: t, y_target: y_data})
        loss_vec.append(temp_loss)
        [[temp_pred]] = sess.run(prediction, feed_dict={x_data: t, y_target: y_data})
        train_acc_temp = target_train[ix] == np.round(temp_pred)
        train_acc_all.append(train_acc_temp)
        if len(train_acc_all) >= 50:
            train_acc_avg.append(np.mean(train_acc_all[-50:]))
    train_vocab = len(vocab_processor.vocabulary_)

    test_acc_all = []
    for ix, t in enumerate(vocab_processor.fit_transform(texts_test)):
        y_data = [[target_test[ix]]]
        [[temp_pred]] = sess.run(prediction, feed_dict={x_data: t, y_target: y_data})
        test_acc_temp = target_test[ix] == np.round(temp_pred)
        test_acc_all.append(test_acc_temp)
    sess.close()
    return {"embedding_size": [embedding_size], "first_loss": float(loss_vec[0]),
            "last_loss": float(loss_vec[-1]), "mean_loss": float(np.mean(loss_vec)),
            "train_acc_avg": float(np.mean(train_acc_avg)),
            "test_acc": float(np.mean(test_acc_all)),
            "vocab_sizes": [train_vocab, len(vocab_processor.vocabulary_)]}
