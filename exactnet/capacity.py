"""Memorization capacities: how many points a ReLU architecture memorizes exactly, constructively.

These are the counts the constructions accept (and tests check them at the boundary):

* two hidden layers (a1, a2) with m outputs: a1 * (a2 div m) + (a2 mod m)  (Inoue, Theorems 3, 4)
* one hidden layer of h neurons, any number of outputs: h + 1  (the classical interpolant)
"""

from __future__ import annotations

from exactnet.errors import ArgumentError, InvariantError


def two_layer_capacity(a1: int, a2: int, outputs: int = 1) -> int:
    """Points a two-hidden-layer network with widths (a1, a2) and ``outputs`` outputs memorizes."""
    _positive(a1=a1, a2=a2, outputs=outputs)
    return a1 * (a2 // outputs) + a2 % outputs


def one_layer_capacity(hidden: int) -> int:
    """Points a one-hidden-layer network with ``hidden`` neurons memorizes (any output count)."""
    _positive(hidden=hidden)
    return hidden + 1


def parameter_count(dim: int, widths: list[int], outputs: int) -> int:
    """Weights plus biases of a fully connected network dim -> widths... -> outputs."""
    sizes = [dim, *widths, outputs]
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def smallest_a1(points: int, a2: int, outputs: int = 1) -> int | None:
    """The smallest a1 >= 1 whose capacity with this a2 reaches ``points``; None if none does
    (a2 < outputs and fewer than ``points`` leftover neurons)."""
    per, extra = a2 // outputs, a2 % outputs
    if per == 0:
        return 1 if extra >= points else None
    return max(1, -(-(points - extra) // per))


def smallest_two_layer(points: int, outputs: int = 1, dim: int = 1) -> tuple[int, int]:
    """Widths (a1, a2) with capacity >= ``points``: fewest neurons a1 + a2, then fewest
    parameters for input dimension ``dim``, then the larger a1. O(points) candidates."""
    _positive(points=points, outputs=outputs, dim=dim)
    best: tuple[int, int, int, int, int] | None = None
    for a2 in range(1, points * outputs + outputs + 1):
        a1 = smallest_a1(points, a2, outputs)
        if a1 is None:
            continue
        key = (a1 + a2, parameter_count(dim, [a1, a2], outputs), -a1, a1, a2)
        if best is None or key < best:
            best = key
        if best is not None and a2 > best[0]:
            break
    if best is None:
        raise InvariantError("no widths up to N hold N points")
    return best[3], best[4]


def _positive(**sizes: int) -> None:
    for name, value in sizes.items():
        if value < 1:
            raise ArgumentError(f"{name} must be at least 1, got {value}")


def width_ceiling(points: int, outputs: int = 1) -> int:
    """The widest hidden layer a build for ``points`` points accepts: 2 N M + 16. Wider layers
    only add neurons no point uses, and a hostile width would exhaust memory first."""
    return 2 * points * outputs + 16


def check_width_ceiling(points: int, outputs: int, **widths: int | None) -> None:
    """Raise ``ArgumentError`` for a given width above ``width_ceiling``."""
    top = width_ceiling(points, outputs)
    for name, value in widths.items():
        if value is not None and value > top:
            raise ArgumentError(f"--{name} {value:,} is far beyond what {points:,} point(s) can use: the limit is "
                                f"2 N M + 16 = {top:,} (wider layers only add unused neurons)")
