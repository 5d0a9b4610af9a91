package lexicon

import (
	"sort"
	"strings"
)

// ResolvedClass is a class as the rules see it: the members of every
// declaration and extension, with `$other` references expanded.
type ResolvedClass struct {
	Name        string
	Description string
	// Members are the words, references expanded, duplicates removed, in
	// declaration order.
	Members []string
	// Decls are the declarations that make up the class: the one that
	// defines it, then the extensions, in load order.
	Decls []*Class
}

// Source returns where the class is defined ("file:line").
func (c *ResolvedClass) Source() string { return c.Decls[0].Source() }

// IsClassRef reports whether a term-list entry is a class reference.
func IsClassRef(term string) bool {
	return strings.HasPrefix(term, ClassRef) && len(term) > len(ClassRef)
}

// resolveClasses merges the classes of the packs in load order (a later
// declaration replaces an earlier one; `extend: true` adds to it),
// expands references between classes, and then every `$name` in the
// rules' term lists. Unknown classes and cycles are reported with the
// file and line that name them.
func (s *Set) resolveClasses(errs *ErrorList) {
	decls := map[string][]*Class{}
	var order []string
	for _, p := range s.Packs {
		for _, c := range p.Classes {
			prev, ok := decls[c.Name]
			switch {
			case !ok && c.Extend:
				errs.Add(c.Pack.Source, c.Line, 0, "", "class %s: extend: true, but no earlier pack declares the class%s", c.Name, s.classHint(c.Name, decls))
				continue
			case !ok:
				order = append(order, c.Name)
			case c.Extend:
				decls[c.Name] = append(prev, c)
				continue
			case c.Pack.Builtin && prev[0].Pack.Builtin:
				// Two built-in packs must not fight over a name: the
				// rules of the first would silently get the second's words.
				errs.Add(c.Pack.Source, c.Line, 0, "", "class %s is already declared at %s: rename one, or add `extend: true`", c.Name, prev[0].Source())
				continue
			default:
				s.Notes = append(s.Notes, c.Source()+": class "+c.Name+" replaces the one from "+prev[0].Source())
			}
			decls[c.Name] = []*Class{c}
		}
	}
	s.Classes = map[string]*ResolvedClass{}
	s.ClassNames = order
	state := map[string]int{} // 0 new, 1 resolving, 2 done
	var resolve func(name string) *ResolvedClass
	resolve = func(name string) *ResolvedClass {
		if rc, ok := s.Classes[name]; ok {
			return rc
		}
		ds := decls[name]
		rc := &ResolvedClass{Name: name, Description: ds[0].Description, Decls: ds}
		state[name] = 1
		seen := map[string]bool{}
		for _, d := range ds {
			for _, m := range d.Members {
				if !IsClassRef(m) {
					if !seen[m] {
						seen[m] = true
						rc.Members = append(rc.Members, m)
					}
					continue
				}
				ref := strings.TrimPrefix(m, ClassRef)
				if _, ok := decls[ref]; !ok {
					errs.Add(d.Pack.Source, d.Line, 0, "", "class %s: unknown class %s%s", name, m, s.classHint(ref, decls))
					continue
				}
				if state[ref] == 1 {
					errs.Add(d.Pack.Source, d.Line, 0, "", "class %s: %s refers back to itself (a cycle of class references)", name, m)
					continue
				}
				for _, x := range resolve(ref).Members {
					if !seen[x] {
						seen[x] = true
						rc.Members = append(rc.Members, x)
					}
				}
			}
		}
		state[name] = 2
		s.Classes[name] = rc
		return rc
	}
	for _, name := range order {
		resolve(name)
	}

	expand := func(list []string, file string, line int, id string) []string {
		has := false
		for _, t := range list {
			if IsClassRef(t) {
				has = true
				break
			}
		}
		if !has {
			return list
		}
		out := make([]string, 0, len(list))
		for _, t := range list {
			if !IsClassRef(t) {
				out = append(out, t)
				continue
			}
			name := strings.TrimPrefix(t, ClassRef)
			rc, ok := s.Classes[name]
			if !ok {
				errs.Add(file, line, 0, id, "unknown class %s%s", t, s.classHint(name, decls))
				continue
			}
			out = append(out, rc.Members...)
		}
		return out
	}
	doneCues := map[*Cues]bool{}
	var expandRule func(r *Rule)
	expandRule = func(r *Rule) {
		file, line := "", r.Line
		if r.Pack != nil {
			file = r.Pack.Source
		}
		r.Terms = expand(r.Terms, file, line, r.ID)
		r.Exceptions = expand(r.Exceptions, file, line, r.ID)
		r.Unless = expand(r.Unless, file, line, r.ID)
		for i := range r.Patterns {
			for j := range r.Patterns[i].Steps {
				st := &r.Patterns[i].Steps[j]
				st.Any = expand(st.Any, file, r.Patterns[i].Line, r.ID)
			}
		}
		for i := range r.Near {
			for j := range r.Near[i].Groups {
				r.Near[i].Groups[j] = expand(r.Near[i].Groups[j], file, r.Near[i].Line, r.ID)
			}
		}
		for _, c := range []*Cues{r.Negation, r.Quote} {
			if c != nil && !doneCues[c] {
				doneCues[c] = true
				c.Terms = expand(c.Terms, file, line, r.ID)
				c.Except = expand(c.Except, file, line, r.ID)
			}
		}
		if r.ReactsTo != nil {
			expandRule(r.ReactsTo)
		}
	}
	for _, r := range s.Rules {
		expandRule(r)
	}
}

// classHint suggests the nearest known class name.
func (s *Set) classHint(name string, decls map[string][]*Class) string {
	known := make([]string, 0, len(decls))
	for k := range decls {
		known = append(known, k)
	}
	sort.Strings(known)
	if best := nearest(name, known, 3); best != "" {
		return " (did you mean " + ClassRef + best + "?)"
	}
	return ""
}
