"""The options that say how thematic saturation is assessed, shared by ``qcahp
saturation`` and ``qcahp chart saturation`` (:mod:`qualcoder_ahp.cli.saturation`,
:mod:`qualcoder_ahp.cli.reports`), so that both read them alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def _threshold(_ctx: click.Context, _param: click.Parameter, value: str) -> float:
    """``5``, ``5%`` or ``2.5``: a percentage from 0 to 100."""
    try:
        number = float(str(value).strip().rstrip("%"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a percentage (such as 5 or 5%)") from None
    if not 0 <= number <= 100:
        raise click.BadParameter(f"{value!r} is not between 0 and 100")
    return number


SATURATION_OPTIONS = ("level", "min_codings", "base", "run_length", "threshold", "order_by",
                      "order")
"""The parameters :func:`saturation_options` adds (``chart`` refuses them for its other
kinds)."""


def saturation_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """How saturation is assessed, the same in ``saturation`` and ``chart saturation``
    (:func:`qualcoder_ahp.reports.saturation.saturation`)."""
    from qualcoder_ahp.reports.saturation import BASE, RUN, THRESHOLD

    for option in reversed((
        click.option("--base", type=click.IntRange(1), default=BASE, show_default=True,
                     metavar="N", help="Cases in the base: its themes are the denominator."),
        click.option("--run", "run_length", type=click.IntRange(1), default=RUN,
                     show_default=True, metavar="N",
                     help="Cases in a run, the window new themes are counted in."),
        click.option("--threshold", default=f"{THRESHOLD:g}", show_default=True,
                     metavar="PCT", callback=_threshold,
                     help="New information threshold, % of the base's themes (0% is "
                          "reported too)."),
        click.option("--order-by", metavar="ATTR",
                     help="Order the cases by this participant attribute (an interview "
                          "date: dates and numbers sort as such) [default: import order]."),
        click.option("--order", multiple=True, metavar="NAME,NAME,...",
                     help="Order the cases as given: every case, its name, commas between."),
        click.option("--min-codings", type=click.IntRange(1), default=1, show_default=True,
                     metavar="N", help="Coded passages of a theme a case needs for the "
                                       "theme to count as present."),
        click.option("--level", type=click.IntRange(1), metavar="N",
                     help="Count themes at this depth of the codebook (1: top-level; "
                          "deeper codings roll up) [default: as coded]."),
    )):
        func = option(func)
    return func
