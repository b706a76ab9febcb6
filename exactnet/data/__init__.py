"""Data: the validated exact ``Dataset``, its readers, integer inputs as one array
(``IntegerRows``), class labels, reproducible synthetic data and hypothesis strategies."""
