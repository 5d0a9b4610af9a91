// Package termtab lays out tab-separated text in aligned columns for a
// terminal, as text/tabwriter does, but measures each cell by the columns
// it takes on the screen instead of by its number of characters: a
// Chinese character takes two columns, so 孙磊, 陳怡君 and M1-A line up.
// text/tabwriter counts a Chinese character as one column, which pushes
// every cell after a Chinese one out of line.
//
// Widths come from github.com/mattn/go-runewidth with a fixed condition
// (East Asian ambiguous characters one column wide), so the output is the
// same whatever the locale of the process.
//
// A Writer takes text as a tabwriter.Writer with padchar ' ', minwidth 0
// and no flags but AlignRight does: a cell ends with a tab, a line with a
// newline; the last cell of a line, which no tab ends, is not part of a
// column. Adjacent lines with a cell in the same column form a column
// block, whose width is its widest cell plus the padding. The control
// characters text/tabwriter also reads ('\v', '\f', its Escape byte) are
// plain text here. Text is held until Flush, which writes it out.
//
// The CLI's tables (callqa rules list, stats, search, score) and the table
// outputs of packages report and eval write through it.
package termtab

import (
	"bytes"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// Flags change how a Writer lays out its cells.
type Flags uint

// AlignRight puts the padding of a cell on its left, as
// tabwriter.AlignRight does.
const AlignRight Flags = 1 << iota

// cond measures display widths independently of the locale.
var cond = &runewidth.Condition{EastAsianWidth: false, StrictEmojiNeutral: true}

// Width is the number of terminal columns s takes: two for a wide or
// full-width (Chinese) character, none for a combining mark, one for the
// others.
func Width(s string) int {
	return cond.StringWidth(s)
}

// Pad pads s on the right with spaces to n terminal columns; s is returned
// as it is when it is already as wide.
func Pad(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-Width(s)))
}

// Writer is a filter that aligns the tab-separated cells written to it in
// columns by their display width (see the package comment).
type Writer struct {
	out     io.Writer
	padding int
	flags   Flags
	buf     bytes.Buffer
}

// NewWriter returns a Writer that writes to out, with padding spaces at
// least between two columns.
func NewWriter(out io.Writer, padding int, flags Flags) *Writer {
	return &Writer{out: out, padding: padding, flags: flags}
}

// Write holds p until Flush; it never fails.
func (w *Writer) Write(p []byte) (int, error) {
	return w.buf.Write(p)
}

// Flush lays out the text written since the last Flush and writes it to
// the output. Text after the last newline is written without one.
func (w *Writer) Flush() error {
	if w.buf.Len() == 0 {
		return nil
	}
	var lines [][]string
	for line := range strings.SplitSeq(w.buf.String(), "\n") {
		lines = append(lines, strings.Split(line, "\t"))
	}
	w.buf.Reset()
	// As in text/tabwriter, text after the last newline that ends with a
	// tab has no empty last cell: its cells are all in columns.
	if last := lines[len(lines)-1]; len(last) > 1 && last[len(last)-1] == "" {
		lines[len(lines)-1] = last[:len(last)-1]
	}
	var b strings.Builder
	w.format(&b, lines, 0, len(lines), nil)
	_, err := io.WriteString(w.out, b.String())
	return err
}

// format writes lines[line0:line1], whose first len(widths) columns have
// those widths, finding the column blocks of the next column as
// text/tabwriter does: each run of lines that has a cell in that column
// is formatted with one more width, the others as they are.
func (w *Writer) format(b *strings.Builder, lines [][]string, line0, line1 int, widths []int) {
	column := len(widths)
	for this := line0; this < line1; this++ {
		if !hasColumn(lines[this], column) {
			continue
		}
		w.writeLines(b, lines, line0, this, widths)
		line0 = this
		width := 0
		for ; this < line1 && hasColumn(lines[this], column); this++ {
			width = max(width, Width(lines[this][column])+w.padding)
		}
		w.format(b, lines, line0, this, append(widths[:column:column], width))
		line0 = this
	}
	w.writeLines(b, lines, line0, line1, widths)
}

// hasColumn tells whether line has a tab-terminated cell in column.
func hasColumn(line []string, column int) bool {
	return column < len(line)-1
}

// writeLines writes lines[line0:line1], padding the cells of the first
// len(widths) columns to those widths; every line but the last of the
// text ends with a newline.
func (w *Writer) writeLines(b *strings.Builder, lines [][]string, line0, line1 int, widths []int) {
	for i := line0; i < line1; i++ {
		for j, cell := range lines[i] {
			if j >= len(widths) {
				b.WriteString(cell)
				continue
			}
			pad := strings.Repeat(" ", max(0, widths[j]-Width(cell)))
			if w.flags&AlignRight != 0 {
				b.WriteString(pad + cell)
			} else {
				b.WriteString(cell + pad)
			}
		}
		if i < len(lines)-1 {
			b.WriteByte('\n')
		}
	}
}
