"""The round lifecycle: moving rounds through their phases, closing voting and tallying, by schedule or by hand."""
