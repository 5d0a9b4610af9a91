package lexicon

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

//go:embed packs/*.yaml
var builtinFS embed.FS

// Builtin holds the built-in rule packs (lexicon/packs/*.yaml).
var Builtin fs.FS = mustSub(builtinFS, "packs")

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return s
}

// Set is the effective rule set: built-in packs plus user packs, with
// overrides and disables applied. Rules keeps load order; a user rule with
// a built-in rule's id takes that rule's place.
type Set struct {
	Packs []*Pack
	Rules []*Rule
	// Words is every pack's `words`, for the segmenter dictionary.
	Words []string
	// Particles is every pack's `particles`, without repeats.
	Particles []string
	// Notes says which rules were replaced or disabled, for -v output.
	Notes []string
	// Classes are the concept vocabularies by name, resolved; ClassNames
	// lists them in declaration order.
	Classes    map[string]*ResolvedClass
	ClassNames []string
	// SoundAlikes maps every sound-alike spelling the effective rules and
	// classes declare (`sound_alikes:`) to the word it stands for.
	SoundAlikes map[string]string
}

// Rule returns the effective rule with the given id, or nil.
func (s *Set) Rule(id string) *Rule {
	for _, r := range s.Rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// NewSet merges packs in order: a rule whose id was seen replaces the
// earlier one in place, and a pack's `disable` list removes rules loaded
// before it (and any later rule with that id stays removed only if the
// later pack does not define it again).
func NewSet(packs []*Pack) (*Set, error) {
	s := &Set{Packs: packs}
	index := map[string]int{}
	var errs ErrorList
	for _, p := range packs {
		s.Words = append(s.Words, p.Words...)
		for _, r := range p.Particles {
			if !slices.Contains(s.Particles, r) {
				s.Particles = append(s.Particles, r)
			}
		}
		for _, r := range p.Rules {
			if i, ok := index[r.ID]; ok {
				if s.Rules[i] != nil {
					s.Notes = append(s.Notes, fmt.Sprintf("%s: rule %s replaces the one from %s", r.Source(), r.ID, s.Rules[i].Source()))
				}
				s.Rules[i] = r
				continue
			}
			index[r.ID] = len(s.Rules)
			s.Rules = append(s.Rules, r)
		}
		for _, id := range p.Disable {
			i, ok := index[id]
			if !ok || s.Rules[i] == nil {
				errs.Add(p.Source, 0, 0, "", "disable: no loaded rule has id %q", id)
				continue
			}
			s.Notes = append(s.Notes, fmt.Sprintf("%s: rule %s disabled", p.Source, id))
			s.Rules[i] = nil
		}
	}
	kept := s.Rules[:0]
	for _, r := range s.Rules {
		if r != nil {
			kept = append(kept, r)
		}
	}
	s.Rules = kept
	s.resolveClasses(&errs)
	s.collectSoundAlikes()
	return s, errs.Err()
}

// collectSoundAlikes fills SoundAlikes from the classes and the rules.
func (s *Set) collectSoundAlikes() {
	s.SoundAlikes = map[string]string{}
	for _, name := range s.ClassNames {
		if rc := s.Classes[name]; rc != nil {
			for _, d := range rc.Decls {
				for _, a := range d.SoundAlikes {
					s.SoundAlikes[a.Form] = a.StandsFor
				}
			}
		}
	}
	for _, r := range s.Rules {
		for _, a := range r.SoundAlikes {
			s.SoundAlikes[a.Form] = a.StandsFor
		}
	}
}

// LoadSet loads the built-in packs and then each user path (a pack file or
// a folder of pack files) in order; later rules with the same id replace
// earlier ones.
func LoadSet(userPaths []string) (*Set, error) {
	packs, err := LoadFS(Builtin, "lexicon/packs")
	if err != nil {
		return nil, fmt.Errorf("built-in rule packs: %w", err)
	}
	for _, p := range packs {
		p.Builtin = true
	}
	for _, p := range userPaths {
		more, err := LoadPath(p)
		if err != nil {
			return nil, err
		}
		packs = append(packs, more...)
	}
	return NewSet(packs)
}

// LoadPath loads a pack file, or every pack file at the top of a folder.
func LoadPath(p string) ([]*Pack, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	if fi.IsDir() {
		packs, err := LoadFS(os.DirFS(p), filepath.ToSlash(filepath.Clean(p)))
		if err == nil && len(packs) == 0 {
			return nil, fmt.Errorf("rules: %s: no .yaml or .yml pack files in the folder", p)
		}
		return packs, err
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	pk, err := Parse(p, data)
	if err != nil {
		return nil, err
	}
	return []*Pack{pk}, nil
}
