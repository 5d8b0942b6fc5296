"""Ballot formats, tallying rules and Pabulib I/O for participatory budgeting.

A pure library: it imports only the standard library and numpy, does no I/O beyond parsing the text it is
handed, reads no clock and keeps no global state. It never imports ``pb``.
"""

__version__ = "0.1.0"
