#!/usr/bin/env bash
# End-to-end command-line benchmarks, each against a baseline measured in
# the same run: `gzip -1` of the same file. Best of N wall times; peak
# memory from /usr/bin/time -v (GNU time) when it is installed.
# Usage: scripts/bench-cli.sh BIN DATADIR [RUNS]
set -euo pipefail
bin=${1:?binary}; dir=${2:?data dir}; runs=${3:-5}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# best_ms CMD...: the fastest of $runs wall-clock times, in milliseconds.
best_ms() {
  local best=999999999 s e
  for _ in $(seq "$runs"); do
    s=$(now_ms); "$@" >/dev/null 2>&1; e=$(now_ms)
    (( e - s < best )) && best=$(( e - s ))
  done
  echo "$best"
}

peak_kb() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n1
  else
    echo "n/a"
  fi
}

printf '%-44s %10s %10s %8s %12s\n' "benchmark (best of $runs)" "attrlab ms" "gzip -1 ms" "ratio" "peak RSS KB"
for spec in "paths200k.csv:attribute --no-log --format csv" "touches1m.csv:attribute --no-log --format csv"; do
  file=$dir/${spec%%:*}; args=${spec#*:}
  a=$(best_ms "$bin" $args "$file")
  g=$(best_ms sh -c "gzip -1 -c '$file'")
  m=$(peak_kb "$bin" $args "$file")
  ratio=$(awk -v a="$a" -v g="$g" 'BEGIN { printf "%.2f", a / g }')
  printf '%-44s %10s %10s %8s %12s\n' "$(basename "$file") every model" "$a" "$g" "$ratio" "$m"
done
