"""The HTTP edge shared by every slice: dependencies, problem details, media types, health, access log, headers."""
