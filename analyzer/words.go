package analyzer

import (
	"strings"
	"unicode"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/segment"
	"github.com/callqa/callqa/textnorm"
)

// Word is one segmented word of a text: its normalized form (Simplified,
// half-width, lower case) and its byte range in the original text.
type Word = result.Word

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
		out = appendWord(out, n, s.Start, s.End)
	}
	return out
}

// appendWord appends the word at bytes [s, e) of the normalized text n,
// unless it holds no letter or digit.
func appendWord(out []Word, n textnorm.Normalized, s, e int) []Word {
	term := n.Text[s:e]
	if !hasWordRune(term) {
		return out
	}
	start, end := n.Span(s, e)
	return append(out, Word{Term: term, Start: start, End: end})
}

// KeepWords makes Analyze keep the words of each turn in Result.Words
// when they are the words t gives (the same segmenter, so the same
// vocabulary), and reports whether it will. Call it before the analyzer
// is used.
func (a *Analyzer) KeepWords(t *WordTokenizer) bool {
	a.keepWords = t != nil && t.seg == a.seg
	return a.keepWords
}

// turnWords returns the words of the prepared turns, as Words would.
func turnWords(call *corpus.Call, turns []*prepared) []TextWords {
	out := make([]TextWords, len(turns))
	for i, p := range turns {
		var words []Word
		for _, tk := range p.tokens {
			words = appendWord(words, p.norm, tk.start, tk.end)
		}
		out[i] = TextWords{Text: call.Turns[i].Text, Words: words}
	}
	return out
}

// TextWords are the words of one text (Result.Words).
type TextWords = result.TextWords

func hasWordRune(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) >= 0
}
