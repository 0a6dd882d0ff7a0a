#!/usr/bin/env bash
# Creates (or refreshes) .venv at the repository root with python/requirements.txt: the
# independent references (statsmodels, vectorbt, schemathesis, pykalman) that tests and
# benchmarks compare against. Prints the interpreter's path on its last line.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
py="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$py" -m venv "$venv"
fi
stamp="$venv/.requirements"
wanted="$(cat "$root/python/requirements.txt" "$root/python/requirements-nodeps.txt")"
if [ "$wanted" != "$(cat "$stamp" 2>/dev/null)" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/python/requirements.txt"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$root/python/requirements-nodeps.txt"
  printf '%s' "$wanted" > "$stamp"
fi
echo "$venv/bin/python"
