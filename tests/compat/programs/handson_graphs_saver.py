"""Graphs, placeholders, mini-batches, checkpoints, TensorBoard logs and name scopes
from Aurélien Géron's *Hands-On Machine Learning* (1st edition), chapter 9 notebook
``09_up_and_running_with_tensorflow.ipynb`` of ``ageron/handson-ml`` (commit
963b83f1737026307c5bfc9b92fab8fc669a7baf, the file as of the repository's
b7051594afbb1d835f5e031af8664c4363878050): "Managing graphs" (``x1.graph is
tf.get_default_graph()``, a second ``tf.Graph()``, ``y.eval()`` / ``sess.run([y, z])``
sharing ``x``), "Placeholder nodes" (``A + 5`` fed one and two rows), mini-batch
gradient descent with ``fetch_batch`` feeding ``X``/``y`` placeholders, "Saving and
restoring a model" (``Saver.save`` every 100 epochs and at the end, ``restore`` into a
new session, ``Saver({"weights": theta})``, ``import_meta_graph`` into an empty graph
and ``get_tensor_by_name("theta:0")``), "Visualizing learning curves" (an ``MSE``
``tf.summary.scalar`` written every 10 batches with a ``FileWriter``) and "Name scopes"
(``loss/sub``, ``loss/mse``; ``a``, ``a_1``, ``param/a``, ``param_1/a``).

Adapted: California housing becomes ``handson_linreg_gd.housing_data()`` (a generated
regression set of the same shape) standardized with NumPy instead of
``StandardScaler``; 1000 epochs become 300; checkpoints and logs go to a temporary
directory instead of ``/tmp/my_model.ckpt`` and ``tf_logs``; the event file is read back
with ``tf.train.summary_iterator`` (the notebook opens TensorBoard); ``print`` calls
become returned values; each section builds in a fresh ``tf.Graph()`` instead of
``reset_graph()``'s ``tf.reset_default_graph()`` (the test runs each program inside a
graph); ``theta``'s seeded ``random_uniform`` draw is replaced by ``same_start``'s NumPy
draw so both backends start from the same weights."""

# ruff: noqa: B007, F841 - the author's unused loop variables and names are kept

from __future__ import annotations

import glob
import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.handson_linreg_gd import housing_data, standard_scale

COMPARE = {"graphs": 0.0, "B_val": 0.0, "minibatch_theta_sum": 1e-4, "final_mse": 1e-4,
           "restored": 0.0, "meta_restored_gap": 0.0, "saver_weights_keys": 0.0,
           "summary_steps": 0.0, "last_summary_mse": 1e-4, "names": 0.0}


def main(tf):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    logs = tempfile.mkdtemp()
    results = {}

    # Managing graphs
    with tf.Graph().as_default():
        reset_graph()

        x1 = tf.Variable(1)
        checks = [x1.graph is tf.get_default_graph()]

        graph = tf.Graph()
        with graph.as_default():
            x2 = tf.Variable(2)

        checks += [x2.graph is graph, x2.graph is tf.get_default_graph()]

        w = tf.constant(3)
        x = w + 2
        y = x + 5
        z = x * 3

        with tf.Session() as sess:
            checks += [int(y.eval()), int(z.eval())]

        with tf.Session() as sess:
            y_val, z_val = sess.run([y, z])
        results["graphs"] = checks + [int(y_val), int(z_val)]

    # Placeholder nodes
    with tf.Graph().as_default():
        reset_graph()

        A = tf.placeholder(tf.float32, shape=(None, 3))
        B = A + 5
        with tf.Session() as sess:
            B_val_1 = B.eval(feed_dict={A: [[1, 2, 3]]})
            B_val_2 = B.eval(feed_dict={A: [[4, 5, 6], [7, 8, 9]]})
        results["B_val"] = B_val_1.tolist() + B_val_2.tolist()

    housing = housing_data()
    m, n = housing.data.shape
    scaled_housing_data = standard_scale(housing.data)
    scaled_housing_data_plus_bias = np.c_[np.ones((m, 1)), scaled_housing_data]

    # Mini-batch Gradient Descent
    n_epochs = 1000
    learning_rate = 0.01

    with tf.Graph().as_default():
        reset_graph()

        X = tf.placeholder(tf.float32, shape=(None, n + 1), name="X")
        y = tf.placeholder(tf.float32, shape=(None, 1), name="y")

        theta = tf.Variable(tf.random_uniform([n + 1, 1], -1.0, 1.0, seed=42), name="theta")
        y_pred = tf.matmul(X, theta, name="predictions")
        error = y_pred - y
        mse = tf.reduce_mean(tf.square(error), name="mse")
        optimizer = tf.train.GradientDescentOptimizer(learning_rate=learning_rate)
        training_op = optimizer.minimize(mse)

        init = tf.global_variables_initializer()

        n_epochs = 10

        batch_size = 100
        n_batches = int(np.ceil(m / batch_size))

        def fetch_batch(epoch, batch_index, batch_size):
            np.random.seed(epoch * n_batches + batch_index)  # not shown in the book
            indices = np.random.randint(m, size=batch_size)  # not shown
            X_batch = scaled_housing_data_plus_bias[indices] # not shown
            y_batch = housing.target.reshape(-1, 1)[indices] # not shown
            return X_batch, y_batch

        with tf.Session() as sess:
            sess.run(init)
            same_start(sess, tf)

            for epoch in range(n_epochs):
                for batch_index in range(n_batches):
                    X_batch, y_batch = fetch_batch(epoch, batch_index, batch_size)
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})

            best_theta = theta.eval()
        results["minibatch_theta_sum"] = float(np.sum(best_theta))

    # Saving and restoring a model
    with tf.Graph().as_default():
        reset_graph()

        n_epochs = 300
        learning_rate = 0.01

        X = tf.constant(scaled_housing_data_plus_bias, dtype=tf.float32, name="X")
        y = tf.constant(housing.target.reshape(-1, 1), dtype=tf.float32, name="y")
        theta = tf.Variable(tf.random_uniform([n + 1, 1], -1.0, 1.0, seed=42), name="theta")
        y_pred = tf.matmul(X, theta, name="predictions")
        error = y_pred - y
        mse = tf.reduce_mean(tf.square(error), name="mse")
        optimizer = tf.train.GradientDescentOptimizer(learning_rate=learning_rate)
        training_op = optimizer.minimize(mse)

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()

        with tf.Session() as sess:
            sess.run(init)
            same_start(sess, tf)

            for epoch in range(n_epochs):
                if epoch % 100 == 0:
                    save_path = saver.save(sess, os.path.join(logs, "my_model.ckpt"))
                sess.run(training_op)

            best_theta = theta.eval()
            results["final_mse"] = float(mse.eval())
            save_path = saver.save(sess, os.path.join(logs, "my_model_final.ckpt"))

        with tf.Session() as sess:
            saver.restore(sess, save_path)
            best_theta_restored = theta.eval()

        results["restored"] = [bool(np.allclose(best_theta, best_theta_restored))]

        saver = tf.train.Saver({"weights": theta})
        with tf.Session() as sess:  # not in the notebook: what that saver writes
            sess.run(init)
            weights_path = saver.save(sess, os.path.join(logs, "weights.ckpt"))
        results["saver_weights_keys"] = [
            [name, list(shape)] for name, shape in tf.train.list_variables(weights_path)]

    with tf.Graph().as_default():
        reset_graph()
        # notice that we start with an empty graph.

        saver = tf.train.import_meta_graph(save_path + ".meta")  # this loads the graph structure
        theta = tf.get_default_graph().get_tensor_by_name("theta:0") # not shown in the book

        with tf.Session() as sess:
            saver.restore(sess, save_path)  # this restores the graph's state
            best_theta_restored = theta.eval() # not shown in the book
        results["meta_restored_gap"] = [float(np.max(np.abs(best_theta - best_theta_restored)))]

    # Visualizing Learning Curves
    with tf.Graph().as_default():
        reset_graph()

        n_epochs = 1000
        learning_rate = 0.01

        X = tf.placeholder(tf.float32, shape=(None, n + 1), name="X")
        y = tf.placeholder(tf.float32, shape=(None, 1), name="y")
        theta = tf.Variable(tf.random_uniform([n + 1, 1], -1.0, 1.0, seed=42), name="theta")
        y_pred = tf.matmul(X, theta, name="predictions")
        error = y_pred - y
        mse = tf.reduce_mean(tf.square(error), name="mse")
        optimizer = tf.train.GradientDescentOptimizer(learning_rate=learning_rate)
        training_op = optimizer.minimize(mse)

        init = tf.global_variables_initializer()

        logdir = os.path.join(logs, "run-curves")

        mse_summary = tf.summary.scalar('MSE', mse)
        file_writer = tf.summary.FileWriter(logdir, tf.get_default_graph())

        n_epochs = 10
        batch_size = 100
        n_batches = int(np.ceil(m / batch_size))

        with tf.Session() as sess:  # not shown in the book
            sess.run(init)  # not shown
            same_start(sess, tf)

            for epoch in range(n_epochs):  # not shown
                for batch_index in range(n_batches):
                    X_batch, y_batch = fetch_batch(epoch, batch_index, batch_size)
                    if batch_index % 10 == 0:
                        summary_str = mse_summary.eval(feed_dict={X: X_batch, y: y_batch})
                        step = epoch * n_batches + batch_index
                        file_writer.add_summary(summary_str, step)
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})

            best_theta = theta.eval()  # not shown

        file_writer.close()

        steps, tags, values = [], set(), []
        for path in glob.glob(os.path.join(logdir, "events.out.tfevents.*")):
            for event in tf.train.summary_iterator(path):
                for value in event.summary.value:
                    tags.add(value.tag)  # "MSE_1": op names are unique ignoring case
                    steps.append(int(event.step))
                    values.append(float(value.simple_value))
        results["summary_steps"] = sorted(tags) + steps
        results["last_summary_mse"] = values[-1]

    # Name scopes
    names = []
    with tf.Graph().as_default():
        reset_graph()

        X = tf.placeholder(tf.float32, shape=(None, n + 1), name="X")
        y = tf.placeholder(tf.float32, shape=(None, 1), name="y")
        theta = tf.Variable(tf.random_uniform([n + 1, 1], -1.0, 1.0, seed=42), name="theta")
        y_pred = tf.matmul(X, theta, name="predictions")

        with tf.name_scope("loss") as scope:
            error = y_pred - y
            mse = tf.reduce_mean(tf.square(error), name="mse")

        names += [error.op.name, mse.op.name]

    with tf.Graph().as_default():
        reset_graph()

        a1 = tf.Variable(0, name="a")      # name == "a"
        a2 = tf.Variable(0, name="a")      # name == "a_1"

        with tf.name_scope("param"):       # name == "param"
            a3 = tf.Variable(0, name="a")  # name == "param/a"

        with tf.name_scope("param"):       # name == "param_1"
            a4 = tf.Variable(0, name="a")  # name == "param_1/a"

        for node in (a1, a2, a3, a4):
            names.append(node.op.name)
    results["names"] = names
    return results
