"""tf.train.ClusterSpec / replica_device_setter give TF 2.21's answers (recorded below;
trainkit ignores devices), and checkpoints_iterator yields each new checkpoint once."""

from __future__ import annotations

import threading

import trainkit as tk


class _Op:
    def __init__(self, kind):
        self.type = kind
        self.device = ""


def test_cluster_spec_equals_tf():
    c = tk.train.ClusterSpec({"ps": ["ps0:2222", "ps1:2222"],
                              "worker": ["w0:2222", "w1:2222", "w2:2222"]})
    assert c.jobs == ["ps", "worker"] and c.num_tasks("worker") == 3
    assert c.task_indices("ps") == [0, 1] and c.task_address("worker", 2) == "w2:2222"
    assert c.as_dict() == {"ps": ["ps0:2222", "ps1:2222"],
                           "worker": ["w0:2222", "w1:2222", "w2:2222"]}
    c2 = tk.train.ClusterSpec({"ps": {0: "a:1", 2: "b:2"}})
    assert c2.as_dict() == {"ps": {0: "a:1", 2: "b:2"}}
    assert c2.job_tasks("ps") == ["a:1", None, "b:2"]


def test_replica_device_setter_equals_tf():
    c = tk.train.ClusterSpec({"ps": ["ps0:2222", "ps1:2222"], "worker": ["w0:2222"]})
    fn = tk.train.replica_device_setter(cluster=c)
    got = [fn(_Op(k)) for k in ("VariableV2", "VariableV2", "VariableV2", "AddV2")]
    # TF 2.21: variables a, b, c and a + b under this setter
    assert got == ["/job:ps/task:0", "/job:ps/task:1", "/job:ps/task:0", "/job:worker"]
    assert tk.train.replica_device_setter(0) is None
    with tk.device(tk.train.replica_device_setter(ps_tasks=2)), \
            tk.colocate_with(None, ignore_existing=True), \
            tk.container("c"):
        v = tk.Variable(1.0)
    with tk.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(v) == 1.0


def test_checkpoints_iterator_yields_new_checkpoints(tmp_path):
    v = tk.Variable(1.0)
    saver = tk.train.Saver()
    with tk.Session() as sess:
        sess.run(v.initializer)
        saver.save(sess, str(tmp_path / "m"), global_step=1)
        seen = []
        later = threading.Timer(0.3, lambda: saver.save(sess, str(tmp_path / "m"),
                                                        global_step=2))
        later.start()
        for path in tk.train.checkpoints_iterator(str(tmp_path), timeout=1.5):
            seen.append(path.rsplit("-", 1)[1])
        later.join()
    assert seen == ["1", "2"]
