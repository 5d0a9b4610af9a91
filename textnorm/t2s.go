package textnorm

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:generate go run ./internal/t2sgen

// The Traditional→Simplified converter: OpenCC's t2s conversion, run on
// OpenCC's own tables (t2s_table.go) with OpenCC's method — at each
// position the longest key of at most t2sMaxKey runes that starts there
// is replaced by its value; a rune no key starts with is kept. Tests hold
// it to OpenCC's Go library; this one allocates once per turn and skips
// turns that hold no Traditional character at all.

// t2sMaxKey is the longest key OpenCC looks for (its Go library reads ten
// runes ahead).
const t2sMaxKey = 10

// t2sEntry is one key of the table, as runes, and its value.
type t2sEntry struct {
	key   []rune
	value string
}

var (
	// t2sByFirst lists the entries by their key's first rune, longest key
	// first.
	t2sByFirst = map[rune][]t2sEntry{}
	// t2sSet marks, for the Basic Multilingual Plane, the characters
	// hasTraditional looks for; t2sOther holds the rest.
	t2sSet   [1 << 16 / 64]uint64
	t2sOther = map[rune]bool{}
)

var tablesOnce sync.Once

// loadTables builds the Traditional and regional tables the first time
// text is normalized or converted: 8 ms and 2 MB at start-up that a
// command which never does (a search with filters only) does not pay.
func loadTables() {
	tablesOnce.Do(func() {
		buildT2S()
		buildRegional()
	})
}

// buildT2S builds the tables of the converter from t2sTable.
func buildT2S() {
	// chars are the characters TSCharacters changes on their own: the
	// Traditional ones.
	type line struct{ key, value string }
	var lines []line
	chars := map[rune]bool{}
	for l := range strings.Lines(t2sTable) {
		key, value, _ := strings.Cut(strings.TrimSuffix(l, "\n"), "\t")
		lines = append(lines, line{key, value})
		if k := []rune(key); len(k) == 1 && value != key {
			chars[k[0]] = true
		}
	}
	for _, l := range lines {
		k := []rune(l.key)
		if len(k) == 0 || len(k) > t2sMaxKey {
			continue
		}
		list := t2sByFirst[k[0]]
		i := 0
		for i < len(list) && len(list[i].key) >= len(k) {
			i++
		}
		t2sByFirst[k[0]] = append(list[:i], append([]t2sEntry{{k, l.value}}, list[i:]...)...)
		if l.value == l.key {
			continue
		}
		// An entry changes text only where all its characters are: one
		// Traditional character of its key is enough to look for, or,
		// when it has none, the characters its value changes.
		if i := slices.IndexFunc(k, func(r rune) bool { return chars[r] }); i >= 0 {
			markT2S(k[i])
			continue
		}
		v := []rune(l.value)
		for i, r := range k {
			if len(k) != len(v) || v[i] != r {
				markT2S(r)
			}
		}
	}
}

func markT2S(r rune) {
	if r < 1<<16 {
		t2sSet[r/64] |= 1 << (r % 64)
	} else {
		t2sOther[r] = true
	}
}

// hasTraditional reports whether s holds a character that hasTraditional's
// set marks; without one, no entry that changes text can match, and the
// conversion is skipped (most turns are Simplified).
func hasTraditional(s string) bool {
	if asciiOnly(s) {
		return false
	}
	for _, r := range s {
		if r < 1<<16 {
			if t2sSet[r/64]&(1<<(r%64)) != 0 {
				return true
			}
		} else if t2sOther[r] {
			return true
		}
	}
	return false
}

// ToSimplified converts Traditional characters to Simplified with OpenCC's
// t2s tables. It keeps the number of runes whenever it can: when a phrase
// conversion would change the length, it converts rune by rune instead, so
// that offsets can be mapped back to the original.
func ToSimplified(s string) string {
	loadTables()
	// A few of OpenCC's entries map to a character that is itself a key
	// (薴 → 苧 → 苎): convert again until nothing changes, so that
	// normalizing normalized text changes nothing.
	for range maxT2SPasses {
		out := toSimplifiedOnce(s)
		if out == s {
			break
		}
		s = out
	}
	return s
}

// maxT2SPasses bounds the passes of ToSimplified; OpenCC's chains are two
// long.
const maxT2SPasses = 4

func toSimplifiedOnce(s string) string {
	if !hasTraditional(s) {
		return s
	}
	rs := []rune(s)
	if out := convertT2S(rs, t2sMaxKey); utf8.RuneCountInString(out) == len(rs) {
		return out
	}
	return convertT2S(rs, 1)
}

// convertT2S converts rs with keys of at most maxKey runes. With maxKey 1
// a value of another length leaves its rune as it was.
func convertT2S(rs []rune, maxKey int) string {
	var b strings.Builder
	b.Grow(len(rs) * 3)
	for i := 0; i < len(rs); {
		n, value := 0, ""
		limit := min(len(rs)-i, maxKey)
		for _, e := range t2sByFirst[rs[i]] {
			if len(e.key) <= limit && hasRunePrefix(rs[i:], e.key) {
				n, value = len(e.key), e.value
				break
			}
		}
		if n == 0 {
			b.WriteRune(rs[i])
			i++
			continue
		}
		if maxKey == 1 && utf8.RuneCountInString(value) != 1 {
			value = string(rs[i])
		}
		b.WriteString(value)
		i += n
	}
	return b.String()
}

func hasRunePrefix(rs, prefix []rune) bool {
	if len(rs) < len(prefix) {
		return false
	}
	for i, r := range prefix {
		if rs[i] != r {
			return false
		}
	}
	return true
}
