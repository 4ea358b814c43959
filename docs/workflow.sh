#!/usr/bin/env bash
# Runs the README's researcher workflow in a temporary folder and prints each
# command with its real output, as Markdown. Regenerate the README's workflow
# section with:  bash docs/workflow.sh > /tmp/workflow.md && python docs/splice_readme.py /tmp/workflow.md
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
cd "$work"
cp -r "$repo/transcripts" "$repo/codebooks" .
export QCAHP_DB="$work/study.db"
export PY="${PYTHON:-python3}"
PY="${PYTHON:-python3}"
qcahp() { "$PY" -m qualcoder_ahp "$@"; }
export PYTHONPATH="$repo"

run() {  # run "shown command" command...
  local shown="$1"; shift
  printf '```\n$ %s\n' "$shown"
  "$@" 2>&1 | sed -e "s#$work/##g"
  printf '```\n\n'
}

run "qcahp import transcripts/" qcahp import transcripts/
run "qcahp participants import transcripts/participants.csv" qcahp participants import transcripts/participants.csv
run "qcahp transcripts" qcahp transcripts
run "qcahp show physio_helen | head -8" bash -c "\"\$PY\" -m qualcoder_ahp show physio_helen | head -8"
run "qcahp codebook check codebooks/ahp-leadership.yaml" qcahp codebook check codebooks/ahp-leadership.yaml
run "qcahp codebook load codebooks/ahp-leadership.yaml" qcahp codebook load codebooks/ahp-leadership.yaml
run "qcahp codebook show | head -12" bash -c "\"\$PY\" -m qualcoder_ahp codebook show | head -12"
run "qcahp suggest" qcahp suggest
run "qcahp suggestions --transcript physio_helen | head -8" bash -c "\"\$PY\" -m qualcoder_ahp suggestions --transcript physio_helen | head -8"
first=$("$PY" -m qualcoder_ahp suggestions --transcript physio_helen --format json | "$PY" -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")
run "qcahp decide $first accept --coder ana" qcahp decide "$first" accept --coder ana
run "qcahp search 'secret weapon' untapped" qcahp search 'secret weapon' untapped
# Two coders decide every suggestion (simulated here with the same store calls the
# workbench makes; each coder says no to a different share of them).
"$PY" - <<'PY'
from qualcoder_ahp.model.store import open_store
import os
store = open_store(os.environ["QCAHP_DB"])
for coder, every in (("ana", 5), ("ben", 3)):
    for i, s in enumerate(store.suggestions()):
        if store.decision_of(s.id, coder):
            continue
        if (i * 7 + len(coder)) % every == 0:
            store.reject(s.id, coder)
        else:
            store.accept(s.id, coder)
store.close()
PY
run "qcahp log --coder ana --limit 3" qcahp log --coder ana --limit 3
run "qcahp counts --coder ana" qcahp counts --coder ana
run "qcahp counts --coder ana --by attribute:profession --format md | head -8" bash -c "\"\$PY\" -m qualcoder_ahp counts --coder ana --by attribute:profession --format md | head -8"
run "qcahp counts --coder ana --theme serendipity --where \"board_distance=Board member\"" qcahp counts --coder ana --theme serendipity --where "board_distance=Board member"
run "qcahp quotes --theme serendipity --coder ana -o serendipity.xlsx" qcahp quotes --theme serendipity --coder ana -o serendipity.xlsx
run "qcahp quotes --theme serendipity --with non_traditional_roles --near sentence --coder ana --transcript physio_helen" env COLUMNS=80 "$PY" -m qualcoder_ahp quotes --theme serendipity --with non_traditional_roles --near sentence --coder ana --transcript physio_helen --format text
run "qcahp chart counts --coder ana -o counts.png" qcahp chart counts --coder ana -o counts.png
run "qcahp show physio_helen --coder ana | head -12" bash -c "\"\$PY\" -m qualcoder_ahp show physio_helen --coder ana | head -12"
run "qcahp show physio_helen --all-coders -o physio_helen.docx" qcahp show physio_helen --all-coders -o physio_helen.docx
run "qcahp codebook show --coder ana -o codebook.docx" qcahp codebook show --coder ana -o codebook.docx
run "qcahp framework summarise physio_helen serendipity --coder ana \"Fell into management; each early move an invitation.\"" qcahp framework summarise physio_helen serendipity --coder ana "Fell into management; each early move an invitation."
run "qcahp framework --coder ana" env COLUMNS=80 "$PY" -m qualcoder_ahp framework --coder ana
run "qcahp framework --coder ana -o framework.xlsx" qcahp framework --coder ana -o framework.xlsx
run "qcahp saturation --coder ana --min-codings 5" env COLUMNS=80 "$PY" -m qualcoder_ahp saturation --coder ana --min-codings 5
run "qcahp agreement --coders ana,ben --unit sentence" qcahp agreement --coders ana,ben --unit sentence
run "qcahp disagreements --coders ana,ben | head -6" bash -c "\"\$PY\" -m qualcoder_ahp disagreements --coders ana,ben | head -6"
run "qcahp methods --coders ana,ben --unit sentence | head -19" bash -c "\"\$PY\" -m qualcoder_ahp methods --coders ana,ben --unit sentence | head -19"
run "qcahp patterns | head -8" bash -c "\"\$PY\" -m qualcoder_ahp patterns | head -8"
run "qcahp words --theme improvement_transformation --coder ana --top 8" qcahp words --theme improvement_transformation --coder ana --top 8
run "qcahp refi export study.qdpx" qcahp refi export study.qdpx
run "stat -c '%A %s %n' study.db study.qdpx serendipity.xlsx counts.png codebook.docx" stat -c "%A %s %n" study.db study.qdpx serendipity.xlsx counts.png codebook.docx
run "qcahp --db copy.db refi import study.qdpx" qcahp --db copy.db refi import study.qdpx
run "qcahp withdraw --participant ot_dev --yes" qcahp withdraw --participant ot_dev --yes
run "qcahp import transcripts/ot_dev.vtt" qcahp import transcripts/ot_dev.vtt
rm -rf "$work"
