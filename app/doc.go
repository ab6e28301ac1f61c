// Package app is Attribution Lab's desktop interface, built with Fyne: one
// window with a sidebar (Datasets, Attribute, Runs, Compare, Budget) and the
// chosen screen beside it. It is the only package that imports Fyne.
//
// Each screen is a small struct in its own file holding what it needs.
// The UI is built apart from app.Run so tests drive it with
// fyne.io/fyne/v2/test; long work runs off the UI thread and hands results
// back with fyne.Do.
package app
