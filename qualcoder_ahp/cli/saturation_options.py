"""The options that say how thematic saturation is assessed, shared by ``qcahp
saturation`` and ``qcahp chart saturation`` (:mod:`qualcoder_ahp.cli.saturation`,
:mod:`qualcoder_ahp.cli.reports`), so that both read them alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from qualcoder_ahp.errors import UserError
from qualcoder_ahp.model.coders_store import split_coders

if TYPE_CHECKING:
    from qualcoder_ahp.model.store import Store


def _threshold(_ctx: click.Context, _param: click.Parameter, value: str) -> float:
    """``5``, ``5%`` or ``2.5``: a percentage from 0 to 100."""
    try:
        number = float(str(value).strip().rstrip("%"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a percentage (such as 5 or 5%)") from None
    if not 0 <= number <= 100:
        raise click.BadParameter(f"{value!r} is not between 0 and 100")
    return number


SATURATION_OPTIONS = ("coders", "level", "min_codings", "base", "run_length", "threshold",
                      "order_by", "order")
"""The parameters :func:`saturation_options` adds (``chart`` refuses them for its other
kinds)."""


def saturation_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """How saturation is assessed, the same in ``saturation`` and ``chart saturation``
    (:func:`qualcoder_ahp.reports.saturation.saturation`)."""
    from qualcoder_ahp.reports.saturation import BASE, RUN, THRESHOLD

    for option in reversed((
        click.option("--coders", metavar="A,B[,C...]",
                     help="Pool exactly these coders' codings, names separated by commas "
                          "[default: every coder's, a consensus coder's left out]."),
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


def saturation_coders(store: Store, coder: str | None, consensus: bool, coders: str | None,
                      ) -> tuple[str | None, tuple[str, ...] | None]:
    """``--coder``/``--consensus`` or ``--coders``: ``(the one coder read, or None; the
    coders pooled, or None for every coder but a consensus coder)``.

    Raises:
        UserError: ``--coders`` beside ``--coder`` or ``--consensus``, or naming an
            unknown coder (with the likeliest name, as ``--coder`` says it).
    """
    from qualcoder_ahp.reports.data import resolve_coder

    if coders is None:
        return resolve_coder(store, coder, consensus), None
    if coder is not None or consensus:
        other = "--coder" if coder is not None else "--consensus"
        raise UserError(f"give either --coders or {other}, not both")
    # A coder whose name holds a comma (``Smith, John`` from NVivo) is one coder.
    names = tuple(dict.fromkeys(split_coders(coders, store.coders())))
    if not names:
        raise click.BadParameter("name one or more coders, e.g. --coders ana,ben",
                                 param_hint="'--coders'")
    for name in names:
        try:
            store.coder_id(name)
        except UserError as e:
            raise UserError(f"--coders: {e}") from None
    return None, names
