package main

import (
	"fmt"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/attrlab/attrlab/app"
	"github.com/attrlab/attrlab/cli"
	"github.com/attrlab/attrlab/storage"
)

// runGUI opens the desktop app on the run store named by ATTRLAB_DB (or
// the default one) and the bundled sample dataset.
func runGUI() int {
	a := fyneapp.NewWithID("io.attrlab.app")
	app.Version = cli.Version
	path := os.Getenv("ATTRLAB_DB")
	var err error
	if path == "" {
		path, err = storage.DefaultPath()
	}
	var st *storage.Store
	if err == nil {
		st, err = storage.Open(path)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "attrlab: run store:", err)
		app.ShowStoreError(a, path, err)
		a.Run()
		return cli.ExitStore
	}
	defer st.Close()
	u := app.New(a, st)
	if err := u.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "attrlab:", err)
	}
	defer u.WatchRuns(app.RunsPollInterval)()
	u.Window.ShowAndRun()
	return 0
}
