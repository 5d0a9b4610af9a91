package callview

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"
)

// Width is the width of s in half-width columns: a wide or full-width
// (CJK) character takes two.
func Width(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

// Shorten cuts s to at most cols columns (see Width), ending it with "…"
// when it is cut.
func Shorten(s string, cols int) string {
	if Width(s) <= cols {
		return s
	}
	w := 0
	for i, r := range s {
		if w+runeWidth(r) > cols-1 { // one column for "…"
			return s[:i] + "…"
		}
		w += runeWidth(r)
	}
	return s
}

func runeWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// Percent formats n/of as a percentage with one decimal, without a
// trailing ".0": "66.7%", "50%"; "—" when of is not positive.
func Percent(n, of int) string {
	if of <= 0 {
		return "—"
	}
	s := strconv.FormatFloat(100*float64(n)/float64(of), 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}

// DisplayDate shows an RFC 3339 time as "2006-01-02 15:04" in its own
// offset, and any other text as it is.
func DisplayDate(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.Format("2006-01-02 15:04")
}
