package main

import (
	"fmt"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/attrlab/attrlab/app"
)

// runGUI opens the desktop app on the bundled sample dataset.
func runGUI() int {
	a := fyneapp.NewWithID("io.attrlab.app")
	u := app.New(a)
	if err := u.LoadSample(); err != nil {
		fmt.Fprintln(os.Stderr, "attrlab:", err)
	}
	u.Select(app.ScreenAttribute)
	u.Window.ShowAndRun()
	return 0
}
