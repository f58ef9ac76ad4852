"""Hard parameter sharing for two regression tasks, after Jonathan Godwin's "Multi-Task
Learning in Tensorflow (Part 1)" notebook: a shared relu layer and two task layers from
``tf.Variable``s initialised with ``np.random.rand`` arrays (``dtype="float32"``), the
task losses ``tf.nn.l2_loss(Y - Y_layer)``, a joint loss, and three ``AdamOptimizer()``
minimizers over the same variables (joint, task 1 alone, task 2 alone); training first
alternates between the two task ops at random (``np.random.rand() < 0.5``), then runs
the joint op; the session started with ``tf.initialize_all_variables()``.

Adapted: the random inputs and targets come from a seeded ``RandomState`` (the same on
both backends) and the step counts are fixed; the notebook's prints become the returned
losses."""

from __future__ import annotations

import numpy as np

COMPARE = {"alternate_y1_loss": 1e-4, "alternate_y2_loss": 1e-4, "joint_loss": 1e-4,
           "y1_steps": 0.0, "shared_weight_sum": 1e-4}


def main(tf):
    rng = np.random.RandomState(42)

    # Define the Placeholders
    X = tf.placeholder("float", [10, 10], name="X")
    Y1 = tf.placeholder("float", [10, 20], name="Y1")
    Y2 = tf.placeholder("float", [10, 20], name="Y2")

    # Define the weights for the layers
    initial_shared_layer_weights = rng.rand(10, 20)
    initial_Y1_layer_weights = rng.rand(20, 20)
    initial_Y2_layer_weights = rng.rand(20, 20)

    shared_layer_weights = tf.Variable(initial_shared_layer_weights, name="share_W",
                                       dtype="float32")
    Y1_layer_weights = tf.Variable(initial_Y1_layer_weights, name="share_Y1", dtype="float32")
    Y2_layer_weights = tf.Variable(initial_Y2_layer_weights, name="share_Y2", dtype="float32")

    # Construct the Layers with RELU Activations
    shared_layer = tf.nn.relu(tf.matmul(X, shared_layer_weights))
    Y1_layer = tf.nn.relu(tf.matmul(shared_layer, Y1_layer_weights))
    Y2_layer = tf.nn.relu(tf.matmul(shared_layer, Y2_layer_weights))

    # Calculate Loss
    Y1_Loss = tf.nn.l2_loss(Y1 - Y1_layer)
    Y2_Loss = tf.nn.l2_loss(Y2 - Y2_layer)
    Joint_Loss = Y1_Loss + Y2_Loss

    # optimisers
    Optimiser = tf.train.AdamOptimizer().minimize(Joint_Loss)
    Y1_op = tf.train.AdamOptimizer().minimize(Y1_Loss)
    Y2_op = tf.train.AdamOptimizer().minimize(Y2_Loss)

    # Calculation (Session) Code
    # ==========================
    y1_steps = 0
    with tf.Session() as session:
        session.run(tf.initialize_all_variables())
        for _iters in range(300):
            if rng.rand() < 0.5:
                _, Y1_loss = session.run([Y1_op, Y1_Loss],
                                         {X: rng.rand(10, 10) * 10,
                                          Y1: rng.rand(10, 20) * 10,
                                          Y2: rng.rand(10, 20) * 10})
                y1_steps += 1
            else:
                _, Y2_loss = session.run([Y2_op, Y2_Loss],
                                         {X: rng.rand(10, 10) * 10,
                                          Y1: rng.rand(10, 20) * 10,
                                          Y2: rng.rand(10, 20) * 10})
        for _iters in range(300):
            _, Joint_loss = session.run([Optimiser, Joint_Loss],
                                        {X: rng.rand(10, 10) * 10,
                                         Y1: rng.rand(10, 20) * 10,
                                         Y2: rng.rand(10, 20) * 10})
        shared = session.run(shared_layer_weights)
    return {"alternate_y1_loss": float(Y1_loss), "alternate_y2_loss": float(Y2_loss),
            "joint_loss": float(Joint_loss), "y1_steps": y1_steps,
            "shared_weight_sum": float(shared.sum())}
