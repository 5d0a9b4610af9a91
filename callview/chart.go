package callview

import (
	"bytes"
	_ "embed"
	"html/template"
)

// BarChart is a horizontal bar chart, one labelled row per value, drawn
// as inline SVG by SVG. The geometry is in viewBox units (the SVG scales
// to its box); a page only places the drawing and its caption.
type BarChart struct {
	ID string
	// Title names the chart, as plain text, for the drawing's <title>.
	Title  string
	Width  int
	Height int
	LabelX int // right edge of the labels
	BarX   int // left edge of the bars
	TrackW int // width of a full bar
	Bars   []Bar
	// Empty is what the chart says when it has no bars.
	Empty string
}

// Bar is one row of a BarChart.
type Bar struct {
	Label string // as shown, shortened when long
	Full  string // the whole label, for the tooltip
	Value string // the value as shown beside the bar
	Tip   string // the value in full, for the tooltip
	BarY  int
	BarH  int
	TextY int
	W     int // the bar's width
	// ValueX is where the value's text starts.
	ValueX int
	// Class is the bar's class: bar-violation, bar-good, bar-fair or
	// bar-poor colour it.
	Class string
}

// Chart geometry, in viewBox units.
const (
	chartWidth  = 560
	chartLabelW = 220
	chartValueW = 110
	chartRowH   = 30
	chartBarH   = 18
	chartPad    = 10
	// MaxLabel is the width of a bar's label in half-width columns (a
	// CJK character takes two); a longer one is shortened.
	MaxLabel = 30
)

// NoData is what an empty chart says.
const NoData = "无数据 no data"

// NewBarChart lays out one bar per label. values are scaled to scale, the
// value of a full bar (0: the largest value); shown[i] is the text of
// values[i]; classes[i] is the class of its bar (nil: none).
func NewBarChart(id, title string, labels []string, values []float64, shown, classes []string, scale float64) *BarChart {
	c := &BarChart{ID: id, Title: title, Width: chartWidth, LabelX: chartLabelW - 8, BarX: chartLabelW,
		TrackW: chartWidth - chartLabelW - chartValueW, Empty: NoData}
	top := scale
	if top == 0 {
		for _, v := range values {
			top = max(top, v)
		}
	}
	for i, l := range labels {
		y := chartPad + i*chartRowH
		w := 0
		if top > 0 {
			w = int(float64(c.TrackW)*values[i]/top + 0.5)
		}
		if values[i] > 0 {
			w = max(w, 2) // a small value stays visible
		}
		w = min(w, c.TrackW)
		b := Bar{
			Label: Shorten(l, MaxLabel), Full: l, Value: shown[i], Tip: shown[i],
			BarY: y + (chartRowH-chartBarH)/2, BarH: chartBarH, TextY: y + chartRowH/2 + 5,
			W: w, ValueX: c.BarX + w + 6,
		}
		if classes != nil {
			b.Class = classes[i]
		}
		c.Bars = append(c.Bars, b)
	}
	c.Height = 2*chartPad + max(len(labels), 1)*chartRowH
	return c
}

var (
	//go:embed chart.svg.tmpl
	chartSVG  string
	chartTmpl = template.Must(template.New("chart").Parse(chartSVG))
)

// SVG draws the chart as an inline <svg> element, every text escaped.
func (c *BarChart) SVG() (template.HTML, error) {
	var b bytes.Buffer
	if err := chartTmpl.Execute(&b, c); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}
