"""screener: the screening half of a systematic review, from a terminal."""

__version__ = "0.1.0"
