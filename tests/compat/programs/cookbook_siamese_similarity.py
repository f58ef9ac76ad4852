"""A siamese bidirectional-LSTM similarity for addresses: nfmcclure's tensorflow_cookbook,
``09_Recurrent_Neural_Networks/06_Training_A_Siamese_Similarity_Measure/`` (the driver
``06_siamese_similarity_driver.py`` with its ``siamese_similarity_model.py``). Generated
addresses with one-character typos, half of them paired with another address's typo;
characters one-hot by ``embedding_lookup`` of ``tf.diag(tf.ones(...))``, split into time
steps, ``tf.contrib.rnn.static_bidirectional_rnn`` over ``BasicLSTMCell``s in
``DropoutWrapper``s with a fed keep probability, the mean of the outputs by ``add_n``, a
``get_variable`` projection shared by the second tower (``variable_scope(
get_variable_scope(), reuse=True)``), ``l2_normalize``d cosine scores, a margin loss built
from ``tf.less`` / ``tf.logical_and`` masks, ``tf.sign`` predictions, Adam; then each test
query is matched against five references.

Adapted: the model module's four functions are defined inside ``main``; ``random`` and
``np.random`` are seeded (the recipe seeds neither); under TF 2.x (no ``tf.contrib``)
``contrib.rnn`` comes from :mod:`tf_contrib`; the training feed's keep probability is 1.0
instead of 0.8 (dropout masks are backend-specific random draws); batches of 50 and 12
batches instead of 200 and 300; the cells' kernels and the projection ``A`` are loaded by
:func:`common.same_start` (Glorot-uniform NumPy draws) and ``b`` from a NumPy normal draw
so both backends start alike; the prints and the matplotlib plot are left out."""

from __future__ import annotations

import random
import string

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.tf_contrib import contrib

COMPARE = {"first_loss": 1e-5, "last_loss": 1e-4, "mean_accuracy": 1e-6,
           "best_fit_refs": 0.0, "test_out_sum": 1e-4}


def main(tf):
    random.seed(6)
    np.random.seed(6)
    contrib_rnn = tf.contrib.rnn if hasattr(tf, "contrib") else contrib(tf).rnn

    def snn(address1, address2, dropout_keep_prob, vocab_size, num_features, input_length):
        def siamese_nn(input_vector, num_hidden):
            cell_unit = contrib_rnn.BasicLSTMCell
            lstm_forward_cell = cell_unit(num_hidden, forget_bias=1.0)
            lstm_forward_cell = contrib_rnn.DropoutWrapper(lstm_forward_cell,
                                                           output_keep_prob=dropout_keep_prob)
            lstm_backward_cell = cell_unit(num_hidden, forget_bias=1.0)
            lstm_backward_cell = contrib_rnn.DropoutWrapper(lstm_backward_cell,
                                                            output_keep_prob=dropout_keep_prob)
            input_embed_split = tf.split(axis=1, num_or_size_splits=input_length,
                                         value=input_vector)
            input_embed_split = [tf.squeeze(x, axis=[1]) for x in input_embed_split]
            try:
                outputs, _, _ = contrib_rnn.static_bidirectional_rnn(
                    lstm_forward_cell, lstm_backward_cell, input_embed_split, dtype=tf.float32)
            except Exception:
                outputs = contrib_rnn.static_bidirectional_rnn(
                    lstm_forward_cell, lstm_backward_cell, input_embed_split, dtype=tf.float32)
            temporal_mean = tf.add_n(outputs) / input_length
            output_size = 10
            A = tf.get_variable(name="A", shape=[2 * num_hidden, output_size],
                                dtype=tf.float32,
                                initializer=tf.random_normal_initializer(stddev=0.1))
            b = tf.get_variable(name="b", shape=[output_size], dtype=tf.float32,
                                initializer=tf.random_normal_initializer(stddev=0.1))
            final_output = tf.matmul(temporal_mean, A) + b
            final_output = tf.nn.dropout(final_output, dropout_keep_prob)
            return final_output

        output1 = siamese_nn(address1, num_features)
        with tf.variable_scope(tf.get_variable_scope(), reuse=True):
            output2 = siamese_nn(address2, num_features)
        output1 = tf.nn.l2_normalize(output1, 1)
        output2 = tf.nn.l2_normalize(output2, 1)
        dot_prod = tf.reduce_sum(tf.multiply(output1, output2), 1)
        return dot_prod

    def get_predictions(scores):
        predictions = tf.sign(scores, name="predictions")
        return predictions

    def loss(scores, y_target, margin):
        pos_loss_term = 0.25 * tf.square(tf.subtract(1., scores))
        pos_mult = tf.add(tf.multiply(0.5, tf.cast(y_target, tf.float32)), 0.5)
        pos_mult = tf.cast(y_target, tf.float32)
        positive_loss = tf.multiply(pos_mult, pos_loss_term)
        neg_mult = tf.add(tf.multiply(-0.5, tf.cast(y_target, tf.float32)), 0.5)
        neg_mult = tf.subtract(1., tf.cast(y_target, tf.float32))
        negative_loss = neg_mult * tf.square(scores)
        loss = tf.add(positive_loss, negative_loss)
        target_zero = tf.equal(tf.cast(y_target, tf.float32), 0.)
        less_than_margin = tf.less(scores, margin)
        both_logical = tf.logical_and(target_zero, less_than_margin)
        both_logical = tf.cast(both_logical, tf.float32)
        multiplicative_factor = tf.cast(1. - both_logical, tf.float32)
        total_loss = tf.multiply(loss, multiplicative_factor)
        avg_loss = tf.reduce_mean(total_loss)
        return avg_loss

    def accuracy(scores, y_target):
        predictions = get_predictions(scores)
        y_target_int = tf.cast(y_target, tf.int32)
        predictions_int = tf.cast(tf.sign(predictions), tf.int32)
        correct_predictions = tf.equal(predictions_int, y_target_int)
        accuracy = tf.reduce_mean(tf.cast(correct_predictions, tf.float32))
        return accuracy

    sess = tf.Session()
    batch_size = 50
    n_batches = 12
    max_address_len = 20
    margin = 0.25
    num_features = 50

    def create_typo(s):
        rand_ind = random.choice(range(len(s)))
        s_list = list(s)
        s_list[rand_ind] = random.choice(string.ascii_lowercase + '0123456789')
        s = ''.join(s_list)
        return s

    street_names = ['abbey', 'baker', 'canal', 'donner', 'elm', 'fifth',
                    'grandvia', 'hollywood', 'interstate', 'jay', 'kings']
    street_types = ['rd', 'st', 'ln', 'pass', 'ave', 'hwy', 'cir', 'dr', 'jct']
    test_queries = ['111 abbey ln', '271 doner cicle', '314 king avenue', 'tensorflow is fun']
    test_references = ['123 abbey ln', '217 donner cir', '314 kings ave', '404 hollywood st',
                       'tensorflow is so fun']

    def get_batch(n):
        numbers = [random.randint(1, 9999) for i in range(n)]
        streets = [random.choice(street_names) for i in range(n)]
        street_suffs = [random.choice(street_types) for i in range(n)]
        full_streets = [str(w) + ' ' + x + ' ' + y
                        for w, x, y in zip(numbers, streets, street_suffs)]
        typo_streets = [create_typo(x) for x in full_streets]
        reference = [list(x) for x in zip(full_streets, typo_streets)]
        half_ix = int(n / 2)
        bottom_half = reference[half_ix:]
        true_address = [x[0] for x in bottom_half]
        typo_address = [x[1] for x in bottom_half]
        typo_address = list(np.roll(typo_address, 1))
        bottom_half = [[x, y] for x, y in zip(true_address, typo_address)]
        reference[half_ix:] = bottom_half
        target = [1] * (n - half_ix) + [-1] * half_ix
        reference = [[x, y] for x, y in zip(reference, target)]
        return reference

    vocab_chars = string.ascii_lowercase + '0123456789 '
    vocab2ix_dict = {char: (ix + 1) for ix, char in enumerate(vocab_chars)}
    vocab_length = len(vocab_chars) + 1

    def address2onehot(address, vocab2ix_dict=vocab2ix_dict, max_address_len=max_address_len):
        address_ix = [vocab2ix_dict[x] for x in list(address)]
        address_ix = (address_ix + [0] * max_address_len)[0:max_address_len]
        return address_ix

    address1_ph = tf.placeholder(tf.int32, [None, max_address_len], name="address1_ph")
    address2_ph = tf.placeholder(tf.int32, [None, max_address_len], name="address2_ph")
    y_target_ph = tf.placeholder(tf.int32, [None], name="y_target_ph")
    dropout_keep_prob_ph = tf.placeholder(tf.float32, name="dropout_keep_prob")
    identity_mat = tf.diag(tf.ones(shape=[vocab_length]))
    address1_embed = tf.nn.embedding_lookup(identity_mat, address1_ph)
    address2_embed = tf.nn.embedding_lookup(identity_mat, address2_ph)
    text_snn = snn(address1_embed, address2_embed, dropout_keep_prob_ph, vocab_length,
                   num_features, max_address_len)
    batch_accuracy = accuracy(text_snn, y_target_ph)
    batch_loss = loss(text_snn, y_target_ph, margin)
    predictions = get_predictions(text_snn)  # noqa: F841 (the driver builds it)
    optimizer = tf.train.AdamOptimizer(0.01)
    train_op = optimizer.minimize(batch_loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    same_start(sess, tf, seed=2)
    b_var = [v for v in tf.trainable_variables() if v.name == "b:0"][0]
    b_var.load(np.random.RandomState(2).normal(0, 0.1, [10]).astype(np.float32), sess)

    train_loss_vec = []
    train_acc_vec = []
    for _ in range(n_batches):
        batch_data = get_batch(batch_size)
        np.random.shuffle(batch_data)
        input_addresses = [x[0] for x in batch_data]
        target_similarity = np.array([x[1] for x in batch_data])
        address1 = np.array([address2onehot(x[0]) for x in input_addresses])
        address2 = np.array([address2onehot(x[1]) for x in input_addresses])
        train_feed_dict = {address1_ph: address1, address2_ph: address2,
                           y_target_ph: target_similarity, dropout_keep_prob_ph: 1.0}
        _, train_loss, train_acc = sess.run([train_op, batch_loss, batch_accuracy],
                                            feed_dict=train_feed_dict)
        train_loss_vec.append(train_loss)
        train_acc_vec.append(train_acc)

    test_queries_ix = np.array([address2onehot(x) for x in test_queries])
    test_references_ix = np.array([address2onehot(x) for x in test_references])
    num_refs = test_references_ix.shape[0]
    best_fit_refs = []
    test_out_sum = 0.0
    for query in test_queries_ix:
        test_query = np.repeat(np.array([query]), num_refs, axis=0)
        test_feed_dict = {address1_ph: test_query, address2_ph: test_references_ix,
                          y_target_ph: target_similarity, dropout_keep_prob_ph: 1.0}
        test_out = sess.run(text_snn, feed_dict=test_feed_dict)
        best_fit = test_references[np.argmax(test_out)]
        best_fit_refs.append(best_fit)
        test_out_sum += float(np.sum(test_out))
    sess.close()
    return {"first_loss": float(train_loss_vec[0]), "last_loss": float(train_loss_vec[-1]),
            "mean_accuracy": float(np.mean(train_acc_vec)), "best_fit_refs": best_fit_refs,
            "test_out_sum": test_out_sum}
