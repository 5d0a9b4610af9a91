package htmlreport

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/callqa/callqa/callview"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/score"
)

// chart is a bar chart of the report: callview.BarChart, which draws
// it, with its caption and a note under it in both languages.
type chart struct {
	*callview.BarChart
	Caption Label
	Note    Label // e.g. "12 more not shown (fewer violations)"
}

// maxBars is the most bars a chart of agents or teams draws.
const maxBars = 15

// newChart lays out bars for labels with values, scaled to maxValue.
// shown[i] is the value's text.
func newChart(id string, title Label, labels []string, values []float64, shown []string, classes []string, maxValue float64) chart {
	c := callview.NewBarChart(id, title.ZH+" "+title.EN, labels, values, shown, classes, maxValue)
	c.Empty = text(label(groupUI, "noData"))
	return chart{BarChart: c, Caption: title}
}

// categoryChart counts violating turns per category over calls; every
// category is shown, in policy order.
func categoryChart(calls []*score.CallScore) chart {
	counts := make(map[string]int)
	for _, c := range calls {
		if c == nil {
			continue
		}
		for cat, n := range callview.ViolatingTurns(c.Violations) {
			counts[cat] += n
		}
	}
	var labels, shown, classes []string
	var values []float64
	top := 0
	for _, cat := range result.ViolationCategories {
		labels = append(labels, label(groupCategory, cat).ZH)
		values = append(values, float64(counts[cat]))
		shown = append(shown, strconv.Itoa(counts[cat]))
		classes = append(classes, "bar-violation")
		top = max(top, counts[cat])
	}
	c := newChart("chart-category", label(groupUI, "byCategory"), labels, values, shown, classes, float64(top))
	for i, cat := range result.ViolationCategories {
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
		g.violations += callview.CountViolations(c.Violations)
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
		for _, it := range callview.OrderedItems(c, nil) {
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
		shown = append(shown, fmt.Sprintf("%s (%d/%d)", callview.Percent(r.done, r.of), r.done, r.of))
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
