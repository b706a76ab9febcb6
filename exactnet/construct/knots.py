"""The one rule that turns a continuous piecewise-linear function of one number t into ReLU
weights.

A function with value ``c`` at the first knot k_0 and slope s_i after knot k_i (i = 0, 1, ...)
equals ``c + sum_i (s_i - s_(i-1)) relu(t - k_i)`` from k_0 on, with s_(-1) = 0: the bias is
the first value and each knot's weight is the change of slope there. Every construction and the
function interpolant state their functions by knot values or by slopes and get their weights
here. Exact: no number is rounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from exactnet.network import Layer, Network
from exactnet.rational import Q


def chord_slopes(values: Sequence[Any], knots: Sequence[Any]) -> list[Any]:
    """The slope between each pair of neighbouring knots of the function with ``values`` at the
    ascending ``knots`` (one fewer than the knots)."""
    return [(values[i + 1] - values[i]) / (knots[i + 1] - knots[i]) for i in range(len(knots) - 1)]


def slope_changes(slopes: Sequence[Any]) -> list[Any]:
    """The weight of each knot's ReLU: the first slope, then each slope minus the one before."""
    return [slopes[0]] + [slopes[i] - slopes[i - 1] for i in range(1, len(slopes))]


def knot_weights(values: Sequence[Any], knots: Sequence[Any], width: int) -> tuple[Any, list[Any]]:
    """Bias and ``width`` weights (one per ReLU ``relu(t - knots[i])``, zero past the used
    knots) of the function with ``values`` at ``knots``: equal to it from ``knots[0]`` on."""
    row = slope_changes(chord_slopes(values, knots))
    return values[0], row + [Q(0)] * (width - len(row))


def one_hidden_layer(w: Sequence[Any], knots: Sequence[Any], slopes: Sequence[Sequence[Any]],
                     start: Sequence[Any]) -> Network:
    """The network ``x -> start + sum_k (slopes[k] - slopes[k-1]) relu(w . x - knots[k])``: one
    hidden neuron per knot, ``len(start)`` outputs, ``slopes[k]`` the outputs' slope vector (in
    t = w . x) after ``knots[k]``; the outputs are ``start`` up to the first knot."""
    w = tuple(w)
    hidden = Layer(tuple(w for _ in knots), tuple(-k for k in knots), "relu")
    rows = tuple(tuple(slope_changes([s[o] for s in slopes])) for o in range(len(start)))
    return Network((hidden, Layer(rows, tuple(start), "linear")))
