"""The report: class changes for classifiers, overflow counts, no crash on huge errors."""

import math

from exactnet.dataset import Dataset
from exactnet.export import measure, parse_dtype
from exactnet.export.measure import error_stats
from exactnet.labels import argmax_hits
from exactnet.network import Layer, Network
from exactnet.rational import Q


def _classifier():
    net = Network((Layer(((Q(1), Q(0)), (Q(0), Q(1))), (Q(0), Q(0)), "relu"),
                   Layer(((Q(1), Q(-1)), (Q(-1), Q(1))), (Q(0), Q(1, 1000)), "linear")),
                  {"labels": "one-hot", "classes": ["cat", "dog"]})
    X = [(Q(5), Q(5)), (Q(1), Q(3)), (Q(4), Q(2))]
    return net, Dataset.from_rows(X, [net(x) for x in X])


def test_class_changes_are_counted_only_for_classifiers():
    net, data = _classifier()
    report, _ = measure(net, parse_dtype("fixed:Q4.4"), data)  # 1/1000 rounds to 0: (5, 5) ties, argmax moves
    assert report.arithmetic.class_changes == 1 and report.rounding.class_changes == 1
    report, _ = measure(net, parse_dtype("float64"), data)
    assert report.arithmetic.class_changes == 0
    plain = Network(net.layers)
    assert measure(plain, parse_dtype("float64"), data)[0].arithmetic.class_changes is None


def test_a_tie_is_not_the_label_for_verify_and_export_alike():
    """One argmax rule: a tie for the largest output predicts no class, even when the label is
    the first of the tied indices; the verifier's count and the export's class changes agree."""
    one_hot = [(1, 0), (0, 1), (1, 0)]
    outputs = [(Q(1), Q(1)), (Q(2), Q(2)), (Q(3), Q(-1))]  # tie at the label, tie, the label
    assert argmax_hits(outputs, one_hot) == 1
    changes = error_stats("tie", outputs, one_hot, ["cat", "dog"]).class_changes
    assert changes == len(one_hot) - argmax_hits(outputs, one_hot) == 2


def test_overflow_is_reported_not_raised():
    net = Network((Layer(((Q(10**6),),), (Q(0),), "relu"), Layer(((Q(10**6),),), (Q(-1),), "linear")))
    X = [(Q(3),), (Q(1, 7),)]
    data = Dataset.from_rows(X, [net(x) for x in X])
    report, _ = measure(net, parse_dtype("float16"), data)
    assert report.weights_overflowed == 2 and report.max_error == math.inf
    assert report.arithmetic.nonfinite == 2 and report.bound == (math.inf,)
    report, _ = measure(net, parse_dtype("float32"), data)
    assert report.weights_overflowed == 0 and report.overflows == 0 and report.max_error <= report.bound[0]
    report, _ = measure(net, parse_dtype("fixed:Q24.8"), data)
    assert report.overflows > 0  # 3e12 saturates the 32-bit storage
