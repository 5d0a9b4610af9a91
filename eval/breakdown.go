package eval

import (
	"slices"
	"strings"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/result"
)

// NoValue is the group of the calls that have no value for a --by field.
const NoValue = "(none)"

// Breakdown is the scored calls split by the value of one field, as
// `callqa eval --by FIELD` prints it; its JSON form is an entry of the
// report's "by" list.
type Breakdown struct {
	Field string `json:"field"`
	// Groups are in order of value, with NoValue last.
	Groups []Group `json:"groups"`
}

// Group is the figures of the calls that share one value of a field,
// counted as Evaluate counts them for the whole report.
type Group struct {
	Value string `json:"value"`
	// Calls counts the group's labeled calls: Evaluated scanned ones and
	// the labels without a scanned call. CallIDs lists them, scanned calls
	// in input order, then the others sorted.
	Calls     int      `json:"calls"`
	Evaluated int      `json:"evaluated"`
	CallIDs   []string `json:"call_ids"`
	// Turns, Micro, Clean, Party, Tasks and Steps are the figures of the
	// Report fields of the same names, over the group's calls.
	Turns []CategoryScore `json:"turns"`
	Micro Score           `json:"micro"`
	Clean CleanCalls      `json:"clean"`
	Party Accuracy        `json:"party"`
	Tasks []CodeScore     `json:"tasks"`
	Steps []CodeScore     `json:"steps"`
}

// HeaderFields are the --by fields that come from the transcript header
// (corpus.Call) when the label has no field of that name. "date" and
// "started_at" are both the date part of started_at (2026-03-02); any other
// header key (corpus.Call.Meta) can be named as well.
var HeaderFields = []string{"agent", "team", "kind", "party", "date", "started_at"}

// FieldValue returns the value of field for one call, looking in turn at:
//
//  1. the label's top-level scalar fields (Label.Field): tags merged with
//     MergeTags, then the label line's own extra keys, call_id, party and
//     notes;
//  2. the transcript header: agent, team, kind, party, date or started_at
//     (the date part of started_at), or another header key;
//  3. for "variety", the variety DetectVariety finds in the turns.
//
// r is nil for a label without a scanned call, which then has only label
// fields. The result is NoValue when none of these has a non-empty value.
func FieldValue(field string, r *result.Result, lab Label) string {
	if v, ok := lab.Field(field); ok {
		return v
	}
	if r == nil {
		return NoValue
	}
	if v := headerField(field, r); v != "" {
		return v
	}
	if field == "variety" {
		if v := CallVariety(r.Call); v != "" {
			return v
		}
	}
	return NoValue
}

// headerField returns a header field of the call behind r: from r.Call
// when the result carries it, else from the header copies on r.
func headerField(field string, r *result.Result) string {
	c := r.Call
	if c == nil {
		c = &corpus.Call{Agent: r.Agent, Team: r.Team, StartedAt: r.StartedAt, Kind: r.Kind}
	}
	switch field {
	case "agent":
		return c.Agent
	case "team":
		return c.Team
	case "kind":
		return c.Kind
	case "party":
		return c.Party
	case "date", "started_at":
		date, _, _ := strings.Cut(c.StartedAt, "T")
		date, _, _ = strings.Cut(date, " ")
		return date
	}
	return c.Meta[field]
}

// GroupBy splits the calls Evaluate scores (scanned calls with a label,
// and labels without a scanned call) by FieldValue of field, and scores
// each group as Evaluate scores the whole. Scanned calls without a label
// are left out; of a call scanned more than once, the first result
// counts. Neither argument is changed.
func GroupBy(results []*result.Result, labels map[string]Label, field string) Breakdown {
	type members struct {
		results []*result.Result
		labels  map[string]Label
		ids     []string
	}
	groups := make(map[string]*members)
	add := func(id string, r *result.Result) {
		lab := labels[id]
		v := FieldValue(field, r, lab)
		g := groups[v]
		if g == nil {
			g = &members{labels: make(map[string]Label)}
			groups[v] = g
		}
		if r != nil {
			g.results = append(g.results, r)
		}
		g.labels[id] = lab
		g.ids = append(g.ids, id)
	}

	seen := make(map[string]bool)
	for _, r := range results {
		if r == nil || seen[r.CallID] {
			continue
		}
		seen[r.CallID] = true
		if _, ok := labels[r.CallID]; ok {
			add(r.CallID, r)
		}
	}
	for _, id := range sortedKeys(labels) {
		if !seen[id] {
			add(id, nil)
		}
	}

	values := sortedKeys(groups)
	if i := slices.Index(values, NoValue); i >= 0 {
		values = append(slices.Delete(values, i, i+1), NoValue)
	}
	b := Breakdown{Field: field, Groups: make([]Group, 0, len(values))}
	for _, v := range values {
		g := groups[v]
		rep := Evaluate(g.results, g.labels)
		b.Groups = append(b.Groups, Group{
			Value:     v,
			Calls:     len(g.ids),
			Evaluated: rep.Evaluated,
			CallIDs:   g.ids,
			Turns:     rep.Turns,
			Micro:     rep.Micro,
			Clean:     rep.Clean,
			Party:     rep.Party,
			Tasks:     rep.Tasks,
			Steps:     rep.Steps,
		})
	}
	return b
}
