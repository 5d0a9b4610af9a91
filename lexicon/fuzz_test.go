package lexicon

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// FuzzParse feeds Parse arbitrary bytes, seeded with the built-in packs and
// every pack in testdata. Invariants: no panic; exactly one of a pack and an
// error; an error is a non-empty, sorted ErrorList naming the file given.
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{"packs/*.yaml", "testdata/*/*.yaml", "testdata/*/*.yml"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, files...)
	}
	if len(seeds) == 0 {
		f.Fatal("no seed files")
	}
	for _, file := range seeds {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}

	const name = "fuzz/pack.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(name, data)
		if (p == nil) == (err == nil) {
			t.Fatalf("want exactly one of a pack and an error, got pack %v and error %v", p, err)
		}
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("want an ErrorList, got %T: %v", err, err)
			}
			if len(list) == 0 {
				t.Fatal("empty ErrorList returned as an error")
			}
			for i, e := range list {
				if e == nil {
					t.Fatalf("error %d is nil", i)
				}
				if e.File != name {
					t.Errorf("error %d names file %q, want %q: %v", i, e.File, name, e)
				}
				if e.Msg == "" {
					t.Errorf("error %d has no message: %v", i, e)
				}
				if i > 0 {
					prev := list[i-1]
					if e.Line < prev.Line || e.Line == prev.Line && e.Col < prev.Col {
						t.Errorf("errors not sorted by position: %v before %v", prev, e)
					}
				}
			}
			return
		}
		if p.Source != name {
			t.Errorf("pack source %q, want %q", p.Source, name)
		}
		if p.Name == "" || p.Version == "" {
			t.Errorf("pack without a name or version: %q %q", p.Name, p.Version)
		}
		if len(p.Rules) == 0 && len(p.Words) == 0 && len(p.Disable) == 0 && !bytes.Contains(data, []byte("rules")) {
			t.Errorf("a pack with nothing in it")
		}
		for _, w := range append(append([]string(nil), p.Words...), p.Disable...) {
			if strings.TrimSpace(w) == "" {
				t.Errorf("empty word or disabled id kept")
			}
		}
		ids := map[string]bool{}
		for i, r := range p.Rules {
			if r == nil {
				t.Fatalf("rule %d is nil", i)
			}
			if r.ID == "" || r.Pack != p {
				t.Errorf("rule %d: id %q, pack %p, want a non-empty id and pack %p", i, r.ID, r.Pack, p)
			}
			if ids[r.ID] {
				t.Errorf("rule %s kept twice", r.ID)
			}
			ids[r.ID] = true
			checkRule(t, r)
		}
		// A valid pack merges into a rule set with the built-in packs: an
		// error (a disable naming no rule) or a set holding its rules.
		builtin, err := LoadFS(Builtin, "lexicon/packs")
		if err != nil {
			t.Fatal(err)
		}
		set, err := NewSet(append(builtin, p))
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("NewSet: want an ErrorList, got %T: %v", err, err)
			}
			return
		}
		for _, r := range p.Rules {
			if set.Rule(r.ID) != r && !contains(p.Disable, r.ID) {
				t.Errorf("rule %s is not in the set", r.ID)
			}
		}
	})
}

// checkRule checks what Parse guarantees of every rule it returns: known
// category, severity, speaker, party and scope; a code where the category
// needs one; something to match, every term non-empty, regular expressions
// that compile, patterns of steps with sane gaps; at least one example.
func checkRule(t *testing.T, r *Rule) {
	t.Helper()
	if !ruleIDRe.MatchString(r.ID) {
		t.Errorf("rule %q: bad id kept", r.ID)
	}
	if !contains(knownCategories, r.Category) {
		t.Errorf("rule %s: unknown category %q kept", r.ID, r.Category)
	}
	if !contains(severities, r.Severity) {
		t.Errorf("rule %s: unknown severity %q kept", r.ID, r.Severity)
	}
	if !slices.Contains([]Speaker{SpeakerAgent, SpeakerOther, SpeakerAny}, r.Speaker) {
		t.Errorf("rule %s: unknown speaker %q kept", r.ID, r.Speaker)
	}
	if !contains([]string{PartyAny, PartyDebtor, PartyThirdParty, PartyNotLiable}, r.Party) {
		t.Errorf("rule %s: unknown party %q kept", r.ID, r.Party)
	}
	if !slices.Contains([]Scope{ScopeClause, ScopeSentence, ScopeTurn}, r.Scope) {
		t.Errorf("rule %s: unknown scope %q kept", r.ID, r.Scope)
	}
	codes := map[string][]string{CategoryTask: TaskCodes, CategoryStep: StepCodes, CategoryParty: PartyCodes, CategoryRole: RoleCodes}
	if want, ok := codes[r.Category]; ok && !contains(want, r.Code) {
		t.Errorf("rule %s: %s code %q kept", r.ID, r.Category, r.Code)
	}
	if (r.Category == CategoryHint || r.Category == CategoryRequired) && r.Code == "" {
		t.Errorf("rule %s: %s rule without a code kept", r.ID, r.Category)
	}
	if r.Category == CategoryHint && r.Advice == "" {
		t.Errorf("rule %s: hint without advice kept", r.ID)
	}
	if len(r.Terms)+len(r.Patterns)+len(r.Near)+len(r.Regex)+len(r.OnFindings) == 0 {
		t.Errorf("rule %s matches nothing", r.ID)
	}
	if len(r.Examples.Match) == 0 {
		t.Errorf("rule %s has no examples", r.ID)
	}
	for _, list := range [][]string{r.Terms, r.Regex, r.Exceptions, r.Unless, r.Examples.Match, r.Examples.NoMatch} {
		for _, s := range list {
			if strings.TrimSpace(s) == "" {
				t.Errorf("rule %s: empty string kept in %q", r.ID, list)
			}
		}
	}
	for _, c := range r.UnlessFinding {
		if !contains([]string{CategoryInsult, CategoryThreat, CategoryFalseLegal, CategoryDisclosure}, c) {
			t.Errorf("rule %s: unless_finding %q kept", r.ID, c)
		}
	}
	for _, expr := range r.Regex {
		if _, err := regexp.Compile(ExpandRegex(expr)); err != nil {
			t.Errorf("rule %s: regex %q kept that does not compile: %v", r.ID, expr, err)
		}
	}
	for _, c := range []*Cues{r.Negation, r.Quote} {
		if c != nil && !c.Off && (c.Window < 0 || c.Window > 50 || !slices.Contains([]Scope{ScopeClause, ScopeSentence, ScopeTurn}, c.Scope)) {
			t.Errorf("rule %s: bad cues %+v kept", r.ID, *c)
		}
	}
	for _, pt := range r.Patterns {
		if len(pt.Steps) == 0 {
			t.Errorf("rule %s: empty pattern kept", r.ID)
		}
		for i, s := range pt.Steps {
			if s.GapMin < 0 || s.GapMax < s.GapMin || s.GapMax > 30 || i == 0 && s.GapMax != 0 {
				t.Errorf("rule %s: bad gap %d-%d kept", r.ID, s.GapMin, s.GapMax)
			}
			if len(s.Any) == 0 {
				t.Errorf("rule %s: pattern step without terms kept", r.ID)
			}
			for _, a := range s.Any {
				if strings.TrimSpace(a) == "" {
					t.Errorf("rule %s: empty term kept in a pattern step", r.ID)
				}
			}
		}
	}
}
