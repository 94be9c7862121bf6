"""Presence reports (lapor diri)."""
