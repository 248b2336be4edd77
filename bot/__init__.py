"""Question answering over Vietnamese local development plan articles."""

__version__ = "0.1.0"
