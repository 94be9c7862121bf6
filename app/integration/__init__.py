"""Data integration: SISKOP2MI placements in, Peduli WNI presence out, one person per human, statistics."""
