"""Helpers for the reliability tests: a small project builder and subprocess scripts."""
