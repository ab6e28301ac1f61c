// Command attrlab is Attribution Lab: with no arguments it opens the
// desktop app; with a command it runs the same engine on the command line.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/attrlab/attrlab/cli"
	_ "github.com/attrlab/attrlab/internal/locale" // before Fyne's locale lookup
)

func main() {
	if len(os.Args) == 1 {
		os.Exit(runGUI())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}
