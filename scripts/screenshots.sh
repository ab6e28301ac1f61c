#!/usr/bin/env bash
# Screenshots of every screen of the real app (GL driver) under Xvfb, in the
# light and the dark theme, at 1024x700, 1280x800 and 1920x1080 with the
# window filling the screen, into docs/screenshots/<screen>-<size>-<theme>.png.
# The 1280x800 ones are also copied to <screen>-<theme>.png for the README.
# Needs xvfb, xauth, imagemagick and xdotool and a built bin/attrlab. Each
# run starts from a fresh run store and profile, so the app opens on the
# bundled sample and logs one run, as on a first start; a second run (Markov
# order 2) is logged from the command line, as a script would, so Runs and
# Compare have two runs to show.
# Usage: scripts/screenshots.sh [BIN] [SIZE...]
set -euo pipefail
bin=$(realpath "${1:-bin/attrlab}")
shift || true
sizes=${*:-1024x700 1280x800 1920x1080}
out=$(realpath docs/screenshots)
sample=$(realpath assets/sample_touches.csv)
mkdir -p "$out"
for theme in light dark; do
  for size in $sizes; do
    tmp=$(mktemp -d)
    export ATTRLAB_DB=$tmp/attrlab.db XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache HOME=$tmp FYNE_THEME=$theme LANG=en_US.UTF-8
    export BIN=$bin OUT=$out SAMPLE=$sample THEME=$theme SIZE=$size W=${size%x*} H=${size#*x}
    xvfb-run -a -s "-screen 0 ${size}x24" bash -c '
      set -u
      "$BIN" & pid=$!
      sleep 8
      win=$(xdotool search --name "Attribution Lab" | head -n1)
      xdotool windowmove "$win" 0 0 windowsize "$win" "$W" "$H"; sleep 2
      shot() { import -window "$win" "$OUT/$1-$SIZE-$THEME.png"; }
      click() { xdotool mousemove --window "$win" "$1" "$2" click 1; sleep "${3:-1.5}"; }
      # The sidebar lists Datasets, Attribute, Runs, Compare, Budget under
      # the 27 px menu bar, 39 px apart.
      click 60 48; shot datasets
      click 60 87 2; shot attribute
      "$BIN" attribute "$SAMPLE" --order 2 --format csv >/dev/null 2>&1
      # The sidebar has a fixed width, so the screens start 125 px from the
      # left at every size. Runs: the filter row, two rows of action
      # buttons, the count, the table header, then the runs 38 px apart,
      # the newest first; the tick boxes are the first column.
      click 60 126 3
      click 139 241 0.5; click 139 279                     # tick both runs
      shot runs
      click 293 89 3; shot compare                         # Compare them
      click 60 204 3; shot budget
      click 60 126 2
      click 260 241 3; shot run-page                       # a run opens its page
      kill $pid; wait $pid 2>/dev/null || true
    '
    rm -rf "$tmp" 2>/dev/null || true
  done
done
for f in "$out"/*-1280x800-*.png; do
  b=$(basename "$f"); cp "$f" "$out/${b/-1280x800/}"
done
ls -la "$out"
