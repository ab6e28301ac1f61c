package main

import (
	"fmt"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/attrlab/attrlab/app"
	"github.com/attrlab/attrlab/cli"
	"github.com/attrlab/attrlab/storage"
)

// runGUI opens the desktop app on the run store named by --db, else
// ATTRLAB_DB, else the default one, with the bundled sample dataset and,
// if given, a journey file in the import preview.
func runGUI(g cli.GUIArgs) int {
	a := fyneapp.NewWithID("io.attrlab.app")
	app.Version = cli.Version
	path := g.DB
	if path == "" {
		path = os.Getenv("ATTRLAB_DB")
	}
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
	if g.File != "" {
		u.OpenFile(g.File)
	}
	defer u.WatchRuns(app.RunsPollInterval)()
	u.Window.ShowAndRun()
	return 0
}
