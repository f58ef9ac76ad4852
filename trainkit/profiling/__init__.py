"""The model analyzer behind ``tk.profiler`` (TF 1.15's ``tf.compat.v1.profiler``): FLOP
and parameter counts per graph node, organized as TF's name-scope tree and printed as
TF's text report. Reads graphs only (framework); runs nothing."""
