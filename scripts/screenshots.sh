#!/usr/bin/env bash
# Screenshots of every screen of the real app (GL driver) under Xvfb, in
# the light and the dark theme, into docs/screenshots/. Needs xvfb, xauth,
# imagemagick and xdotool (apt-get install -y xvfb xauth imagemagick xdotool)
# and a built bin/attrlab. Each theme starts from a fresh run store, so the
# app opens on the bundled sample and logs one run, as on a first start; a
# second run (Markov order 2) is logged from the command line meanwhile, as
# a script would, so Runs and Compare have two runs to show.
# Usage: scripts/screenshots.sh [BIN]
set -euo pipefail
bin=$(realpath "${1:-bin/attrlab}")
out=$(realpath docs/screenshots)
sample=$(realpath assets/sample_touches.csv)
mkdir -p "$out"
for theme in light dark; do
  tmp=$(mktemp -d)
  export ATTRLAB_DB=$tmp/attrlab.db XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache FYNE_THEME=$theme LANG=en_US.UTF-8
  export BIN=$bin OUT=$out SAMPLE=$sample THEME=$theme
  xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    set -u
    "$BIN" & pid=$!
    sleep 8
    win=$(xdotool search --name "Attribution Lab" | head -n1)
    shot() { import -window "$win" "$OUT/$1-$THEME.png"; }
    click() { xdotool mousemove --window "$win" "$1" "$2" click 1; sleep "${3:-1.5}"; }
    # The menu bar is 27 px tall; the sidebar lists Datasets, Attribute,
    # Runs, Compare, Budget below it.
    click 60 48; shot datasets
    click 60 87; shot attribute
    "$BIN" attribute "$SAMPLE" --order 2 --format csv >/dev/null 2>&1
    click 60 126; click 1163 48       # Runs, then Search to reload
    click 215 204 0.5; click 215 243  # tick both runs
    shot runs
    click 369 88 3; shot compare      # Compare the ticked runs
    click 60 204 3; shot budget
    kill $pid; wait $pid 2>/dev/null || true
  '
  rm -rf "$tmp" 2>/dev/null || true
done
# The run page (click a run on Runs) at three screen sizes, the window
# filling the screen: run-page-<size>-<theme>.png shows the Channel credit
# tab; at 1280x800 every other tab too (run-page-<tab>-<theme>.png).
for theme in light dark; do
  for size in 1024x700 1280x800 1920x1080; do
    tmp=$(mktemp -d)
    export ATTRLAB_DB=$tmp/attrlab.db XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache FYNE_THEME=$theme LANG=en_US.UTF-8
    export BIN=$bin OUT=$out THEME=$theme SIZE=$size W=${size%x*} H=${size#*x}
    xvfb-run -a -s "-screen 0 ${size}x24" bash -c '
      set -u
      "$BIN" & pid=$!
      sleep 8
      win=$(xdotool search --name "Attribution Lab" | head -n1)
      xdotool windowmove "$win" 0 0 windowsize "$win" "$W" "$H"; sleep 1.5
      shot() { import -window "$win" "$OUT/$1-$THEME.png"; }
      click() { xdotool mousemove --window "$win" "$1" "$2" click 1; sleep "${3:-1.5}"; }
      click 60 126                  # Runs
      click 400 204 3               # the run (its name), opening its page
      shot "run-page-$SIZE"
      if [ "$SIZE" = 1280x800 ]; then
        # The tabs, under the heading and the facts line.
        click 242 155 2; shot run-page-overview
        click 472 155 2; shot run-page-removal
        click 587 155 3; shot run-page-transitions
        click 676 155 2; shot run-page-artifacts
      fi
      kill $pid; wait $pid 2>/dev/null || true
    '
    rm -rf "$tmp" 2>/dev/null || true
  done
done
ls -la "$out"
