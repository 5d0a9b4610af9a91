// Package analyzer checks one call transcript against a rule set: the
// violations of the collection policy (insult, threat, false legal claim,
// disclosure to a third party), who the agent is talking to, the four core
// tasks and two steps of a first call, coaching hints, and the score.
//
// The main types:
//
//   - Analyzer, built once by New from a lexicon.Set, compiles every rule
//     and loads the segmenter dictionary with the packs' words. It is
//     read-only afterwards and safe for concurrent use; Analyze checks one
//     corpus.Call.
//   - Result is the analysis of one call, and its JSON form is the
//     `callqa scan --format jsonl` contract (formats.md §4): Findings
//     (one per counted rule match), Tasks and Steps (Coverage, with
//     evidence turns), Hints, Party, Score and Pass, and with
//     Options.Explain the Suppressed matches and why they did not count.
//     Redacted returns a copy with personal data masked.
//   - RoleInference and RoleDispute say which speaker of a
//     speech-recognition transcript was taken for the agent, or that the
//     evidence goes against the roles a mapping gave.
//   - WordTokenizer cuts text into words exactly as the analyzer does, for
//     the search index.
//
// How a call is checked: each turn is normalized (Simplified, regional
// forms to Mandarin, half-width, lower case, fillers dropped;
// textnorm.Normalize) and segmented into words
// (package segment, gse's dictionary plus the packs' words); the terms of
// every rule are found in one pass over the turn (a trie), and only rules
// one of whose words or regular expressions can occur are tried. The
// party rules decide, turn by turn, whether the listener is the debtor or
// a third party; then the violation rules run, then the task and step
// rules, then the hints. A raw match counts unless an exception,
// an `unless` term, a negation or quotation cue, or the speaker or party
// restriction of the rule cancels it.
//
// Typical use:
//
//	set, err := lexicon.LoadSet(userPacks)
//	...
//	an, err := analyzer.New(set, analyzer.Options{})
//	...
//	res := an.Analyze(call) // call from package corpus
//	for _, f := range res.Violations() { ... }
//
// A finding that rests on weak evidence — roles inferred with low
// confidence, a turn the recognizer was unsure of, a match through a
// sound-alike spelling or a regional-table rewrite — carries NeedsReview
// and a ReviewReason (review.go; Options.MinRoleConfidence and
// MinASRConfidence). With Options.Similar (or UseSimilar) the
// similar-sentence pass puts agent turns no rule flagged that resemble a
// violation example in Result.Candidates (package similar;
// ViolationExamples gives the packs' examples).
//
// CheckExamples and CheckClassExamples run the packs' own match /
// no_match examples (`callqa rules test`, and every user pack on load).
package analyzer
