"""A reproducible reading of the Shanghai press conference of 13 April 2020 (在线新经济)."""

__version__ = "0.1.0"
