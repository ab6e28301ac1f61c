#!/usr/bin/env bash
# End-to-end command-line benchmarks on generated data, each next to a
# baseline measured in the same run: `gzip -1` of the same file. Wall time
# is the best of RUNS runs; peak memory comes from GNU time.
# Usage: scripts/bench-cli.sh BIN DATADIR [RUNS] [--quick]
#   RUNS 0 only generates the data; --quick skips the 3M and 10M row files
#   and the 32/128-channel ones (the scale table).
set -euo pipefail
bin=${1:?binary}; dir=${2:?data dir}; runs=${3:-3}; quick=${4:-}
mkdir -p "$dir"

gen() { # gen FILE ARGS...: make a data file once (seeded, so always the same)
  local f=$dir/$1; shift
  [ -s "$f" ] || "$bin" gen "$@" --out "$f"
}
gen paths200k.csv --layout paths --paths 200000 --channels 8 --seed 1
gen touches1m.csv --layout touches --rows 1000000 --channels 8 --seed 1
if [ "$quick" != "--quick" ]; then
  gen touches3m.csv --layout touches --rows 3000000 --channels 12 --seed 7
  gen touches10m.csv --layout touches --rows 10000000 --channels 12 --seed 7
  gen touches1m-c32.csv --layout touches --rows 1000000 --channels 32 --seed 3
  gen touches1m-c128.csv --layout touches --rows 1000000 --channels 128 --seed 3
fi

[ "$runs" = 0 ] && exit 0

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
best_ms() { # fastest of $runs wall times of a command, in ms
  local best=999999999 s e
  for _ in $(seq "$runs"); do
    s=$(now_ms); "$@" >/dev/null 2>&1; e=$(now_ms)
    (( e - s < best )) && best=$(( e - s ))
  done
  echo "$best"
}
peak_mb() { # peak resident memory of one run, in MB
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n1 | awk '{ printf "%.0f", $1 / 1024 }'
  else
    echo "n/a"
  fi
}
rows_of() { echo $(( $(wc -l < "$1") - 1 )); }

printf '\n%-34s %9s %9s %11s %8s %9s %7s\n' "attrlab attribute --no-log --format csv" "rows" "wall ms" "rows/s" "peak MB" "gzip ms" "ratio"
bench() { # bench LABEL FILE ARGS...
  local label=$1 file=$dir/$2; shift 2
  [ -s "$file" ] || return 0
  local a g m n
  a=$(best_ms "$bin" attribute "$file" --no-log --format csv "$@")
  g=$(best_ms sh -c "gzip -1 -c '$file'")
  m=$(peak_mb "$bin" attribute "$file" --no-log --format csv "$@")
  n=$(rows_of "$file")
  printf '%-34s %9s %9s %11s %8s %9s %7s\n' "$label" "$n" "$a" \
    "$(awk -v n="$n" -v a="$a" 'BEGIN { printf "%.2fM", n / a / 1000 }')" "$m" "$g" \
    "$(awk -v a="$a" -v g="$g" 'BEGIN { printf "%.2f", a / g }')"
}
bench "paths200k, 8 ch, every model" paths200k.csv
bench "touches 1M, 8 ch, every model" touches1m.csv
bench "touches 3M, 12 ch, every model" touches3m.csv
bench "touches 10M, 12 ch, every model" touches10m.csv
bench "touches 1M, 32 ch, every model" touches1m-c32.csv
bench "touches 1M, 128 ch, every model" touches1m-c128.csv
for k in 2 3 4; do
  bench "touches 10M, markov order $k" touches10m.csv --order "$k"
done
