package index

import (
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/callqa/callqa/result"
)

// StatsRow is one group of a stats table.
type StatsRow struct {
	Group      string  `json:"group"`
	Calls      int     `json:"calls"`
	Failed     int     `json:"failed"`
	PassRate   float64 `json:"pass_rate"`
	Violations int     `json:"violations"`
}

// StatsBy are the groupings Stats knows.
var StatsBy = []string{"team", "agent", "month", "category"}

// Stats counts calls, failed calls and violations per group, over the
// whole index (or alias), with facets: no document is loaded.
func Stats(bi bleve.Index, by string) ([]StatsRow, error) {
	callField, findingField := by, by
	switch by {
	case "team", "agent", "month":
	case "category":
		callField = "categories"
	default:
		return nil, fmt.Errorf("unknown grouping %q (want team, agent, month or category)", by)
	}
	count := func(q query.Query, field string) (map[string]int, error) {
		req := bleve.NewSearchRequestOptions(q, 0, 0, false)
		req.AddFacet("g", bleve.NewFacetRequest(field, 10000))
		sr, err := bi.Search(req)
		if err != nil {
			return nil, err
		}
		out := map[string]int{}
		if f := sr.Facets["g"]; f != nil {
			if f.Terms != nil {
				for _, t := range f.Terms.Terms() {
					out[t.Term] = t.Count
				}
			}
			if f.Missing > 0 {
				out["(none)"] += f.Missing
			}
		}
		return out, nil
	}
	calls, err := count(term("type", TypeCall), callField)
	if err != nil {
		return nil, err
	}
	failed, err := count(bleve.NewConjunctionQuery(term("type", TypeCall), term("pass", "false")), callField)
	if err != nil {
		return nil, err
	}
	var cats []query.Query
	for _, c := range result.ViolationCategories {
		cats = append(cats, term("category", c))
	}
	viol, err := count(bleve.NewConjunctionQuery(term("type", TypeFinding), bleve.NewDisjunctionQuery(cats...)), findingField)
	if err != nil {
		return nil, err
	}
	if by == "category" {
		delete(calls, "(none)")
		delete(failed, "(none)")
	}
	var rows []StatsRow
	for g, n := range calls {
		r := StatsRow{Group: g, Calls: n, Failed: failed[g], Violations: viol[g]}
		if n > 0 {
			r.PassRate = float64(n-r.Failed) / float64(n)
		}
		rows = append(rows, r)
	}
	SortStats(rows, by)
	return rows, nil
}

// SortStats puts stats rows in the order Stats gives them: months in
// order, other groups by violations, most first, then by name.
func SortStats(rows []StatsRow, by string) {
	sort.Slice(rows, func(i, j int) bool {
		if by == "month" {
			return rows[i].Group < rows[j].Group
		}
		if rows[i].Violations != rows[j].Violations {
			return rows[i].Violations > rows[j].Violations
		}
		return rows[i].Group < rows[j].Group
	})
}

// OpenAlias opens several index folders read-only and returns one alias
// over them, so a search across shards (one index per month or per team)
// returns the union with correct totals and facets. close closes them all.
func OpenAlias(dirs []string) (bleve.Index, func() error, error) {
	var opened []*Index
	closeAll := func() error {
		var first error
		for _, ix := range opened {
			if err := ix.Close(); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	alias := bleve.NewIndexAlias()
	for _, d := range dirs {
		ix, err := Open(d, Options{ReadOnly: true})
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		opened = append(opened, ix)
		alias.Add(ix.Bleve())
	}
	return alias, closeAll, nil
}
