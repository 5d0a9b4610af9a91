package backtest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/review"
)

// Options say how Run analyzes the calls and what reviewers decided.
type Options struct {
	// Baseline analyzes with the packs that run today; Candidate with the
	// packs of the change. Both must be safe for concurrent use (an
	// analyzer.Analyzer is).
	Baseline, Candidate *analyzer.Analyzer
	// Workers is the number of calls analyzed at once (default 1).
	Workers int
	// Decisions are the reviewers' current decisions; a later one for a
	// key replaces an earlier one.
	Decisions []review.Decision
	// OnError, when set, is called with each call that could not be read
	// from the index; the run goes on with the others.
	OnError func(callID string, err error)
}

// Report is what Run found. Its JSON form is the `callqa backtest --format
// json` output: fields may be added, never renamed or removed.
type Report struct {
	// Calls is the number of calls re-analyzed; Failed the number that
	// could not be read from the index.
	Calls  int `json:"calls"`
	Failed int `json:"failed"`
	// Drift is the calls whose baseline findings differ from the ones
	// the index stored.
	Drift Drift `json:"drift"`
	// Decisions is the number of decisions given (one a key).
	Decisions int `json:"decisions"`
	// Rules lists each rule with a gained or lost finding, by rule id.
	Rules []RuleChange `json:"rules"`
	// Categories lists the finding counts of each category either run
	// found, in report order.
	Categories []CategoryChange `json:"categories"`
	// Baseline and Candidate estimate each run's precision and recall.
	Baseline  Estimate `json:"baseline"`
	Candidate Estimate `json:"candidate"`
	// ConfirmedLost lists the reviewer-confirmed violations (confirmed,
	// appealed or added) that the baseline finds and the candidate finds
	// under no rule: what --fail-on-loss fails on.
	ConfirmedLost []review.Key `json:"confirmed_lost"`
}

// Drift counts the calls whose baseline findings (turn, category, rule)
// differ from the findings the index stored for them.
type Drift struct {
	Calls   int      `json:"calls"`
	CallIDs []string `json:"call_ids"`
}

// Counts are findings and how reviewers decided them: confirmed (which
// includes appealed and added), dismissed, or open (no decision).
type Counts struct {
	Findings  int `json:"findings"`
	Confirmed int `json:"confirmed"`
	Dismissed int `json:"dismissed"`
	Open      int `json:"open"`
}

// RuleChange is what a rule gains and loses with the candidate.
type RuleChange struct {
	Rule     string `json:"rule"`
	Category string `json:"category"`
	Gained   Counts `json:"gained"`
	Lost     Counts `json:"lost"`
}

// CategoryChange counts one category's findings in each run.
type CategoryChange struct {
	Category  string `json:"category"`
	Baseline  int    `json:"baseline"`
	Candidate int    `json:"candidate"`
	Gained    int    `json:"gained"`
	Lost      int    `json:"lost"`
}

// Estimate is one run measured against the decisions. Precision is
// Confirmed/(Confirmed+Dismissed) over the run's findings; Recall is
// Found/Violations over the reviewer-confirmed violations of the calls
// analyzed. Either is null when its denominator is 0.
type Estimate struct {
	Findings   int      `json:"findings"`
	Confirmed  int      `json:"confirmed"`
	Dismissed  int      `json:"dismissed"`
	Precision  *float64 `json:"precision"`
	Violations int      `json:"violations"`
	Found      int      `json:"found"`
	Recall     *float64 `json:"recall"`
}

// finding identifies a finding within a call.
type finding struct {
	turn           int
	category, rule string
}

// callRun is one call analyzed both ways.
type callRun struct {
	id                          string
	stored, baseline, candidate map[finding]bool
	err                         error
}

// Run re-analyzes every call of bi with both analyzers and compares.
func Run(ctx context.Context, bi index.Reader, opts Options) (*Report, error) {
	if opts.Baseline == nil || opts.Candidate == nil {
		return nil, errors.New("backtest: a baseline and a candidate analyzer are needed")
	}
	ids, err := CallIDs(bi)
	if err != nil {
		return nil, err
	}
	decided := byKey(opts.Decisions)
	agg := newAggregate(decided, opts.Candidate.Set(), opts.Baseline.Set())
	for r := range analyzeAll(ctx, bi, ids, opts) {
		if r.err != nil {
			agg.failed++
			if opts.OnError != nil {
				opts.OnError(r.id, r.err)
			}
			continue
		}
		agg.add(r)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return agg.report(len(decided)), nil
}

// pageSize is how many call ids CallIDs asks for at once.
const pageSize = 1000

// CallIDs returns the id of every call in bi, in id order.
func CallIDs(bi index.Reader) ([]string, error) {
	var ids []string
	for offset := 0; ; offset += pageSize {
		page, total, err := bi.IDs(index.Query{Offset: offset, Limit: pageSize})
		if err != nil {
			return nil, fmt.Errorf("listing the indexed calls: %w", err)
		}
		ids = append(ids, page...)
		if len(page) < pageSize || uint64(offset+len(page)) >= total {
			break
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// analyzeAll analyzes the calls on opts.Workers goroutines and sends each
// outcome; the channel closes when all are done or ctx is cancelled.
func analyzeAll(ctx context.Context, bi index.Reader, ids []string, opts Options) <-chan callRun {
	jobs := make(chan string)
	out := make(chan callRun)
	go func() {
		defer close(jobs)
		for _, id := range ids {
			select {
			case jobs <- id:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range max(opts.Workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range jobs {
				out <- analyzeCall(bi, id, opts)
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// analyzeCall reads one call from the index and analyzes its stored
// transcript both ways. A panic in the analyzer costs this call only.
func analyzeCall(bi index.Reader, id string, opts Options) (r callRun) {
	r.id = id
	defer func() {
		if p := recover(); p != nil {
			r = callRun{id: id, err: fmt.Errorf("%s: internal error: the analyzer failed on this call: %v", id, p)}
		}
	}()
	stored, err := bi.Call(id)
	if err != nil {
		r.err = err
		return r
	}
	if len(stored.Call.Turns) == 0 {
		r.err = fmt.Errorf("%s: the index holds no turns for this call", id)
		return r
	}
	r.stored = findingSet(stored.Findings)
	r.baseline = findingSet(opts.Baseline.Analyze(stored.Call).Findings)
	r.candidate = findingSet(opts.Candidate.Analyze(stored.Call).Findings)
	return r
}

// findingSet is the findings the index keeps (violations and
// customer_abuse) as a set.
func findingSet(fs []result.Finding) map[finding]bool {
	set := map[finding]bool{}
	for _, f := range fs {
		if result.IsViolation(f.Category) || f.Category == result.CategoryCustomerAbuse {
			set[finding{f.Turn, f.Category, f.Rule}] = true
		}
	}
	return set
}
