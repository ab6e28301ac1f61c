package app

import (
	"cmp"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// The Attribute results table sorts by a model's credit or by channel
// name when its header is clicked; a second click reverses the order.

// sortChannel is the sort column of channel names.
const sortChannel = -1

// resultSort is the results table's row order.
type resultSort struct {
	col  int  // a results column, sortChannel, or sortNone
	desc bool // largest (or Z) first
	// order maps table rows to channel indices of the results.
	order []int
}

// sortNone keeps the channels in the results' order.
const sortNone = -2

// SortBy sorts the results table by a model's column (0, 1, …) or, for
// col -1, by channel name, as clicking the header does; clicking the same
// header again reverses the order. Credit sorts largest first at first.
func (s *AttributeScreen) SortBy(col int) {
	if col == s.sort.col {
		s.sort.desc = !s.sort.desc
	} else {
		s.sort.col = col
		s.sort.desc = col != sortChannel
	}
	s.applySort()
	s.fitColumns() // the arrow moved
	s.Table.Refresh()
}

// applySort orders the rows of the current results.
func (s *AttributeScreen) applySort() {
	if len(s.results) == 0 {
		s.sort.order = nil
		return
	}
	n := len(s.results[0].Channels)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	col := s.sort.col
	if col >= len(s.results) {
		col = sortNone
	}
	if col != sortNone {
		names := s.results[0].Channels
		slices.SortStableFunc(order, func(a, b int) int {
			var c int
			if col == sortChannel {
				c = cmp.Compare(names[a], names[b])
			} else {
				conv := s.results[col].Conversions
				c = cmp.Compare(conv[a], conv[b])
			}
			if s.sort.desc {
				c = -c
			}
			return c
		})
	}
	s.sort.order = order
}

// channelAt is the results' channel index shown on table row row.
func (s *AttributeScreen) channelAt(row int) int {
	if row < len(s.sort.order) {
		return s.sort.order[row]
	}
	return row
}

// HeaderText is the text of a results header: a model (col ≥ 0) or the
// channel column (sortChannel), with an arrow when sorted by it.
func (s *AttributeScreen) HeaderText(col int) string {
	t := "channel"
	if col >= 0 {
		t = s.results[col].Model
	}
	if col == s.sort.col {
		if s.sort.desc {
			return t + " ▼"
		}
		return t + " ▲"
	}
	return t
}

// newResultHeader is a header cell: a button for the sortable headers, a
// bold label for the channel names down the side.
func newResultHeader() fyne.CanvasObject {
	l := widget.NewLabelWithStyle("paid_search_brand", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b := widget.NewButton("", nil)
	b.Hide()
	return container.NewStack(l, b)
}

func (s *AttributeScreen) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	l, b := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Button)
	if len(s.results) == 0 {
		l.SetText("")
		b.Hide()
		return
	}
	switch {
	case id.Row < 0: // the header row: a model, or the corner over the channels
		col := id.Col
		if col < 0 {
			col = sortChannel
		}
		l.Hide()
		b.SetText(s.HeaderText(col))
		b.OnTapped = func() { s.SortBy(col) }
		b.Show()
	default:
		b.Hide()
		l.SetText(s.results[0].Channels[s.channelAt(id.Row)])
		l.Show()
	}
}
