"""``Saver``: saves and restores variables, saveable objects and RNG state as checkpoints.

Files are trainkit's checkpoint format (``checkpoint_format``: checksummed JSON index +
raw data, written atomically, never pickle); the ``checkpoint`` state file is kept by
``checkpoint_management``. Semantics follow ``tf.compat.v1.train.Saver``: ``save`` returns
``prefix`` or ``prefix-<step>``, ``max_to_keep`` deletes the oldest checkpoint, re-saving a
path moves it to the end, a missing key is ``NotFoundError``, a shape or dtype mismatch is
``InvalidArgumentError``, a path that is not a checkpoint is ``ValueError``.

Saveable objects
----------------
State that is not a variable (a dataset iterator's position, ...) takes part in
checkpoints by putting an object in the graph collection ``GraphKeys.SAVEABLE_OBJECTS``
(or in an explicit ``var_list``). The protocol::

    class MySaveable:
        name: str            # unique among saved names; prefixes its checkpoint keys
        def saveable_state(self, session) -> dict[str, np.ndarray]: ...
        def restore_saveable_state(self, session, state: dict[str, np.ndarray]) -> None: ...

A saveable with a ``checkpoint_names`` attribute (a sequence of strings) instead saves
``saveable_state``'s entries under exactly those keys, as TF's ``SaveSpec``s do, so
another graph restores them as ordinary variables (``tk.contrib.cudnn_rnn`` writes its
opaque parameters as the compatible cells' kernels and biases this way); ``restore``
reads those keys (a missing one is ``NotFoundError``) and hands them over by name.
``saveable_state`` returns plain arrays (any checkpoint dtype, strings as object arrays of
bytes); they are stored under ``<name>/.SAVEABLE/<key>`` plus the key list under
``<name>/.SAVEABLE``. ``restore_saveable_state`` receives exactly that dict back. Both
methods may call ``session.run`` but must not add ops (the graph may be finalized): build
any ops in the constructor. A default ``Saver()`` (``var_list=None``) saves all global
variables, every object of ``SAVEABLE_OBJECTS`` and the session's random-op generator
states, so a resumed run draws the same random numbers as an uninterrupted one. These
entries are internal: ``list_variables`` and the reader's variable maps leave them out.
A default Saver restores what both the graph and the checkpoint hold: state the
checkpoint lacks, or state written by another object under the same name (an eval graph's
input pipeline restoring a training checkpoint), is skipped with a warning; with an
explicit ``var_list`` both are errors.

The shards of a partitioned variable are saved as one tensor under its full name and each
restores from its block of it, so any partitioning (or none) restores (``saver_items``).

``<prefix>.meta`` is a real ``MetaGraphDef`` (graph, collections, saver def), so
``import_meta_graph(prefix + '.meta')`` rebuilds the graph in a fresh process.

Differs from TF: the meta file is always named ``.meta`` (``meta_graph_suffix`` is only
used when deleting); ``sharded`` and ``write_version`` are accepted and ignored (one data
file); a default Saver also checkpoints random-op generator states.

Example:
    >>> saver = Saver(max_to_keep=3)
    >>> path = saver.save(sess, "/ckpt/model.ckpt", global_step=100)  # '/ckpt/model.ckpt-100'
    >>> saver.restore(sess, latest_checkpoint("/ckpt"))
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.ops.placeholders import placeholder_with_default
from trainkit.training import checkpoint_format as fmt
from trainkit.training import checkpoint_management as mgmt
from trainkit.training import save_barrier
from trainkit.training import saver_items as items_
from trainkit.training.saver_kernels import RANDOM_STATE_NAME, RandomStateSaveable

_LOG = logging.getLogger("trainkit")
# One save at a time in the process (see Saver.save).
_SAVE_LOCK = threading.RLock()
SAVEABLE_SUFFIX = "/.SAVEABLE"


@dataclass
class SaverDef:
    """The parts of TF's ``SaverDef`` proto that mean something here."""

    filename_tensor_name: str
    restore_op_name: str
    max_to_keep: int
    keep_checkpoint_every_n_hours: float
    sharded: bool = False
    version: int = 2


# ----------------------------------------------------------------------------- helpers

def _global_step_value(sess: Any, global_step: Any) -> int:
    if isinstance(global_step, int | np.integer):
        return int(global_step)
    return int(sess.run(global_step))


# ----------------------------------------------------------------------------- Saver

class Saver:
    """Saves and restores variables and saveable objects (``tf.compat.v1.train.Saver``).

    Args:
        var_list: None (all global variables + ``SAVEABLE_OBJECTS`` + random-op states), a
            list of variables / partitioned variables / saveable objects (saved under
            their names), or a dict checkpoint name -> variable / partitioned variable /
            list of its shards / saveable object. The shards of a partitioned variable
            are saved as one full tensor (``saver_items``).
        reshape: allow restoring a checkpoint tensor of a different shape with the same
            number of elements.
        max_to_keep: how many recent checkpoints to keep; 0 or None keeps all.
        keep_checkpoint_every_n_hours: additionally keep one checkpoint per this many hours.
        name: the name scope of the Saver's ops (default ``save``).
        allow_empty: with no variables, build a Saver whose save/restore do nothing instead
            of raising.
        pad_step_number: format the step as ``%08d`` in checkpoint names.
        save_relative_paths: accepted; the state file always stores paths inside its
            directory relative to it.
        filename: the default checkpoint prefix for ``as_saver_def``.
        sharded, restore_sequentially, saver_def, builder, write_version: accepted for TF
            compatibility; trainkit writes one shard in its own format.
        defer_build: build the ops on the first ``build()`` instead of now.

    Raises:
        ValueError: ``'No variables to save'`` when there is nothing to save (and not
            ``allow_empty``); duplicate checkpoint names.
        TypeError: a ``var_list`` entry that is neither a variable nor a saveable object.
    """

    def __init__(self, var_list: Any = None, reshape: bool = False, sharded: bool = False,
                 max_to_keep: int | None = 5, keep_checkpoint_every_n_hours: float = 10000.0,
                 name: str | None = None, restore_sequentially: bool = False,
                 saver_def: Any = None, builder: Any = None, defer_build: bool = False,
                 allow_empty: bool = False, write_version: int = 2,
                 pad_step_number: bool = False, save_relative_paths: bool = False,
                 filename: str | None = None):
        del restore_sequentially, saver_def, builder  # no TF-proto machinery to configure
        if write_version not in (1, 2):
            raise ValueError(f"write_version must be 1 or 2, got {write_version!r}.")
        if keep_checkpoint_every_n_hours is None or keep_checkpoint_every_n_hours <= 0:
            raise ValueError("keep_checkpoint_every_n_hours must be positive, got "
                             f"{keep_checkpoint_every_n_hours!r}.")
        self._var_list, self._reshape, self._sharded = var_list, reshape, sharded
        self._max_to_keep = max_to_keep or 0
        self._keep_hours = float(keep_checkpoint_every_n_hours)
        self._name, self._allow_empty = name, allow_empty
        self._pad_step_number, self._save_relative_paths = pad_step_number, save_relative_paths
        self._filename = filename or "model"
        self._graph = get_default_graph()
        self._is_built = False
        self._is_empty = False
        self._last_checkpoints: list[tuple[str, float]] = []
        self._checkpoints_to_be_deleted: list[tuple[str, float]] = []
        self._last_preserved_timestamp = time.time()
        self._next_checkpoint_time = self._last_preserved_timestamp + self._keep_hours * 3600
        if not defer_build:
            self.build()

    def build(self) -> None:
        """Collects what to save and adds the restore ops to the graph (once)."""
        if self._is_built:
            return
        graph = self._graph
        default = self._var_list is None
        if default:
            # an object collected twice (an iterator also added by
            # make_saveable_from_iterator) is saved once
            collected = (list(graph.get_collection(GraphKeys.GLOBAL_VARIABLES)) +
                         list(graph.get_collection(GraphKeys.SAVEABLE_OBJECTS)))
            unique = list({id(obj): obj for obj in collected}.values())
            items = items_.named_items(unique)
        else:
            items = items_.named_items(self._var_list)
        self._is_built = True
        if not items:
            if self._allow_empty:
                self._is_empty = True
                return
            raise ValueError("No variables to save")
        self._variables = [t for t in items if not items_.is_saveable(t[1])]
        self._saveables = [(n, v) for n, v, _ in items if items_.is_saveable(v)]
        _check_named_keys(self._variables, self._saveables)
        specs = tuple(items_.restore_spec(*t) for t in self._variables)
        with graph.name_scope(self._name or "save"):
            # TF's pair: ``filename`` defaults to the prefix, and ``Const`` (the name TF
            # keeps "for backwards compatibility") is the filename tensor the SaverDef names
            prefix = placeholder_with_default(self._filename, [], name="filename")
            self._filename_tensor = placeholder_with_default(prefix, [], name="Const")
            self._restore_op = graph.create_op(
                "TkRestoreVariables", [self._filename_tensor], [], name="restore_all",
                attrs={"specs": specs, "reshape": self._reshape})
            self._random_state = RandomStateSaveable(graph) if default else None

    # -- bookkeeping -----------------------------------------------------------------
    @property
    def last_checkpoints(self) -> list[str]:
        """Paths of the not-yet-deleted checkpoints, oldest first."""
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints: list[str]) -> None:
        """Deprecated in TF: sets the kept checkpoints with the current time."""
        if not isinstance(last_checkpoints, list):
            raise TypeError(f"last_checkpoints must be a list, got {last_checkpoints!r}.")
        self._last_checkpoints = [(p, time.time()) for p in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time: list) -> None:
        """Sets the kept checkpoints as ``(path, timestamp)`` pairs, oldest first."""
        if not isinstance(last_checkpoints_with_time, list):
            raise TypeError("last_checkpoints_with_time must be a list, got "
                            f"{last_checkpoints_with_time!r}.")
        self._last_checkpoints = [(str(p), float(t)) for p, t in last_checkpoints_with_time]

    def recover_last_checkpoints(self, checkpoint_paths: list[str]) -> None:
        """Adopts existing checkpoints (e.g. after a crash) with their index mtimes."""
        self.set_last_checkpoints_with_time(
            [(p, m[0]) for p in checkpoint_paths if (m := mgmt.get_checkpoint_mtimes([p]))])

    def as_saver_def(self) -> SaverDef:
        """A ``SaverDef``-like record of this Saver's configuration and op names."""
        self.build()
        restore = "" if self._is_empty else self._restore_op.name
        filename = "" if self._is_empty else self._filename_tensor.name
        return SaverDef(filename, restore, self._max_to_keep, self._keep_hours,
                        self._sharded)

    def _record_last_checkpoint(self, path: str) -> None:
        if not self._max_to_keep:
            return
        self._last_checkpoints = [(p, t) for p, t in self._last_checkpoints if p != path]
        self._last_checkpoints.append((path, time.time()))
        if len(self._last_checkpoints) > self._max_to_keep:
            self._checkpoints_to_be_deleted.append(self._last_checkpoints.pop(0))

    def _maybe_delete_old_checkpoints(self, meta_graph_suffix: str) -> None:
        while self._checkpoints_to_be_deleted:
            path, stamp = self._checkpoints_to_be_deleted.pop(0)
            if stamp > self._next_checkpoint_time:  # keep one per N hours
                self._next_checkpoint_time += self._keep_hours * 3600
                continue
            mgmt.remove_checkpoint(path, meta_graph_suffix=meta_graph_suffix)

    # -- save / restore --------------------------------------------------------------
    def save(self, sess: Any, save_path: str, global_step: Any = None,
             latest_filename: str | None = None, meta_graph_suffix: str = "meta",
             write_meta_graph: bool = True, write_state: bool = True,
             strip_default_attrs: bool = False, save_debug_info: bool = False
             ) -> str | None:
        """Writes a checkpoint of the current values and returns its prefix.

        Saves run one at a time (a process-wide lock around reading the step, writing
        the files and the state file), so a checkpoint thread's save begun before another
        save is also recorded before it: the state file's latest checkpoint is the last
        save begun (a Supervisor's first periodic save could otherwise finish after the
        final one and name step 0 the latest).

        Args:
            sess: the session to read values from.
            save_path: the checkpoint prefix, e.g. ``'/ckpt/model.ckpt'``.
            global_step: an int, or a variable/tensor whose value is read; appended as
                ``-<step>``.
            latest_filename: the state file's name (default ``checkpoint``).
            meta_graph_suffix: the meta file's suffix (its name when deleting).
            write_meta_graph: also write ``<prefix>.meta`` (the graph's ``MetaGraphDef``).
            write_state: record the checkpoint in the state file and apply ``max_to_keep``.
            strip_default_attrs, save_debug_info: accepted for TF compatibility.

        Returns:
            The checkpoint prefix, or None for an empty Saver.

        Raises:
            TypeError: if ``sess`` cannot run.
            ValueError: if the parent directory does not exist, or ``latest_filename`` has
                a directory part.
        """
        with _SAVE_LOCK:
            return self._save(sess, save_path, global_step, latest_filename,
                              meta_graph_suffix, write_meta_graph, write_state,
                              strip_default_attrs, save_debug_info)

    def _save(self, sess: Any, save_path: str, global_step: Any, latest_filename: str | None,
              meta_graph_suffix: str, write_meta_graph: bool, write_state: bool,
              strip_default_attrs: bool, save_debug_info: bool) -> str | None:
        del strip_default_attrs, save_debug_info
        if not self._is_built:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        if not callable(getattr(sess, "run", None)):
            raise TypeError(f"'sess' must be a Session; {sess!r}")
        if latest_filename is None:
            latest_filename = mgmt.STATE_FILENAME
        elif os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = os.fspath(save_path)
        if global_step is not None:
            step = _global_step_value(sess, global_step)
            fmt_step = f"{step:08d}" if self._pad_step_number else str(step)
            checkpoint_file = f"{save_path}-{fmt_step}"
        else:
            step, checkpoint_file = None, save_path
        if self._is_empty:
            return None
        save_dir = os.path.dirname(save_path)
        if save_dir and not os.path.isdir(save_dir):
            # TF's SaveV2 creates the checkpoint's own directory, not missing ancestors.
            if not os.path.isdir(os.path.dirname(save_dir) or "."):
                raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
            os.mkdir(save_dir)
        with save_barrier.quiesced(self._graph, sess):  # queue runners hold still
            tensors = items_.assemble(self._variables,
                                      sess.run([v for _, v, _ in self._variables]))
            for name, obj in self._all_saveables():
                state = obj.saveable_state(sess)
                if _names_keys(obj):
                    tensors.update(state)
                    continue
                tensors[name + SAVEABLE_SUFFIX] = np.array(sorted(state), dtype=object)
                for key, value in state.items():
                    tensors[f"{name}{SAVEABLE_SUFFIX}/{key}"] = value
        meta = self._meta_graph_bytes() if write_meta_graph else None
        mgmt.remove_stale_temporaries(save_dir or ".")
        fmt.write_checkpoint(checkpoint_file, tensors, meta)
        if write_state:
            self._record_last_checkpoint(checkpoint_file)
            mgmt.update_checkpoint_state(
                save_dir or ".", checkpoint_file, self.last_checkpoints, latest_filename,
                [t for _, t in self._last_checkpoints], self._last_preserved_timestamp)
            self._maybe_delete_old_checkpoints(meta_graph_suffix)
        return checkpoint_file

    def export_meta_graph(self, filename: str | None = None,
                          collection_list: list | None = None, as_text: bool = False,
                          export_scope: str | None = None, clear_devices: bool = False,
                          clear_extraneous_savers: bool = False,
                          strip_default_attrs: bool = False,
                          save_debug_info: bool = False) -> Any:
        """The graph's ``MetaGraphDef`` with this Saver's ``SaverDef`` (written to
        ``filename`` when given); ``clear_devices`` empties every node's device."""
        from trainkit.training import meta_graph

        return meta_graph.export_meta_graph(
            filename=filename, saver_def=self.as_saver_def(),
            collection_list=collection_list, as_text=as_text, graph=self._graph,
            export_scope=export_scope, clear_devices=clear_devices,
            clear_extraneous_savers=clear_extraneous_savers,
            strip_default_attrs=strip_default_attrs, save_debug_info=save_debug_info)

    def _meta_graph_bytes(self) -> bytes:
        from trainkit.training import meta_graph

        self._meta_cache, data = meta_graph.cached_meta_graph_bytes(
            self._graph, self.as_saver_def(), getattr(self, "_meta_cache", None))
        return data

    def _all_saveables(self) -> list[tuple[str, Any]]:
        extra = [(RANDOM_STATE_NAME, self._random_state)] if self._random_state else []
        return self._saveables + extra

    def restore(self, sess: Any, save_path: str) -> None:
        """Restores every variable and saveable object from checkpoint ``save_path``.

        Nothing is changed unless every variable's key, dtype and shape match.

        Raises:
            ValueError: if ``save_path`` is None or not a checkpoint.
            NotFoundError: if a variable's or saveable's key is not in the checkpoint.
            InvalidArgumentError: on a shape or dtype mismatch.
            DataLossError: if the checkpoint is damaged.
        """
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = os.fspath(save_path)
        if not mgmt.checkpoint_exists(prefix):
            raise ValueError(f"The passed save_path is not a valid checkpoint: {prefix}")
        _LOG.info("Restoring parameters from %s", prefix)
        default = self._var_list is None
        try:
            index = fmt.read_index(prefix)
            groups = []
            for name, obj in self._all_saveables():
                if _names_keys(obj):
                    keys = list(obj.checkpoint_names)
                    missing = [k for k in keys if k not in index.entries]
                    if missing:
                        raise errors.NotFoundError(None, None, f"Key {missing[0]} not found "
                                                               "in checkpoint")
                    groups.append((obj, fmt.read_tensors(index, keys)))
                    continue
                if name + SAVEABLE_SUFFIX not in index.entries:
                    if default:
                        # A default Saver restores what both the graph and the checkpoint
                        # hold (an eval graph restoring a training checkpoint, or a
                        # checkpoint written without random state).
                        if obj is not self._random_state:
                            _LOG.warning("Checkpoint %s holds no state for %s; it starts "
                                         "fresh.", prefix, name)
                        continue
                    raise errors.NotFoundError(None, None, f"Key {name + SAVEABLE_SUFFIX} "
                                                           "not found in checkpoint")
                keys = fmt.read_tensors(index, [name + SAVEABLE_SUFFIX])
                keys = [k.decode("utf-8") for k in keys[name + SAVEABLE_SUFFIX].tolist()]
                full = [f"{name}{SAVEABLE_SUFFIX}/{k}" for k in keys]
                values = fmt.read_tensors(index, full)
                groups.append((obj, {k: values[f] for k, f in zip(keys, full)}))
            sess.run(self._restore_op, {self._filename_tensor: prefix})
        except errors.NotFoundError as e:
            raise _wrap(e, "a Variable name or other graph key that is missing") from None
        except errors.InvalidArgumentError as e:
            raise _wrap(e, "a mismatch between the current graph and the graph") from None
        for obj, state in groups:
            try:
                obj.restore_saveable_state(sess, state)
            except (KeyError, ValueError, IndexError, TypeError) as e:
                # State written by another object under this name (an eval graph's input
                # pipeline vs the training one).
                msg = (f"the state saved as {obj.name} in {prefix} does not fit that object "
                       f"of the current graph ({type(e).__name__}: {e})")
                if not default:
                    raise errors.InvalidArgumentError(
                        None, None, f"Restoring from checkpoint failed: {msg}.") from None
                _LOG.warning("Checkpoint: %s; it starts fresh.", msg)


def _names_keys(obj: Any) -> bool:
    """Whether a saveable names its own checkpoint keys (see the module doc)."""
    return getattr(obj, "checkpoint_names", None) is not None


def _check_named_keys(variables: list, saveables: list) -> None:
    seen = {name for name, _, _ in variables}
    for _, obj in saveables:
        if not _names_keys(obj):
            continue
        for key in obj.checkpoint_names:
            if key in seen:
                raise ValueError(f"At least two variables have the same name: {key} "
                                 f"(saved by {obj.name} too)")
            seen.add(key)


def _wrap(err: errors.OpError, reason: str) -> errors.OpError:
    message = (f"Restoring from checkpoint failed. This is most likely due to {reason} from "
               "the checkpoint. Please ensure that you have not altered the graph expected "
               f"based on the checkpoint. Original error:\n\n{err.message}")
    return type(err)(err.node_def, err.op, message)


__all__ = ["RANDOM_STATE_NAME", "SAVEABLE_SUFFIX", "Saver", "SaverDef"]
