"""``python -m pb``: the ``pb`` command line."""

from pb.cli.main import main

main()
