"""The TensorFlow PTB word-level language model (tensorflow/models
``tutorials/rnn/ptb/ptb_word_lm.py`` with its ``reader.ptb_producer``, the TF 1.x
version): ``PTBInput`` slicing the id stream with ``range_input_producer(shuffle=False)``
and ``strided_slice``; ``PTBModel`` (small config's structure) with ``BasicLSTMCell
(forget_bias=0.0)`` layers in a ``MultiRNNCell`` (``DropoutWrapper`` when keep_prob < 1),
an embedding on ``/cpu:0``, the cell unrolled by hand under ``variable_scope("RNN")`` with
``reuse_variables()``, ``sequence_loss_by_example``, ``clip_by_global_norm`` of
``tf.gradients``, SGD with a learning-rate variable set through a placeholder and
``tf.assign``; training / validation / test models sharing variables
(``variable_scope("Model", reuse=True)``) under name scopes; ``tf.train.Supervisor``
with ``managed_session``; ``run_epoch`` carrying the LSTM state between runs by feeding
each layer's ``LSTMStateTuple`` (c, h) from the previous run's final state; a final
``sv.saver.save``.

Adapted: the PTB download is replaced by a generated id stream (a fixed random bigram
chain over 60 words); a tiny config (2 layers of 32, 8 steps, batch 8, 6 epochs,
lr decay after 4); the summary service is off (``save_summaries_secs=0``: its thread
evaluates the loss, dequeuing a batch at a time the scheduler picks, which makes even
TF1's perplexities vary run to run); same starting weights instead of
``random_uniform_initializer(-0.1, 0.1)``; ``tf.contrib.rnn`` cells by their
``tf.nn.rnn_cell`` names where TF has no contrib, and on TF (which has no
``tf.contrib.legacy_seq2seq``) the loss is written out as TF1's
``sequence_loss_by_example`` defines it (per-example sparse softmax cross entropy times
weights, summed over the list), so trainkit's own ``legacy_seq2seq`` is what is tested.
"""

from __future__ import annotations

import os
import tempfile
import time

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"train_perplexity": 1e-4, "valid_perplexity": 1e-4, "test_perplexity": 1e-4,
           "learning_rates": 1e-6, "global_step": 0.0, "saved": 0.0}


def make_corpus(n, vocab_size, seed=0):
    """An id stream from a random bigram chain: each word has 3 likely successors."""
    rng = np.random.RandomState(seed)
    successors = rng.randint(0, vocab_size, size=(vocab_size, 3))
    words = [0]
    for _ in range(n - 1):
        prev = words[-1]
        words.append(int(successors[prev, rng.randint(3)]) if rng.rand() < 0.9
                     else int(rng.randint(vocab_size)))
    return words


def ptb_producer(tf, raw_data, batch_size, num_steps, name=None):
    """``reader.ptb_producer``: (x, y) slices of ``[batch_size, num_steps]`` in order."""
    with tf.name_scope(name, "PTBProducer", [raw_data, batch_size, num_steps]):
        raw_data = tf.convert_to_tensor(raw_data, name="raw_data", dtype=tf.int32)
        data_len = tf.size(raw_data)
        batch_len = data_len // batch_size
        data = tf.reshape(raw_data[0: batch_size * batch_len], [batch_size, batch_len])
        epoch_size = (batch_len - 1) // num_steps
        assertion = tf.assert_positive(epoch_size,
                                       message="epoch_size == 0, decrease batch_size or "
                                               "num_steps")
        with tf.control_dependencies([assertion]):
            epoch_size = tf.identity(epoch_size, name="epoch_size")
        i = tf.train.range_input_producer(epoch_size, shuffle=False).dequeue()
        x = tf.strided_slice(data, [0, i * num_steps], [batch_size, (i + 1) * num_steps])
        x.set_shape([batch_size, num_steps])
        y = tf.strided_slice(data, [0, i * num_steps + 1],
                             [batch_size, (i + 1) * num_steps + 1])
        y.set_shape([batch_size, num_steps])
        return x, y


class PTBInput:
    """The input data."""

    def __init__(self, tf, config, data, name=None):
        self.batch_size = batch_size = config.batch_size
        self.num_steps = num_steps = config.num_steps
        self.epoch_size = ((len(data) // batch_size) - 1) // num_steps
        self.input_data, self.targets = ptb_producer(tf, data, batch_size, num_steps,
                                                     name=name)


def _sequence_loss_by_example(tf, logits, targets, weights):
    if hasattr(tf, "contrib"):
        return tf.contrib.legacy_seq2seq.sequence_loss_by_example(logits, targets, weights)
    log_perp_list = []
    for logit, target, weight in zip(logits, targets, weights):
        crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target,
                                                                  logits=logit)
        log_perp_list.append(crossent * weight)
    return tf.add_n(log_perp_list)


class PTBModel:
    """The PTB model."""

    def __init__(self, tf, is_training, config, input_):
        rnn = tf.contrib.rnn if hasattr(tf, "contrib") else tf.nn.rnn_cell
        self._input = input_
        batch_size = input_.batch_size
        num_steps = input_.num_steps
        size = config.hidden_size
        vocab_size = config.vocab_size

        def lstm_cell():
            return rnn.BasicLSTMCell(size, forget_bias=0.0, state_is_tuple=True,
                                     reuse=tf.get_variable_scope().reuse)

        attn_cell = lstm_cell
        if is_training and config.keep_prob < 1:
            def attn_cell():
                return rnn.DropoutWrapper(lstm_cell(), output_keep_prob=config.keep_prob)
        cell = rnn.MultiRNNCell([attn_cell() for _ in range(config.num_layers)],
                                state_is_tuple=True)
        self._initial_state = cell.zero_state(batch_size, tf.float32)

        with tf.device("/cpu:0"):
            embedding = tf.get_variable("embedding", [vocab_size, size], dtype=tf.float32)
            inputs = tf.nn.embedding_lookup(embedding, input_.input_data)
        if is_training and config.keep_prob < 1:
            inputs = tf.nn.dropout(inputs, config.keep_prob)

        outputs = []
        state = self._initial_state
        with tf.variable_scope("RNN"):
            for time_step in range(num_steps):
                if time_step > 0:
                    tf.get_variable_scope().reuse_variables()
                (cell_output, state) = cell(inputs[:, time_step, :], state)
                outputs.append(cell_output)

        output = tf.reshape(tf.concat(axis=1, values=outputs), [-1, size])
        softmax_w = tf.get_variable("softmax_w", [size, vocab_size], dtype=tf.float32)
        softmax_b = tf.get_variable("softmax_b", [vocab_size], dtype=tf.float32)
        logits = tf.matmul(output, softmax_w) + softmax_b
        loss = _sequence_loss_by_example(tf, [logits], [tf.reshape(input_.targets, [-1])],
                                         [tf.ones([batch_size * num_steps], dtype=tf.float32)])
        self._cost = cost = tf.reduce_sum(loss) / batch_size
        self._final_state = state

        if not is_training:
            return
        self._lr = tf.Variable(0.0, trainable=False)
        tvars = tf.trainable_variables()
        grads, _ = tf.clip_by_global_norm(tf.gradients(cost, tvars), config.max_grad_norm)
        optimizer = tf.train.GradientDescentOptimizer(self._lr)
        self._train_op = optimizer.apply_gradients(
            zip(grads, tvars), global_step=tf.train.get_or_create_global_step())
        self._new_lr = tf.placeholder(tf.float32, shape=[], name="new_learning_rate")
        self._lr_update = tf.assign(self._lr, self._new_lr)

    def assign_lr(self, session, lr_value):
        session.run(self._lr_update, feed_dict={self._new_lr: lr_value})

    input = property(lambda self: self._input)
    initial_state = property(lambda self: self._initial_state)
    cost = property(lambda self: self._cost)
    final_state = property(lambda self: self._final_state)
    lr = property(lambda self: self._lr)
    train_op = property(lambda self: self._train_op)


class TinyConfig:
    """The small config's shape, scaled down."""
    init_scale = 0.1
    learning_rate = 1.0
    max_grad_norm = 5
    num_layers = 2
    num_steps = 8
    hidden_size = 32
    max_epoch = 4
    max_max_epoch = 6
    keep_prob = 1.0
    lr_decay = 0.5
    batch_size = 8
    vocab_size = 60


def run_epoch(session, model, eval_op=None, verbose=False):
    """Runs the model on the given data."""
    start_time = time.time()
    costs = 0.0
    iters = 0
    state = session.run(model.initial_state)
    fetches = {"cost": model.cost, "final_state": model.final_state}
    if eval_op is not None:
        fetches["eval_op"] = eval_op
    for step in range(model.input.epoch_size):
        feed_dict = {}
        for i, (c, h) in enumerate(model.initial_state):
            feed_dict[c] = state[i].c
            feed_dict[h] = state[i].h
        vals = session.run(fetches, feed_dict)
        cost = vals["cost"]
        state = vals["final_state"]
        costs += cost
        iters += model.input.num_steps
        if verbose and step % (model.input.epoch_size // 10 or 1) == 10:
            wps = iters * model.input.batch_size / (time.time() - start_time)
            print(f"{step * 1.0 / model.input.epoch_size:.3f} perplexity: "
                  f"{np.exp(costs / iters):.3f} speed: {wps:.0f} wps")
    return np.exp(costs / iters)


def main(tf):
    corpus = make_corpus(3000, TinyConfig.vocab_size)
    train_data, valid_data, test_data = corpus[:2200], corpus[2200:2600], corpus[2600:]
    config = TinyConfig()
    eval_config = TinyConfig()
    eval_config.batch_size = 1
    eval_config.num_steps = 1
    save_path = tempfile.mkdtemp()

    with tf.Graph().as_default():
        initializer = tf.random_uniform_initializer(-config.init_scale, config.init_scale)
        with tf.name_scope("Train"):
            train_input = PTBInput(tf, config=config, data=train_data, name="TrainInput")
            with tf.variable_scope("Model", reuse=None, initializer=initializer):
                m = PTBModel(tf, is_training=True, config=config, input_=train_input)
            tf.summary.scalar("Training Loss", m.cost)
            tf.summary.scalar("Learning Rate", m.lr)
        with tf.name_scope("Valid"):
            valid_input = PTBInput(tf, config=config, data=valid_data, name="ValidInput")
            with tf.variable_scope("Model", reuse=True, initializer=initializer):
                mvalid = PTBModel(tf, is_training=False, config=config, input_=valid_input)
            tf.summary.scalar("Validation Loss", mvalid.cost)
        with tf.name_scope("Test"):
            test_input = PTBInput(tf, config=eval_config, data=test_data, name="TestInput")
            with tf.variable_scope("Model", reuse=True, initializer=initializer):
                mtest = PTBModel(tf, is_training=False, config=eval_config,
                                 input_=test_input)

        def init_fn(session):
            same_start(session, tf, biases=True)

        sv = tf.train.Supervisor(logdir=save_path, save_summaries_secs=0, init_fn=init_fn)
        learning_rates = []
        with sv.managed_session() as session:
            for i in range(config.max_max_epoch):
                lr_decay = config.lr_decay ** max(i + 1 - config.max_epoch, 0.0)
                m.assign_lr(session, config.learning_rate * lr_decay)
                learning_rates.append(float(session.run(m.lr)))
                train_perplexity = run_epoch(session, m, eval_op=m.train_op)
                valid_perplexity = run_epoch(session, mvalid)
            test_perplexity = run_epoch(session, mtest)
            global_step = int(session.run(sv.global_step))
            saved = sv.saver.save(session, os.path.join(save_path, "model"),
                                  global_step=sv.global_step)
    return {"train_perplexity": float(train_perplexity),
            "valid_perplexity": float(valid_perplexity),
            "test_perplexity": float(test_perplexity), "learning_rates": learning_rates,
            "global_step": [global_step], "saved": [os.path.basename(saved)]}
