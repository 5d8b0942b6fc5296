"""``python -m pb``: the ``pb`` command line."""

from pb.cli import main

main()
