"""Screens of the workbench, one per file (counts and reconcile come from other areas)."""
