// Package score turns an analysis into a trainer's view of a call under a
// scorecard: each core task, step and extra required item done or not,
// with its evidence turns quoted and its points; the order of the first
// call's steps and where the call leaves it; the coaching hints; the
// total, compliance (no violation at all) and pass or fail.
//
// The main types:
//
//   - Scorecard says how calls are scored: the weight and name of each
//     item, the violation categories that fail a call outright, the pass
//     mark (and a practice pass mark), the order the guides teach, and
//     Required, a rule pack detecting the extra required items. Default
//     is the built-in scorecard (score/default.yaml, policy.md);
//     LoadScorecard and Parse read a scorecard file, reporting every
//     problem with its line.
//   - CallScore is the scored call; its JSON form is the
//     `callqa score --format json` output, and the HTML report and the
//     web console draw it. Item, Quote, Hint, OrderStep, Departure and
//     TurnView are its parts.
//
// Typical use, as `callqa score` and `callqa report` do it:
//
//	sc, err := score.LoadScorecard("team.yaml") // or score.Default()
//	...
//	// The analyzer's rule set must hold sc.Required, when it is not nil.
//	set, err := lexicon.NewSet(append(builtinAndUserPacks, sc.Required))
//	an, err := analyzer.New(set, analyzer.Options{})
//	...
//	cs := score.Score(an.Analyze(call), sc)
package score
