"""Writing your own ``SessionRunHook``: a hook that records the loss every N steps and
stops training when it plateaus.

Shows the whole hook contract and its call order (printed once at the end):
``begin`` (graph still editable) -> ``after_create_session`` -> per step ``before_run``
(returns ``SessionRunArgs`` naming extra tensors to fetch) -> one merged ``Session.run``
-> ``after_run`` (gets their values in ``run_values.results``; may ``request_stop()``)
-> ``end`` (once, with the session still open).

Run:
    python examples/custom_hook.py                # stops on a plateau, at most 3000 steps
    python examples/custom_hook.py --steps 50     # a quick run
"""

from __future__ import annotations

import argparse

import trainkit as tf
from trainkit.data.datasets import load_digits


class PlateauStopHook(tf.train.SessionRunHook):
    """Every ``every_n`` steps records the mean loss of those steps; stops after
    ``patience`` records in a row that did not beat the best one by ``min_delta``."""

    def __init__(self, loss, every_n=20, patience=3, min_delta=1e-3):
        self._loss, self._every_n = loss, every_n
        self._patience, self._min_delta = patience, min_delta
        self.calls = []                              # each method's first call, in order
        self.history = []                            # (step, mean loss) pairs
        self._window, self.last_step = [], 0

    def _log(self, name):
        if name not in self.calls:                   # keep the first of each: the order
            self.calls.append(name)

    def begin(self):                                 # build any ops here, before finalize
        self._log("begin")
        self._step = tf.train.get_global_step()
        self._best, self._bad = float("inf"), 0

    def after_create_session(self, session, coord):  # session ready (restored/initialized)
        self._log("after_create_session")

    def before_run(self, run_context):
        self._log("before_run")
        return tf.train.SessionRunArgs({"loss": self._loss, "step": self._step})

    def after_run(self, run_context, run_values):
        self._log("after_run")
        step, loss = int(run_values.results["step"]), float(run_values.results["loss"])
        self._window.append(loss)
        self.last_step = step
        if step % self._every_n:
            return
        loss = sum(self._window) / len(self._window)
        self._window.clear()
        self.history.append((step, loss))
        if loss < self._best - self._min_delta:
            self._best, self._bad = loss, 0
        else:
            self._bad += 1
        if self._bad >= self._patience:
            print(f"plateau: loss has not improved for {self._bad} checks, stopping")
            run_context.request_stop()

    def end(self, session):                          # last chance to run the session
        self._log("end")


parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--steps", type=int, default=3000, help="the most steps to train")
args = parser.parse_args()

(x_train, y_train), _ = load_digits()
tf.set_random_seed(0)
images, labels = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
                  .shuffle(1000, seed=0).repeat().batch(128)
                  .make_one_shot_iterator().get_next())
global_step = tf.train.get_or_create_global_step()
logits = tf.layers.dense(images, 10, name="logreg")
loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss, global_step=global_step)

plateau = PlateauStopHook(loss, every_n=20, patience=3, min_delta=1e-3)
hooks = [plateau, tf.train.StopAtStepHook(last_step=args.steps)]
with tf.train.MonitoredSession(hooks=hooks) as sess:
    while not sess.should_stop():
        sess.run(train_op)

print("hook call order:", " -> ".join(plateau.calls))
for step, value in plateau.history[-4:]:
    print(f"step {step:5d}  mean loss {value:.4f}")
print(f"stopped at step {plateau.last_step} with {len(plateau.history)} loss records")
