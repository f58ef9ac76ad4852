"""Data-parallel training over towers: aymericdamien's TensorFlow-Examples,
``examples/6_MultiGPU/multigpu_cnn.py`` (the same file as
``tensorflow_v1/examples/6_MultiGPU/multigpu_cnn.py``) at commit
3a767b1e712c386dfbb525589685cce569619953. One ``conv_net`` (``tf.layers`` conv2d 64x5
-> max pool -> conv2d 256x3 -> conv2d 512x3 -> max pool -> ``tf.contrib.layers.flatten``
-> dense 2048 -> dropout -> dense 1024 -> dropout -> dense 10) in
``variable_scope('ConvNet', reuse=reuse)``, built twice per tower (training logits and
softmaxed test logits sharing the weights); each tower takes its slice
``X[i * batch_size: (i+1) * batch_size]`` of the fed batch under
``tf.device(assign_to_device(...))`` (a device function putting ``VariableV2`` ops on
the parameter device), computes its own Adam ``compute_gradients``; ``average_gradients``
stacks each variable's tower gradients with ``expand_dims`` + ``concat`` and takes the
``reduce_mean``; one ``apply_gradients``; the accuracy of tower 0; the test accuracy as
the mean over batches. Adapted: the MNIST download (bundled digits), the towers on
``/cpu:0`` and ``/cpu:1`` instead of GPUs (TF's session made with
``ConfigProto(device_count={'CPU': 2})`` so both CPU devices exist; trainkit runs every
op on its one CPU), ``batch_size`` 1024 -> 4, 200 steps -> 2 (display every 2), the
test accuracy over the first 16 test images, the dropout rate 0.75 -> 0.0 (its random
masks are backend-specific), ``tf.contrib.layers`` from ``tf_slim`` under TF 2,
same starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start
from tests.compat.programs.dcgan_contrib_bn import contrib_layers

COMPARE = {"first_loss": 1e-5, "last_loss": 1e-3, "last_acc": 1e-6, "test_accuracy": 1e-6,
           "grad_names": 0.0, "n_vars": 0.0}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)

    # Training Parameters
    num_gpus = 2
    num_steps = 2
    learning_rate = 0.001
    batch_size = 4
    display_step = 2

    # Network Parameters
    num_input = 784  # MNIST data input (img shape: 28*28)
    num_classes = 10  # MNIST total classes (0-9 digits)
    dropout = 0.0  # Dropout, probability to keep units

    # Build a convolutional neural network
    def conv_net(x, n_classes, dropout, reuse, is_training):
        # Define a scope for reusing the variables
        with tf.variable_scope('ConvNet', reuse=reuse):
            x = tf.reshape(x, shape=[-1, 28, 28, 1])

            # Convolution Layer with 64 filters and a kernel size of 5
            x = tf.layers.conv2d(x, 64, 5, activation=tf.nn.relu)
            # Max Pooling (down-sampling) with strides of 2 and kernel size of 2
            x = tf.layers.max_pooling2d(x, 2, 2)

            # Convolution Layer with 256 filters and a kernel size of 5
            x = tf.layers.conv2d(x, 256, 3, activation=tf.nn.relu)
            # Convolution Layer with 512 filters and a kernel size of 5
            x = tf.layers.conv2d(x, 512, 3, activation=tf.nn.relu)
            # Max Pooling (down-sampling) with strides of 2 and kernel size of 2
            x = tf.layers.max_pooling2d(x, 2, 2)

            # Flatten the data to a 1-D vector for the fully connected layer
            x = contrib_layers(tf).flatten(x)

            # Fully connected layer (in contrib folder for now)
            x = tf.layers.dense(x, 2048)
            # Apply Dropout (if is_training is False, dropout is not applied)
            x = tf.layers.dropout(x, rate=dropout, training=is_training)

            # Fully connected layer (in contrib folder for now)
            x = tf.layers.dense(x, 1024)
            # Apply Dropout (if is_training is False, dropout is not applied)
            x = tf.layers.dropout(x, rate=dropout, training=is_training)

            # Output layer, class prediction
            out = tf.layers.dense(x, n_classes)
            # Because 'softmax_cross_entropy_with_logits' loss already apply
            # softmax, we only apply softmax to testing network
            out = tf.nn.softmax(out) if not is_training else out

        return out

    def average_gradients(tower_grads):
        average_grads = []
        for grad_and_vars in zip(*tower_grads):
            # Note that each grad_and_vars looks like the following:
            #   ((grad0_gpu0, var0_gpu0), ... , (grad0_gpuN, var0_gpuN))
            grads = []
            for g, _ in grad_and_vars:
                # Add 0 dimension to the gradients to represent the tower.
                expanded_g = tf.expand_dims(g, 0)

                # Append on a 'tower' dimension which we will average over below.
                grads.append(expanded_g)

            # Average over the 'tower' dimension.
            grad = tf.concat(grads, 0)
            grad = tf.reduce_mean(grad, 0)

            # Keep in mind that the Variables are redundant because they are shared
            # across towers. So .. we will just return the first tower's pointer to
            # the Variable.
            v = grad_and_vars[0][1]
            grad_and_var = (grad, v)
            average_grads.append(grad_and_var)
        return average_grads

    # By default, all variables will be placed on '/gpu:0'
    # So we need a custom device function, to assign all variables to '/cpu:0'
    PS_OPS = ['Variable', 'VariableV2', 'AutoReloadVariable']

    def assign_to_device(device, ps_device='/cpu:0'):
        def _assign(op):
            node_def = op if isinstance(op, tf.NodeDef) else op.node_def
            if node_def.op in PS_OPS:
                return "/" + ps_device
            else:
                return device

        return _assign

    losses, accs = [], []
    # Place all ops on CPU by default
    with tf.device('/cpu:0'):
        tower_grads = []
        reuse_vars = False

        # tf Graph input
        X = tf.placeholder(tf.float32, [None, num_input])
        Y = tf.placeholder(tf.float32, [None, num_classes])

        # Loop over all GPUs and construct their own computation graph
        for i in range(num_gpus):
            with tf.device(assign_to_device('/cpu:{}'.format(i),  # noqa: UP032
                                           ps_device='/cpu:0')):

                # Split data between GPUs
                _x = X[i * batch_size: (i+1) * batch_size]
                _y = Y[i * batch_size: (i+1) * batch_size]

                # Create a graph for training
                logits_train = conv_net(_x, num_classes, dropout,
                                        reuse=reuse_vars, is_training=True)
                # Create another graph for testing that reuse the same weights
                logits_test = conv_net(_x, num_classes, dropout,
                                       reuse=True, is_training=False)

                # Define loss and optimizer (with train logits, for dropout to take effect)
                loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
                    logits=logits_train, labels=_y))
                optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
                grads = optimizer.compute_gradients(loss_op)

                # Only first GPU compute accuracy
                if i == 0:
                    # Evaluate model (with test logits, for dropout to be disabled)
                    correct_pred = tf.equal(tf.argmax(logits_test, 1), tf.argmax(_y, 1))
                    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

                reuse_vars = True
                tower_grads.append(grads)

        tower_grads = average_gradients(tower_grads)
        train_op = optimizer.apply_gradients(tower_grads)

        # Initialize the variables (i.e. assign their default value)
        init = tf.global_variables_initializer()

        # Start Training
        with tf.Session(config=tf.ConfigProto(device_count={'CPU': 2})) as sess:

            # Run the initializer
            sess.run(init)
            same_start(sess, tf)

            # Keep training until reach max iterations
            for step in range(1, num_steps + 1):
                # Get a batch for each GPU
                batch_x, batch_y = mnist.train.next_batch(batch_size * num_gpus)
                # Run optimization op (backprop)
                sess.run(train_op, feed_dict={X: batch_x, Y: batch_y})
                if step % display_step == 0 or step == 1:
                    # Calculate batch loss and accuracy
                    loss, acc = sess.run([loss_op, accuracy], feed_dict={X: batch_x,
                                                                         Y: batch_y})
                    losses.append(float(loss))
                    accs.append(float(acc))

            # Calculate accuracy for MNIST test images
            test_images, test_labels = mnist.test.images[:16], mnist.test.labels[:16]
            test_accuracy = np.mean([sess.run(accuracy, feed_dict={
                X: test_images[i:i+batch_size], Y: test_labels[i:i+batch_size]})
                for i in range(0, len(test_images), batch_size)])
    return {"first_loss": losses[0], "last_loss": losses[-1], "last_acc": accs[-1],
            "test_accuracy": float(test_accuracy),
            "grad_names": sorted(v.op.name for _, v in tower_grads),
            "n_vars": [len(tf.trainable_variables()), len(tf.global_variables())]}
