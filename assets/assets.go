// Package assets embeds what the app needs at run time wherever it is
// installed: the bundled sample dataset and the icon.
package assets

import _ "embed"

// SampleTouches is a synthetic touch log (1,500 journeys, 8 channels) made
// with `attrlab gen --journeys 1500 --channels 8 --seed 42 --layout touches`.
// First start opens on it so a new user sees real results at once.
//
//go:embed sample_touches.csv
var SampleTouches []byte

// SampleTouchesName is the file name shown for the bundled sample.
const SampleTouchesName = "sample_touches.csv"

// Icon is the app icon, a 512×512 PNG of a bar chart: the window icon and
// the icon `fyne package` puts in the bundle (FyneApp.toml).
//
//go:embed icon.png
var Icon []byte

// IconName is the icon's file name.
const IconName = "icon.png"
