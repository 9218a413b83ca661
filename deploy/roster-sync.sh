#!/bin/sh
# Imports the HR system's drop, then archives it; a file that fails stays for the next run.
# docs/integrations.md, "A scheduled sync from a file drop": run from cron in the app's folder.
# With several programs, run it once per program's drop with ROSTER_PROGRAM set to its short name
# (or to "all" for one export of every program's people).
set -u
DROP=${ROSTER_DROP:-/srv/hr-drop/roster.csv}
DONE=${ROSTER_DONE:-/srv/hr-drop/done}
MAPPING=${ROSTER_MAPPING:-Workday export}
PROGRAM=${ROSTER_PROGRAM:-}
[ -f "$DROP" ] || { echo "$(date -Is) no file to import"; exit 0; }
echo "$(date -Is) importing $DROP${PROGRAM:+ for $PROGRAM}"
set -- "$DROP" --mapping "$MAPPING" --deactivate-missing --no-progress
if [ "$PROGRAM" = "all" ]; then
  set -- "$@" --all-programs
elif [ -n "$PROGRAM" ]; then
  set -- "$@" --program "$PROGRAM"
fi
.venv/bin/python manage.py import_roster "$@"
code=$?
if [ "$code" -eq 0 ]; then
  mkdir -p "$DONE" && mv "$DROP" "$DONE/${PROGRAM:-roster}-$(date +%Y%m%d-%H%M%S).csv"
else
  echo "$(date -Is) not imported (exit $code): nothing was changed"
fi
exit "$code"
