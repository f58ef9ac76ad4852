"""An LSTM written out by hand and unrolled with ``tf.scan``: suriyadeepan's
rnn-from-scratch, ``lstm.py`` (the model of the blog post "Unfolding RNNs II"). The
step unstacks a ``[2, batch, state]`` state into output and cell, four gates from
``[4, state, state]`` ``get_variable``s indexed ``U[0]`` .. ``W[3]``, and stacks the new
pair; ``tf.scan`` over the time-major embedded inputs from a fed initial state
(``placeholder`` of shape ``[2, None, state]``), ``states[-1]`` as the last state,
``transpose(states, [1, 2, 0, 3])[0]``, sparse softmax cross-entropy, Adagrad 0.1, then
the author's ``generate`` loop: one character at a time, feeding the last state back,
the next character drawn with ``np.random.choice`` from the softmax.

Adapted: ``tf.unpack`` / ``tf.pack`` (TF 0.12 names) are written ``tf.unstack`` /
``tf.stack``, and ``sparse_softmax_cross_entropy_with_logits(logits, ys_)`` with the
keyword arguments TF 1.0 requires; ``tf.contrib.layers.xavier_initializer`` is its core
name ``glorot_uniform_initializer``; the Paul Graham essays are replaced by a generated
character sequence (a small Markov chain), sequences of 12 characters, state size 32,
batch 32 from a seeded ``RandomState``, 60 training steps instead of 50 x 1000; the
checkpoint save/restore between train and generate is replaced by one session; 20
generated characters drawn with a seeded ``RandomState`` (the float32 softmax renormalised in
float64, which ``choice`` needs to accept it as probabilities)."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_loss": 1e-4, "last_loss": 1e-3, "generated": 0.0, "last_state_sum": 1e-3}


def _chars(rng, n=4000, vocab=12):
    trans = rng.dirichlet(np.full(vocab, 0.3), vocab)
    seq = [0]
    for _ in range(n - 1):
        seq.append(rng.choice(vocab, p=trans[seq[-1]]))
    return np.array(seq, np.int32)


def main(tf):
    rng = np.random.RandomState(4)
    text = _chars(rng)
    num_classes, state_size, seqlen, batch = 12, 32, 12, 32
    starts = np.arange(0, len(text) - seqlen - 1, seqlen)
    X = np.stack([text[s:s + seqlen] for s in starts])
    Y = np.stack([text[s + 1:s + seqlen + 1] for s in starts])

    xs_ = tf.placeholder(shape=[None, None], dtype=tf.int32)
    ys_ = tf.placeholder(shape=[None], dtype=tf.int32)
    embs = tf.get_variable('emb', [num_classes, state_size])
    rnn_inputs = tf.nn.embedding_lookup(embs, xs_)
    init_state = tf.placeholder(shape=[2, None, state_size], dtype=tf.float32, name='initial_state')
    xav_init = tf.glorot_uniform_initializer
    W = tf.get_variable('W', shape=[4, state_size, state_size], initializer=xav_init())
    U = tf.get_variable('U', shape=[4, state_size, state_size], initializer=xav_init())

    def step(prev, x):
        st_1, ct_1 = tf.unstack(prev)
        i = tf.sigmoid(tf.matmul(x, U[0]) + tf.matmul(st_1, W[0]))
        f = tf.sigmoid(tf.matmul(x, U[1]) + tf.matmul(st_1, W[1]))
        o = tf.sigmoid(tf.matmul(x, U[2]) + tf.matmul(st_1, W[2]))
        g = tf.tanh(tf.matmul(x, U[3]) + tf.matmul(st_1, W[3]))
        ct = ct_1 * f + g * i
        st = tf.tanh(ct) * o
        return tf.stack([st, ct])

    states = tf.scan(step, tf.transpose(rnn_inputs, [1, 0, 2]), initializer=init_state)
    V = tf.get_variable('V', shape=[state_size, num_classes], initializer=xav_init())
    bo = tf.get_variable('bo', shape=[num_classes], initializer=tf.constant_initializer(0.))
    last_state = states[-1]
    states = tf.transpose(states, [1, 2, 0, 3])[0]
    states_reshaped = tf.reshape(states, [-1, state_size])
    logits = tf.matmul(states_reshaped, V) + bo
    predictions = tf.nn.softmax(logits)
    losses = tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits, labels=ys_)
    loss = tf.reduce_mean(losses)
    train_op = tf.train.AdagradOptimizer(learning_rate=0.1).minimize(loss)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, seed=4, biases=True)
        loss_log = []
        for _ in range(60):
            idx = rng.choice(len(X), batch, replace=False)
            xs, ys = X[idx], Y[idx]
            _, train_loss_ = sess.run([train_op, loss], feed_dict={
                xs_: xs, ys_: ys.flatten(),
                init_state: np.zeros([2, batch, state_size])})
            loss_log.append(train_loss_)
        current_word = 3
        words = [current_word]
        state = None
        state_ = None
        for _ in range(20):
            if state:
                feed_dict = {xs_: np.array([current_word]).reshape([1, 1]), init_state: state_}
            else:
                feed_dict = {xs_: np.array([current_word]).reshape([1, 1]),
                             init_state: np.zeros([2, 1, state_size])}
            preds, state_ = sess.run([predictions, last_state], feed_dict=feed_dict)
            state = True
            p = np.squeeze(preds).astype(np.float64)
            current_word = rng.choice(preds.shape[-1], 1, p=p / p.sum())[0]
            words.append(int(current_word))
    return {"first_loss": float(loss_log[0]), "last_loss": float(np.mean(loss_log[-10:])),
            "generated": words, "last_state_sum": float(np.sum(np.abs(state_)))}
