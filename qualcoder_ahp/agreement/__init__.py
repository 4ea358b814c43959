"""Inter-rater agreement: coefficients from counts, interval sweeps, units and views.

Plain Python (no Textual, no tables): :mod:`stats` computes every coefficient from
counts, :mod:`intervals` turns merged half-open spans into counts by a sweep,
:mod:`units` maps spans onto character / sentence / turn / segment units,
:mod:`unitizing` is Krippendorff's u-alpha, and :mod:`compute` builds the views
(theme x transcript, theme, overall) and the disagreement list from a store.
"""
