"""The independent exact verifier: the whole trusted base, as one package.

``verify(net, data)`` evaluates a stored network on stored data and returns a ``Certificate``:
exact or not, every failing point counted (the first few listed), the exact largest error, and
the arithmetics the network is exact in on the data (``Arithmetic.holds``: rational, binary64,
int64, ...). Modules, one idea each:

* ``certificate``: the certificate, the registry of evaluation paths and the choice among them;
* ``outputs``: the one type every path returns (exact output blocks) and the one comparer;
* ``general``: the reference evaluator, any network and rational data (integers, FLINT);
* ``dyadic``: dyadic networks in float64 (where the certificate proves it exact) or integers;
* ``prefix``: the second layer by prefix sums when first-layer rows are multiples of one row;
* ``piecewise``: y = F(w . x) interpolated exactly between the breakpoints of ``sweep``;
* ``sweep``: exact output ranges over a box (the breakpoint sweep along t = w . x);
* ``span``: grids, bit spans and the per-format verdicts (``Arithmetic``);
* ``blocks``: one function over blocks of points, here, in processes or as dask tasks.

The package imports only the core modules (``exactnet.data.dataset``,
``exactnet.data.integer_rows``, ``exactnet.network``, ``exactnet.files``, ``exactnet.rational``,
``exactnet.errors``, ``exactnet.progress``), never ``exactnet.construct``: a test enforces it
over every module here.
"""

from exactnet.verifier.certificate import Certificate, network_digest, verify
from exactnet.verifier.general import evaluate_all, preactivations
from exactnet.verifier.outputs import Failure
from exactnet.verifier.span import Arithmetic
from exactnet.verifier.sweep import OutputRange, output_range

__all__ = ["Arithmetic", "Certificate", "Failure", "OutputRange", "evaluate_all", "network_digest", "output_range",
           "preactivations", "verify"]
