package htmlreport

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"golang.org/x/text/width"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/score"
)

// chart is a horizontal bar chart, drawn as inline SVG. The geometry is
// computed here, in viewBox units; the template only places it.
type chart struct {
	ID     string
	Title  Label
	Width  int
	Height int
	LabelX int // right edge of the labels
	BarX   int // left edge of the bars
	TrackW int // the width of a full bar
	Bars   []bar
	Note   Label // e.g. "12 more not shown (fewer violations)"
}

type bar struct {
	Label  string // as shown, shortened when long
	Full   string // the whole label, for the tooltip
	Value  string
	Tip    string // the value in full, for the tooltip
	Y      int    // top of the row
	BarY   int
	BarH   int
	TextY  int
	W      int // bar width
	ValueX int
	Class  string
}

// Chart geometry, in viewBox units (the SVG scales to its box).
const (
	chartWidth  = 560
	chartLabelW = 170
	chartValueW = 110
	chartRowH   = 30
	chartBarH   = 18
	chartPad    = 10
	maxBars     = 15
	maxLabel    = 24 // label width in halfwidth columns; a CJK character takes two
)

// newChart lays out bars for labels with values, scaled to maxValue.
// shown[i] is the value's text.
func newChart(id string, title Label, labels []string, values []float64, shown []string, classes []string, maxValue float64) chart {
	area := chartWidth - chartLabelW - chartValueW
	c := chart{ID: id, Title: title, Width: chartWidth, LabelX: chartLabelW - 8, BarX: chartLabelW, TrackW: area}
	for i, l := range labels {
		y := chartPad + i*chartRowH
		w := 0
		if maxValue > 0 {
			w = int(float64(area)*values[i]/maxValue + 0.5)
		}
		if values[i] > 0 {
			w = max(w, 2) // a small value stays visible
		}
		c.Bars = append(c.Bars, bar{
			Label: shorten(l), Full: l, Value: shown[i], Tip: shown[i],
			Y: y, BarY: y + (chartRowH-chartBarH)/2, BarH: chartBarH, TextY: y + chartRowH/2 + 5,
			W: w, ValueX: chartLabelW + w + 6, Class: classes[i],
		})
	}
	c.Height = 2*chartPad + max(len(labels), 1)*chartRowH
	return c
}

// shorten cuts a label that would not fit in the label column, counting
// wide (CJK) characters as two columns, and ends it with "…".
func shorten(s string) string {
	if displayWidth(s) <= maxLabel {
		return s
	}
	w := 0
	for i, r := range s {
		if w+runeWidth(r) > maxLabel-1 { // one column for "…"
			return s[:i] + "…"
		}
		w += runeWidth(r)
	}
	return s
}

func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

func runeWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// categoryChart counts violating turns per category over calls; every
// category is shown, in policy order.
func categoryChart(calls []*score.CallScore) chart {
	counts := make(map[string]int)
	for _, c := range calls {
		if c == nil {
			continue
		}
		for cat, n := range violatingTurns(c) {
			counts[cat] += n
		}
	}
	var labels, shown, classes []string
	var values []float64
	top := 0
	for _, cat := range analyzer.ViolationCategories {
		labels = append(labels, label(groupCategory, cat).ZH)
		values = append(values, float64(counts[cat]))
		shown = append(shown, strconv.Itoa(counts[cat]))
		classes = append(classes, "bar-violation")
		top = max(top, counts[cat])
	}
	c := newChart("chart-category", label(groupUI, "byCategory"), labels, values, shown, classes, float64(top))
	for i, cat := range analyzer.ViolationCategories {
		c.Bars[i].Full = text(label(groupCategory, cat))
	}
	return c
}

// groupChart counts violating turns per group (agent or team). Groups
// with the most violations come first; at most maxBars are drawn.
func groupChart(id string, title Label, calls []*score.CallScore, key func(*score.CallScore) string, none string) chart {
	type group struct {
		name       string
		violations int
		calls      int
	}
	var groups []*group
	index := make(map[string]*group)
	for _, c := range calls {
		if c == nil {
			continue
		}
		k := key(c)
		if k == "" {
			k = none
		}
		g := index[k]
		if g == nil {
			g = &group{name: k}
			index[k] = g
			groups = append(groups, g)
		}
		g.calls++
		g.violations += countViolations(c)
	}
	slices.SortStableFunc(groups, func(a, b *group) int {
		return cmp.Or(cmp.Compare(b.violations, a.violations), cmp.Compare(a.name, b.name))
	})
	var note Label
	if len(groups) > maxBars {
		note = format(label(groupUI, "moreNotShown"), len(groups)-maxBars)
		groups = groups[:maxBars]
	}
	var labels, shown, classes []string
	var values []float64
	top := 0
	for _, g := range groups {
		labels = append(labels, g.name)
		values = append(values, float64(g.violations))
		shown = append(shown, format(label(groupUI, "violationsInCalls"), g.violations, g.calls).ZH)
		classes = append(classes, "bar-violation")
		top = max(top, g.violations)
	}
	c := newChart(id, title, labels, values, shown, classes, float64(top))
	for i, g := range groups {
		c.Bars[i].Tip = text(format(label(groupUI, "violationsInCalls"), g.violations, g.calls))
	}
	c.Note = note
	return c
}

// coverageChart shows, for each step, task and required item, the share of
// the calls that have it where it was done.
func coverageChart(calls []*score.CallScore) chart {
	type cov struct {
		code, name string
		done, of   int
	}
	var rows []*cov
	index := make(map[string]*cov)
	for _, c := range calls {
		if c == nil {
			continue
		}
		for _, it := range orderedItems(c) {
			k := it.Kind + "/" + it.Code
			r := index[k]
			if r == nil {
				r = &cov{code: it.Code, name: itemName(it)}
				index[k] = r
				rows = append(rows, r)
			}
			r.of++
			if it.Done {
				r.done++
			}
		}
	}
	var labels, shown, classes []string
	var values []float64
	for _, r := range rows {
		rate := float64(r.done) / float64(r.of)
		labels = append(labels, r.name)
		values = append(values, rate)
		shown = append(shown, fmt.Sprintf("%s (%d/%d)", percent(r.done, r.of), r.done, r.of))
		switch {
		case rate >= 0.8:
			classes = append(classes, "bar-good")
		case rate >= 0.5:
			classes = append(classes, "bar-fair")
		default:
			classes = append(classes, "bar-poor")
		}
	}
	c := newChart("chart-coverage", label(groupUI, "coverage"), labels, values, shown, classes, 1)
	for i, r := range rows {
		if en := label(groupItem, r.code).EN; en != "" {
			c.Bars[i].Full = r.name + " " + en
		}
	}
	return c
}
