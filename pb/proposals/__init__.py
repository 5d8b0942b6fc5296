"""Proposals and deliberation: from residents' ideas to ballot projects."""
