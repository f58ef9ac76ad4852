"""The options dict of ``tk.profiler.profile`` checked and parsed into :class:`Options`,
and its rendering as the ``-max_depth ...`` block TF prints before its report."""

from __future__ import annotations

import dataclasses
from typing import Any

from trainkit import errors

ORDER_BY = ("name", "bytes", "peak_bytes", "residual_bytes", "output_bytes", "micros",
            "accelerator_micros", "cpu_micros", "params", "float_ops", "occurrence")
SELECTABLE = ("bytes", "micros", "params", "float_ops", "tensor_value", "device", "op_types",
              "occurrence", "input_shapes", "accelerator_micros", "cpu_micros", "peak_bytes",
              "residual_bytes", "output_bytes")
# What trainkit can show without run metadata or checkpoints.
SUPPORTED_SELECT = frozenset({"params", "float_ops"})
OUTPUT_TYPES = ("file", "none", "pprof", "stdout", "timeline")

_INT_KEYS = ("max_depth", "min_bytes", "min_peak_bytes", "min_residual_bytes",
             "min_output_bytes", "min_micros", "min_accelerator_micros", "min_cpu_micros",
             "min_params", "min_float_ops", "min_occurrence", "step")
_LIST_KEYS = ("account_type_regexes", "start_name_regexes", "trim_name_regexes",
              "show_name_regexes", "hide_name_regexes")
# The defaults TF's model_analyzer fills in for keys an options dict leaves out.
_DEFAULTS: dict[str, Any] = {**dict.fromkeys(_INT_KEYS, 0), "max_depth": 10, "step": -1,
                             "order_by": "name", **{k: [] for k in _LIST_KEYS},
                             "account_displayed_op_only": False, "select": [],
                             "output": "stdout", "dump_to_file": ""}


@dataclasses.dataclass(frozen=True)
class Options:
    """Parsed profile options (TF's ``tfprof::Options``)."""

    ints: dict[str, int]
    order_by: str
    regexes: dict[str, list[str]]
    account_displayed_op_only: bool
    select: tuple[str, ...]  # sorted and unique, as TF keeps it
    output_type: str
    outfile: str | None

    def __getattr__(self, name: str) -> Any:
        if name in _INT_KEYS:
            return self.ints[name]
        if name in _LIST_KEYS:
            return self.regexes[name]
        raise AttributeError(name)

    def to_text(self) -> str:
        """The options block TF prints (``-max_depth                  10000`` ...)."""
        rows = [(f"-{k}", str(self.ints[k])) for k in _INT_KEYS]
        rows.append(("-order_by", self.order_by))
        rows += [(f"-{k}", ",".join(self.regexes[k])) for k in _LIST_KEYS]
        rows.append(("-account_displayed_op_only",
                     "true" if self.account_displayed_op_only else "false"))
        rows.append(("-select", ",".join(self.select)))
        outfile = "" if self.outfile is None else f"outfile={self.outfile}"
        rows.append(("-output", f"{self.output_type}:{outfile}"))
        return "".join(f"{key:<28}{value}\n" for key, value in rows)


def parse(options: dict[str, Any]) -> Options:
    """Checks ``options`` (a ``ProfileOptionBuilder`` dict) and parses it.

    Raises:
        TypeError: if ``options`` is not a dict or a value has the wrong type.
        ValueError: for an unknown ``order_by`` or ``select`` key (Differs from TF: TF
            orders by name / prints "Unknown select" instead).
        trainkit.errors.InvalidArgumentError: for a bad ``output`` (TF's message).
        trainkit.errors.UnimplementedError: for a ``select`` key that needs run metadata
            or checkpoints, or timeline/pprof output.
    """
    if not isinstance(options, dict):
        raise TypeError(f"options must be a dict from ProfileOptionBuilder, got "
                        f"{type(options).__name__}")
    merged = {**_DEFAULTS, **options}
    ints = {}
    for key in _INT_KEYS:
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"options['{key}'] must be an int, got {value!r}")
        ints[key] = value
    regexes = {}
    for key in (*_LIST_KEYS, "select"):
        value = merged[key]
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"options['{key}'] must be a list of str, got {value!r}")
        regexes[key] = list(value)
    order_by = merged["order_by"]
    if order_by not in ORDER_BY:
        raise ValueError(f"options['order_by'] = {order_by!r} is not one of "
                         f"{', '.join(ORDER_BY)}")
    select = tuple(sorted(set(regexes.pop("select"))))
    for key in select:
        if key not in SELECTABLE:
            raise ValueError(f"options['select'] has unknown attribute {key!r}; "
                             f"selectable: {', '.join(SELECTABLE)}")
        if key not in SUPPORTED_SELECT:
            raise errors.UnimplementedError(
                None, None, f"select {key!r} needs run metadata or checkpoints; trainkit's "
                "profile shows only 'params' and 'float_ops'")
    output = merged["output"]
    if merged["dump_to_file"]:  # TF's deprecated spelling of file output
        output = f"file:outfile={merged['dump_to_file']}"
    output_type, outfile = _parse_output(output)
    return Options(ints, order_by, regexes, bool(merged["account_displayed_op_only"]),
                   select, output_type, outfile)


def _parse_output(output: str) -> tuple[str, str | None]:
    """``'stdout'``, ``'none'`` or ``'file:outfile=PATH'`` into (type, outfile)."""
    if not output:
        return "stdout", None
    output_type, colon, rest = output.partition(":")
    if output_type not in OUTPUT_TYPES:
        raise errors.InvalidArgumentError(
            None, None, f"E.g. Unknown output type: {output_type}, Valid types: "
            f"{','.join(OUTPUT_TYPES)}\n")
    if output_type in ("timeline", "pprof"):
        raise errors.UnimplementedError(None, None, f"{output_type} output is not supported "
                                        "by trainkit's profile; use stdout, file or none")
    values: dict[str, str] = {}
    for item in filter(None, rest.split(",")) if colon else ():
        key, _, value = item.partition("=")
        if not value:
            raise errors.InvalidArgumentError(
                None, None, "Visualize format: -output timeline:key=value,key=value,...")
        if output_type != "file" or key != "outfile":
            raise errors.InvalidArgumentError(
                None, None, f"Unrecognized options {key} for output_type: {output_type}\n")
        values[key] = value
    if output_type == "file" and "outfile" not in values:
        raise errors.InvalidArgumentError(
            None, None, "Missing required output_options for file\n"
            "E.g. -output file:outfile=...\n")
    return output_type, values.get("outfile")
