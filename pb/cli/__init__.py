"""The ``pb`` command line: one module per command group; each imports what it uses only when it runs."""
