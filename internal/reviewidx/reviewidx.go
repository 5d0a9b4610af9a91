// Package reviewidx joins the reviewers' decisions (package review) with
// the index (package index): which calls have a finding in a given review
// state, which findings of a call are still undecided or orphaned, and the
// review progress the dashboard shows. The index finds; the database
// holds what people decided; a finding is the same in both by its key
// (index.FindingDocID of call, turn and category).
package reviewidx

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/review"
)

// Verdicts are the values a search may filter on (search --verdict).
var Verdicts = []string{string(review.StateConfirmed), string(review.StateDismissed), string(review.StateOpen), string(review.StateAppealed)}

// ParseVerdict checks a verdict filter value.
func ParseVerdict(s string) (review.State, error) {
	if slices.Contains(Verdicts, s) {
		return review.State(s), nil
	}
	return "", fmt.Errorf("unknown verdict %q (want %s)", s, strings.Join(Verdicts, ", "))
}

// DocID is the index document id of the finding a decision is about.
func DocID(k review.Key) string { return index.FindingDocID(k.CallID, k.Turn, k.Category) }

// Narrow restricts q to the calls with at least one finding in state st
// (open: a violation in the index without a decision), or, with
// q.Findings, to the findings in that state. A confirmed, dismissed or
// appealed machine finding counts only while it is in the index (an
// orphaned decision does not make its call match); a violation a reviewer
// added counts for its call.
func Narrow(ctx context.Context, s *review.Store, bi index.Reader, q *index.Query, st review.State) error {
	ds, err := s.Decisions(ctx, review.Filter{})
	if err != nil {
		return err
	}
	var decided, inState []string
	addedCalls := map[string]bool{}
	for _, d := range ds {
		if d.Added {
			if d.State == st {
				addedCalls[d.CallID] = true
			}
			continue
		}
		decided = append(decided, DocID(d.Key))
		if d.State == st {
			inState = append(inState, DocID(d.Key))
		}
	}
	if q.Findings {
		if st == review.StateOpen {
			// Open are the violations without a decision; the customer's
			// abuse is not reviewed.
			abuse, err := abuseFindings(bi)
			if err != nil {
				return err
			}
			q.ExcludeDocIDs = append(append(q.ExcludeDocIDs, decided...), abuse...)
		} else {
			q.DocIDs = intersect(q.DocIDs, inState)
		}
		return nil
	}
	fq := index.Query{Findings: true}
	if st == review.StateOpen {
		fq.ExcludeDocIDs = decided
	} else {
		fq.DocIDs = inState
	}
	calls, err := findingCalls(bi, fq)
	if err != nil {
		return err
	}
	for id := range addedCalls {
		calls = append(calls, id)
	}
	docs := make([]string, 0, len(calls))
	for _, id := range calls {
		docs = append(docs, index.CallDocID(id))
	}
	q.DocIDs = intersect(q.DocIDs, docs)
	return nil
}

// abuseFindings returns the document ids of the customer_abuse findings.
func abuseFindings(bi index.Reader) ([]string, error) {
	q := index.Query{Findings: true, Category: result.CategoryCustomerAbuse}
	n, _, err := bi.Count(q, 0)
	if err != nil || n == 0 {
		return nil, err
	}
	q.Limit = int(n)
	res, err := bi.Search(q)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(res.Findings))
	for _, f := range res.Findings {
		ids = append(ids, index.FindingDocID(f.CallID, f.Turn, f.Category))
	}
	return ids, nil
}

// findingCalls returns the ids of the calls of the violations fq matches.
func findingCalls(bi index.Reader, fq index.Query) ([]string, error) {
	n, _, err := bi.Count(fq, 0)
	if err != nil || n == 0 {
		return []string{}, err
	}
	_, f, err := bi.Count(fq, int(n), "call_id")
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(f["call_id"]))
	for _, c := range f["call_id"] {
		out = append(out, c.Value)
	}
	return out, nil
}

// intersect keeps the ids of b that are in a; a nil a does not narrow.
func intersect(a, b []string) []string {
	if b == nil {
		b = []string{}
	}
	if a == nil {
		return b
	}
	in := make(map[string]bool, len(a))
	for _, id := range a {
		in[id] = true
	}
	out := []string{}
	for _, id := range b {
		if in[id] {
			out = append(out, id)
		}
	}
	return out
}

// Finding is a violation of a call in the index with the decision on it.
type Finding struct {
	result.Finding
	State    review.State     `json:"state"`
	Decision *review.Decision `json:"decision,omitempty"`
}

// Call is where the review of one call stands.
type Call struct {
	CallID string `json:"call_id"`
	// Findings are the call's violations in the index, each with its
	// state and decision.
	Findings []Finding `json:"findings"`
	// Added are the violations reviewers added at a turn.
	Added []review.Decision `json:"added"`
	// Orphaned are decisions on machine findings the index no longer
	// holds (the call was analyzed again since): kept, not deleted.
	Orphaned []review.Decision `json:"orphaned"`
	// Decisions are all the call's decisions; Appeals and Audit its
	// appeals and audit trail, oldest first.
	Decisions []review.Decision `json:"decisions"`
	Appeals   []review.Appeal   `json:"appeals"`
	Audit     []review.Event    `json:"audit"`
	// Finished is the finished review of the call, or nil.
	Finished *review.CallReview `json:"finished"`
	// Undecided counts the findings without a decision.
	Undecided int `json:"undecided"`
}

// Reviewable reports whether a finding is one reviewers decide: the
// agent's violations (the customer's abuse is shown, not reviewed).
func Reviewable(f result.Finding) bool { return result.IsViolation(f.Category) }

// ForCall reads where the review of an analyzed call (as index.Call
// returns it) stands.
func ForCall(ctx context.Context, s *review.Store, res *result.Result) (*Call, error) {
	id := res.CallID
	ds, err := s.Decisions(ctx, review.Filter{CallIDs: []string{id}})
	if err != nil {
		return nil, err
	}
	c := &Call{CallID: id, Findings: []Finding{}, Added: []review.Decision{}, Orphaned: []review.Decision{}, Decisions: ds}
	if c.Decisions == nil {
		c.Decisions = []review.Decision{}
	}
	byKey := map[review.Key]*review.Decision{}
	for i := range ds {
		byKey[ds[i].Key] = &ds[i]
	}
	inIndex := map[review.Key]bool{}
	for _, f := range res.Findings {
		if !Reviewable(f) {
			continue
		}
		k := review.Key{CallID: id, Turn: f.Turn, Category: f.Category}
		if inIndex[k] {
			continue // one finding per turn and category, as the index keeps them
		}
		inIndex[k] = true
		fv := Finding{Finding: f, State: review.StateOpen}
		if d := byKey[k]; d != nil {
			fv.State, fv.Decision = d.State, d
		} else {
			c.Undecided++
		}
		c.Findings = append(c.Findings, fv)
	}
	for _, d := range ds {
		switch {
		case inIndex[d.Key]:
		case d.Added:
			c.Added = append(c.Added, d)
		default:
			c.Orphaned = append(c.Orphaned, d)
		}
	}
	if c.Appeals, err = s.Appeals(ctx, id); err != nil {
		return nil, err
	}
	if c.Audit, err = s.Audit(ctx, id); err != nil {
		return nil, err
	}
	if c.Appeals == nil {
		c.Appeals = []review.Appeal{}
	}
	if c.Audit == nil {
		c.Audit = []review.Event{}
	}
	crs, err := s.CallReviews(ctx, review.Filter{CallIDs: []string{id}})
	if err != nil {
		return nil, err
	}
	if len(crs) > 0 {
		c.Finished = &crs[0]
	}
	return c, nil
}

// Progress is how far the review of the indexed calls has come.
type Progress struct {
	// Findings counts the violations in the index; Decided those with a
	// decision, Open those without.
	Findings int `json:"findings"`
	Decided  int `json:"decided"`
	Open     int `json:"open"`
	// Confirmed, Dismissed and Appealed (an appeal not yet resolved)
	// count the decided findings in the index by state.
	Confirmed int `json:"confirmed"`
	Dismissed int `json:"dismissed"`
	Appealed  int `json:"appealed"`
	// Added counts the violations reviewers added; Orphaned the decisions
	// on findings the index no longer holds.
	Added    int `json:"added"`
	Orphaned int `json:"orphaned"`
	// CallsFinished counts the calls whose review is finished.
	CallsFinished int `json:"calls_finished"`
	// Rules are the rules that have findings in the index or decisions,
	// most findings first.
	Rules []RuleProgress `json:"rules"`
}

// RuleProgress is one rule's findings and how reviewers decided them.
type RuleProgress struct {
	Rule string `json:"rule"`
	// Findings counts the rule's violations in the index.
	Findings int `json:"findings"`
	// Confirmed, Dismissed and Appealed count the decisions on the rule's
	// findings (review.RuleCounts).
	Confirmed int `json:"confirmed"`
	Dismissed int `json:"dismissed"`
	Appealed  int `json:"appealed"`
	// ConfirmedShare is confirmed (an appealed finding stays confirmed
	// until the appeal is resolved) over decided; nil when none is
	// decided.
	ConfirmedShare *float64 `json:"confirmed_share"`
}

// ReviewProgress counts the review progress over the whole index and
// database.
func ReviewProgress(ctx context.Context, s *review.Store, bi index.Reader) (*Progress, error) {
	ds, err := s.Decisions(ctx, review.Filter{})
	if err != nil {
		return nil, err
	}
	byState := map[review.State][]string{}
	var decided []string
	for _, d := range ds {
		if d.Added {
			continue
		}
		decided = append(decided, DocID(d.Key))
		byState[d.State] = append(byState[d.State], DocID(d.Key))
	}
	count := func(q index.Query) (int, error) {
		q.Findings = true
		n, _, err := bi.Count(q, 0)
		return int(n), err
	}
	p := &Progress{}
	total, rules, err := bi.Count(index.Query{Findings: true}, 10000, "rule")
	if err != nil {
		return nil, err
	}
	p.Findings = int(total)
	if p.Open, err = count(index.Query{ExcludeDocIDs: decided}); err != nil {
		return nil, err
	}
	p.Decided = p.Findings - p.Open
	p.Orphaned = len(decided) - p.Decided
	for st, n := range map[review.State]*int{review.StateConfirmed: &p.Confirmed, review.StateDismissed: &p.Dismissed, review.StateAppealed: &p.Appealed} {
		if *n, err = count(index.Query{DocIDs: byState[st]}); err != nil {
			return nil, err
		}
	}
	counts, err := s.Counts(ctx)
	if err != nil {
		return nil, err
	}
	p.Added, p.CallsFinished = counts.Added, counts.CallsFinished
	rcs, err := s.RuleCounts(ctx)
	if err != nil {
		return nil, err
	}
	p.Rules = ruleProgress(rules["rule"], rcs)
	return p, nil
}

// ruleProgress merges the index's findings per rule with the decisions per
// rule.
func ruleProgress(facet []index.FacetCount, rcs []review.RuleCount) []RuleProgress {
	byRule := map[string]*RuleProgress{}
	var out []*RuleProgress
	get := func(rule string) *RuleProgress {
		if r := byRule[rule]; r != nil {
			return r
		}
		r := &RuleProgress{Rule: rule}
		byRule[rule] = r
		out = append(out, r)
		return r
	}
	for _, c := range facet {
		get(c.Value).Findings = c.Count
	}
	for _, rc := range rcs {
		r := get(rc.Rule)
		r.Confirmed, r.Dismissed, r.Appealed = rc.Confirmed, rc.Dismissed, rc.Appealed
		if n := rc.Confirmed + rc.Dismissed + rc.Appealed; n > 0 {
			share := float64(rc.Confirmed+rc.Appealed) / float64(n)
			r.ConfirmedShare = &share
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Findings != out[j].Findings {
			return out[i].Findings > out[j].Findings
		}
		return out[i].Rule < out[j].Rule
	})
	res := make([]RuleProgress, len(out))
	for i, r := range out {
		res[i] = *r
	}
	return res
}
