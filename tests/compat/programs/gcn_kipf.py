"""Thomas Kipf's graph convolutional network, from tkipf/gcn (``gcn/layers.py``:
``sparse_dropout`` with ``tf.sparse_retain``, ``dot`` with
``tf.sparse_tensor_dense_matmul``, the ``Layer``/``GraphConvolution`` classes with
``name_scope`` and ``tf.summary.histogram`` logging; ``gcn/models.py``'s ``GCN`` with
weight decay on the first layer and ``AdamOptimizer``; ``gcn/metrics.py``'s masked
cross-entropy and accuracy; ``gcn/inits.py``'s ``glorot``; ``gcn/utils.py``'s
preprocessing and ``construct_feed_dict``; ``gcn/train.py``'s ``sparse_placeholder``s
(the features' with a ``tf.constant`` shape), ``placeholder_with_default`` dropout and the
epoch loop with its early-stopping rule).

Adapted: the Cora download is replaced by a generated three-community graph with binary
bag-of-words features (``utils.py``'s scipy preprocessing written with NumPy: row
normalisation, ``D^-1/2 (A + I) D^-1/2``); ``tf.app.flags`` become a plain settings
object; dropout is fed 0 (the sparse dropout still runs: ``floor(1 + uniform)`` keeps
every entry) so both backends compute the same thing; 60 epochs; same starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"train_loss": 2e-5, "train_acc": 1e-6, "val_loss": 2e-5, "val_acc": 1e-6,
           "test_loss": 2e-5, "test_acc": 1e-6, "epochs": 0.0, "variables": 0.0,
           "weights_sum": 2e-5}


class FLAGS:
    learning_rate = 0.01
    epochs = 60
    hidden1 = 16
    dropout = 0.0
    weight_decay = 5e-4
    early_stopping = 10


def _data(seed=7, n_per=20, n_classes=3, n_feat=40):
    rng = np.random.RandomState(seed)
    n = n_per * n_classes
    labels = np.repeat(np.arange(n_classes), n_per)
    same = labels[:, None] == labels[None, :]
    upper = np.triu(rng.uniform(size=(n, n)) < np.where(same, 0.25, 0.03), 1)
    adj = (upper | upper.T).astype(np.float64)
    topic = rng.uniform(size=(n_classes, n_feat)) < 0.3
    features = (rng.uniform(size=(n, n_feat)) < np.where(topic[labels], 0.5, 0.08)
                ).astype(np.float64)
    onehot = np.eye(n_classes)[labels]
    order = rng.permutation(n)
    idx_train, idx_val, idx_test = order[:9], order[9:24], order[24:]
    masks = []
    for idx in (idx_train, idx_val, idx_test):
        m = np.zeros(n, bool)
        m[idx] = True
        masks.append(m)
    ys = [np.where(m[:, None], onehot, 0.0) for m in masks]
    return adj, features, ys, masks


def sparse_to_tuple(mx):
    coords = np.stack(np.nonzero(mx), 1).astype(np.int64)
    return coords, mx[tuple(coords.T)], mx.shape


def preprocess_features(features):
    rowsum = features.sum(1)
    with np.errstate(divide="ignore"):
        r_inv = np.power(rowsum, -1.0)
    r_inv[np.isinf(r_inv)] = 0.0
    return sparse_to_tuple((r_inv[:, None] * features).astype(np.float32))


def preprocess_adj(adj):
    a = adj + np.eye(adj.shape[0])
    d_inv_sqrt = np.power(a.sum(1), -0.5)
    return sparse_to_tuple((a * d_inv_sqrt[:, None] * d_inv_sqrt[None, :]).astype(np.float32))


def construct_feed_dict(features, support, labels, labels_mask, placeholders):
    feed_dict = {placeholders["labels"]: labels, placeholders["labels_mask"]: labels_mask,
                 placeholders["features"]: features}
    feed_dict.update({placeholders["support"][i]: support[i] for i in range(len(support))})
    feed_dict.update({placeholders["num_features_nonzero"]: features[1].shape})
    return feed_dict


def main(tf):
    uids = {}

    def get_layer_uid(layer_name=""):
        uids[layer_name] = uids.get(layer_name, 0) + 1
        return uids[layer_name]

    def glorot(shape, name=None):
        init_range = np.sqrt(6.0 / (shape[0] + shape[1]))
        initial = tf.random_uniform(shape, minval=-init_range, maxval=init_range,
                                    dtype=tf.float32)
        return tf.Variable(initial, name=name)

    def sparse_dropout(x, keep_prob, noise_shape):
        random_tensor = keep_prob
        random_tensor += tf.random_uniform(noise_shape)
        dropout_mask = tf.cast(tf.floor(random_tensor), dtype=tf.bool)
        pre_out = tf.sparse_retain(x, dropout_mask)
        return pre_out * (1. / keep_prob)

    def dot(x, y, sparse=False):
        return tf.sparse_tensor_dense_matmul(x, y) if sparse else tf.matmul(x, y)

    class GraphConvolution:
        def __init__(self, input_dim, output_dim, placeholders, dropout=0.,
                     sparse_inputs=False, act=tf.nn.relu, logging=False):
            self.name = "graphconvolution_" + str(get_layer_uid("graphconvolution"))
            self.vars = {}
            self.logging = logging
            self.dropout = placeholders["dropout"] if dropout else 0.
            self.act = act
            self.support = placeholders["support"]
            self.sparse_inputs = sparse_inputs
            self.num_features_nonzero = placeholders["num_features_nonzero"]
            with tf.variable_scope(self.name + "_vars"):
                for i in range(len(self.support)):
                    self.vars["weights_" + str(i)] = glorot([input_dim, output_dim],
                                                            name="weights_" + str(i))
            if self.logging:
                for var in self.vars:
                    tf.summary.histogram(self.name + "/vars/" + var, self.vars[var])

        def __call__(self, inputs):
            with tf.name_scope(self.name):
                if self.logging and not self.sparse_inputs:
                    tf.summary.histogram(self.name + "/inputs", inputs)
                outputs = self._call(inputs)
                if self.logging:
                    tf.summary.histogram(self.name + "/outputs", outputs)
                return outputs

        def _call(self, inputs):
            x = inputs
            if self.sparse_inputs:
                x = sparse_dropout(x, 1 - self.dropout, self.num_features_nonzero)
            else:
                x = tf.nn.dropout(x, 1 - self.dropout)
            supports = []
            for i in range(len(self.support)):
                pre_sup = dot(x, self.vars["weights_" + str(i)], sparse=self.sparse_inputs)
                supports.append(dot(self.support[i], pre_sup, sparse=True))
            return self.act(tf.add_n(supports))

    def masked_softmax_cross_entropy(preds, labels, mask):
        loss = tf.nn.softmax_cross_entropy_with_logits(logits=preds, labels=labels)
        mask = tf.cast(mask, dtype=tf.float32)
        mask /= tf.reduce_mean(mask)
        loss *= mask
        return tf.reduce_mean(loss)

    def masked_accuracy(preds, labels, mask):
        correct_prediction = tf.equal(tf.argmax(preds, 1), tf.argmax(labels, 1))
        accuracy_all = tf.cast(correct_prediction, tf.float32)
        mask = tf.cast(mask, dtype=tf.float32)
        mask /= tf.reduce_mean(mask)
        accuracy_all *= mask
        return tf.reduce_mean(accuracy_all)

    class GCN:
        def __init__(self, placeholders, input_dim, logging=False):
            self.name = "gcn"
            self.inputs = placeholders["features"]
            self.output_dim = placeholders["labels"].get_shape().as_list()[1]
            self.placeholders = placeholders
            self.layers = []
            self.loss = 0
            self.optimizer = tf.train.AdamOptimizer(learning_rate=FLAGS.learning_rate)
            with tf.variable_scope(self.name):
                self.layers.append(GraphConvolution(input_dim, FLAGS.hidden1, placeholders,
                                                    act=tf.nn.relu, dropout=True,
                                                    sparse_inputs=True, logging=logging))
                self.layers.append(GraphConvolution(FLAGS.hidden1, self.output_dim,
                                                    placeholders, act=lambda x: x,
                                                    dropout=True, logging=logging))
            activations = [self.inputs]
            for layer in self.layers:
                activations.append(layer(activations[-1]))
            self.outputs = activations[-1]
            variables = tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope=self.name)
            self.vars = {var.name: var for var in variables}
            for var in self.layers[0].vars.values():
                self.loss += FLAGS.weight_decay * tf.nn.l2_loss(var)
            self.loss += masked_softmax_cross_entropy(self.outputs, placeholders["labels"],
                                                      placeholders["labels_mask"])
            self.accuracy = masked_accuracy(self.outputs, placeholders["labels"],
                                            placeholders["labels_mask"])
            self.opt_op = self.optimizer.minimize(self.loss)

    tf.set_random_seed(123)
    adj, features, (y_train, y_val, y_test), (train_mask, val_mask, test_mask) = _data()
    features = preprocess_features(features)
    support = [preprocess_adj(adj)]
    placeholders = {
        "support": [tf.sparse_placeholder(tf.float32)],
        "features": tf.sparse_placeholder(tf.float32,
                                          shape=tf.constant(features[2], dtype=tf.int64)),
        "labels": tf.placeholder(tf.float32, shape=(None, y_train.shape[1])),
        "labels_mask": tf.placeholder(tf.int32),
        "dropout": tf.placeholder_with_default(0., shape=()),
        "num_features_nonzero": tf.placeholder(tf.int32),
    }
    model = GCN(placeholders, input_dim=features[2][1], logging=True)
    sess = tf.Session()

    def evaluate(features, support, labels, mask, placeholders):
        feed_dict_val = construct_feed_dict(features, support, labels, mask, placeholders)
        return sess.run([model.loss, model.accuracy], feed_dict=feed_dict_val)

    sess.run(tf.global_variables_initializer())
    same_start(sess, tf)
    cost_val = []
    epochs = 0
    for epoch in range(FLAGS.epochs):
        feed_dict = construct_feed_dict(features, support, y_train, train_mask, placeholders)
        feed_dict.update({placeholders["dropout"]: FLAGS.dropout})
        outs = sess.run([model.opt_op, model.loss, model.accuracy], feed_dict=feed_dict)
        cost, acc = evaluate(features, support, y_val, val_mask, placeholders)
        cost_val.append(cost)
        epochs = epoch + 1
        if epoch > FLAGS.early_stopping and cost_val[-1] > np.mean(
                cost_val[-(FLAGS.early_stopping + 1):-1]):
            break
    test_cost, test_acc = evaluate(features, support, y_test, test_mask, placeholders)
    weights = sess.run(sorted(model.vars.values(), key=lambda v: v.name))
    names = sorted(model.vars)
    sess.close()
    return {"train_loss": float(outs[1]), "train_acc": float(outs[2]), "val_loss": float(cost),
            "val_acc": float(acc), "test_loss": float(test_cost), "test_acc": float(test_acc),
            "epochs": [epochs], "variables": names,
            "weights_sum": float(sum(np.abs(w).sum() for w in weights))}
