"""The base every slice stands on: settings, database, tables and shared vocabulary, domain errors, keys."""
