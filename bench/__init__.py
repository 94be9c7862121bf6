"""Benchmarks (not tests): see bench/RESULTS.md."""
