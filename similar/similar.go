// Package similar finds sentences like known violations: a character
// n-gram TF-IDF model of example sentences (the rule packs' own `match`
// examples, and violations reviewers confirmed) and the cosine of a turn
// with each of them. It needs no model download: the examples are the
// model.
//
// Texts are normalized as the rules see them (textnorm.Normalize:
// Simplified, regional forms to Mandarin, half-width, lower case), cut at
// everything that is not a letter or digit, and each run gives its
// character 1-, 2- and 3-grams. A gram's weight is (1 + ln tf) · idf, with
// idf = ln((N+1)/(df+1)) + 1 over the N examples; vectors are L2
// normalized. Best walks an inverted index from the turn's grams to the
// examples that share them, so a turn costs what its grams' postings
// hold, not the number of examples; an example that shares only common
// grams (held by more than one example in 16) with a turn is not reached,
// as its cosine is made of words such as 你, 还 and 我们 alone. A turn is compared sentence by
// sentence (Best).
package similar

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/callqa/callqa/textnorm"
)

// DefaultThreshold is the least cosine at which a turn counts as like an
// example (docs/accuracy.md, "Similar sentences", for how it was chosen).
const DefaultThreshold = 0.5

// SourceConfirmed is the source of an example a reviewer confirmed.
const SourceConfirmed = "confirmed"

// Example is one sentence that is a violation of Category; Source is the
// rule whose match example it is, or SourceConfirmed.
type Example struct {
	Category string
	Source   string
	Text     string
}

// Match is the example a text is most like, and the cosine of the two.
type Match struct {
	Example
	Similarity float64
}

// Model is a set of examples and the index built from them. Examples may
// be added at any time; Best is safe for concurrent use, and sees the
// examples added before it was called.
type Model struct {
	mu       sync.Mutex
	examples []Example
	idx      atomic.Pointer[index]
}

// index is the model built from the examples at one time; never changed
// once made.
type index struct {
	examples []Example
	grams    map[gram]int32 // gram → id
	idf      []float64      // by gram id
	unseen   float64        // the idf of a gram no example has
	postings [][]posting    // by gram id; nil for a common gram
	// common numbers the grams that many examples hold (commonGram), by
	// gram id (-1: not common), and weights[c][e] is example e's weight
	// for common gram c. Best reaches examples through their rarer grams
	// only (a common gram's postings would be most of the examples, at
	// every turn), and adds the common grams' share for those.
	common  []int32
	weights [][]float64
	scores  sync.Pool // of *[]float64, one slot per example
}

// commonGram reports whether a gram that df of n examples hold is common.
func commonGram(df, n int) bool { return df > max(16, n/16) }

// posting is one example's weight for a gram (its share of the example's
// unit vector).
type posting struct {
	example int32
	weight  float64
}

// New returns a model of the examples. Examples with no letter or digit
// are left out.
func New(examples []Example) *Model {
	m := &Model{}
	for _, e := range examples {
		m.AddExample(e.Category, e.Source, e.Text)
	}
	return m
}

// AddExample adds an example sentence of a violation category, from
// source (a rule id, or SourceConfirmed).
func (m *Model) AddExample(category, source, text string) {
	if len(grams(text)) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.examples = append(m.examples, Example{Category: category, Source: source, Text: text})
	m.idx.Store(nil)
}

// Len returns the number of examples.
func (m *Model) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.examples)
}

// current returns the index of the examples added so far, building it
// when examples were added since the last one.
func (m *Model) current() *index {
	if x := m.idx.Load(); x != nil {
		return x
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if x := m.idx.Load(); x != nil {
		return x
	}
	x := build(m.examples)
	m.idx.Store(x)
	return x
}

// build makes the index of examples.
func build(examples []Example) *index {
	x := &index{examples: append([]Example(nil), examples...), grams: map[gram]int32{}}
	counts := make([]map[int32]int, len(examples))
	var df []int
	for i, e := range examples {
		counts[i] = map[int32]int{}
		for _, g := range grams(e.Text) {
			id, ok := x.grams[g]
			if !ok {
				id = int32(len(df))
				x.grams[g] = id
				df = append(df, 0)
			}
			if counts[i][id] == 0 {
				df[id]++
			}
			counts[i][id]++
		}
	}
	n := float64(len(examples))
	x.idf = make([]float64, len(df))
	for id, d := range df {
		x.idf[id] = math.Log((n+1)/float64(d+1)) + 1
	}
	x.unseen = math.Log(n+1) + 1
	x.postings = make([][]posting, len(df))
	x.common = make([]int32, len(df))
	for id, d := range df {
		x.common[id] = -1
		if commonGram(d, len(examples)) {
			x.common[id] = int32(len(x.weights))
			x.weights = append(x.weights, make([]float64, len(examples)))
		}
	}
	for i, c := range counts {
		var norm float64
		w := make(map[int32]float64, len(c))
		for id, tf := range c {
			v := (1 + math.Log(float64(tf))) * x.idf[id]
			w[id] = v
			norm += v * v
		}
		norm = math.Sqrt(norm)
		for id, v := range w {
			if c := x.common[id]; c >= 0 {
				x.weights[c][i] = v / norm
				continue
			}
			x.postings[id] = append(x.postings[id], posting{example: int32(i), weight: v / norm})
		}
	}
	for _, p := range x.postings {
		sort.Slice(p, func(a, b int) bool { return p[a].example < p[b].example })
	}
	return x
}

// Best returns the example most like text and their cosine; ok is false
// when the model has no example that shares a gram with text. A text of
// several sentences is compared sentence by sentence (split at 。！？；
// and their ASCII forms) and the best sentence counts: a violation said
// in one sentence of a long turn is not drowned by the rest of the turn.
func (m *Model) Best(text string) (best Match, ok bool) {
	return m.BestNormalized(textnorm.Normalize(text).Text)
}

// BestNormalized is Best for a text already normalized
// (textnorm.Normalize(text).Text), as the analyzer has it.
func (m *Model) BestNormalized(norm string) (best Match, ok bool) {
	x := m.current()
	if len(x.examples) == 0 {
		return Match{}, false
	}
	var buf []gram
	for _, sentence := range sentences(norm) {
		buf = appendGrams(buf[:0], sentence)
		if e, sim := x.best(buf); e >= 0 && (!ok || sim > best.Similarity) {
			best, ok = Match{Example: x.examples[e], Similarity: sim}, true
		}
	}
	return best, ok
}

// sentences cuts text after each sentence end; a text without one is one
// sentence.
func sentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		switch r {
		case '。', '！', '？', '；', '!', '?', ';', '\n': // normalized text has the ASCII forms
			if s := strings.TrimSpace(text[start:i]); s != "" {
				out = append(out, s)
			}
			start = i + utf8.RuneLen(r)
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// best returns the example with the highest cosine with the grams gs and
// the cosine, or -1.
func (x *index) best(gs []gram) (int32, float64) {
	if len(gs) == 0 {
		return -1, 0
	}
	slices.Sort(gs)
	sp, _ := x.scores.Get().(*[]float64)
	if sp == nil || len(*sp) != len(x.examples) {
		s := make([]float64, len(x.examples))
		sp = &s
	}
	scores := *sp
	var touched []int32
	var common []commonWeight
	var norm float64
	for i := 0; i < len(gs); {
		g, c := gs[i], 1
		for i += 1; i < len(gs) && gs[i] == g; i++ {
			c++
		}
		id, known := x.grams[g]
		idf := x.unseen
		if known {
			idf = x.idf[id]
		}
		w := (1 + math.Log(float64(c))) * idf
		norm += w * w
		if !known {
			continue
		}
		if cg := x.common[id]; cg >= 0 {
			common = append(common, commonWeight{cg, w})
			continue
		}
		for _, p := range x.postings[id] {
			if scores[p.example] == 0 {
				touched = append(touched, p.example)
			}
			scores[p.example] += w * p.weight
		}
	}
	norm = math.Sqrt(norm)
	bestAt, bestScore := int32(-1), 0.0
	for _, e := range touched {
		for _, cw := range common {
			scores[e] += cw.w * x.weights[cw.c][e]
		}
		if s := scores[e]; s > bestScore || s == bestScore && e < bestAt {
			bestAt, bestScore = e, s
		}
		scores[e] = 0
	}
	x.scores.Put(sp)
	if bestAt < 0 || norm == 0 {
		return -1, 0
	}
	return bestAt, min(1, bestScore/norm)
}

// commonWeight is a common gram of a text (index.common) and its weight.
type commonWeight struct {
	c int32
	w float64
}

// gram is a character n-gram of up to three runes, packed 21 bits a rune
// (no rune of a normalized text is 0).
type gram uint64

// grams returns the character 1-, 2- and 3-grams of the normalized text,
// within runs of letters and digits.
func grams(text string) []gram {
	return appendGrams(nil, textnorm.Normalize(text).Text)
}

// appendGrams appends the grams of a normalized text to out.
func appendGrams(out []gram, norm string) []gram {
	var run []rune
	flush := func() {
		for i, r := range run {
			g := gram(r)
			out = append(out, g)
			if i+1 < len(run) {
				g |= gram(run[i+1]) << 21
				out = append(out, g)
			}
			if i+2 < len(run) {
				out = append(out, g|gram(run[i+2])<<42)
			}
		}
		run = run[:0]
	}
	for _, r := range norm {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			run = append(run, r)
			continue
		}
		flush()
	}
	flush()
	return out
}
