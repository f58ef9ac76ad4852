"""A character-level LSTM language model in TF1 style (``tf.nn.rnn_cell`` + ``static_rnn``).

The text is generated: sentences from a tiny grammar ("the cat sees a red ball."),
so the model can learn spelling, word order and punctuation. Characters are embedded
with ``tf.nn.embedding_lookup`` (its gradient is sparse), unrolled over 24 steps with a
two-layer ``MultiRNNCell`` of ``BasicLSTMCell``s and trained with Adam. The same cell
object then generates text one character at a time (its variables are reused).
A uniform guess costs ln(vocab) ~ 3.0 nats per character; 100 steps reach ~0.27.

Run:
    python examples/char_lstm.py                  # 300 steps, several seconds
    python examples/char_lstm.py --steps 100
"""

from __future__ import annotations

import argparse

import numpy as np

import trainkit as tf

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--steps", type=int, default=300)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()

rng = np.random.default_rng(args.seed)
WORDS = (["the cat", "a dog", "my bird", "the fox"], ["sees", "likes", "chases"],
         ["a red ball", "the old tree", "my hat", "a big fish"])
text = " ".join(" ".join(rng.choice(w) for w in WORDS) + "." for _ in range(400))
vocab = sorted(set(text))
ids = np.array([vocab.index(c) for c in text], np.int32)
T, B, UNITS = 24, 32, 64

tf.set_random_seed(args.seed)
x = tf.placeholder(tf.int32, [None, T], name="x")
y = tf.placeholder(tf.int32, [None, T], name="y")
embedding = tf.get_variable("embedding", [len(vocab), 16])
inputs = tf.unstack(tf.nn.embedding_lookup(embedding, x), axis=1)     # T x [B, 16]
cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(UNITS) for _ in range(2)])
outputs, _ = tf.nn.static_rnn(cell, inputs, dtype=tf.float32)
logits = tf.layers.dense(tf.stack(outputs, axis=1), len(vocab), name="softmax")
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                     logits=logits))
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)

# One-step graph for generation: the same cell and layers, their variables reused.
char = tf.placeholder(tf.int32, [1], name="char")
state_in = cell.zero_state(1, tf.float32)
with tf.variable_scope("rnn", reuse=True):
    out, state_out = cell(tf.nn.embedding_lookup(embedding, char), state_in)
next_logits = tf.layers.dense(out, len(vocab), name="softmax", reuse=True)

print("variables:", [v.op.name for v in tf.trainable_variables()])
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    recent = []
    for step in range(1, args.steps + 1):
        starts = rng.integers(0, len(ids) - T - 1, B)
        batch = np.stack([ids[s:s + T + 1] for s in starts])
        _, lv = sess.run([train_op, loss], {x: batch[:, :-1], y: batch[:, 1:]})
        recent = (recent + [lv])[-20:]
        if step % 100 == 0:
            print(f"step {step:4d} loss {np.mean(recent):.3f}")
    print(f"final loss {np.mean(recent):.3f} nats/char (uniform: {np.log(len(vocab)):.3f})")

    state = sess.run(state_in)
    c, generated = vocab.index("t"), "t"
    for _ in range(60):
        feed = {char: [c]}
        feed.update({k: v for k, v in zip(tf.nest.flatten(state_in), tf.nest.flatten(state))})
        lg, state = sess.run([next_logits, state_out], feed)
        c = int(np.argmax(lg[0]))
        generated += vocab[c]
    print("generated:", generated)
