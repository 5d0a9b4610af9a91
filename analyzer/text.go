package analyzer

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/segment"
	"github.com/callqa/callqa/textnorm"
)

// newSegmenter returns a segmenter with gse's Simplified dictionary (text
// is converted to Simplified before it is cut) and the packs' domain
// words; see package segment for how it reproduces gse's Segment from a
// compact, embedded form of the dictionary. One segmenter is kept per word
// list and shared by every Analyzer and WordTokenizer that asks for it.
func newSegmenter(words []string) (*segment.Segmenter, error) {
	segmenterMu.Lock()
	defer segmenterMu.Unlock()
	key := strings.Join(words, "\x00")
	if seg, ok := segmenters[key]; ok {
		return seg, nil
	}
	norm := make([]string, 0, len(words))
	for _, w := range words {
		if n := textnorm.Normalize(w).Text; n != "" {
			norm = append(norm, n)
		}
	}
	// A high frequency keeps a domain word whole against the general
	// dictionary's splits (滚动还款, 失信被执行人).
	seg, err := segment.New(norm, domainWordFreq)
	if err != nil {
		return nil, err
	}
	segmenters[key] = seg
	return seg, nil
}

const domainWordFreq = 20000

var (
	segmenterMu sync.Mutex
	segmenters  = map[string]*segment.Segmenter{}
)

// token is one segmented word, as byte offsets into the normalized text.
type token struct {
	start, end int
	clause     int // index of the clause the word is in
	sentence   int
}

// prepared is one turn's text ready for matching.
type prepared struct {
	norm textnorm.Normalized
	// particles are the sentence particles that may follow a
	// one-character term inside its word (the packs' `particles`).
	particles map[rune]bool
	tokens    []token
	// tokAt maps each byte offset of norm.Text to the index of the word
	// that contains it; tokAt[len] is len(tokens).
	tokAt []int32
	// ids are the terms the turn holds, in increasing order; the spans of
	// ids[k] are spans[idStart[k]:idStart[k+1]], in text order; present
	// has the bit of each id, a cheaper test than a search for the many
	// terms of a rule that a turn does not hold.
	ids     []int
	idStart []int32
	spans   []span
	present []uint64
	// watched has the bit of each of the term index's watched sets
	// (termIndex.watched) that the turn holds a term of, when watching
	// (the index was frozen when the turn was prepared).
	watched  []uint64
	watching bool
	// segs is the segmenter's output, kept for its memory.
	segs []segment.Span
	// bloom has the runes of norm.Text (set by termIndex.find).
	bloom runeBloom
	// candBuf holds cand's memory between uses of a pooled turn.
	candBuf []bool
	// found is termIndex.find's scratch list of occurrences.
	found []occurrence
	// cand marks, by compiled rule index, the rules one of whose trigger
	// words occurs or one of whose regular expressions can start in the
	// turn: only those can match, so the cost of a turn follows its words,
	// not the rule count.
	cand []bool
}

// span is a match in the normalized text: bytes [start, end) and the words
// [first, last] it covers.
type span struct {
	start, end  int
	first, last int
	// headEnd and tailStart bound the first and last matched terms of a
	// pattern; for a term or regex match they are end and start.
	headEnd, tailStart int
}

func newSpan(s, e, first, last int) span {
	return span{start: s, end: e, first: first, last: last, headEnd: e, tailStart: s}
}

// Clause and sentence breaks. The enumeration comma 、 is not a break:
// it joins items of one list.
const (
	clauseBreaks   = "，,；;：:—"
	sentenceBreaks = "。！？!?…\n"
)

// breakKind reports whether word, of at most three runes, holds a
// sentence break, or else a clause break.
func breakKind(word string) (sentence, clause bool) {
	n := 0
	for _, r := range word {
		if n++; n > 3 {
			return false, false
		}
		switch {
		case r < utf8.RuneSelf:
			sentence = sentence || asciiBreaks[r] == sentenceBreak
			clause = clause || asciiBreaks[r] == clauseBreak
		case r == '。' || r == '！' || r == '？' || r == '…':
			sentence = true
		case r == '，' || r == '；' || r == '：' || r == '—':
			clause = true
		}
	}
	return sentence, clause && !sentence
}

const (
	clauseBreak = 1 + iota
	sentenceBreak
)

// asciiBreaks marks the ASCII runes of clauseBreaks and sentenceBreaks.
var asciiBreaks = func() (t [utf8.RuneSelf]uint8) {
	for _, r := range clauseBreaks {
		if r < utf8.RuneSelf {
			t[r] = clauseBreak
		}
	}
	for _, r := range sentenceBreaks {
		if r < utf8.RuneSelf {
			t[r] = sentenceBreak
		}
	}
	return t
}()

// preparedPool keeps prepared turns with their slices: a call's turns go
// back when the call is done (releaseTurns), and the next call's turns
// reuse the memory instead of allocating it again.
var preparedPool = sync.Pool{New: func() any { return new(prepared) }}

func prepare(seg *segment.Segmenter, idx *termIndex, text string) *prepared {
	p := preparedPool.Get().(*prepared)
	p.norm = textnorm.Normalize(text)
	p.cand = nil
	p.particles = idx.particles
	t := p.norm.Text
	p.tokens = p.tokens[:0]
	clause, sentence := 0, 0
	p.segs = seg.Segment(t, p.segs[:0])
	for _, s := range p.segs {
		word := t[s.Start:s.End]
		if blank(word) {
			continue
		}
		isSentence, isClause := breakKind(word)
		if isSentence {
			sentence++
			clause++
		} else if isClause {
			clause++
		}
		p.tokens = append(p.tokens, token{start: s.Start, end: s.End, clause: clause, sentence: sentence})
		if isSentence || isClause {
			// the break belongs to neither side
			clause++
		}
	}
	// Each byte takes the index of the word that holds it; bytes the
	// segmenter skipped take the index of the next word.
	p.tokAt = slices.Grow(p.tokAt[:0], len(t)+1)[:len(t)+1]
	b := 0
	for i, tk := range p.tokens {
		for ; b < tk.end; b++ {
			p.tokAt[b] = int32(i)
		}
	}
	for ; b <= len(t); b++ {
		p.tokAt[b] = int32(len(p.tokens))
	}
	idx.find(p)
	return p
}

// blank reports whether word is white space only (strings.TrimSpace
// would leave nothing).
func blank(word string) bool {
	for _, r := range word {
		if r < utf8.RuneSelf {
			if asciiSpace[r] == 0 {
				return false
			}
		} else if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

var asciiSpace = [utf8.RuneSelf]uint8{'\t': 1, '\n': 1, '\v': 1, '\f': 1, '\r': 1, ' ': 1}

// occOf returns where term id occurs in the turn.
func (p *prepared) occOf(id int) []span {
	if w := id / 64; w >= len(p.present) || p.present[w]&(1<<(id%64)) == 0 {
		return nil
	}
	k, _ := slices.BinarySearch(p.ids, id)
	return p.occAt(k)
}

// occAt returns the occurrences of the k-th term of p.ids.
func (p *prepared) occAt(k int) []span {
	a, b := p.idStart[k], p.idStart[k+1]
	return p.spans[a:b:b]
}

func inToken(p *prepared, b int) bool {
	i := int(p.tokAt[b])
	return i < len(p.tokens) && p.tokens[i].start <= b && b < p.tokens[i].end
}

func isTokStart(p *prepared, b int) bool {
	return inToken(p, b) && p.tokens[p.tokAt[b]].start == b
}

// wordsOf returns the first and last word indexes that bytes [s, e) touch.
func (p *prepared) wordsOf(s, e int) (int, int) {
	first := int(p.tokAt[s])
	last := first
	if e > s {
		last = int(p.tokAt[e-1])
	}
	return first, last
}

// sameScope reports whether words a and b lie in one clause, one sentence
// or (scope turn) anywhere.
func (p *prepared) sameScope(scope lexicon.Scope, a, b int) bool {
	if a >= len(p.tokens) || b >= len(p.tokens) {
		return scope == "turn"
	}
	switch scope {
	case "turn":
		return true
	case "sentence":
		return p.tokens[a].sentence == p.tokens[b].sentence
	default:
		return p.tokens[a].clause == p.tokens[b].clause
	}
}

// alignedShort reports whether a term of n runes, one or two, found at
// bytes [s, e) where a segmented word starts, stands as a word of its own
// (termIndex.find checks the start; longer terms are specific enough to
// match anywhere). A one-character term must end where a word ends,
// except that the word may go on with sentence particles (滚 in 滚吧, never
// in 滚动; 死 never in 死机). A two-character term may end inside a word,
// since gse joins common compounds (今天 in 今天下午, 去死 in 去死吧; never 妈的
// in 爸妈的, which does not start a word).
func (p *prepared) alignedShort(s, e, n int) bool {
	if n == 2 {
		return true
	}
	last := int(p.tokAt[e-1])
	tk := p.tokens[last]
	if tk.end == e {
		return true
	}
	for _, r := range p.norm.Text[e:tk.end] {
		if !p.particles[r] {
			return false
		}
	}
	return true
}
