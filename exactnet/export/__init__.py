"""Export: round an exact network to float or fixed point, measure the error on data, write
npz, ONNX, C or JSON files, and find the smallest precision that keeps a tolerance."""

from exactnet.export.api import FORMATS, export_network, parse_format
from exactnet.export.dtypes import ExportError, FixedType, FloatType, parse_dtype
from exactnet.export.measure import ErrorStats, ExportReport, measure
from exactnet.export.precision import PrecisionReport, min_precision

__all__ = [
    "FORMATS", "ErrorStats", "ExportError", "ExportReport", "FixedType", "FloatType", "PrecisionReport",
    "export_network", "measure", "min_precision", "parse_dtype", "parse_format",
]
