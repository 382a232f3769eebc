#!/usr/bin/env bash
# Drive the real `screener screen` in tmux as a new reviewer would (run by hand, not by pytest):
# start, decide, note, search, help, quit (summary), kill -9 mid-way, restart and check the
# resume point and the database, then a colourless (NO_COLOR) run. Prints every screen it reads.
#   usage: tests/tmux_session.sh            (from the repository root; needs tmux and .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
DIR=$(mktemp -d)/review
SESSION=scr$$
SOCKET=scr$$
tmux() { command tmux -L "$SOCKET" "$@"; }  # a tmux server of our own
trap 'tmux kill-server 2>/dev/null || true' EXIT

# The test review: tests/data/screening (8 records, one in Chinese).
"$PY" - "$DIR" <<'PYEOF'
import json, shutil, sys
from pathlib import Path
from screener.db import init_review
from screener.record import Record
from screener.searches import store_records
data = Path("tests/data/screening")
review = init_review(sys.argv[1], title="tmux")
shutil.copy(data / "review.toml", review.protocol_path)
rows = json.loads((data / "records.json").read_text(encoding="utf-8"))
search = review.db["searches"].insert(
    {"database": "PubMed", "file_name": "records.json", "sha256": "tmux", "format": "json",
     "n_records": len(rows)}
).last_pk
with review.db.conn:  # stored as `screener import` stores records
    store_records(review.db.conn, [Record(**r) for r in rows], search)
review.close()
PYEOF

screen_() { tmux capture-pane -p -t "$SESSION"; }
show() { echo "----- $1"; screen_ | sed -e 's/[[:space:]]*$//' | grep -v '^$' || true; }
wait_for() {  # wait until the screen shows $1 (max 15 s)
  for _ in $(seq 150); do screen_ | grep -qF -- "$1" && return 0; sleep 0.1; done
  show "TIMEOUT waiting for: $1"; exit 1
}
keys() { for k in "$@"; do tmux send-keys -t "$SESSION" "$k"; sleep 0.15; done; }
start() {  # start [ENV=VALUE] [REVIEWER] [SESSION]
  local s=${3:-$SESSION}
  tmux new -d -s "$s" -x 100 -y 30 \
    "${1:-} $ROOT/.venv/bin/screener screen --review $DIR --reviewer ${2:-ann} --order file"
  tmux set-option -t "$s" remain-on-exit on >/dev/null
  for _ in $(seq 150); do tmux capture-pane -p -t "$s" | grep -qF "done ·" && return 0; sleep 0.1; done
  echo "TIMEOUT starting $s"; exit 1
}
decisions() {
  "$PY" -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(\"select group_concat(record_id||':'||decision||coalesce(':'||reason,'')||coalesce(' [note: '||note||']',''), ', ') from decisions\").fetchone()[0])" "$DIR/review.db"
}

start
show "first screen"
keys i e
wait_for "why?"
show "reason dialog after i, e"
keys 1 m
wait_for "#4"
keys n
wait_for "Note on #4"
tmux send-keys -t "$SESSION" -l "check the Chinese full text"
wait_for "check the Chinese"
keys Enter
wait_for "Note (saved; goes with the decision)"
show "record 4 (Chinese) with a pending note"
keys i / ; tmux send-keys -t "$SESSION" -l "mice"; keys Enter
wait_for "Calcineurin"
show "search for 'mice'"
keys Enter
wait_for "Your decision: EXCLUDE"
keys '?'
wait_for "Keys"
show "help"
keys Escape j j j q  # record 5 on screen at q: the restart resumes there
wait_for "screened"
show "after q"
echo "database: $(decisions)"
tmux kill-session -t "$SESSION"; sleep 0.3

start
wait_for "#5"
show "restarted: resumes at record 5"
keys i e 2 m
wait_for "#8"
PANE_PID=$(tmux display -p -t "$SESSION" '#{pane_pid}')
APP_PID=$( (ps -o pid= --ppid "$PANE_PID" || true) | head -1 | tr -d ' ')
APP_PID=${APP_PID:-$PANE_PID}
kill -9 "$APP_PID"
sleep 0.5
echo "killed -9 pid $APP_PID; database: $(decisions)"
tmux kill-session -t "$SESSION"; sleep 0.3

start "NO_COLOR=1"
wait_for "#8"
show "restarted after kill -9 (NO_COLOR): resumes at record 8"
echo "attributes on the first lines (NO_COLOR; escape codes shown):"
tmux capture-pane -p -e -t "$SESSION" | sed -n '5,9p' | cat -v | cut -c1-160
keys i
wait_for "End of the queue"
show "end of the queue"
keys q
wait_for "screened"
show "after q"
echo "database: $(decisions)"
tmux kill-session -t "$SESSION"; sleep 0.3

# Two reviewers on the same review.db at the same time, keys interleaved.
start "" bob bob
start "" cat cat
for n in 1 2 3 4; do
  tmux send-keys -t bob i; tmux send-keys -t cat e
  SESSION=cat wait_for "why?"; tmux send-keys -t cat Enter
  SESSION=bob wait_for "$n/8 done"; SESSION=cat wait_for "$n/8 done"
done
SESSION=bob show "bob after 4 includes (blinded: ann's decisions are not shown)"
SESSION=cat show "cat after 4 excludes"
"$PY" -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print('decisions per reviewer:', c.execute('select reviewer, count(*) from decisions group by reviewer').fetchall())" "$DIR/review.db"
