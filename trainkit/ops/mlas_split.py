"""When ONNX Runtime's own threads compute a float32 product with the one-thread bits.

ONNX Runtime's GEMM library (MLAS) cuts a product among its intra-op threads: by rows
when ``M >= N``, else by columns, in parts that are whole multiples of 16 columns but
the last. Every thread then runs the one-thread routine on its part, and that routine
picks its blocking of the inner dimension ``K`` from its part's width ``w``: starting
from 128 columns by 128 of ``K``, while ``w < K`` (and ``A`` is not transposed) it
halves the column block and doubles the ``K`` block as long as the halved column block
stays >= 16 and >= ``w``. A narrow part can so sum its ``K`` products in other blocks
than the whole product does, and round differently (measured with ONNX Runtime 1.32:
33x4096x65 on two threads differs from one thread by up to 1e-4); a part whose ``K``
blocking is the whole product's gives the same bits, since each output element is then
summed over the same blocks in the same order. Row parts keep the width and so the bits.

:func:`thread_split_keeps_bits` mirrors that rule for every thread count up to a bound;
``ops.gemm`` checks it against the runtime itself before it lets the runtime's threads
compute a product (``tests/ops/test_gemm_pool.py`` compares the two on a grid of
shapes), so a runtime that blocks differently falls back to one thread.

Example:
    >>> thread_split_keeps_bits(128, 784, 512, False, 2)   # parts 256 wide: same blocks
    True
    >>> thread_split_keeps_bits(33, 4096, 65, False, 2)    # parts 48 and 17 wide
    False
"""

from __future__ import annotations

#: MLAS's default column and inner-dimension blocks of a float32 product
STRIDE_N = 128
STRIDE_K = 128
#: column parts of a thread split are multiples of this many columns (but the last)
ALIGN_N = 16


def k_block(width: int, k: int, transposed_a: bool) -> int:
    """The inner-dimension block MLAS's one-thread float32 routine uses for an output
    part ``width`` columns wide; ``k`` (one block) when it covers the whole of ``k``."""
    stride_n, stride_k = STRIDE_N, STRIDE_K
    if width >= k:
        while stride_k // 2 >= k:
            stride_k //= 2
    elif not transposed_a:
        while stride_n > 16 and stride_n // 2 >= width:
            stride_n //= 2
            stride_k *= 2
    return k if stride_k >= k else stride_k


def column_parts(n: int, threads: int) -> list[int]:
    """Widths of the column parts of an ``n``-column product cut among ``threads``
    threads (16-column blocks dealt out as evenly as possible, extra blocks first)."""
    blocks = -(-n // ALIGN_N)
    threads = min(threads, blocks)
    each, extra = divmod(blocks, threads)
    widths, start = [], 0
    for t in range(threads):
        count = (each + (t < extra)) * ALIGN_N
        widths.append(min(count, n - start))
        start += count
    return widths


def thread_split_keeps_bits(m: int, k: int, n: int, transposed_a: bool,
                            most_threads: int) -> bool:
    """Whether MLAS, cutting the float32 product ``[m, k] @ [k, n]`` among any number of
    threads from 2 to ``most_threads``, computes every element as in one thread."""
    if m >= n or k <= STRIDE_K:
        return True   # row parts keep the width; a K of one block is one block anyway
    whole = k_block(n, k, transposed_a)
    return all(k_block(w, k, transposed_a) == whole
               for t in range(2, most_threads + 1) for w in column_parts(n, t))


__all__ = ["thread_split_keeps_bits", "k_block", "column_parts", "STRIDE_N", "STRIDE_K",
           "ALIGN_N"]
