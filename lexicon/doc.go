// Package lexicon loads and validates rule packs: the YAML files that say
// what callqa looks for in a call (README.md, "Rule packs"). The built-in
// packs are embedded from lexicon/packs (Builtin); users add their own
// with --rules.
//
// The main types:
//
//   - Pack is one pack file: its name and version, defaults (category,
//     severity, negation and quotation cues, advice), domain Words for the
//     segmenter, concept Classes, a Disable list and its Rules.
//   - Rule is one detector: an id, a category (a violation category, or
//     task, step, party, role, hint or required) and code, a speaker and
//     party restriction, what it matches (Terms, word Patterns with gaps,
//     Near frames, Regex) and what cancels a match (Exceptions, Unless,
//     negation and quotation Cues, and more for hints), and the Examples
//     it must and must not match.
//   - Class is a named concept vocabulary ($name in a term list); a Set
//     holds them resolved (ResolvedClass).
//   - Set is the effective rule set: the packs merged in order, a later
//     rule with an id replacing the earlier one in place, disabled rules
//     removed, classes resolved. It is what analyzer.New compiles.
//   - Error and ErrorList report every problem found in a pack at once,
//     each as "file:line:col: rule ID: message".
//
// Typical use:
//
//	set, err := lexicon.LoadSet([]string{"team-rules/"}) // built-in packs, then these
//	if err != nil {
//		// one line per problem, naming file, line and rule
//	}
//	for _, r := range set.Rules { ... }
//
// Parse and ParseNode read one pack from bytes or from a decoded YAML node
// (a scorecard's required items), LoadPath a file or a folder, LoadFS the
// pack files of a file system, NewSet merges packs already read. Loading
// checks every key and value (a regular expression must compile, a class
// must exist); package analyzer compiles the rules for matching and runs
// their examples.
package lexicon
