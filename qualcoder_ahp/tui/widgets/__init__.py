"""Widgets of the workbench: the Line-API transcript view and side-panel text."""
