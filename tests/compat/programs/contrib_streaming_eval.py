"""Softmax regression on MNIST, then the TF-slim evaluation pattern of
``eval_image_classifier.py``: ``tf.contrib.metrics.aggregate_metric_map`` over
``streaming_accuracy(predictions, labels)`` and ``streaming_recall_at_k(logits, labels,
5)`` (predictions before labels, contrib's order), plus ``streaming_mean`` of the
per-example loss and a one-vs-rest "is it a zero" detector scored with
``streaming_auc`` / ``streaming_precision`` / ``streaming_recall``; the update ops run
batch by batch over the test set (a short last batch), after
``local_variables_initializer()``, and the values are read once at the end.

TF 2.x has no ``tf.contrib``: in the reference run (TF 2.21) ``contrib_metrics(tf)``
stands in with the ``tf.metrics`` calls TF 1.15's contrib makes for each
``streaming_*`` (labels first; ``streaming_recall_at_k`` is ``tf.metrics.mean`` of
``in_top_k`` under the scope ``recall_at_<k>``) and contrib's ``aggregate_metric_map``
(a dict split); trainkit runs ``tf.contrib.metrics`` itself. Adapted: the bundled digits
as MNIST, fixed batches, same starting weights."""

from __future__ import annotations

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_loss": 1e-5, "train_loss": 1e-4, "accuracy": 1e-6, "recall_at_5": 1e-6,
           "mean_loss": 1e-4, "auc_zero": 1e-4, "precision_zero": 1e-6,
           "recall_zero": 1e-6, "eval_examples": 0.0}


class _ContribFromMetrics:
    """The ``tf.contrib.metrics`` names this program uses, as TF 1.15 builds them."""

    def __init__(self, tf):
        self._tf = tf

    def streaming_accuracy(self, predictions, labels, weights=None, name=None):
        return self._tf.metrics.accuracy(labels, predictions, weights, name=name)

    def streaming_mean(self, values, weights=None, name=None):
        return self._tf.metrics.mean(values, weights, name=name)

    def streaming_recall_at_k(self, predictions, labels, k, weights=None, name=None):
        hit = self._tf.to_float(self._tf.nn.in_top_k(predictions, labels, k))
        return self._tf.metrics.mean(hit, weights, name=name or f"recall_at_{k}")

    def streaming_auc(self, predictions, labels, weights=None, num_thresholds=200,
                      name=None):
        return self._tf.metrics.auc(labels, predictions, weights, num_thresholds, name=name)

    def streaming_precision(self, predictions, labels, weights=None, name=None):
        return self._tf.metrics.precision(labels, predictions, weights, name=name)

    def streaming_recall(self, predictions, labels, weights=None, name=None):
        return self._tf.metrics.recall(labels, predictions, weights, name=name)

    @staticmethod
    def aggregate_metric_map(names_to_tuples):
        names = list(names_to_tuples)
        values, updates = zip(*names_to_tuples.values())
        return dict(zip(names, values)), dict(zip(names, updates))


def contrib_metrics(tf):
    """``tf.contrib.metrics`` where it exists, else TF 1.15's equivalents."""
    contrib = getattr(tf, "contrib", None)
    return getattr(contrib, "metrics", None) or _ContribFromMetrics(tf)


def main(tf):
    mnist = read_data_sets("/tmp/data/")
    x = tf.placeholder(tf.float32, [None, 784])
    labels = tf.placeholder(tf.int64, [None])
    W = tf.Variable(tf.zeros([784, 10]), name="weights")
    b = tf.Variable(tf.zeros([10]), name="biases")
    logits = tf.matmul(x, W) + b
    losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    loss = tf.reduce_mean(losses)
    train_op = tf.train.GradientDescentOptimizer(0.3).minimize(loss)
    predictions = tf.argmax(logits, 1)

    metrics = contrib_metrics(tf)
    is_zero = tf.equal(labels, 0)
    prob_zero = tf.nn.softmax(logits)[:, 0]
    names_to_values, names_to_updates = metrics.aggregate_metric_map({
        "accuracy": metrics.streaming_accuracy(predictions, labels),
        "recall_at_5": metrics.streaming_recall_at_k(logits, labels, 5),
        "mean_loss": metrics.streaming_mean(losses),
        "auc_zero": metrics.streaming_auc(prob_zero, is_zero, num_thresholds=100),
        "precision_zero": metrics.streaming_precision(tf.equal(predictions, 0), is_zero),
        "recall_zero": metrics.streaming_recall(tf.equal(predictions, 0), is_zero),
    })

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf)
        first_loss = train_loss = None
        for _ in range(60):
            xs, ys = mnist.train.next_batch(100)
            _, train_loss = sess.run([train_op, loss], {x: xs, labels: ys})
            if first_loss is None:
                first_loss = train_loss
        sess.run(tf.local_variables_initializer())
        images, targets = mnist.test.images, mnist.test.labels
        for start in range(0, len(images), 128):
            sess.run(list(names_to_updates.values()),
                     {x: images[start:start + 128], labels: targets[start:start + 128]})
        result = {name: float(v) for name, v in sess.run(names_to_values).items()}
    result.update(first_loss=float(first_loss), train_loss=float(train_loss),
                  eval_examples=float(len(images)))
    return result
