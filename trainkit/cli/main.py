"""``trainkit`` command line: ``train``, ``eval``, ``check``, ``inspect``.

Exit codes: 0 success; 2 usage or config error (one clear line on stderr, nothing
written); 1 training failure (a NaN loss, a hook that raises, ...); 130 (128 + SIGINT, the
shell's convention) when Ctrl-C stopped ``train`` — it stops after the current step, saves
a checkpoint at the step reached and prints ``Stopped ...``; rerunning resumes from there.
A second Ctrl-C aborts without saving (also 130).
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
from typing import TYPE_CHECKING

from trainkit.cli.config import ConfigError, load_config

if TYPE_CHECKING:
    from trainkit.cli.runner import TrainResult

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_EPILOG = ("exit codes: 0 success, 1 training failure, 2 usage or config error, "
           "130 stopped by Ctrl-C (a checkpoint was saved; run again to resume)")


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
    t = sub.add_parser("train", help="train (or resume) the run a config describes",
                       description="Train the model of CONFIG; running it again resumes from "
                       "the latest checkpoint in <logdir>/<name>.", epilog=_EPILOG)
    t.add_argument("config", metavar="CONFIG", help="path to a TOML config")
    t.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="KEY.PATH=VALUE", help="override a config value (TOML syntax)")
    t.add_argument("--max-steps", type=int, metavar="N", help="train to global step N")
    t.add_argument("--logdir", metavar="DIR", help="parent directory of the run directory")
    t.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show the tqdm progress bar (default: run.progress_bar, 'auto' "
                   "= only on a terminal)")
    e = sub.add_parser("eval", help="metrics of a checkpoint on the eval split",
                       description="Evaluate a checkpoint (default: the run's latest) on the "
                       "eval split of CONFIG's data.", epilog=_EPILOG)
    e.add_argument("config", metavar="CONFIG")
    e.add_argument("--checkpoint", metavar="PATH", help="checkpoint prefix or directory")
    e.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="KEY.PATH=VALUE")
    e.add_argument("--logdir", metavar="DIR")
    c = sub.add_parser("check", help="validate a config without running it",
                       description="Validate CONFIG (keys, names, data files, hooks and their "
                       "arguments, that the run directory could be written) without "
                       "building a graph or writing anything.", epilog=_EPILOG)
    c.add_argument("config", metavar="CONFIG")
    c.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="KEY.PATH=VALUE")
    c.add_argument("--logdir", metavar="DIR", help="check that DIR/<name> could be written")
    i = sub.add_parser("inspect", help="list the tensors of a checkpoint",
                       description="List name, dtype, shape and checksum of every tensor in "
                       "a checkpoint (a prefix, or a directory's latest).", epilog=_EPILOG)
    i.add_argument("path", metavar="PATH")
    return p


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

    cfg = load_config(args.config, args.overrides)
    if args.max_steps is not None and args.max_steps <= 0:
        raise ConfigError(f"--max-steps: must be > 0, got {args.max_steps}.")
    if args.logdir:
        cfg.run.logdir = args.logdir
    res = runner.train(cfg, max_steps=args.max_steps, progress=args.progress)
    if rank_or_zero() != 0:  # under mpiexec, rank 0 reports for the job
        return EXIT_INTERRUPTED if res.interrupted else EXIT_OK
    print(_summary_line(cfg.name, res))
    print("  eval:        " + ", ".join(f"{k} = {v:.4f}" for k, v in res.metrics.items()))
    print(f"  checkpoint:  {res.checkpoint}")
    for f in res.event_files[-1:]:
        print(f"  events:      {f}")
    if res.interrupted:
        print("Run the same command again to resume from step "
              f"{res.final_step}.")
    print("View it in TensorBoard:")
    print(f"  tensorboard --logdir {shlex.quote(str(cfg.run.logdir))}")
    return EXIT_INTERRUPTED if res.interrupted else EXIT_OK


def _summary_line(name: str, res: TrainResult) -> str:
    if res.up_to_date:
        return (f"Nothing to train: '{name}' is already at step {res.final_step} "
                f"({res.run_dir}); raise --max-steps or run.steps to train further.")
    trained = res.final_step - res.start_step
    rate = trained / res.seconds if res.seconds > 0 else 0.0
    verb = "Stopped (Ctrl-C)" if res.interrupted else "Finished"
    return (f"{verb} '{name}' at step {res.final_step}"
            + (f" (resumed from step {res.start_step})" if res.start_step else "")
            + f" in {res.seconds:.1f} s, {rate:.0f} steps/s.")


def _cmd_eval(args: argparse.Namespace) -> int:
    from trainkit.cli import runner

    cfg = load_config(args.config, args.overrides)
    if args.logdir:
        cfg.run.logdir = args.logdir
    ckpt = runner.resolve_checkpoint_arg(cfg, args.checkpoint)
    metrics = runner.evaluate(cfg, ckpt)
    print(", ".join(f"{k} = {v:.4f}" for k, v in metrics.items()))
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from trainkit.cli import plugins
    from trainkit.cli.inputs import load_splits
    from trainkit.cli.models import get_model
    from trainkit.cli.runner import check_writable, run_dir_of

    cfg = load_config(args.config, args.overrides)
    hooks = plugins.check_hooks(cfg)
    splits = load_splits(cfg, get_model(cfg.model.type)[1])
    check_writable(run_dir_of(cfg, args.logdir))  # creates nothing
    task = "classification" if splits.classification else "regression"
    print(f"{args.config}: OK — {cfg.model.type} {task} on {len(splits.x_train)} train / "
          f"{len(splits.x_eval)} eval examples, {cfg.run.steps} steps, "
          f"{len(hooks)} extra hook(s).")
    return EXIT_OK


def _cmd_inspect(args: argparse.Namespace) -> int:
    from trainkit import errors
    from trainkit.training import checkpoint_reader

    try:
        prefix = checkpoint_reader.resolve_checkpoint(args.path)
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
    except KeyboardInterrupt:
        print("trainkit: interrupted; aborted without saving.", file=sys.stderr)
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
