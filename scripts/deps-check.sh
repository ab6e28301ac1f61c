#!/usr/bin/env bash
# The dependency rule of STYLE.md: the domain packages (attribution, synth,
# tracking) reach neither Fyne, nor SQL, nor our outer packages; storage,
# report and cli never reach Fyne. Only app (and main) may.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
check() { # check "PKGS" REGEX
  local pkgs=() p
  for p in $1; do [ -d "$p" ] && pkgs+=("./$p"); done
  [ ${#pkgs[@]} -eq 0 ] && return 0
  local bad
  bad=$(go list -tags ci -deps "${pkgs[@]}" | grep -E "$2" || true)
  if [ -n "$bad" ]; then
    echo "deps-check: $1 must not reach:"; echo "$bad"; fail=1
  fi
}
check "attribution synth tracking" '^(fyne\.io|database/sql|modernc\.org|runtime/cgo|github\.com/attrlab/attrlab/(storage|app|report|cli))'
check "storage report cli" '^(fyne\.io|github\.com/attrlab/attrlab/app)'
[ $fail -eq 0 ] && echo "deps-check: ok (domain packages pure; only app imports Fyne)"
exit $fail
