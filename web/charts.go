package web

import (
	"strconv"

	"github.com/callqa/callqa/callview"
)

// Charts are inline SVG drawn on the server: the geometry is computed
// here and in package callview, in viewBox units, and the template only
// places it. They use presentation attributes and classes, never style
// attributes, which the Content-Security-Policy would block.

// barChart is a horizontal bar chart (callview.BarChart, which draws it)
// and a note under it.
type barChart struct {
	*callview.BarChart
	Note string
}

// newBarChart lays out one bar per label. shown, when not nil, is the text
// of each value; class gives each bar's class; scale is the value of a full
// bar (0: the largest value).
func newBarChart(id, title string, labels []string, values []int, shown []string, class func(i int) string, scale int) *barChart {
	vals := make([]float64, len(values))
	classes := make([]string, len(values))
	if shown == nil {
		shown = make([]string, len(values))
		for i, v := range values {
			shown[i] = strconv.Itoa(v)
		}
	}
	for i, v := range values {
		vals[i] = float64(v)
		classes[i] = class(i)
	}
	return &barChart{BarChart: callview.NewBarChart(id, title, labels, vals, shown, classes, float64(scale))}
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
