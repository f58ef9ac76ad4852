"""``Session.partial_run_setup`` / ``partial_run``: running one graph step in pieces.

A partial run declares all its fetches and feeds up front, then runs in several calls:
each call feeds inputs that became known only after the previous call (a value computed
in Python, a decision) and fetches more outputs. Values computed earlier are reused,
never recomputed, so a random draw or a variable update happens once per partial run.

Run:
    python examples/partial_run.py
"""

from __future__ import annotations

import trainkit as tf

# 1. TF's own example: r1 = a + b, then r2 = r1 * c with c computed in Python from r1.
a = tf.placeholder(tf.float32, shape=[], name="a")
b = tf.placeholder(tf.float32, shape=[], name="b")
c = tf.placeholder(tf.float32, shape=[], name="c")
r1 = tf.add(a, b, name="r1")
r2 = tf.multiply(r1, c, name="r2")

with tf.Session() as sess:
    h = sess.partial_run_setup([r1, r2], [a, b, c])
    res = sess.partial_run(h, r1, feed_dict={a: 1.0, b: 2.0})
    print(f"step 1: r1 = a + b = {res}")
    res = sess.partial_run(h, r2, feed_dict={c: res})
    print(f"step 2: r2 = r1 * c (c = r1 = 3) = {res}")

# 2. A decision between the calls, with a random draw and a counter that each run once.
tf.set_random_seed(0)
scores = tf.random_uniform([4], seed=1, name="scores")      # drawn once per partial run
choice = tf.placeholder(tf.int32, shape=[], name="choice")  # picked in Python
reward = tf.gather(scores, choice) * 10.0
calls = tf.Variable(0, name="calls")
count = tf.assign_add(calls, 1)                             # a side effect of the first call

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for episode in range(2):
        h = sess.partial_run_setup([scores, count, reward], [choice])
        drawn, n = sess.partial_run(h, [scores, count])
        best = int(drawn.argmax())                          # Python decides what to feed
        got, again = sess.partial_run(h, [reward, scores], feed_dict={choice: best})
        same = bool((again == drawn).all())
        print(f"episode {episode}: scores [{', '.join(f'{v:.3f}' for v in drawn)}], picked {best}, "
              f"reward {got:.3f}, scores reused: {same}, counter {n}")
    print(f"counter after two partial runs: {sess.run(calls)}")

    # Feeding a tensor that the setup did not declare is an error naming it.
    h = sess.partial_run_setup([reward], [choice])
    try:
        sess.partial_run(h, reward, feed_dict={a: 1.0})
    except Exception as err:  # noqa: BLE001 - shown on purpose
        print(f"undeclared feed: {type(err).__name__}: {err}")
