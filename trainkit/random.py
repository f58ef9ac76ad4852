"""``tk.random``: random ops under their ``tf.compat.v1.random`` names."""

from __future__ import annotations

from trainkit.ops.candidate_sampling_ops import (
    all_candidate_sampler,
    fixed_unigram_candidate_sampler,
    learned_unigram_candidate_sampler,
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)
from trainkit.ops.random_more import gamma, poisson
from trainkit.ops.random_ops import (
    categorical,
    get_seed,
    multinomial,
    random_shuffle,
    set_random_seed,
    truncated_normal,
)
from trainkit.ops.random_ops import random_normal as normal
from trainkit.ops.random_ops import random_shuffle as shuffle
from trainkit.ops.random_ops import random_uniform as uniform
from trainkit.ops.random_ops import set_random_seed as set_seed
from trainkit.ops.stateless_random_ops import (
    stateless_categorical,
    stateless_multinomial,
    stateless_normal,
    stateless_truncated_normal,
    stateless_uniform,
)
