"""`qcahp codings import FILE.docx`: comments marked resolved in Word, and threads.

Word keeps a comment's "resolved" mark and its thread in ``word/commentsExtended.xml``
(``w15:commentEx w15:paraId=... w15:done="1" w15:paraIdParent=...``), matched to the
``w14:paraId`` of the comment's last paragraph. Resolved comments are left out unless
``--include-resolved``; replies are never codings of their own.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from qualcoder_ahp.importers.word_comments import read_word
from qualcoder_ahp.model.store import Store
from tests.test_word_comments import ORIGINAL, codings, project, run, snapshot, word  # noqa: F401

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


def thread(path: Path, done: set[int], parents: dict[int, int] | None = None) -> Path:
    """Mark comments of a .docx (1, 2, ... in the order written) resolved (``done``)
    and replies (``parents``: reply -> the comment it answers), as Word does."""
    parents = parents or {}
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(parts["word/comments.xml"])
    ex = []
    for k, comment in enumerate(root.iter(f"{{{W}}}comment"), start=1):
        para_id = f"1A2B3C{k:02X}"
        # lower case in the part, upper case in commentsExtended: compared as one
        comment.findall(f"{{{W}}}p")[-1].set(f"{{{W14}}}paraId", para_id.lower())
        parent = f' w15:paraIdParent="1A2B3C{parents[k]:02X}"' if k in parents else ""
        ex.append(f'<w15:commentEx w15:paraId="{para_id}"{parent} '
                  f'w15:done="{int(k in done)}"/>')
    parts["word/comments.xml"] = etree.tostring(root)
    parts["word/commentsExtended.xml"] = (
        f'<w15:commentsEx xmlns:w15="{W15}">{"".join(ex)}</w15:commentsEx>').encode()
    rels = "word/_rels/document.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", (
        b'<Relationship Id="rIdEx" Type="http://schemas.microsoft.com/office/2011/'
        b'relationships/commentsExtended" Target="commentsExtended.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def reviewed(tmp_path: Path) -> Path:
    """Four comments: a coding, a resolved question (no theme), a resolved coding over
    two turns, an empty resolved comment; and a reply to the first."""
    paras = list(ORIGINAL)
    paras[2] = ("**Ana:** {1}{5}It was luck.{/5}{/1} I\u2019d say {2}it\u2019s luck{/2} "
                "\u2014 pure {3}luck, and the board listened.")
    paras[4] = "**Ana:** Yes. Then the board asked me to lead.{/3}\nA new {4}line{/4}, still me."
    doc = word(tmp_path / "reviewed.docx", paras, {
        1: "luck", 2: "Is this really luck? Ask Jo", 3: "winding: over two turns", 4: "",
        5: "Agreed"})
    return thread(doc, done={2, 3, 4}, parents={5: 1})


def test_resolved_comments_are_left_out_and_counted(project: Store, tmp_path: Path) -> None:
    doc = reviewed(tmp_path)
    assert [(c.text, c.reply, c.resolved) for c in read_word(doc).comments] == [
        ("luck", False, False), ("Agreed", True, False),
        ("Is this really luck? Ask Jo", False, True),
        ("winding: over two turns", False, True), ("", False, True)]
    code, out, err = run(str(doc), "--coder", "ana", "--dry-run")
    assert code == 0, err
    assert out.splitlines()[0] == (
        f"{doc}: 1 comment on ana v1 (1 of 1 commented passage found in it); 1 reply to "
        "comments left out; 3 resolved comments left out (--include-resolved reads them)")
    code, out, err = run(str(doc), "--coder", "ana")
    assert code == 0, err
    assert out == ("Imported 1 coding for ana from 1 comment on ana v1 (0 already present); "
                   "1 reply to comments left out; 3 resolved comments left out "
                   "(--include-resolved reads them).\n")
    assert codings(project, "ana") == [("luck", "It was luck.", None)]


def test_include_resolved_reads_them_and_their_problems(project: Store,
                                                         tmp_path: Path) -> None:
    doc = reviewed(tmp_path)
    before = snapshot(tmp_path / "qcahp.db")
    code, out, err = run(str(doc), "--coder", "ana", "--include-resolved")
    # A resolved question names no theme, and an empty comment none: problems when read.
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{doc}: comment 3 \u201cit\u2019s luck\u201d: no theme 'Is this really luck? Ask Jo' "
        "in the codebook; did you mean 'Luck and chance'?",
        f"{doc}: comment 5 \u201cline\u201d: the comment names no theme (it is empty): write "
        "the theme in it, or mark it resolved in Word to leave it out",
        f"Error: {doc}: 2 problems in 4 comments on ana v1; nothing was imported"]
    assert snapshot(tmp_path / "qcahp.db") == before
    paras = list(ORIGINAL)
    paras[2] = ("**Ana:** {1}It was luck.{/1} I\u2019d say it\u2019s luck \u2014 pure {2}luck, "
                "and the board listened.")
    paras[4] = "**Ana:** Yes. Then the board asked me to lead.{/2}"
    doc = thread(word(tmp_path / "two.docx", paras, {1: "luck", 2: "winding: two turns"}),
                 done={2})
    code, out, err = run(str(doc), "--coder", "ana", "--include-resolved")
    assert code == 0, err
    assert out == "Imported 2 codings for ana from 2 comments on ana v1 (0 already present, " \
                  "1 memo).\n"
    text = project.transcript_text(project.transcript("ana").id)
    quote = text[text.index("luck, and"):text.index("to lead.") + len("to lead.")]
    assert codings(project, "ana") == [("luck", "It was luck.", None),
                                       ("winding", quote, "two turns")]
    assert "\n\nReally?\n\nYes." in quote  # over two turns, without the speaker labels


def test_a_resolved_thread_and_a_document_of_resolved_comments(project: Store,
                                                                tmp_path: Path) -> None:
    paras = list(ORIGINAL)
    paras[2] = "**Ana:** {1}{2}It was luck.{/2}{/1} I\u2019d say it\u2019s luck"
    # Word marks the thread's first comment resolved; its reply goes with it.
    doc = thread(word(tmp_path / "a.docx", paras, {1: "luck", 2: "winding"}), done={1},
                 parents={2: 1})
    assert [(c.reply, c.resolved) for c in read_word(doc).comments] == [(False, True),
                                                                       (True, True)]
    code, out, err = run(str(doc), "--coder", "ana")
    assert code == 1 and err == (
        f"Error: {doc}: every comment is marked resolved in Word (1), so there is nothing "
        "to import; --include-resolved reads them too\n")
    assert project.codings(coder="ana") == []
    code, out, err = run(str(doc), "--coder", "ana", "--include-resolved")
    assert code == 0, err
    assert out == ("Imported 1 coding for ana from 1 comment on ana v1 (0 already present); "
                   "1 reply to comments left out.\n")
    assert codings(project, "ana") == [("luck", "It was luck.", None)]


def test_include_resolved_is_for_word_only(project: Store, tmp_path: Path) -> None:
    csv = tmp_path / "c.csv"
    csv.write_text("transcript,theme,start,end,quote\n", encoding="utf-8")
    code, _, err = run(str(csv), "--coder", "ana", "--include-resolved")
    assert code == 1 and "--include-resolved is for a Word .docx" in err
