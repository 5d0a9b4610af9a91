package backtest

import (
	"fmt"
	"math"
	"sort"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/review"
)

// HealthOptions say which rules CheckHealth checks and what reviewers
// decided.
type HealthOptions struct {
	// Set is the loaded rule set: its violation rules are checked.
	Set *lexicon.Set
	// Decisions are the reviewers' current decisions.
	Decisions []review.Decision
	// MinReviewed is the number of decided findings (confirmed plus
	// dismissed) a rule needs to be ranked by its dismissed share.
	MinReviewed int
}

// Health is what CheckHealth found. Its JSON form is the `callqa rules
// health --format json` output: fields may be added, never renamed or
// removed.
type Health struct {
	// Calls and Findings count the call and finding documents of the
	// index.
	Calls    int `json:"calls"`
	Findings int `json:"findings"`
	// NeverFired lists the violation rules of the set that have no
	// finding in the index, by rule id.
	NeverFired []RuleRef `json:"never_fired"`
	// Dismissed ranks the rules with at least MinReviewed decided findings
	// by their dismissed share, highest first.
	Dismissed []RuleReview `json:"dismissed"`
	// Missed lists the violations reviewers added that no finding of the
	// index is on: what no rule catches.
	Missed []DecisionRef `json:"missed"`
	// Orphaned lists the decisions on a finding the index no longer holds
	// (the call was analyzed again and the finding is gone).
	Orphaned []DecisionRef `json:"orphaned"`
}

// RuleRef names a rule and where it is defined.
type RuleRef struct {
	Rule     string `json:"rule"`
	Category string `json:"category"`
	Pack     string `json:"pack"`
	Source   string `json:"source"`
}

// RuleReview is how reviewers decided one rule's findings. Open is its
// findings in the index without a decision; DismissedShare is
// Dismissed/(Confirmed+Dismissed).
type RuleReview struct {
	Rule           string  `json:"rule"`
	Category       string  `json:"category"`
	Findings       int     `json:"findings"`
	Confirmed      int     `json:"confirmed"`
	Dismissed      int     `json:"dismissed"`
	Open           int     `json:"open"`
	DismissedShare float64 `json:"dismissed_share"`
}

// DecisionRef is a decision without its texts (which may hold personal
// data): its key, state, the rule it was made on, the reason code, who and
// when.
type DecisionRef struct {
	review.Key
	State  review.State `json:"state"`
	Added  bool         `json:"added,omitempty"`
	Rule   string       `json:"rule,omitempty"`
	Reason string       `json:"reason,omitempty"`
	By     string       `json:"by"`
	At     string       `json:"at,omitempty"`
}

// CheckHealth checks the rules of opts.Set against the findings of bi and
// the decisions.
func CheckHealth(bi index.Reader, opts HealthOptions) (*Health, error) {
	if opts.Set == nil {
		return nil, fmt.Errorf("rules health: no rule set")
	}
	calls, _, err := bi.Count(index.Query{}, 1)
	if err != nil {
		return nil, err
	}
	fired, findings, err := ruleCounts(bi, len(opts.Set.Rules))
	if err != nil {
		return nil, err
	}
	h := &Health{Calls: int(calls), Findings: findings, NeverFired: []RuleRef{}, Dismissed: []RuleReview{}, Missed: []DecisionRef{}, Orphaned: []DecisionRef{}}
	for _, r := range opts.Set.Rules {
		if result.IsViolation(r.Category) && fired[r.ID] == 0 {
			ref := RuleRef{Rule: r.ID, Category: r.Category, Source: r.Source()}
			if r.Pack != nil {
				ref.Pack = r.Pack.Name
			}
			h.NeverFired = append(h.NeverFired, ref)
		}
	}
	sort.Slice(h.NeverFired, func(i, j int) bool { return h.NeverFired[i].Rule < h.NeverFired[j].Rule })

	decided := byKey(opts.Decisions)
	keys := make([]review.Key, 0, len(decided))
	for k := range decided {
		keys = append(keys, k)
	}
	sortKeys(keys)
	rules, err := findingRules(bi, keys)
	if err != nil {
		return nil, err
	}
	reviews := map[string]*RuleReview{}
	for _, k := range keys {
		d := decided[k]
		rule, ok := rules[k]
		if !ok {
			ref := decisionRef(d)
			if d.Added {
				h.Missed = append(h.Missed, ref)
			} else {
				h.Orphaned = append(h.Orphaned, ref)
			}
			continue
		}
		rr := reviews[rule]
		if rr == nil {
			rr = &RuleReview{Rule: rule, Category: k.Category, Findings: fired[rule]}
			if r := opts.Set.Rule(rule); r != nil {
				rr.Category = r.Category
			}
			reviews[rule] = rr
		}
		if confirmed(d) {
			rr.Confirmed++
		} else {
			rr.Dismissed++
		}
	}
	h.Dismissed = rank(reviews, opts.MinReviewed)
	return h, nil
}

// rank lists the rules with at least min decided findings, the highest
// dismissed share first (then the most dismissed, then by id).
func rank(reviews map[string]*RuleReview, min int) []RuleReview {
	out := []RuleReview{}
	for _, rr := range reviews {
		n := rr.Confirmed + rr.Dismissed
		if n < max(min, 1) {
			continue
		}
		rr.Open = max(rr.Findings-n, 0)
		rr.DismissedShare = math.Round(float64(rr.Dismissed)/float64(n)*1e4) / 1e4
		out = append(out, *rr)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.DismissedShare != b.DismissedShare {
			return a.DismissedShare > b.DismissedShare
		}
		if a.Dismissed != b.Dismissed {
			return a.Dismissed > b.Dismissed
		}
		return a.Rule < b.Rule
	})
	return out
}

func decisionRef(d review.Decision) DecisionRef {
	ref := DecisionRef{Key: d.Key, State: d.State, Added: d.Added, Rule: d.Rule, Reason: d.Reason, By: d.By}
	if !d.At.IsZero() {
		ref.At = d.At.UTC().Format("2006-01-02T15:04:05Z")
	}
	return ref
}

// ruleCounts counts the finding documents of each rule (violations and
// customer_abuse) and in all.
func ruleCounts(bi index.Reader, rules int) (map[string]int, int, error) {
	counts := map[string]int{}
	total := 0
	for _, q := range []index.Query{{Findings: true}, {Findings: true, Category: result.CategoryCustomerAbuse}} {
		n, facets, err := bi.Count(q, rules+1000, "rule")
		if err != nil {
			return nil, 0, err
		}
		total += int(n)
		for _, fc := range facets["rule"] {
			counts[fc.Value] += fc.Count
		}
	}
	return counts, total, nil
}

// lookupChunk is how many finding documents findingRules asks for at once.
const lookupChunk = 500

// findingRules returns the rule of the finding document of each key the
// index holds one for.
func findingRules(bi index.Reader, keys []review.Key) (map[review.Key]string, error) {
	out := map[review.Key]string{}
	for start := 0; start < len(keys); start += lookupChunk {
		chunk := keys[start:min(start+lookupChunk, len(keys))]
		ids := make([]string, len(chunk))
		byID := make(map[string]review.Key, len(chunk))
		for i, k := range chunk {
			ids[i] = index.FindingDocID(k.CallID, k.Turn, k.Category)
			byID[ids[i]] = k
		}
		res, err := bi.Search(index.Query{Findings: true, DocIDs: ids, Limit: len(ids)})
		if err != nil {
			return nil, fmt.Errorf("looking up decided findings: %w", err)
		}
		for _, hit := range res.Findings {
			if k, ok := byID[index.FindingDocID(hit.CallID, hit.Turn, hit.Category)]; ok {
				out[k] = hit.Rule
			}
		}
	}
	return out, nil
}
