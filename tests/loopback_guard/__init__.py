"""The loopback guard: see guard.py."""
