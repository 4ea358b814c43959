"""Session 19 team audit: ``qcahp reconcile copy-agreed`` on a large study.

On a 1M-word study (33,259 agreed stretches) it took 25 s with no progress shown: each
stretch read the consensus coder's codings again (named, with memos, through the
transcript's index, every coder's codings), once to see whether it was already there
and once in the store's reconcile. They are read once now (13.5 s in the same run, with a
progress bar on a terminal), and the count is written with thousands separators.
"""

from __future__ import annotations

from click.testing import CliRunner

from qualcoder_ahp.cli import cli
from qualcoder_ahp.model.store import Store, open_store
from tests.test_agreement_compute import build_project


def test_copy_agreed_reads_the_consensus_once_and_copies_every_stretch(store, monkeypatch):
    a, b = build_project(store)
    text = store.transcript_text(a.id)
    for word in ("I fell", "The board"):  # two more stretches coded alike
        at = text.index(word)
        for coder in ("asha", "ben"):
            store.code(a.id, "winding", coder, at, at + 5)
    path = str(store.path)
    store.close()
    calls = []
    real = Store.codings

    def counted(self, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        return real(self, **kwargs)

    monkeypatch.setattr(Store, "codings", counted)
    result = CliRunner().invoke(cli, ["--db", path, "reconcile", "copy-agreed", "--coders",
                                      "asha,ben", "--by", "lead"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Copied 3 agreed stretches into consensus as lead.\n"
    # The consensus's codings read once for every stretch, not once (or twice) each.
    assert len([c for c in calls if c.get("coder") == "consensus"]) == 1
    monkeypatch.undo()
    check = open_store(path)
    try:
        spans = sorted((c.transcript_id, c.start, c.end)
                       for c in check.codings(coder="consensus", theme_id="winding"))
        route = check.transcript_text(b.id).index("It was")
        assert spans == sorted([(a.id, text.index("I fell"), text.index("I fell") + 5),
                                (a.id, text.index("The board"), text.index("The board") + 5),
                                (b.id, route, route + 23)])
    finally:
        check.close()
    again = CliRunner().invoke(cli, ["--db", path, "reconcile", "copy-agreed", "--coders",
                                     "asha,ben", "--by", "lead"])
    assert again.stdout == ("Copied 0 agreed stretches into consensus as lead "
                            "(3 already there).\n")
