"""What the suite runs: every benchmark, its cases, implementations and targets.

An implementation is named ``"module:function"`` inside this package and is only
imported in the child process that runs it, so the runner itself never loads
NumPy, trainkit or a peer library.
"""

from __future__ import annotations

from dataclasses import dataclass, field

IMPLS = ("trainkit", "tf1", "torch", "numpy")
PEERS = ("tf1", "torch", "numpy")


@dataclass(frozen=True)
class Case:
    """One reported number of a benchmark."""

    key: str
    label: str
    unit: str
    higher_better: bool = False


@dataclass(frozen=True)
class Target:
    """A goal for trainkit's value of one case.

    With ``peer`` set, the goal is on the ratio "how much better trainkit is than the
    peer" (``>= threshold``); without it, on trainkit's own value (``<= threshold``
    for lower-is-better cases, ``>= threshold`` otherwise).
    """

    case: str
    threshold: float
    text: str
    peer: str | None = None
    busy_threshold: float | None = None  # replaces threshold under ``--busy-cores``
    busy_text: str | None = None

    def under_load(self) -> Target:
        """This target as it applies while the load generator keeps cores busy."""
        if self.busy_threshold is None:
            return self
        return Target(self.case, self.busy_threshold, self.busy_text or self.text, self.peer)


@dataclass(frozen=True)
class Benchmark:
    """A benchmark: cases, ``impl -> "module:function"``, and targets."""

    name: str
    title: str
    cases: tuple[Case, ...]
    impls: dict[str, str]
    targets: tuple[Target, ...] = field(default=())

    def case(self, key: str) -> Case:
        """The case named ``key``."""
        for case in self.cases:
            if case.key == key:
                return case
        raise KeyError(f"benchmark {self.name!r} has no case {key!r}")


def _graph_impls(module: str, numpy: bool = True, torch: str | None = None
                 ) -> dict[str, str]:
    impls = {"trainkit": f"{module}:trainkit", "tf1": f"{module}:tf1"}
    if torch:
        impls["torch"] = torch
    if numpy is True:
        impls["numpy"] = f"{module}:numpy"
    return impls


_US, _STEPS = "us/call", "steps/s"

BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        "session", "Session.run overhead (numpy = plain function call floor)",
        (Case("const_us", "run(constant)", _US),
         Case("feed_add_us", "run(a + b, feed_dict)", _US),
         Case("callable_us", "make_callable(a + b)", _US)),
        _graph_impls("benchmarks.bench_session"),
        tuple(Target(k, 8.0, "<= 1/8 of TF time", "tf1")
              for k in ("const_us", "feed_add_us", "callable_us"))),
    Benchmark(
        "monitored", "assign_add(global_step) train op: Session vs MonitoredSession",
        (Case("plain_us", "Session.run", "us/step"),
         Case("monitored_us", "MonitoredSession, no hooks", "us/step"),
         Case("hooks5_us", "MonitoredSession, 5 hooks", "us/step")),
        _graph_impls("benchmarks.bench_monitored", numpy=False),
        tuple(Target(k, 8.0, "<= 1/8 of TF time", "tf1")
              for k in ("plain_us", "monitored_us", "hooks5_us"))),
    Benchmark(
        "mlp", "MLP 784-512-512-10 ReLU, batch 128, Adam, float32",
        (Case("feed_steps_s", "feed_dict", _STEPS, True),
         Case("feed_gflops", "feed_dict", "GFLOP/s", True),
         Case("data_steps_s", "Dataset iterator", _STEPS, True),
         Case("data_gflops", "Dataset iterator", "GFLOP/s", True),
         Case("rss_end_mb", "RSS at end", "MiB"),
         Case("hwm_mb", "peak RSS", "MiB")),
        {"trainkit": "benchmarks.bench_mlp:trainkit", "tf1": "benchmarks.bench_mlp:tf1",
         "torch": "benchmarks.peers_torch:mlp", "numpy": "benchmarks.numpy_mlp:numpy"},
        (Target("feed_steps_s", 0.95, ">= 95% of NumPy", "numpy"),
         Target("data_steps_s", 0.95, ">= 95% of NumPy", "numpy"))),
    Benchmark(
        "cnn", "CNN 8x8x1: conv3x3x32 SAME, relu, maxpool 2x2, dense 10; batch 64, Adam",
        (Case("steps_s", "train step", _STEPS, True),),
        {"trainkit": "benchmarks.bench_cnn:trainkit", "tf1": "benchmarks.bench_cnn:tf1",
         "torch": "benchmarks.peers_torch:cnn", "numpy": "benchmarks.numpy_cnn:numpy"}),
    Benchmark(
        "graph_scale", "tanh/add chains of 1k and 10k ops; 50-layer MLP gradient graph",
        (Case("chain1k_build_s", "1k chain: build", "s"),
         Case("chain1k_first_s", "1k chain: first run", "s"),
         Case("chain1k_steady_us_op", "1k chain: steady", "us/op"),
         Case("chain10k_build_s", "10k chain: build", "s"),
         Case("chain10k_first_s", "10k chain: first run", "s"),
         Case("chain10k_steady_us_op", "10k chain: steady", "us/op"),
         Case("mlp50_build_s", "MLP50 build + gradients", "s"),
         Case("mlp50_first_s", "MLP50 grads first run", "s"),
         Case("mlp50_steady_ms", "MLP50 grads steady", "ms/run")),
        _graph_impls("benchmarks.bench_graph_scale",
                     torch="benchmarks.peers_torch:graph_scale"),
        (Target("chain10k_build_s", 10.0, ">= 10x faster than TF", "tf1"),
         Target("chain10k_first_s", 10.0, ">= 10x faster than TF", "tf1"),
         Target("chain1k_steady_us_op", 1.5, "<= 1.5 us/op"),
         Target("chain10k_steady_us_op", 1.5, "<= 1.5 us/op"))),
    Benchmark(
        "loop", "while_loop iteration with a trivial body vs the same adds unrolled",
        (Case("loop_us_iter", "while_loop: i + 1, x + 1.0", "us/iter"),
         Case("unrolled_us_op", "unrolled chain of adds", "us/op"),
         Case("loop_cpu_us_iter", "while_loop, CPU time", "us/iter"),
         Case("unrolled_cpu_us_op", "unrolled chain, CPU time", "us/op")),
        _graph_impls("benchmarks.bench_loop", numpy=False),
        (Target("loop_cpu_us_iter", 1.0, "<= TF1 time", "tf1"),)),
    Benchmark(
        "lstm", "LSTM batch 32, 128 units, 50 steps, depth 64, Adam: static vs dynamic_rnn",
        (Case("static_steps_s", "static_rnn (unrolled)", _STEPS, True),
         Case("dynamic_steps_s", "dynamic_rnn (while_loop)", _STEPS, True),
         Case("static_cpu_ms", "static_rnn, CPU time per step", "ms"),
         Case("dynamic_cpu_ms", "dynamic_rnn, CPU time per step", "ms")),
        {"trainkit": "benchmarks.bench_lstm:trainkit", "tf1": "benchmarks.bench_lstm:tf1",
         "torch": "benchmarks.bench_lstm:torch_lstm"},
        (Target("static_steps_s", 1.0, ">= TF1 speed", "tf1"),
         Target("dynamic_steps_s", 1.0, ">= TF1 speed", "tf1"),
         Target("static_cpu_ms", 1.0, "<= TF1 CPU time", "tf1"),
         Target("dynamic_cpu_ms", 1.0, "<= TF1 CPU time", "tf1"))),
    Benchmark(
        "allreduce", "trainkit.distributed on 2 ranks (numpy = raw mpi4py Allreduce)",
        tuple(Case(f"ar_{k}_us", f"allreduce {label} float32", _US) for k, label in
              (("1k", "1 KiB"), ("64k", "64 KiB"), ("1m", "1 MiB"), ("16m", "16 MiB")))
        + (Case("ar_16m_gbs", "allreduce 16 MiB bandwidth", "GB/s", True),
           Case("mlp_1rank_steps_s", "quickstart MLP, 1 rank", _STEPS, True),
           Case("mlp_2rank_steps_s", "quickstart MLP, 2 ranks (each)", _STEPS, True),
           Case("mlp_2rank_compute_ms", "2 ranks: compute per step", "ms"),
           Case("mlp_2rank_comm_ms", "2 ranks: allreduce per step", "ms")),
        {"trainkit": "benchmarks.bench_allreduce:trainkit",
         "numpy": "benchmarks.bench_allreduce:numpy"},
        tuple(Target(k, 1 / 1.1, "overhead <= 10% of raw mpi4py", "numpy")
              for k in ("ar_1m_us", "ar_16m_us"))),
    Benchmark(
        "jpeg", "decode_jpeg of a 224x224 q90 4:2:0 JPEG through sess.run",
        (Case("decode_ms", "decode_jpeg (dct_method '' = ifast)", "ms"),
         Case("decode_accurate_ms", "decode_jpeg (INTEGER_ACCURATE)", "ms")),
        {"trainkit": "benchmarks.bench_jpeg:trainkit", "tf1": "benchmarks.bench_jpeg:tf1"}),
    Benchmark(
        "import", "import in a fresh process (tf1 = import tensorflow)",
        (Case("import_s", "import time", "s"),
         Case("rss_mb", "RSS after import", "MiB")),
        {impl: f"benchmarks.bench_import:{impl}" for impl in IMPLS},
        (Target("import_s", 0.3, "<= 0.3 s"), Target("rss_mb", 80.0, "<= 80 MiB"))),
)


#: workload -> batch sizes measured (one set of cases per batch)
MODEL_BATCHES = {"deep_mnist": (50, 128), "cifar10": (128,), "autoencoder": (256,)}
PHASES = ("fwd", "bwd", "upd")
#: the scale table: (model, batch, width) points; width 0 = the model's own
SCALE_POINTS = tuple([("cnn", b, 0) for b in (32, 128, 512, 1024)]
                     + [("cnn", 128, w) for w in (256, 2048)]
                     + [("mlp", b, 0) for b in (32, 128, 512, 1024)]
                     + [("mlp", 128, w) for w in (128, 2048)])


def model_cases(name: str) -> list[tuple[str, str, str, bool]]:
    """``(key, label, unit, higher_better)`` of every case of model workload ``name``."""
    out = []
    for b in MODEL_BATCHES[name]:
        out.append((f"b{b}_steps_s", f"batch {b}: train step", "steps/s", True))
        out.append((f"b{b}_cpu_ms", f"batch {b}: CPU time (all threads)", "ms/step", False))
        for ph, label in zip(PHASES, ("forward", "backward", "update")):
            out.append((f"b{b}_{ph}_ms", f"batch {b}: {label} (traced)", "ms/step", False))
    out.append(("hwm_mb", "peak RSS", "MiB", False))
    return out


def scale_key(model: str, batch: int, width: int) -> str:
    """The case-key stem of one scale point."""
    return f"{model}_b{batch}" + (f"_w{width}" if width else "")


def scale_cases() -> list[tuple[str, str, str, bool]]:
    """Cases of the scale table: ms/step and peak RSS per point."""
    out = []
    for model, b, w in SCALE_POINTS:
        stem = scale_key(model, b, w)
        label = f"{model} batch {b}" + (f" width {w}" if w else "")
        out.append((f"{stem}_ms", label + ": step", "ms/step", False))
        out.append((f"{stem}_mb", label + ": peak RSS", "MiB", False))
    return out


def _model_benchmark(name: str, title: str, torch: bool = True,
                     numpy: bool = False) -> Benchmark:
    """A workload of ``bench_models``: per-batch steps/s and traced split, peak RSS;
    targets: >= 1.0x TF1's steps/s idle (1.5x with a core busy), peak RSS <= TF1's."""
    cases = tuple(Case(*c) for c in model_cases(name))
    impls = {"trainkit": f"benchmarks.bench_models:{name}_trainkit",
             "tf1": f"benchmarks.bench_models:{name}_tf1"}
    if torch:
        impls["torch"] = f"benchmarks.peers_torch_models:{name}"
    if numpy:
        impls["numpy"] = f"benchmarks.numpy_models:{name}"
    targets = tuple(Target(c.key, 1.0, ">= 1.0x TF1", "tf1", 1.5, ">= 1.5x TF1 (busy)")
                    for c in cases if c.key.endswith("steps_s"))
    targets += (Target("hwm_mb", 1.0, "<= TF1's", "tf1"),)
    return Benchmark(name, title, cases, impls, targets)


BENCHMARKS += (
    _model_benchmark("deep_mnist", "TF deep-MNIST CNN (conv5x5x32, pool, conv5x5x64, pool, "
                     "dense 1024 + dropout, dense 10), Adam(1e-4)"),
    _model_benchmark("cifar10", "CIFAR-10 tutorial model on 24x24x3 (conv, pool 3x3/2, LRN, "
                     "conv, LRN, pool, dense 384, 192, 10), batch 128, SGD"),
    _model_benchmark("autoencoder", "dense autoencoder 784-256-128-256-784 sigmoid, MSE, "
                     "RMSProp, batch 256", numpy=True),
    Benchmark(
        "scale", "step time and peak RSS vs batch (32-1024) and width: deep-MNIST CNN, MLP",
        tuple(Case(*c) for c in scale_cases()),
        {"trainkit": "benchmarks.bench_scale:trainkit", "tf1": "benchmarks.bench_scale:tf1"}),
)


def by_name(name: str) -> Benchmark:
    """The benchmark called ``name``.

    Raises:
        KeyError: naming the unknown benchmark and the known ones.
    """
    for bench in BENCHMARKS:
        if bench.name == name:
            return bench
    known = ", ".join(b.name for b in BENCHMARKS)
    raise KeyError(f"unknown benchmark {name!r}; known: {known}")
