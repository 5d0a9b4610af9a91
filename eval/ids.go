package eval

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/callqa/callqa/result"
)

// IDSet is a selection of call ids, as `callqa eval --only` takes it: single
// ids and inclusive ranges such as DEV001..DEV170. The zero value and nil
// select nothing.
type IDSet struct {
	ids    map[string]bool
	ranges []idRange
}

// idRange is an inclusive range of ids with one prefix; lo and hi are the
// numeric suffixes without leading zeros ("" for zero).
type idRange struct {
	prefix string
	lo, hi string
}

// IDItemError is an item of an --only list that is not a call id or a
// range of call ids.
type IDItemError struct {
	Item   string // the item as written
	Reason string
}

// Error returns `invalid item "DEV1..X5": reason`.
func (e *IDItemError) Error() string {
	return fmt.Sprintf("invalid item %q: %s", e.Item, e.Reason)
}

// ParseIDs parses lists of call ids and ranges into an IDSet. Each list is
// comma-separated; space around an item is ignored. An item is either a
// call id, matched exactly, or an inclusive range LO..HI whose ends are the
// same non-digit prefix followed by a number: DEV001..DEV170 holds every id
// that is DEV followed by a number from 1 to 170, compared as numbers
// (so DEV9..DEV10 holds DEV9 and DEV10, and DEV001..DEV170 holds DEV42
// and DEV0042). The prefix is everything before the final run of digits,
// and must be the same, letter case included, at both ends.
//
// An empty item, an item with a space or a comma inside, a range with an
// empty end, more than one "..", an end without a final number, ends with
// different prefixes, or a low end above the high end is an *IDItemError
// naming the item. At least one item is needed.
func ParseIDs(lists ...string) (*IDSet, error) {
	s := &IDSet{ids: make(map[string]bool)}
	n := 0
	for _, list := range lists {
		for item := range strings.SplitSeq(list, ",") {
			if err := s.add(strings.TrimSpace(item)); err != nil {
				return nil, err
			}
			n++
		}
	}
	if n == 0 {
		return nil, errors.New("no call id given")
	}
	return s, nil
}

func (s *IDSet) add(item string) error {
	bad := func(format string, args ...any) error {
		return &IDItemError{Item: item, Reason: fmt.Sprintf(format, args...)}
	}
	if item == "" {
		return bad("empty item (want a call id or a range such as DEV001..DEV170)")
	}
	if strings.IndexFunc(item, unicode.IsSpace) >= 0 {
		return bad("space inside a call id")
	}
	lo, hi, isRange := strings.Cut(item, "..")
	if !isRange {
		s.ids[item] = true
		return nil
	}
	if strings.Contains(hi, "..") {
		return bad(`more than one ".."`)
	}
	if lo == "" || hi == "" {
		return bad("a range needs two ends, as in DEV001..DEV170")
	}
	lp, ln, ok := splitID(lo)
	if !ok {
		return bad("range end %q does not end in a number", lo)
	}
	hp, hn, ok := splitID(hi)
	if !ok {
		return bad("range end %q does not end in a number", hi)
	}
	if lp != hp {
		return bad("the ends have different prefixes (%q and %q)", lp, hp)
	}
	if compareNumbers(ln, hn) > 0 {
		return bad("the range runs backwards (%s is above %s)", lo, hi)
	}
	s.ranges = append(s.ranges, idRange{prefix: lp, lo: ln, hi: hn})
	return nil
}

// splitID splits an id into its prefix and its final run of ASCII digits,
// without leading zeros. ok is false when the id does not end in a digit.
func splitID(id string) (prefix, number string, ok bool) {
	i := len(id)
	for i > 0 && id[i-1] >= '0' && id[i-1] <= '9' {
		i--
	}
	if i == len(id) {
		return "", "", false
	}
	return id[:i], strings.TrimLeft(id[i:], "0"), true
}

// compareNumbers compares two decimal numbers written without leading
// zeros, of any length.
func compareNumbers(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// Contains reports whether id is one of the set's ids or in one of its
// ranges.
func (s *IDSet) Contains(id string) bool {
	if s == nil {
		return false
	}
	if s.ids[id] {
		return true
	}
	if len(s.ranges) == 0 {
		return false
	}
	prefix, n, ok := splitID(id)
	if !ok {
		return false
	}
	for _, r := range s.ranges {
		if r.prefix == prefix && compareNumbers(r.lo, n) <= 0 && compareNumbers(n, r.hi) <= 0 {
			return true
		}
	}
	return false
}

// Labels returns the labels whose call id is in the set. labels is not
// changed.
func (s *IDSet) Labels(labels map[string]Label) map[string]Label {
	out := make(map[string]Label)
	for id, lab := range labels {
		if s.Contains(id) {
			out[id] = lab
		}
	}
	return out
}

// Results returns the results whose call id is in the set, in order; nil
// results are dropped. results is not changed.
func (s *IDSet) Results(results []*result.Result) []*result.Result {
	var out []*result.Result
	for _, r := range results {
		if r != nil && s.Contains(r.CallID) {
			out = append(out, r)
		}
	}
	return out
}
