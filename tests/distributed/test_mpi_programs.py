"""Whole programs on 2 ranks: the Horovod-style example (examples/horovod_digits.py)."""

from __future__ import annotations

import re

from mpi_helpers import REPO, needs_mpi, run_job

#: the two Horovod programs below train a CNN for 200 and 120 steps: the compiled loops'
#: speed outweighs numba's import in each rank (the estimator job: 6-7 s against 8-12 s),
#: so they run them, unlike the suite's other subprocesses (tests/conftest.py)
_JIT = {"TRAINKIT_JIT": "auto"}


@needs_mpi
def test_horovod_program_runs_on_two_ranks(tmp_path):
    proc, _ = run_job(str(REPO / "examples" / "horovod_digits.py"), "--steps", "120",
                      module=False, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    acc = [float(a) for a in re.findall(r"ranks 2: test accuracy ([\d.]+)", proc.stdout)]
    assert len(acc) == 1 and acc[0] > 0.6, proc.stdout[-2000:]  # rank 0 prints; chance 0.1
    files = {p.name for p in (tmp_path / "checkpoints").iterdir()}
    # 120 steps over 2 ranks = 60 steps each; rank 0 checkpoints, both keep their state.
    assert {"model.ckpt-60.index", "model.ckpt-60.rank-0.state",
            "model.ckpt-60.rank-1.state"} <= files
    assert len([f for f in files if f.startswith("events.out")]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoints"]


def _reports(out: str) -> dict[int, tuple[int, str, float]]:
    found = re.findall(r"rank (\d+): step (\d+) digest ([0-9a-f]{64}) accuracy ([\d.]+)", out)
    return {int(r): (int(s), d, float(a)) for r, s, d, a in found}


@needs_mpi
def test_horovods_own_tensorflow_mnist_on_two_ranks(tmp_path):
    """Horovod's ``examples/tensorflow_mnist.py`` (jobs/horovod_tensorflow_mnist.py: only
    the imports, the download and the step count changed) on 2 ranks.

    TF has no Horovod here, so the reference is Horovod's contract: both ranks end on the
    same step (200 // 2) with bitwise-identical variables (the broadcast and the averaged
    gradients; a rank training alone would drift at once), rank 0 alone writes
    checkpoints, and the model learns (chance is 0.1). The accuracies are not compared
    for equality: the program's dropout (rate 0.5, also at prediction) and its per-rank
    batches are random. (The same program on one rank, which this test also ran until
    the suite reached its time budget, is the single-process path that
    test_single_process.py covers.)"""
    two = tmp_path / "two"
    two.mkdir()
    jobs = str(REPO / "tests" / "distributed" / "jobs")
    proc, _ = run_job("horovod_program_job.py", cwd=two, PYTHONPATH=f"{REPO}:{jobs}", **_JIT)
    assert proc.returncode == 0, proc.stdout[-3000:]
    got = _reports(proc.stdout)
    assert sorted(got) == [0, 1], proc.stdout[-2000:]
    assert got[0][:2] == got[1][:2] and got[0][0] == 100, got
    assert min(got[0][2], got[1][2]) > 0.5, got  # chance is 0.1
    assert (two / "checkpoints" / "model.ckpt-100.index").exists()
    assert sorted(p.name for p in two.iterdir()) == ["checkpoints"]


_EVAL = re.compile(r"\{'accuracy': (?:np\.float32\()?([\d.]+)\)?, 'loss': (?:np\.float32\()?"
                   r"([\d.]+)\)?, 'global_step': (?:np\.int64\()?(\d+)\)?\}")


@needs_mpi
def test_horovods_own_estimator_example_on_two_ranks(tmp_path):
    """Horovod's ``examples/tensorflow_mnist_estimator.py`` (imports, download and step
    count changed): an ``Estimator`` with ``model_dir`` on rank 0 and ``None`` elsewhere,
    ``hvd.DistributedOptimizer(MomentumOptimizer)``, the broadcast hook, then ``evaluate``
    and ``print`` on every rank.

    The reference (TF has no Horovod here): with Horovod every rank ends with the same
    variables, so every rank's evaluation (no dropout: deterministic) must print the same
    numbers at step 120 // 2; rank 1 once evaluated its empty temporary ``model_dir``
    (step 0, chance accuracy)."""
    two = tmp_path / "two"
    two.mkdir()
    proc, _ = run_job("horovod_tensorflow_mnist_estimator.py", cwd=two, **_JIT)
    assert proc.returncode == 0, proc.stdout[-3000:]
    ranks = _EVAL.findall(proc.stdout)
    assert len(ranks) == 2 and ranks[0] == ranks[1], ranks
    assert int(ranks[0][2]) == 60 and float(ranks[0][0]) > 0.5, ranks  # chance is 0.1
    assert (two / "mnist_convnet_model" / "model.ckpt-60.index").exists()
    assert sorted(p.name for p in two.iterdir()) == ["mnist_convnet_model"]


_LOSS = re.compile(r"\[(\d)\] Average loss at step\s+(\d+)\s*:\s+([\d.]+)")
#: a "Nearest to" line of rank 0: the query's topic (None for UNK, which the program's
#: unseeded choice of validation words may draw) and its neighbours (UNK among them too)
_NEAREST = re.compile(r"\[0\] Nearest to (?:(t\d+)w\d+|UNK):((?: (?:t\d+w\d+|UNK),)+)")


@needs_mpi
def test_horovods_own_word2vec_example_on_two_ranks(tmp_path):
    """Horovod's ``examples/tensorflow/tensorflow_word2vec.py`` (jobs/
    horovod_tensorflow_word2vec.py: imports, the text8 download and the step counts
    changed) on 2 ranks. Each rank draws its own batch size every step, so the sparse
    gradients of ``embedding_lookup`` and ``nce_loss`` differ in length between the ranks
    and go through allgather; the optimizer must still leave both ranks with
    bitwise-identical embeddings (the job prints a SHA-256 of them per rank).

    The reference (TF has no Horovod here): that identity, the loss falling as word2vec's
    does (from ~90-110 at step 0 to below 5 by step 500: measured 3.4 on both ranks), and
    the nearest words rank 0 prints mostly sharing the query's topic in the generated
    corpus (there 1 word in 10 would by chance; measured about half)."""
    jobs = str(REPO / "tests" / "distributed" / "jobs")
    proc, _ = run_job("horovod_word2vec_job.py", cwd=tmp_path, PYTHONPATH=f"{REPO}:{jobs}")
    assert proc.returncode == 0, proc.stdout[-3000:]
    digests = re.findall(r"rank (\d): digest ([0-9a-f]{64})", proc.stdout)
    assert sorted(r for r, _ in digests) == ["0", "1"], proc.stdout[-2000:]
    assert digests[0][1] == digests[1][1], digests
    losses = [(r, int(s), float(v)) for r, s, v in _LOSS.findall(proc.stdout)]
    assert sorted((r, s) for r, s, _ in losses) == \
        [(r, s) for r in "01" for s in range(0, 501, 100)], losses
    assert all(v > 20 for _, s, v in losses if s == 0), losses
    assert all(v < 5 for _, s, v in losses if s == 500), losses
    nearest = _NEAREST.findall(proc.stdout)
    assert len(nearest) == 16, proc.stdout[-3000:]
    shared = [w.strip().startswith(topic + "w") for topic, words in nearest if topic
              for w in words.strip(" ,").split(", ")]
    assert len(shared) >= 14 * 8 and sum(shared) / len(shared) > 0.25, nearest
