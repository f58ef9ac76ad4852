"""``ProfileOptionBuilder``: the option dicts of ``tf.compat.v1.profiler`` (TF 2.21 keys
and defaults), built fluently.

Example:
    >>> opts = (ProfileOptionBuilder(ProfileOptionBuilder.float_operation())
    ...         .with_max_depth(3).with_empty_output().build())
"""

from __future__ import annotations

import copy
from typing import Any

TRAINABLE_VARIABLES = "_trainable_variables"  # the op type trainable variables are given


def _base(**overrides: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "max_depth": 10000, "min_bytes": 0, "min_micros": 0, "min_params": 0,
        "min_float_ops": 0, "min_occurrence": 0, "order_by": "name",
        "account_type_regexes": [".*"], "start_name_regexes": [".*"],
        "trim_name_regexes": [], "show_name_regexes": [".*"], "hide_name_regexes": [],
        "account_displayed_op_only": True, "select": ["micros"], "step": -1,
        "output": "stdout",
    }
    options.update(overrides)
    return options


class ProfileOptionBuilder:
    """Builds the options dict ``tk.profiler.profile`` takes.

    Args:
        options: an options dict to start from (deep-copied); TF's defaults otherwise.
    """

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        if options is not None:
            self._options = copy.deepcopy(options)
        else:
            self._options = _base(max_depth=100, account_displayed_op_only=False)

    @staticmethod
    def trainable_variables_parameter() -> dict[str, Any]:
        """Options that count the parameters of each trainable variable (scope view)."""
        return _base(account_type_regexes=[TRAINABLE_VARIABLES], select=["params"])

    @staticmethod
    def float_operation() -> dict[str, Any]:
        """Options that count the float operations of each op, largest first."""
        return _base(min_float_ops=1, order_by="float_ops", select=["float_ops"])

    @staticmethod
    def time_and_memory(min_micros: int = 1, min_bytes: int = 1,
                        min_accelerator_micros: int = 0, min_cpu_micros: int = 0,
                        min_peak_bytes: int = 0, min_residual_bytes: int = 0,
                        min_output_bytes: int = 0) -> dict[str, Any]:
        """Options that show time and memory (those need run metadata with step stats)."""
        options = _base(min_micros=min_micros, min_bytes=min_bytes, order_by="micros",
                        select=["micros", "bytes"])
        extra = {"min_peak_bytes": min_peak_bytes, "min_residual_bytes": min_residual_bytes,
                 "min_output_bytes": min_output_bytes, "min_micros": min_micros,
                 "min_accelerator_micros": min_accelerator_micros,
                 "min_cpu_micros": min_cpu_micros}
        ordered = {}
        for key, value in options.items():  # TF's key order: the memory limits after bytes
            ordered[key] = value
            if key == "min_bytes":
                ordered.update(extra)
        return ordered

    def build(self) -> dict[str, Any]:
        """A deep copy of the options built so far."""
        return copy.deepcopy(self._options)

    def with_max_depth(self, max_depth: int) -> ProfileOptionBuilder:
        """Shows nodes no deeper than ``max_depth`` in the scope tree."""
        self._options["max_depth"] = max_depth
        return self

    def with_min_memory(self, min_bytes: int = 0, min_peak_bytes: int = 0,
                        min_residual_bytes: int = 0,
                        min_output_bytes: int = 0) -> ProfileOptionBuilder:
        """Shows only nodes using at least this much memory."""
        self._options.update(min_bytes=min_bytes, min_peak_bytes=min_peak_bytes,
                             min_residual_bytes=min_residual_bytes,
                             min_output_bytes=min_output_bytes)
        return self

    def with_min_execution_time(self, min_micros: int = 0, min_accelerator_micros: int = 0,
                                min_cpu_micros: int = 0) -> ProfileOptionBuilder:
        """Shows only nodes running at least this long."""
        self._options.update(min_micros=min_micros,
                             min_accelerator_micros=min_accelerator_micros,
                             min_cpu_micros=min_cpu_micros)
        return self

    def with_min_parameters(self, min_params: int) -> ProfileOptionBuilder:
        """Shows only nodes holding at least ``min_params`` parameters themselves."""
        self._options["min_params"] = min_params
        return self

    def with_min_occurrence(self, min_occurrence: int) -> ProfileOptionBuilder:
        """Shows only nodes run at least ``min_occurrence`` times."""
        self._options["min_occurrence"] = min_occurrence
        return self

    def with_min_float_operations(self, min_float_ops: int) -> ProfileOptionBuilder:
        """Shows only nodes doing at least ``min_float_ops`` FLOPs themselves."""
        self._options["min_float_ops"] = min_float_ops
        return self

    def with_accounted_types(self, account_type_regexes: list[str]) -> ProfileOptionBuilder:
        """Accounts only nodes one of whose types (op type, ``_trainable_variables``)
        fully matches one of the regexes."""
        self._options["account_type_regexes"] = copy.copy(account_type_regexes)
        return self

    def with_node_names(self, start_name_regexes: list[str] | None = None,
                        show_name_regexes: list[str] | None = None,
                        hide_name_regexes: list[str] | None = None,
                        trim_name_regexes: list[str] | None = None) -> ProfileOptionBuilder:
        """Regexes (full match) on node names: where the display starts, which nodes
        show, which hide, and below which nodes nothing is searched."""
        for key, value in (("start_name_regexes", start_name_regexes),
                           ("show_name_regexes", show_name_regexes),
                           ("hide_name_regexes", hide_name_regexes),
                           ("trim_name_regexes", trim_name_regexes)):
            if value is not None:
                self._options[key] = copy.copy(value)
        return self

    def account_displayed_op_only(self, is_true: bool) -> ProfileOptionBuilder:
        """Whether totals sum only displayed nodes (else every accounted node)."""
        self._options["account_displayed_op_only"] = is_true
        return self

    def with_empty_output(self) -> ProfileOptionBuilder:
        """Prints nothing."""
        self._options["output"] = "none"
        return self

    def with_stdout_output(self) -> ProfileOptionBuilder:
        """Prints the report to stdout."""
        self._options["output"] = "stdout"
        return self

    def with_file_output(self, outfile: str) -> ProfileOptionBuilder:
        """Writes the report to ``outfile``."""
        self._options["output"] = f"file:outfile={outfile}"
        return self

    def with_timeline_output(self, timeline_file: str) -> ProfileOptionBuilder:
        """Timeline output (a chrome trace); not supported by trainkit's profile."""
        self._options["output"] = f"timeline:outfile={timeline_file}"
        return self

    def with_pprof_output(self, pprof_file: str) -> ProfileOptionBuilder:
        """pprof output ('code' view only); not supported by trainkit's profile."""
        self._options["output"] = f"pprof:outfile={pprof_file}"
        return self

    def order_by(self, attribute: str) -> ProfileOptionBuilder:
        """Orders sibling nodes by ``attribute`` (``name`` ascending, counts descending)."""
        self._options["order_by"] = attribute
        return self

    def select(self, attributes: list[str]) -> ProfileOptionBuilder:
        """The attributes to show (``params``, ``float_ops``, ...)."""
        self._options["select"] = copy.copy(attributes)
        return self

    def with_step(self, step: int) -> ProfileOptionBuilder:
        """Which profiled step's run metadata to use (-1: their average)."""
        self._options["step"] = step
        return self
