// Command attrlab is Attribution Lab: with no command (attrlab [--db PATH]
// [FILE]) it opens the desktop app; with a command it runs the same engine
// on the command line.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/attrlab/attrlab/cli"
	_ "github.com/attrlab/attrlab/internal/locale" // before Fyne's locale lookup
)

func main() {
	g, gui, err := cli.ParseGUIArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "attrlab:", err)
		os.Exit(cli.ExitUsage)
	}
	if gui {
		os.Exit(runGUI(g))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}
