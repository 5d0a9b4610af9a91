// Package segment cuts Chinese text into words exactly as gse's Segment
// does with its embedded Simplified dictionary (github.com/go-ego/gse,
// "zh_s"), from a prebuilt form of that dictionary that loads in
// milliseconds instead of gse's seconds and holds about a tenth of the
// memory.
//
// The algorithm is gse's: the text is split into units (one CJK or other
// character each, or a run of Latin letters and digits), and the shortest
// path through the units is found where a dictionary word of frequency f
// costs log2(total) - log2(f) and an unknown single unit costs 32, in
// float32 arithmetic, first path kept on ties. The dictionary is gse's own
// word list, dumped by ./gen (go generate) into zh_s.dict.gz; go generate
// then builds from it the lookup table itself (zh_s.table, TestPrebuiltTable
// -update), which is embedded and read in one pass.
// The tests compare every segmentation with gse's on real and random text.
package segment

import (
	_ "embed"
	"math"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:generate go run ./gen -o zh_s.dict.gz
//go:generate go test -run TestPrebuiltTable -update

// tableData is the base dictionary's table itself, built from
// zh_s.dict.gz at go generate time (see table.go for its layout), so that
// loading it is one pass over flat arrays: no decompression, no hashing.
//
//go:embed zh_s.table
var tableData string

// A Span is one word: bytes [Start, End) of the segmented text.
type Span struct {
	Start, End int
}

// Dict is the base dictionary: read-only and shared.
type Dict struct {
	tab      table
	freq     []uint32 // per word
	total    float64  // gse's total frequency
	maxUnits int
}

var (
	baseOnce sync.Once
	base     *Dict
	baseErr  error
)

// Base returns the embedded dictionary, loading it on first use.
func Base() (*Dict, error) {
	baseOnce.Do(func() { base, baseErr = loadTable(tableData) })
	return base, baseErr
}

// Segmenter cuts text with the base dictionary plus extra words. It is
// read-only and safe for concurrent use.
type Segmenter struct {
	tab      table
	dist     []float32 // per word: log2(total) - log2(freq)
	maxUnits int
}

// New returns a segmenter with the base dictionary and the extra words,
// each added as gse's AddToken does with frequency freq: a word already in
// the dictionary keeps its own frequency, a new one raises the total. The
// extra words should be normalized the way the text will be.
//
// Each segmenter has a table of its own, loaded for it and changed in
// place: a changed copy of Base's would keep both in memory as long as the
// process runs (20 MB more of live heap, which the collector's pacing
// doubles).
func New(words []string, freq float64) (*Segmenter, error) {
	d, err := loadTable(tableData)
	if err != nil {
		return nil, err
	}
	releaseTable(tableData)
	return d.take(words, freq), nil
}

// take returns a segmenter with d and the extra words; d's table becomes
// the segmenter's.
func (d *Dict) take(words []string, freq float64) *Segmenter {
	s := &Segmenter{tab: d.tab, maxUnits: d.maxUnits}
	d.tab = table{}
	total := d.total
	var extra []float64
	for _, w := range words {
		if w == "" {
			continue
		}
		key := lowerASCII(w)
		if s.tab.word(key) >= 0 {
			continue
		}
		id := int32(len(d.freq) + len(extra))
		if n := s.tab.addWord(key, id); n > s.maxUnits {
			s.maxUnits = n
		}
		extra = append(extra, freq)
		total += freq
	}
	logTotal := float32(math.Log2(total))
	s.dist = make([]float32, 0, len(d.freq)+len(extra))
	for _, f := range d.freq {
		s.dist = append(s.dist, logTotal-float32(math.Log2(float64(f))))
	}
	for _, f := range extra {
		s.dist = append(s.dist, logTotal-float32(math.Log2(f)))
	}
	return s
}

// unknownDist is what gse charges for a unit that is no word.
const unknownDist = 32

// Segment appends the words of text to out and returns it. Every byte of
// text is in exactly one word, in order.
func (s *Segmenter) Segment(text string, out []Span) []Span {
	if text == "" {
		return out
	}
	w := workPool.Get().(*work)
	defer workPool.Put(w)
	w.bounds = splitUnits(text, w.bounds[:0])
	lower := text
	if hasUpper(text) {
		lower = lowerASCII(text)
	}
	n := len(w.bounds) - 1
	// Each unit's code once: the walks from the positions before it
	// read it again.
	w.codes = w.codes[:0]
	for k := 0; k < n; k++ {
		w.codes = append(w.codes, s.tab.code(lower[w.bounds[k]:w.bounds[k+1]]))
	}
	if cap(w.jumpers) < n {
		w.jumpers = make([]jumper, n)
	}
	jumpers := w.jumpers[:n]
	clear(jumpers)
	update := func(at int, base, d float32, units int) {
		nd := base + d
		if j := &jumpers[at]; j.dist == 0 || j.dist > nd {
			j.dist = nd
			j.units = int32(units)
		}
	}
	for cur := 0; cur < n; cur++ {
		var baseDist float32
		if cur > 0 {
			baseDist = jumpers[cur-1].dist
		}
		shortest := 0
		limit := min(cur+s.maxUnits, n)
		node := uint32(0)
		for k := cur; k < limit; k++ {
			c := w.codes[k]
			if c == noCode {
				break
			}
			var id int32
			node, id = s.tab.child(node, c)
			if node == 0 {
				break
			}
			if id >= 0 {
				units := k - cur + 1
				if shortest == 0 {
					shortest = units
				}
				update(k, baseDist, s.dist[id], units)
			}
		}
		if shortest != 1 {
			update(cur, baseDist, unknownDist, 1)
		}
	}
	// Walk back from the end, then emit in order.
	first := len(out)
	for end := n; end > 0; {
		start := end - int(jumpers[end-1].units)
		out = append(out, Span{Start: w.bounds[start], End: w.bounds[end]})
		end = start
	}
	for i, j := first, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// work is a segmentation's scratch space, pooled.
type work struct {
	codes   []uint32
	bounds  []int
	jumpers []jumper
}

// jumper is the best path found to the end of a unit: its cost and the
// units of its last word.
type jumper struct {
	dist  float32
	units int32
}

var workPool = sync.Pool{New: func() any { return new(work) }}

// splitUnits appends the byte offsets where gse's units start, and
// len(text) at the end. A unit is a run of letters and digits of at most
// two bytes each (Latin, Greek, Cyrillic…), or any other single character.
func splitUnits(text string, b []int) []int {
	for i := 0; i < len(text); i = unitEnd(text, i) {
		b = append(b, i)
	}
	return append(b, len(text))
}

// unitEnd returns where the unit that starts at byte i of s ends.
func unitEnd[T string | []byte](s T, i int) int {
	r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
	if !isRunRune(r, size) {
		return i + size
	}
	for i += size; i < len(s); i += size {
		r, size = utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if !isRunRune(r, size) {
			break
		}
	}
	return i
}

// isRunRune reports whether r joins a run of letters and digits: gse
// counts only characters of one or two bytes.
func isRunRune(r rune, size int) bool {
	if size > 2 {
		return false
	}
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// lowerASCII lower-cases A–Z only, as gse does.
func lowerASCII(s string) string {
	if !hasUpper(s) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
