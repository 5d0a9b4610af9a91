// Package backtest measures a rule change against what the index holds and
// what reviewers decided, before the change ships, and lists what the QA
// lead should look at in the packs (rule health).
//
// Run re-analyzes every call stored in an index twice, from its stored
// transcript (index.Call), never the original files: with the baseline
// analyzer (the packs that run today) and with the candidate analyzer (the
// packs with the change). A finding is identified by call, turn, category
// and rule; one the candidate has and the baseline has not is gained, the
// other way round lost. Each is counted as confirmed, dismissed or open by
// the reviewers' decision on its key (call, turn, category: review.Key).
// The report also says how many calls' baseline findings differ from the
// ones the index stored (drift: the index is stale, or was built with other
// packs) and estimates each run's precision on reviewed findings and recall
// on reviewer-confirmed violations.
//
// CheckHealth lists the violation rules that never fired in the index,
// the rules whose findings reviewers dismiss most, the violations
// reviewers added that no rule catches, and the decisions whose finding is
// no longer in the index (orphaned).
//
// Decisions come from a DecisionSource: the review database, or a JSON
// lines file of review.Decision (File).
//
//	rep, err := backtest.Run(ctx, bi, backtest.Options{Baseline: base, Candidate: cand, Decisions: ds})
//	h, err := backtest.CheckHealth(bi, backtest.HealthOptions{Set: set, Decisions: ds, MinReviewed: 5})
package backtest
