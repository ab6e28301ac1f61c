#!/usr/bin/env bash
# End-to-end command-line benchmarks on generated data, each next to a
# baseline measured in the same run: `gzip -1` of the same file. Wall time
# is the best of RUNS runs, attrlab's and gzip's taking turns; peak memory
# comes from GNU time. `make bench` takes 5 runs: on a shared virtual
# machine the best of 3 was often one slow spell away from the rest.
# Usage: scripts/bench-cli.sh BIN DATADIR [RUNS] [--quick]
#   RUNS 0 only generates the data; --quick skips the 3M and 10M row files
#   and the 32/128-channel ones (the scale table).
# Two shapes of path table: the one `attrlab gen` writes (long names, long
# paths) and one with short names, one to three touches and every path
# quoted, where per-row costs weigh most against gzip.
set -euo pipefail
bin=${1:?binary}; dir=${2:?data dir}; runs=${3:-3}; quick=${4:-}
mkdir -p "$dir"

gen() { # gen FILE ARGS...: make a data file once (seeded, so always the same)
  local f=$dir/$1; shift
  [ -s "$f" ] || "$bin" gen "$@" --out "$f"
}
gen paths200k.csv --layout paths --paths 200000 --channels 8 --seed 1
# paths200k-short.csv: 200,000 distinct paths of 1-3 touches over 60
# two-letter channels, path quoted, counts from a fixed LCG (MINSTD, exact
# in awk's doubles), so every awk writes the same bytes.
if [ ! -s "$dir/paths200k-short.csv" ]; then
  awk 'BEGIN {
    x = 1; k = 60; n = 200000; m = k + k*k + k*k*k
    print "path,total_conversions,total_conversion_value,total_null"
    for (i = 0; i < n; i++) {
      j = (i * 7919) % m  # 7919 is prime, m = 219660 is not a multiple: a permutation
      if (j < k) { len = 1 } else if (j < k + k*k) { len = 2; j -= k } else { len = 3; j -= k + k*k }
      p = ""
      for (t = 0; t < len; t++) {
        c = j % k; j = int(j / k)
        p = p (t ? " > " : "") sprintf("%c%c", 97 + int(c / 26), 97 + c % 26)
      }
      x = (x * 48271) % 2147483647; conv = x % 4
      x = (x * 48271) % 2147483647; nulls = x % 7
      x = (x * 48271) % 2147483647; value = conv ? sprintf("%.2f", conv * (10 + (x % 9000) / 100)) : "0"
      printf "\"%s\",%d,%s,%d\n", p, conv, value, nulls
    }
  }' > "$dir/paths200k-short.csv.tmp" && mv "$dir/paths200k-short.csv.tmp" "$dir/paths200k-short.csv"
fi
# Campaign-level channel counts: Markov order 1 on 2,000 and 10,000
# channels, and 100,000 channels without Markov.
gen paths60k-c2k.csv --layout paths --paths 60000 --channels 2000 --seed 1
gen paths60k-c10k.csv --layout paths --paths 60000 --channels 10000 --seed 1
gen paths200k-c100k.csv --layout paths --paths 200000 --channels 100000 --seed 1
gen touches1m.csv --layout touches --rows 1000000 --channels 8 --seed 1
if [ "$quick" != "--quick" ]; then
  gen touches3m.csv --layout touches --rows 3000000 --channels 12 --seed 7
  gen touches10m.csv --layout touches --rows 10000000 --channels 12 --seed 7
  gen touches1m-c32.csv --layout touches --rows 1000000 --channels 32 --seed 3
  gen touches1m-c128.csv --layout touches --rows 1000000 --channels 128 --seed 3
fi

[ "$runs" = 0 ] && exit 0

# Wall times come from bash's own clock ($EPOCHREALTIME, bash 5), read
# without a fork: running date(1) around a command added its start-up, a
# millisecond or two, to every time, which pulled short runs' ratios
# towards 1. Without it, date(1) it is.
once_us() { # one run of a command; sets took to its wall time in µs
  local s e
  if [ -n "${EPOCHREALTIME:-}" ]; then
    s=${EPOCHREALTIME/[.,]/}; "$@" >/dev/null 2>&1; e=${EPOCHREALTIME/[.,]/}
  else
    s=$(( $(date +%s%N) / 1000 )); "$@" >/dev/null 2>&1; e=$(( $(date +%s%N) / 1000 ))
  fi
  took=$(( e - s ))
}
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
best_ms() { # fastest of $runs wall times of a command, in ms (0.1 ms)
  local best=999999999999
  for _ in $(seq "$runs"); do
    once_us "$@"
    (( took < best )) && best=$took
  done
  ms "$best"
}
peak_kb() { # peak resident memory of one run, in KB (0 without GNU time)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n1
  else
    echo 0
  fi
}
rows_of() { echo $(( $(wc -l < "$1") - 1 )); }

printf '\n%-38s %9s %9s %9s %8s %6s %9s %7s\n' "attrlab attribute --no-log --format csv" "rows" "wall ms" "rows/s" "peak MB" "B/row" "gzip ms" "ratio"
bench() { # bench LABEL FILE ARGS...
  local label=$1 file=$dir/$2; shift 2
  [ -s "$file" ] || return 0
  local a g m n ba=999999999999 bg=999999999999
  # attrlab and gzip take turns, so that a slow spell of the machine
  # (a shared virtual machine has them) falls on both alike.
  for _ in $(seq "$runs"); do
    once_us "$bin" attribute "$file" --no-log --format csv "$@"
    (( took < ba )) && ba=$took
    once_us sh -c "gzip -1 -c '$file'"
    (( took < bg )) && bg=$took
  done
  a=$(ms "$ba"); g=$(ms "$bg")
  m=$(peak_kb "$bin" attribute "$file" --no-log --format csv "$@")
  n=$(rows_of "$file")
  printf '%-38s %9s %9s %9s %8s %6s %9s %7s\n' "$label" "$n" "$a" \
    "$(awk -v n="$n" -v a="$a" 'BEGIN { printf "%.2fM", n / a / 1000 }')" \
    "$(awk -v m="$m" 'BEGIN { printf "%.0f", m / 1024 }')" \
    "$(awk -v m="$m" -v n="$n" 'BEGIN { printf "%.0f", m * 1024 / n }')" "$g" \
    "$(awk -v a="$a" -v g="$g" 'BEGIN { printf "%.2f", a / g }')"
}
bench "paths200k, 8 ch, every model" paths200k.csv
bench "paths200k short/quoted, 60 ch, every" paths200k-short.csv
bench "touches 1M, 8 ch, every model" touches1m.csv
bench "touches 3M, 12 ch, every model" touches3m.csv
bench "touches 10M, 12 ch, every model" touches10m.csv
bench "touches 1M, 32 ch, every model" touches1m-c32.csv
bench "touches 1M, 128 ch, every model" touches1m-c128.csv
for k in 2 3 4; do
  bench "touches 10M, markov order $k" touches10m.csv --order "$k"
done

# Many channels: wall time (best of RUNS) of every model, of every model
# but Markov, and of Markov order 1 alone, which either finishes or is
# refused at once. Issue 12's goals: 10k channels every model <= 15 s,
# 100k channels without Markov <= 2 s.
printf '\n%-38s %9s %9s %s\n' "many channels" "paths" "wall ms" "result"
# The refusal text goes to a temporary file: DIR may be someone else's,
# read-only to this script.
errfile=$(mktemp)
trap 'rm -f "$errfile"' EXIT
many() { # many LABEL FILE ARGS...
  local label=$1 file=$dir/$2; shift 2
  [ -s "$file" ] || return 0
  local a st
  a=$(best_ms "$bin" attribute "$file" --no-log --format csv "$@")
  st=0; "$bin" attribute "$file" --no-log --format csv "$@" >/dev/null 2>"$errfile" || st=$?
  if [ "$st" = 0 ]; then st=ok; else st="refused (exit $st): $(cut -c1-60 "$errfile")..."; fi
  printf '%-38s %9s %9s %s\n' "$label" "$(rows_of "$file")" "$a" "$st"
}
heuristics=first-touch,last-touch,last-non-direct,linear,position-based
many "2k channels, markov order 1" paths60k-c2k.csv --models markov
many "10k channels, all but markov" paths60k-c10k.csv --models "$heuristics"
many "10k channels, markov order 1" paths60k-c10k.csv --models markov
many "10k channels, every model" paths60k-c10k.csv
many "100k channels, all but markov" paths200k-c100k.csv --models "$heuristics"
many "100k channels, markov order 1" paths200k-c100k.csv --models markov
