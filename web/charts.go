package web

import (
	"strconv"

	"golang.org/x/text/width"
)

// Charts are inline SVG drawn on the server: the geometry is computed
// here, in viewBox units, and the template only places it. They use
// presentation attributes and classes, never style attributes, which the
// Content-Security-Policy would block.

// barChart is a horizontal bar chart: one labelled row per value.
type barChart struct {
	ID, Title     string
	Width, Height int
	LabelX        int // right edge of the labels
	BarX          int // left edge of the bars
	TrackW        int // width of a full bar
	Bars          []bar
	Note          string
	// Scale is the value of a full bar; 0 means the largest value.
	Scale int
}

type bar struct {
	Label, Full, Value string
	BarY, BarH, TextY  int
	W, ValueX          int
	Class              string
}

const (
	barWidth  = 560
	barLabelW = 220
	barValueW = 110
	barRowH   = 30
	barH      = 18
	chartPad  = 10
	maxLabel  = 30 // label width in half-width columns; a CJK character takes two
)

// newBarChart lays out one bar per label. shown, when not nil, is the text
// of each value; class gives each bar's class; scale is the value of a full
// bar (0: the largest value).
func newBarChart(id, title string, labels []string, values []int, shown []string, class func(i int) string, scale int) *barChart {
	c := &barChart{ID: id, Title: title, Width: barWidth, LabelX: barLabelW - 8, BarX: barLabelW, TrackW: barWidth - barLabelW - barValueW, Scale: scale}
	for i, l := range labels {
		y := chartPad + i*barRowH
		v := strconv.Itoa(values[i])
		if shown != nil {
			v = shown[i]
		}
		c.Bars = append(c.Bars, bar{
			Label: shorten(l), Full: l, Value: v,
			BarY: y + (barRowH-barH)/2, BarH: barH, TextY: y + barRowH/2 + 5, Class: class(i),
		})
	}
	c.Height = 2*chartPad + max(len(labels), 1)*barRowH
	c.scale(values)
	return c
}

// scale sets the bar widths.
func (c *barChart) scale(values []int) {
	top := c.Scale
	if top == 0 {
		for _, v := range values {
			top = max(top, v)
		}
	}
	for i := range c.Bars {
		w := 0
		if top > 0 {
			w = (c.TrackW*values[i] + top/2) / top
		}
		if values[i] > 0 {
			w = max(w, 2) // a small value stays visible
		}
		c.Bars[i].W = min(w, c.TrackW)
		c.Bars[i].ValueX = c.BarX + c.Bars[i].W + 6
	}
}

// columnChart is a vertical bar chart over time: one column per day (or
// month), labels under some of them.
type columnChart struct {
	ID, Title     string
	Width, Height int
	Columns       []column
	Ticks         []tick
	Grid          []gridLine
	Empty         bool
	BaseY, Left   int
	Right         int
}

type column struct {
	Label      string
	Value      int
	X, Y, W, H int
}

type tick struct {
	Label string
	X, Y  int
}

type gridLine struct {
	Label string
	Y     int
	TextY int
}

const (
	colHeight = 240
	colTop    = 14
	colBottom = 40 // room for the labels
	colLeft   = 40 // room for the scale
	// colMinW is the viewBox width: the chart spans the page, so text in it
	// stays the size of the page's text.
	colMinW    = 1120
	colMaxStep = 48
)

func newColumnChart(id, title string, labels []string, values []int) *columnChart {
	n := len(labels)
	step := 18
	if n > 0 && n*step < colMinW-colLeft-10 {
		step = (colMinW - colLeft - 10) / n
		step = min(step, colMaxStep)
	}
	width := max(colMinW, colLeft+n*step+10)
	c := &columnChart{ID: id, Title: title, Width: width, Height: colHeight, BaseY: colHeight - colBottom, Left: colLeft, Right: width - 10}
	top := 0
	for _, v := range values {
		top = max(top, v)
	}
	if n == 0 || top == 0 {
		c.Empty = n == 0
	}
	// A round scale: 1, 2, 5, 10, 20, 50… at the top.
	scaleTop := niceCeil(max(top, 1))
	plotH := c.BaseY - colTop
	for _, frac := range []int{0, 1, 2} {
		v := scaleTop * frac / 2
		y := c.BaseY - plotH*frac/2
		c.Grid = append(c.Grid, gridLine{Label: strconv.Itoa(v), Y: y, TextY: y + 4})
	}
	every := max(1, (n+9)/10) // about ten labels
	for i, l := range labels {
		h := 0
		if values[i] > 0 {
			h = max(1, plotH*values[i]/scaleTop)
		}
		x := colLeft + i*step
		c.Columns = append(c.Columns, column{Label: l, Value: values[i], X: x + 1, Y: c.BaseY - h, W: max(step-2, 1), H: h})
		if i%every == 0 {
			short := l
			if len(l) == len("2006-01-02") {
				short = l[5:] // 03-14
			}
			c.Ticks = append(c.Ticks, tick{Label: short, X: x + step/2, Y: c.BaseY + 16})
		}
	}
	return c
}

// niceCeil rounds n up to 1, 2 or 5 times a power of ten.
func niceCeil(n int) int {
	p := 1
	for {
		for _, m := range []int{1, 2, 5} {
			if m*p >= n {
				return m * p
			}
		}
		p *= 10
	}
}

// shorten cuts a label that would not fit, counting wide (CJK) characters
// as two columns, and ends it with "…".
func shorten(s string) string {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	if w <= maxLabel {
		return s
	}
	w = 0
	for i, r := range s {
		if w+runeWidth(r) > maxLabel-1 {
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
