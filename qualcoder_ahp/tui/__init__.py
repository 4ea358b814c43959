"""The Textual workbench. Import :func:`make_app` from :mod:`qualcoder_ahp.tui.app`.

Nothing is imported here so that ``qualcoder_ahp.tui.jobs`` (used by the CLI) does
not pull in Textual.
"""
