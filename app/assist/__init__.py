"""Registration and requests made with someone's help (issue 16, capability 3)."""
