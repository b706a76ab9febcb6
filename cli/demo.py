"""exactnet demo: the seed's example, built, printed and checked exactly."""

from __future__ import annotations

import typer

from exactnet.construct.theorem3 import build_two_layer
from exactnet.data.synthetic import integer_data
from exactnet.rational import to_text
from exactnet.verifier import verify

from .common import EXIT_CHECK_FAILED, fail, out, user_errors

DEMO_POINTS = 400
DEMO_DIM = 64


def demo(
    a1: int = typer.Option(3, "--a1", help="First hidden layer width."),
    a2: int = typer.Option(3, "--a2", help="Second hidden layer width."),
    dim: int = typer.Option(5, "--dim", help="Input dimension."),
    seed: int = typer.Option(0, "--seed", help="Seed for the data and the projection."),
) -> None:
    """Memorize a1*a2 random points (integer inputs and outputs in [0, 100)) and show everything."""
    with user_errors():
        if a1 < 1 or a2 < 1 or dim < 1:
            fail(f"--a1, --a2 and --dim must be at least 1 (got {a1}, {a2}, {dim})")
        if a1 * a2 > DEMO_POINTS or dim > DEMO_DIM:
            fail(f"the demo prints every point and weight: a1 * a2 = {a1 * a2:,} points and --dim {dim} must stay "
                 f"within {DEMO_POINTS:,} points and {DEMO_DIM} inputs; use build on a data file for more")
        data = integer_data(a1 * a2, dim, seed)
        net = build_two_layer(data, a1, a2, seed=seed)
        cert = verify(net, data)
    out.print(f"({dim}, {a1}, {a2}, 1) ReLU network, {data.n} points\n")
    out.print("input (one row per point) -> output")
    for x, y in zip(data.X, data.Y):
        out.print(f"  [{' '.join(f'{to_text(v):>3}' for v in x)}] -> {to_text(y[0])}")
    names = ("1st layer", "2nd layer", "output layer")
    for name, layer in zip(names, net.layers):
        out.print(f"\n{name}: weights ({layer.shape[0]} x {layer.shape[1]}), then bias")
        for row, b in zip(layer.weights, layer.bias):
            out.print("  [" + ", ".join(map(to_text, row)) + f"]  bias {to_text(b)}")
    out.print("\nexact check: network(x) - y for every point")
    got = [net(x)[0] for x in data.X]
    out.print("  [" + ", ".join(to_text(g - y[0]) for g, y in zip(got, data.Y)) + "]")
    out.print(f"independent verifier: {'exact' if cert.exact else 'NOT exact'}, max error {to_text(cert.max_error)}")
    if not cert.exact:
        fail("the construction did not verify", EXIT_CHECK_FAILED)
