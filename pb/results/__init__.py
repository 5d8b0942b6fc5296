"""Results: tally on close, signed manifests, verification, public results and charts, implementation."""
