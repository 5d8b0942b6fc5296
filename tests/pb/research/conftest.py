"""Research exports are tested on the closed and tallied round the results tests build."""

from tests.pb.results.conftest import closed

__all__ = ["closed"]
