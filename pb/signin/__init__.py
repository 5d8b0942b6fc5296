"""Resident sign-in with OpenID Connect: the authorization code flow with PKCE, and pb's sessions."""
