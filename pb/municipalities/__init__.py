"""Municipalities: the tenants of a pb deployment."""
