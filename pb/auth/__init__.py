"""Who is calling: API tokens, principals and access rules."""
