"""``trainkit`` command line: ``train``, ``eval``, ``check``, ``inspect``.

Exit codes: 0 success; 2 usage or config error (one clear line on stderr, nothing
written); 1 training failure (a NaN loss, a hook that raises, ...); 130 (128 + SIGINT, the
shell's convention) when Ctrl-C stopped ``train`` and 143 (128 + SIGTERM) when SIGTERM did
(what Kubernetes, Slurm and ``timeout`` send): it stops after the current step, saves a
checkpoint at the step reached, closes the event files and prints ``Stopped ...``;
rerunning resumes from there. A second signal aborts at once (same exit code) and says
which checkpoint is on disk.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import shlex
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainkit.cli.config import ConfigError, load_config
from trainkit.cli.signals import Aborted, signal_label

if TYPE_CHECKING:
    from trainkit.cli.runner import TrainResult

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143

_EPILOG = ("exit codes: 0 success, 1 training failure, 2 usage or config error, "
           "130 stopped by Ctrl-C, 143 stopped by SIGTERM (a checkpoint was saved; run "
           "again to resume)")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit code 2
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``trainkit`` command."""
    p = _Parser(prog="trainkit", description="Train, evaluate and inspect trainkit runs "
                "described by TOML configs.", epilog=_EPILOG)
    p.add_argument("--version", action="version", version="trainkit 0.1.0")
    p.add_argument("--debug", action="store_true",
                   help="print the full traceback when training fails")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    # --debug is accepted after the subcommand too (SUPPRESS: a subparser's default must
    # not overwrite a --debug given before the subcommand)
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="print the full traceback when training fails")
    t = sub.add_parser("train", parents=[debug],
                       help="train (or resume) the run a config describes",
                       description="Train the model of CONFIG; running it again resumes from "
                       "the latest checkpoint in <logdir>/<name>.", epilog=_EPILOG)
    t.add_argument("config", metavar="CONFIG", help="path to a TOML config")
    t.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="KEY.PATH=VALUE", help="override a config value (TOML syntax)")
    t.add_argument("--max-steps", type=int, metavar="N", help="train to global step N")
    t.add_argument("--logdir", metavar="DIR", help="parent directory of the run directory")
    _threads_arg(t)
    t.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show the tqdm progress bar (default: run.progress_bar, 'auto' "
                   "= only on a terminal)")
    e = sub.add_parser("eval", parents=[debug], help="metrics of a checkpoint on the eval split",
                       description="Evaluate a checkpoint (default: the run's latest) on the "
                       "eval split of CONFIG's data.", epilog=_EPILOG)
    e.add_argument("config", metavar="CONFIG")
    e.add_argument("--checkpoint", metavar="PATH", help="checkpoint prefix or directory")
    e.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="KEY.PATH=VALUE")
    e.add_argument("--logdir", metavar="DIR")
    _threads_arg(e)
    c = sub.add_parser("check", parents=[debug], help="validate a config without running it",
                       description="Validate CONFIG (keys, names, data files, hooks and their "
                       "arguments, that the run directory could be written) without "
                       "building a graph or writing anything.", epilog=_EPILOG)
    c.add_argument("config", metavar="CONFIG")
    c.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="KEY.PATH=VALUE")
    c.add_argument("--logdir", metavar="DIR", help="check that DIR/<name> could be written")
    _threads_arg(c)
    i = sub.add_parser("inspect", parents=[debug], help="list the tensors of a checkpoint",
                       description="List name, dtype, shape and checksum of every tensor in "
                       "a checkpoint (a prefix, or a directory's latest).", epilog=_EPILOG)
    i.add_argument("path", metavar="PATH")
    return p


def _threads_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--threads", type=int, metavar="N", help="BLAS threads (default: "
                   "run.threads, else 1; more only helps big models on idle cores)")


def _load(args: argparse.Namespace) -> Any:
    """The config of a train/eval/check command, with its command-line overrides."""
    cfg = load_config(args.config, args.overrides)
    if getattr(args, "threads", None) is not None:
        if args.threads < 0:
            raise ConfigError(f"--threads: must be >= 0, got {args.threads}.")
        cfg.run.threads = args.threads
    if getattr(args, "logdir", None):
        cfg.run.logdir = args.logdir
    return cfg


class _StderrHandler(logging.StreamHandler):
    """A console handler that writes to whatever ``sys.stderr`` is when a record is
    emitted (so a redirected or captured stderr gets the lines)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


@contextlib.contextmanager
def _console_logging() -> Iterator[None]:
    """INFO lines of the ``trainkit`` loggers on stderr while a command runs; the logger's
    previous state comes back afterwards (``main`` may run inside a bigger program)."""
    logger = logging.getLogger("trainkit")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    h = _StderrHandler()
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    logger.handlers = [x for x in logger.handlers if not isinstance(x, _StderrHandler)] + [h]
    logger.setLevel(logging.INFO)
    # The CLI owns the console: without this, a root handler (e.g. the one tqdm's log
    # redirect installs while the progress bar is shown) would print every line twice.
    logger.propagate = False
    try:
        yield
    finally:
        logger.handlers, logger.level, logger.propagate = saved


def _cmd_train(args: argparse.Namespace) -> int:
    from trainkit.cli import runner
    from trainkit.distributed.basics import rank_or_zero

    cfg = _load(args)
    if args.max_steps is not None and args.max_steps <= 0:
        raise ConfigError(f"--max-steps: must be > 0, got {args.max_steps}.")
    if cfg.estimator.model_fn:
        from trainkit.cli import estimator_run

        res = estimator_run.train(cfg, max_steps=args.max_steps)
    else:
        res = runner.train(cfg, max_steps=args.max_steps, progress=args.progress)
    if rank_or_zero() != 0:  # under mpiexec, rank 0 reports for the job
        return 128 + res.signum if res.interrupted and res.signum else EXIT_OK
    print(_summary_line(cfg.name, res))
    if res.metrics:
        print("  eval:        " + ", ".join(f"{k} = {v:.4f}" for k, v in res.metrics.items()))
    print(f"  checkpoint:  {res.checkpoint}")
    for f in res.event_files[-1:]:
        print(f"  events:      {f}")
    if res.interrupted:
        print("Run the same command again to resume from step "
              f"{res.final_step}.")
    print("View it in TensorBoard:")
    print(f"  tensorboard --logdir {shlex.quote(str(cfg.run.logdir))}")
    return 128 + res.signum if res.interrupted and res.signum else EXIT_OK


def _summary_line(name: str, res: TrainResult) -> str:
    if res.up_to_date:
        return (f"Nothing to train: '{name}' is already at step {res.final_step} "
                f"({res.run_dir}); raise --max-steps or run.steps to train further.")
    trained = res.final_step - res.start_step
    rate = trained / res.seconds if res.seconds > 0 else 0.0
    verb = f"Stopped ({signal_label(res.signum)})" if res.interrupted and res.signum \
        else "Finished"
    return (f"{verb} '{name}' at step {res.final_step}"
            + (f" (resumed from step {res.start_step})" if res.start_step else "")
            + f" in {res.seconds:.1f} s, {rate:.0f} steps/s.")


def _cmd_eval(args: argparse.Namespace) -> int:
    from trainkit.cli import runner

    cfg = _load(args)
    ckpt = runner.resolve_checkpoint_arg(cfg, args.checkpoint)
    if cfg.estimator.model_fn:
        from trainkit.cli import estimator_run

        metrics = estimator_run.evaluate(cfg, ckpt)
    else:
        metrics = runner.evaluate(cfg, ckpt)
    print(", ".join(f"{k} = {v:.4f}" for k, v in metrics.items()))
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from trainkit.cli.graphs import build_train_graph
    from trainkit.cli.preflight import check_checkpoint_fits, preflight
    from trainkit.cli.rundir import run_dir_of
    from trainkit.client import threads

    cfg = _load(args)
    if cfg.estimator.model_fn:
        from trainkit.cli import estimator_run

        print(f"{args.config}: OK — {estimator_run.check(cfg)}.")
        return EXIT_OK
    run_dir = run_dir_of(cfg)
    pf = preflight(cfg, None, run_dir)  # writes nothing
    for w in pf.warnings:
        logging.getLogger("trainkit.cli").warning("%s", w)
    # the graph and its hooks, in memory: hook arguments naming missing tensors, a
    # checkpoint of another model to resume from
    run = build_train_graph(cfg, pf.splits, pf.hook_specs, pf.steps, run_dir, False)
    if pf.checkpoint is not None:
        check_checkpoint_fits(run.graph, pf.checkpoint)
    splits = pf.splits
    task = "classification" if splits.classification else "regression"
    resume = f", resumes from step {pf.start_step}" if pf.start_step else ""
    print(f"{args.config}: OK — {cfg.model.type} {task} on {len(splits.x_train)} train / "
          f"{len(splits.x_eval)} eval examples, {cfg.run.steps} steps{resume}, "
          f"{len(pf.hook_specs)} extra hook(s), "
          f"{threads.plan(cfg.run.threads or None).describe()}.")
    return EXIT_OK


def _cmd_inspect(args: argparse.Namespace) -> int:
    from trainkit import errors
    from trainkit.training import checkpoint_reader

    try:
        prefix = args.path
        if Path(prefix).is_dir():  # the files are the truth (rebuilds a lost state file)
            from trainkit.training.checkpoint_recovery import restore_point

            prefix = restore_point(prefix).path or checkpoint_reader.resolve_checkpoint(prefix)
        rows = checkpoint_reader.describe_checkpoint(prefix)
    except errors.DataLossError as e:
        raise ConfigError(f"{args.path}: damaged checkpoint: {e.message}") from None
    except (ValueError, OSError, errors.NotFoundError) as e:
        raise ConfigError(f"{args.path}: {e}") from None
    width = max([len(r["name"]) for r in rows] + [4])
    print(f"{'name':<{width}}  {'dtype':<8} {'shape':<16} checksum")
    for r in rows:
        shape = "[" + ", ".join(str(d) for d in r["shape"]) + "]"
        print(f"{r['name']:<{width}}  {r['dtype']:<8} {shape:<16} {r['checksum']}")
    total = sum(r["nbytes"] for r in rows)
    print(f"{prefix}: {len(rows)} tensors, {total} bytes (checksums verified).")
    return EXIT_OK


COMMANDS = {"train": _cmd_train, "eval": _cmd_eval, "check": _cmd_check,
            "inspect": _cmd_inspect}


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the CLI; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        with _console_logging():
            return COMMANDS[args.command](args)
    except ConfigError as e:
        print(f"trainkit: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except Aborted as e:
        print(f"trainkit: {_abort_message(e)}", file=sys.stderr)
        return 128 + e.signum
    except KeyboardInterrupt:  # outside train (check, eval, inspect write no checkpoints)
        print("trainkit: interrupted (Ctrl-C).", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as e:  # noqa: BLE001 - any failure while training is exit code 1
        from trainkit import errors

        if isinstance(e, errors.DataLossError):  # a damaged input file, not the training
            print(f"trainkit: error: {e.message}", file=sys.stderr)
            return EXIT_USAGE
        if args.debug:
            traceback.print_exc()
        print(f"trainkit: training failed: {type(e).__name__}: {e}{_where(e)}",
              file=sys.stderr)
        return EXIT_FAILURE


def _abort_message(e: Aborted) -> str:
    """What a signal that ended ``train`` at once left on disk, in one line."""
    from trainkit.training.checkpoint_recovery import checkpoint_files, checkpoint_step

    name = signal_label(e.signum)
    files = checkpoint_files(str(e.run_dir)) if e.run_dir is not None else []
    if files:
        step = checkpoint_step(files[0])
        saved = (f"the newest checkpoint is {files[0]}"
                 + (f" (step {step})" if step is not None else "")
                 + "; run the same command again to resume from it.")
    else:
        saved = "no checkpoint was saved."
    what = {"setup": f"stopped by {name} before training started",
            "training": f"aborted at once by a second {name}",
            "finished": f"stopped by {name} after training"}[e.phase]
    return f"{what}; {saved}"


def _where(e: BaseException) -> str:
    """`` (at file:line in function)`` of the innermost frame outside trainkit itself, so
    a failing custom hook is named."""
    frames = traceback.extract_tb(e.__traceback__)
    own = (str(Path(__file__).resolve().parents[1]), sys.prefix, sys.base_prefix)
    for fr in reversed(frames):
        path = str(Path(fr.filename).resolve())
        if not path.startswith(own) and "site-packages" not in path:
            return f" (at {fr.filename}:{fr.lineno} in {fr.name})"
    return ""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
