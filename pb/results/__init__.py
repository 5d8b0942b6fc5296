"""Results: tally on close, signed manifests, verification, public results, exports, implementation."""
