package analyzer

import (
	"strings"
	"unicode"

	"github.com/callqa/callqa/segment"
	"github.com/callqa/callqa/textnorm"
)

// Word is one segmented word of a text: its normalized form (Simplified,
// half-width, lower case) and its byte range in the original text.
type Word struct {
	Term       string
	Start, End int
}

// WordTokenizer cuts text into words exactly as the analyzer does before
// matching: normalize, then segment with gse and the domain vocabulary.
// The search index uses it so that a query in Traditional or full-width
// characters finds the Simplified, half-width text and the reverse.
type WordTokenizer struct {
	seg *segment.Segmenter
}

// NewWordTokenizer returns a tokenizer with the given domain words (a
// rule set's Words). Tokenizers with the same words share one segmenter.
func NewWordTokenizer(words []string) (*WordTokenizer, error) {
	seg, err := newSegmenter(words)
	if err != nil {
		return nil, err
	}
	return &WordTokenizer{seg: seg}, nil
}

// Words returns the words of text in order, leaving out punctuation and
// white space.
func (t *WordTokenizer) Words(text string) []Word {
	n := textnorm.Normalize(text)
	var out []Word
	for _, s := range t.seg.Segment(n.Text, nil) {
		term := n.Text[s.Start:s.End]
		if !hasWordRune(term) {
			continue
		}
		start, end := n.Span(s.Start, s.End)
		out = append(out, Word{Term: term, Start: start, End: end})
	}
	return out
}

func hasWordRune(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) >= 0
}
