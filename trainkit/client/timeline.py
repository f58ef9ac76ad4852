"""``Timeline``: step stats as Chrome trace-event JSON (chrome://tracing, Perfetto).

Example:
    >>> tl = Timeline(run_metadata.step_stats)
    >>> open("timeline.json", "w").write(tl.generate_chrome_trace_format())
"""

from __future__ import annotations

import json
from typing import Any


class Timeline:
    """Converts ``RunMetadata.step_stats`` into the Chrome trace format."""

    def __init__(self, step_stats: Any, graph: Any = None):
        self._step_stats = step_stats
        self._graph = graph

    def generate_chrome_trace_format(self, show_dataflow: bool = True,
                                     show_memory: bool = False) -> str:
        """JSON text with ``traceEvents``: one process per device, one complete event
        ("ph": "X") per op, plus memory counters when ``show_memory``."""
        events: list[dict] = []
        ends: dict[str, tuple[int, int, int]] = {}  # op name -> (pid, tid, end micros)
        flow_id = 0
        for pid, dev in enumerate(self._step_stats.dev_stats):
            events.append({"name": "process_name", "ph": "M", "pid": pid, "tid": 0,
                           "args": {"name": f"{dev.device} Compute"}})
            events.append({"name": "process_sort_index", "ph": "M", "pid": pid, "tid": 0,
                           "args": {"sort_index": pid}})
            total = 0
            for ns in dev.node_stats:
                op_type = getattr(ns, "op_type", "") or ns.node_name
                inputs = ""
                label = getattr(ns, "timeline_label", "")
                if "(" in label:
                    inputs = label[label.index("(") + 1:label.rindex(")")]
                args = {"name": ns.node_name, "op": op_type}
                for i, name in enumerate(x for x in inputs.split(", ") if x):
                    args[f"input{i}"] = name
                tid = getattr(ns, "thread_id", 0)
                start = ns.all_start_micros + ns.op_start_rel_micros
                dur = max(1, ns.op_end_rel_micros - ns.op_start_rel_micros)
                events.append({"name": op_type, "cat": "Op", "ph": "X", "pid": pid,
                               "tid": tid, "ts": start, "dur": dur, "args": args})
                if show_dataflow:
                    for i in range(len(args) - 2):
                        src = args[f"input{i}"].lstrip("^").split(":")[0]
                        if src in ends:
                            spid, stid, sts = ends[src]
                            flow_id += 1
                            events.append({"name": src, "cat": "DataFlow", "ph": "s",
                                           "pid": spid, "tid": stid, "ts": sts - 1,
                                           "id": flow_id})
                            events.append({"name": src, "cat": "DataFlow", "ph": "t",
                                           "pid": pid, "tid": tid, "ts": start,
                                           "id": flow_id, "bp": "e"})
                ends[ns.node_name] = (pid, tid, start + dur)
                if show_memory:
                    for mem in ns.memory:
                        total += mem.total_bytes
                    events.append({"name": "cpu", "ph": "C", "pid": pid,
                                   "ts": ns.all_start_micros, "args": {"cpu": total}})
        return json.dumps({"traceEvents": events, "displayTimeUnit": "ns"}, indent=None)


__all__ = ["Timeline"]
