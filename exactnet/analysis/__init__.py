"""Analysis: capacity planning, activity on data, the noise size measure, function sizing.

* ``plan``: architectures for N points, and what B neurons memorize (``plan_points``, ``plan_budget``)
* ``bits``: predicted largest-parameter bits, from builds of the construction itself
* ``regions``: neurons zero on the data, activation patterns, linear pieces (one input)
* ``noise``: sum of squares of outputs on Gaussian noise against the data's own
* ``expr`` / ``approx``: a safe one-variable expression language and the second-derivative sizing
  of a piecewise-linear one-hidden-layer network, from ``enclosure`` (arb balls and jets),
  ``curvature`` (max |f''| and the piece count), ``interpolant`` (node values, the network) and
  ``grid_error`` (the float64 measurement); ``approx_report`` shows it as a table
* ``report``: the table every analysis returns (rendered by the CLI, or as CSV/JSON)

Nothing here prints; every function returns values or a ``Report``.
"""

from __future__ import annotations

from exactnet.analysis.plan import plan_budget, plan_points
from exactnet.analysis.report import Column, Report

__all__ = ["Column", "Report", "plan_budget", "plan_points"]
