package lexicon

import (
	"errors"
	"os"
	"path/filepath"
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
		for i, r := range p.Rules {
			if r == nil {
				t.Fatalf("rule %d is nil", i)
			}
			if r.ID == "" || r.Pack != p {
				t.Errorf("rule %d: id %q, pack %p, want a non-empty id and pack %p", i, r.ID, r.Pack, p)
			}
			for _, pt := range r.Patterns {
				if len(pt.Steps) == 0 {
					t.Errorf("rule %s: empty pattern kept", r.ID)
				}
				for _, s := range pt.Steps {
					if s.GapMin < 0 || s.GapMax < s.GapMin {
						t.Errorf("rule %s: bad gap %d-%d kept", r.ID, s.GapMin, s.GapMax)
					}
				}
			}
		}
	})
}
