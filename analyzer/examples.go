package analyzer

import (
	"fmt"
	"strconv"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/lexicon"
)

// ExampleFailure is a rule example that did not behave as written.
type ExampleFailure struct {
	Rule    *lexicon.Rule
	Example string
	// WantMatch is true for a `match` example that did not fire, false
	// for a `no_match` example that did.
	WantMatch bool
	Index     int   // 1-based position in its list
	Err       error // the example itself could not be read
}

// Error describes the failure as "file:line: rule ID: …".
func (f ExampleFailure) Error() string {
	kind, verb := "match", "should match but did not"
	if !f.WantMatch {
		kind, verb = "no_match", "should not match but did"
	}
	if f.Err != nil {
		return fmt.Sprintf("%s: rule %s: %s example %d cannot be read: %v", f.Rule.Source(), f.Rule.ID, kind, f.Index, f.Err)
	}
	return fmt.Sprintf("%s: rule %s: %s example %d %s: %q", f.Rule.Source(), f.Rule.ID, kind, f.Index, verb, f.Example)
}

// Fires reports whether rule id fires anywhere in the transcript snippet
// (formats.md §1 lines, optional `# key: value` headers). With a
// `# turn: N` header it must fire on turn N: a multi-turn example says
// where (a hint anchored at the agent turn that accepted a hedge).
func (a *Analyzer) Fires(id, snippet string) (bool, error) {
	call, err := corpus.ReadText("example", snippet)
	if err != nil {
		return false, err
	}
	turn := 0
	if v, ok := call.Meta["turn"]; ok {
		if turn, err = strconv.Atoi(v); err != nil || turn < 1 || turn > len(call.Turns) {
			return false, fmt.Errorf("# turn: %q is not a turn of the example (1 to %d)", v, len(call.Turns))
		}
	}
	at := func(n int) bool { return turn == 0 || n == turn }
	res, hits := a.run(call, true) // role cues too: they have examples like every rule
	if r := a.set.Rule(id); r != nil && r.Category == lexicon.CategoryHint {
		// A hint counts once its call-level conditions have kept it.
		for _, h := range res.Hints {
			if h.Rule == id && at(h.Turn) {
				return true, nil
			}
		}
		return false, nil
	}
	for _, h := range hits {
		if h.rule.ID == id && at(h.turn) {
			return true, nil
		}
	}
	return false, nil
}

// CheckExamples runs every example of the given rules (all effective rules
// when rules is nil) and returns the ones that fail.
func (a *Analyzer) CheckExamples(rules []*lexicon.Rule) []ExampleFailure {
	if rules == nil {
		rules = a.set.Rules
	}
	var out []ExampleFailure
	for _, r := range rules {
		for i, ex := range r.Examples.Match {
			ok, err := a.Fires(r.ID, ex)
			if err != nil || !ok {
				out = append(out, ExampleFailure{Rule: r, Example: ex, WantMatch: true, Index: i + 1, Err: err})
			}
		}
		for i, ex := range r.Examples.NoMatch {
			ok, err := a.Fires(r.ID, ex)
			if err != nil || ok {
				out = append(out, ExampleFailure{Rule: r, Example: ex, WantMatch: false, Index: i + 1, Err: err})
			}
		}
	}
	return out
}

// ClassExampleFailure is a class example that did not behave as written:
// a `match` text in which no member stands as a word, or a `no_match`
// text in which one does.
type ClassExampleFailure struct {
	Class     *lexicon.Class // the declaration that holds the example
	Example   string
	WantMatch bool
	Index     int
	// Found is the member found in a no_match example.
	Found string
}

// Error describes the failure as "file:line: class NAME: …".
func (f ClassExampleFailure) Error() string {
	if f.WantMatch {
		return fmt.Sprintf("%s: class %s: match example %d holds no member of the class: %q", f.Class.Source(), f.Class.Name, f.Index, f.Example)
	}
	return fmt.Sprintf("%s: class %s: no_match example %d holds the member %q: %q", f.Class.Source(), f.Class.Name, f.Index, f.Found, f.Example)
}

// ClassMember returns the first member of class name that stands as a word
// in text, matched as rules match terms (normalized, segmented, aligned on
// word boundaries), and whether there is one.
func (a *Analyzer) ClassMember(name, text string) (string, bool) {
	rc, ok := a.set.Classes[name]
	if !ok {
		return "", false
	}
	idx := newTermIndex()
	idx.rootBMP = nil // one small index a call: the map root is enough
	ids := idx.addAll(rc.Members)
	idx.freeze()
	idx.particles = a.terms.particles
	p := prepare(a.seg, idx, text)
	best := span{start: -1}
	found := -1
	for _, id := range ids {
		for _, o := range p.occOf(id) {
			if best.start < 0 || o.start < best.start {
				best, found = o, id
			}
		}
	}
	if found < 0 {
		return "", false
	}
	return idx.terms[found], true
}

// CheckClassExamples runs the examples of the class declarations that
// keep returns true for (all when keep is nil) against the resolved class
// (extensions included) and returns the ones that fail.
func (a *Analyzer) CheckClassExamples(keep func(*lexicon.Class) bool) []ClassExampleFailure {
	var out []ClassExampleFailure
	for _, name := range a.set.ClassNames {
		rc := a.set.Classes[name]
		for _, d := range rc.Decls {
			if keep != nil && !keep(d) {
				continue
			}
			for i, ex := range d.Examples.Match {
				if _, ok := a.ClassMember(name, ex); !ok {
					out = append(out, ClassExampleFailure{Class: d, Example: ex, WantMatch: true, Index: i + 1})
				}
			}
			for i, ex := range d.Examples.NoMatch {
				if m, ok := a.ClassMember(name, ex); ok {
					out = append(out, ClassExampleFailure{Class: d, Example: ex, Index: i + 1, Found: m})
				}
			}
		}
	}
	return out
}
