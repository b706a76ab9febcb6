"""Inoue's Theorem 3 (one output) and Theorem 4 (m outputs, ``multi_output``): the smallest
two-hidden-layer networks, with exact rational weights."""

from __future__ import annotations

import time

from exactnet.construct.assembly import assemble, provenance
from exactnet.construct.multi_output import build_multi_output
from exactnet.construct.projected import sort_by_projection
from exactnet.construct.segments import cut
from exactnet.construct.two_layer import second_layer
from exactnet.construct.widths import choose_widths
from exactnet.data.dataset import Dataset
from exactnet.network import Network
from exactnet.progress import Progress


def build_two_layer(data: Dataset, a1: int | None = None, a2: int | None = None, seed: int = 0,
                    progress: Progress | None = None) -> Network:
    """A network with hidden widths exactly (a1, a2) that returns every output of ``data``
    exactly: Inoue's Theorem 3 for one output, Theorem 4 (``multi_output``) for m > 1.
    Missing widths are chosen by ``choose_widths``.

    Raises ``CapacityError`` when N > a1 * (a2 div m) + (a2 mod m). Deterministic for a given
    ``seed``. ``progress(done, a2)`` is called per second-layer neuron built.
    Cost: O(N d) for the projection, O(N log N) for the sort, O(N m) exact operations for the layers.
    """
    w = choose_widths(data.n, data.outputs, data.dim, a1, a2)
    a1, a2 = w.a1, w.a2
    if data.outputs > 1:
        return build_multi_output(data, a1, a2, seed=seed, progress=progress).with_meta(widths_reason=w.reason)
    start = time.perf_counter()
    sort = sort_by_projection(data, seed)
    proj, t, y = sort.projection, sort.t, [row[0] for row in sort.ys]
    seg = cut(t, a2)
    layer2 = second_layer(t, y, seg, a2, progress)
    net = assemble(proj, seg.knots, a1, [(G, seg.knots) for G in layer2.values], [list(layer2.v)], [layer2.d0])
    return net.with_meta(
        construction="two-hidden-layer",
        theorem="Inoue 2020, Theorem 3",
        widths_reason=w.reason,
        **provenance(data, proj, a1, a2, seed, start),
    )
