"""Runs Horovod's ``tensorflow_mnist.py`` (``horovod_tensorflow_mnist``) unchanged and
reports, per rank, what the test compares: after the program's ``MonitoredTrainingSession``
ends, a hook the harness adds (the program is not edited for it) prints the global step,
a SHA-256 of every global variable's bytes, and the accuracy of the program's ``predict``
tensor (its dropout is on: the program builds the model in TRAIN mode) on the test images.

    mpiexec -n 2 python -m mpi4py tests/distributed/jobs/horovod_program_job.py
"""

from __future__ import annotations

import hashlib
import sys

import horovod_tensorflow_mnist as program
import numpy as np

import trainkit as tf
import trainkit.distributed as hvd

_session = tf.train.MonitoredTrainingSession


class Report(tf.train.SessionRunHook):
    """Prints ``rank <r>: step <s> digest <hex> accuracy <a>`` when the session ends."""

    def end(self, session):
        graph = tf.get_default_graph()
        variables = sorted(tf.global_variables(), key=lambda v: v.name)
        digest = hashlib.sha256()
        for v, value in zip(variables, session.run(variables)):
            digest.update(v.name.encode() + np.ascontiguousarray(value).tobytes())
        predict = [op for op in graph.get_operations() if op.type == "ArgMax"][0].outputs[0]
        (_, _), (x_test, y_test) = program.load_data()
        classes = session.run(predict, {graph.get_tensor_by_name("input/image:0"):
                                        x_test.reshape(-1, 784) / 255.0})
        step = session.run(tf.train.get_global_step())
        print(f"rank {hvd.rank()}: step {step} digest {digest.hexdigest()} "
              f"accuracy {np.mean(classes == y_test):.4f}", flush=True)


def session_with_report(*args, **kwargs):
    kwargs["hooks"] = list(kwargs.get("hooks") or []) + [Report()]
    return _session(*args, **kwargs)


if __name__ == "__main__":
    # Whole lines per write: mpiexec forwards both ranks' pipes into one stream, and a
    # block-buffered print split mid-line interleaved ("Test loss:rank 1: digest ...").
    sys.stdout.reconfigure(line_buffering=True)
    np.random.seed(1000 + hvd.rank() if hvd.is_initialized() else 1000)
    tf.train.MonitoredTrainingSession = session_with_report
    program.main(None)
