// Package locale gives Fyne a locale it can parse before Fyne starts.
//
// With LANG=C, POSIX or unset (common on servers and in CI), Fyne logs
// "Error parsing user locale C" from its package initialisation, even when
// attrlab runs only a command-line command. Go initialises packages in
// import-path order once their own imports are ready, so this package
// (github.com/attrlab/…, importing only os) runs before Fyne's locale
// lookup (which waits for github.com/jeandeaual/go-locale): main imports it
// for that side effect. A real locale the user set is left alone.
package locale

import "os"

func init() {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		switch os.Getenv(v) {
		case "":
			continue
		case "C", "POSIX", "C.UTF-8", "C.utf8":
			os.Setenv(v, "en_US.UTF-8")
			continue
		}
		return // the first real locale wins, as in the C library
	}
	if os.Getenv("LANG") == "" {
		os.Setenv("LANG", "en_US.UTF-8")
	}
}
