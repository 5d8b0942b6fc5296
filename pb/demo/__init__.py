"""The demo: Tuusula, its development networks and their rounds, made through the services like real data."""
