#!/bin/sh
# Imports the HR system's drop, then archives it; a file that fails stays for the next run.
# docs/integrations.md, "A scheduled sync from a file drop": run from cron in the app's folder.
set -u
DROP=${ROSTER_DROP:-/srv/hr-drop/roster.csv}
DONE=${ROSTER_DONE:-/srv/hr-drop/done}
MAPPING=${ROSTER_MAPPING:-Workday export}
[ -f "$DROP" ] || { echo "$(date -Is) no file to import"; exit 0; }
echo "$(date -Is) importing $DROP"
.venv/bin/python manage.py import_roster "$DROP" --mapping "$MAPPING" --deactivate-missing --no-progress
code=$?
if [ "$code" -eq 0 ]; then
  mkdir -p "$DONE" && mv "$DROP" "$DONE/roster-$(date +%Y%m%d-%H%M%S).csv"
else
  echo "$(date -Is) not imported (exit $code): nothing was changed"
fi
exit "$code"
