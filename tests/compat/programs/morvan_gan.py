"""A GAN that learns to paint parabolas, from MorvanZhou's "Tensorflow-Tutorial"
(github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6, ``tutorial-contents/406_GAN.py``): a generator
of ``tf.layers.dense`` layers in ``tf.variable_scope('Generator')`` turning 5 random
"ideas" into 15 points; a discriminator in ``tf.variable_scope('Discriminator')`` whose
named layers ``'l'`` and ``'out'`` are built again with ``reuse=True`` on the generator's
output; ``D_loss = -mean(log(p0) + log(1 - p1))`` and ``G_loss = mean(log(1 - p1))``, two
``AdamOptimizer(0.0001)``s given ``tf.get_collection(TRAINABLE_VARIABLES, scope=...)``;
each step one ``sess.run`` of the painting, the discriminator's probabilities, its loss
and both train ops (the results sliced ``[:3]``). In that one run the generator's
backward pass reads the discriminator's weights before the discriminator's update writes
them, as TF's executor nearly always orders it (``trainkit/client/write_order.py``).

Adapted: 60 steps instead of 5000; the weights start from ``same_start``'s draw (the
biases stay zero); the matplotlib plotting (the painting between its bounds with the D
accuracy and score every 50 steps) is left out and those numbers are returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"D_score": 1e-4, "D_accuracy": 1e-4, "scores": 1e-4, "painting_sum": 1e-4,
           "d_vars": 0.0, "g_vars": 0.0}


def main(tf):
    tf.set_random_seed(1)
    np.random.seed(1)

    # Hyper Parameters
    BATCH_SIZE = 64
    LR_G = 0.0001           # learning rate for generator
    LR_D = 0.0001           # learning rate for discriminator
    N_IDEAS = 5  # think of this as number of ideas for generating an art work (Generator)
    ART_COMPONENTS = 15     # it could be total point G can draw in the canvas
    PAINT_POINTS = np.vstack([np.linspace(-1, 1, ART_COMPONENTS) for _ in range(BATCH_SIZE)])

    def artist_works():     # painting from the famous artist (real target)
        a = np.random.uniform(1, 2, size=BATCH_SIZE)[:, np.newaxis]
        paintings = a * np.power(PAINT_POINTS, 2) + (a-1)
        return paintings

    with tf.variable_scope('Generator'):
        # random ideas (could from normal distribution)
        G_in = tf.placeholder(tf.float32, [None, N_IDEAS])
        G_l1 = tf.layers.dense(G_in, 128, tf.nn.relu)
        # making a painting from these random ideas
        G_out = tf.layers.dense(G_l1, ART_COMPONENTS)

    with tf.variable_scope('Discriminator'):
        # receive art work from the famous artist
        real_art = tf.placeholder(tf.float32, [None, ART_COMPONENTS], name='real_in')
        D_l0 = tf.layers.dense(real_art, 128, tf.nn.relu, name='l')
        # probability that the art work is made by artist
        prob_artist0 = tf.layers.dense(D_l0, 1, tf.nn.sigmoid, name='out')
        # reuse layers for generator
        # receive art work from a newbie like G
        D_l1 = tf.layers.dense(G_out, 128, tf.nn.relu, name='l', reuse=True)
        # probability that the art work is made by artist
        prob_artist1 = tf.layers.dense(D_l1, 1, tf.nn.sigmoid, name='out', reuse=True)

    D_loss = -tf.reduce_mean(tf.log(prob_artist0) + tf.log(1-prob_artist1))
    G_loss = tf.reduce_mean(tf.log(1-prob_artist1))

    train_D = tf.train.AdamOptimizer(LR_D).minimize(
        D_loss,
        var_list=tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='Discriminator'))
    train_G = tf.train.AdamOptimizer(LR_G).minimize(
        G_loss, var_list=tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='Generator'))

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=12)

    scores = []
    for step in range(60):
        artist_paintings = artist_works()           # real painting from artist
        G_ideas = np.random.randn(BATCH_SIZE, N_IDEAS)
        G_paintings, pa0, Dl = sess.run(
            [G_out, prob_artist0, D_loss, train_D, train_G],    # train and get results
            {G_in: G_ideas, real_art: artist_paintings})[:3]

        if step % 20 == 0:  # plotting
            scores.append(float(-Dl))      # 'D score= %.2f (-1.38 for G to converge)'

    return {"D_score": float(-Dl), "D_accuracy": float(pa0.mean()),
            "scores": float(np.sum(scores)),
            "painting_sum": float(np.sum(G_paintings[:, ::2])),
            "d_vars": [v.op.name for v in tf.get_collection(
                tf.GraphKeys.TRAINABLE_VARIABLES, scope='Discriminator')],
            "g_vars": [v.op.name for v in tf.get_collection(
                tf.GraphKeys.TRAINABLE_VARIABLES, scope='Generator')]}
