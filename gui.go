package main

import (
	"context"
	"fmt"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/attrlab/attrlab/app"
	"github.com/attrlab/attrlab/cli"
)

// runGUI opens the desktop app on the run store named by --db, else
// ATTRLAB_DB, else the default one, with the bundled sample dataset and,
// if given, a journey file in the import preview.
func runGUI(g cli.GUIArgs) int {
	a := fyneapp.NewWithID("io.attrlab.app")
	app.Version = cli.Version
	st, path, code, err := cli.OpenGUIStore(context.Background(), os.Stderr, g)
	if err != nil {
		// The same message and exit status as a command given this --db.
		fmt.Fprintln(os.Stderr, "attrlab:", err)
		app.ShowStoreError(a, path, err)
		a.Run()
		return code
	}
	defer st.Close()
	u := app.New(a, st)
	if err := u.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "attrlab:", err)
	}
	if g.File != "" {
		u.OpenFile(g.File)
	}
	defer u.WatchRuns(app.RunsPollInterval)()
	u.Window.ShowAndRun()
	return 0
}
