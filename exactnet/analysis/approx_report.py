"""The function sizing as a table: every quantity of an ``Approximation`` with how it was found."""

from __future__ import annotations

from fractions import Fraction

from exactnet.analysis.approx import Approximation
from exactnet.analysis.report import Column, Report


def report(ap: Approximation) -> Report:
    """The sizing and its check as a table of quantities."""
    def g(q: Fraction) -> str:
        return f"{float(q):.6g}"

    rows = [
        ("function", ap.expr, "parsed by the safe expression language"),
        ("interval", f"[{ap.a}, {ap.b}]", "exact"),
        ("eps", g(ap.eps), "target max error"),
        ("M = max |f''|", f"in [{g(ap.M.lower)}, {g(ap.M.upper)}]",
         f"arb interval arithmetic + forward-mode derivatives, {ap.M.boxes} boxes"
         + ("" if ap.M.converged else " (box limit reached: upper bound looser)")),
        ("rule", "M h^2/2 <= eps - delta" if ap.rule == "seed" else "M h^2/8 <= eps - delta",
         "seed 003 (Taylor)" if ap.rule == "seed" else "linear interpolation bound"),
        ("pieces n", f"{ap.pieces:,}", "smallest n meeting the rule with the upper bound of M"),
        ("hidden neurons", f"{ap.network.widths[0]:,}", "one hidden layer, breaks at the nodes"),
        ("h", g(ap.h), "(b - a) / n, exact"),
        ("delta", g(ap.delta), f"rounding of f at nodes: multiples of 2^-{ap.rounding_bits}, |error| <= delta"),
        ("estimate M h^2/2", g(ap.seed_estimate), "seed 003's error estimate"),
        ("guaranteed bound M h^2/8 + delta", g(ap.guaranteed), "rigorous on [a, b]"),
        ("measured max error", f"{ap.measured:.6g}", f"float64 on {ap.grid:,} equally spaced points"),
        ("exact at the nodes", "yes" if ap.verified else "NO", f"all n + 1 nodes, checked by {ap.checked_by}"),
        ("parameters", f"{ap.network.parameter_count():,}", "1 -> n -> 1"),
        ("largest parameter", f"{ap.network.bit_stats()['largest_bits']:,} bits", "exact rationals"),
    ]
    return Report(
        title=f"piecewise-linear network for {ap.expr} on [{ap.a}, {ap.b}], eps = {g(ap.eps)}",
        columns=(Column("quantity", "quantity"), Column("value", "value"), Column("how", "how")),
        rows=tuple({"quantity": q, "value": v, "how": h} for q, v, h in rows),
        caption="M is a rigorous enclosure; the measured error is a float64 measurement",
        extra={"pieces": ap.pieces, "M_upper": str(ap.M.upper), "M_lower": str(ap.M.lower),
               "guaranteed": str(ap.guaranteed), "measured": ap.measured, "verified": ap.verified},
    )
