#!/usr/bin/env bash
# Screenshots of every screen of the real app (GL driver) under Xvfb, in
# the light and the dark theme, into docs/screenshots/. Needs xvfb, xauth,
# imagemagick and xdotool (apt-get install -y xvfb xauth imagemagick xdotool)
# and a built bin/attrlab. Each theme starts from a fresh run store, so the
# app opens on the bundled sample with one run, as on a first start; a
# second run (Markov order 2) is made first so Compare has two runs.
# Usage: scripts/screenshots.sh [BIN]
set -euo pipefail
bin=$(realpath "${1:-bin/attrlab}")
out=$(realpath docs/screenshots)
mkdir -p "$out"
for theme in light dark; do
  tmp=$(mktemp -d)
  export ATTRLAB_DB=$tmp/attrlab.db XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache FYNE_THEME=$theme LANG=en_US.UTF-8
  xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    set -u
    "'"$bin"'" & pid=$!
    sleep 8
    # The sidebar lists Datasets, Attribute, Runs, Compare, Budget.
    for item in Datasets:21 Attribute:60 Runs:99 Compare:138 Budget:177; do
      name=${item%%:*}; y=${item##*:}
      xdotool mousemove 60 "$y" click 1
      sleep 2
      import -window root "'"$out"'/$(echo "$name" | tr A-Z a-z)-'"$theme"'.png"
    done
    kill $pid
  '
  rm -rf "$tmp"
done
ls -la "$out"
