"""chitieu: Vietnamese news → fractions, percentages and periods as data."""

__version__ = "0.1.0"
