package index

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/lexicon"
)

// Registry names. An index mapping refers to them, so they never change.
const (
	TokenizerName      = "callqa_gse"
	AnalyzerName       = "callqa_zh"
	PairsTokenizerName = "callqa_gse_pairs"
	PairsAnalyzerName  = "callqa_zh_pairs"
)

// pairSep joins the two words of a pair term; no word holds it (the
// segmenter never keeps a control character in a term).
const pairSep = "\x1f"

func init() {
	if err := registry.RegisterTokenizer(TokenizerName, newTokenizer); err != nil {
		panic(err) // a second registration under our name is a programming error
	}
	if err := registry.RegisterTokenizer(PairsTokenizerName, newPairsTokenizer); err != nil {
		panic(err)
	}
}

var (
	wordsOnce   sync.Once
	words       *analyzer.WordTokenizer
	wordsErr    error
	wordsFailed atomic.Bool // the load was tried and failed
)

// sharedWords loads the segmenter with the built-in vocabulary on first use
// (not at registration: most processes that import this package never
// tokenize). The index and every query use the same vocabulary, whatever
// user packs a scan loads, so that index and query terms agree.
func sharedWords() (*analyzer.WordTokenizer, error) {
	wordsOnce.Do(func() {
		packs, err := lexicon.LoadFS(lexicon.Builtin, "lexicon/packs")
		if err != nil {
			wordsErr = err
			return
		}
		var list []string
		for _, p := range packs {
			list = append(list, p.Words...)
		}
		words, wordsErr = analyzer.NewWordTokenizer(list)
	})
	if wordsErr != nil {
		wordsFailed.Store(true)
	}
	return words, wordsErr
}

// loadWords loads the segmenter now, for a caller about to tokenize (an
// index opened for writing), so that a failure to load is an error it
// returns: Bleve's Tokenize cannot return one.
func loadWords() error {
	if _, err := sharedWords(); err != nil {
		return fmt.Errorf("%s: loading the segmenter: %w", TokenizerName, err)
	}
	return nil
}

// searchBleve runs req, and fails if the query needed the segmenter (a
// text query) and it could not be loaded: the tokenizer then gave no
// tokens, and the empty answer would be a lie.
func searchBleve(ctx context.Context, bi bleve.Index, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	sr, err := bi.SearchInContext(ctx, req)
	if err == nil && wordsFailed.Load() {
		err = loadWords()
	}
	return sr, err
}

// tokenizer adapts analyzer.WordTokenizer to Bleve. Offsets are byte
// offsets into the original field text, so highlights mark the original
// characters; terms are normalized, so 騙子 and 骗子 are one term.
//
// The segmenter is loaded on the first Tokenize, not when Bleve builds the
// analyzer as it opens an index: a search with filters only never needs
// it. Should it fail to load there, Tokenize gives no tokens, and the
// search fails with the error (searchBleve); an index opened for writing
// loads it first (loadWords).
//
// With pairs, it is the tokenizer of the pairs field: one token for each
// two adjacent words of a turn, where a phrase of two words is one term
// (phraseQuery).
type tokenizer struct{ pairs bool }

func newTokenizer(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
	return tokenizer{}, nil
}

func newPairsTokenizer(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
	return tokenizer{pairs: true}, nil
}

// Tokenize returns one token a word (or pair); Position is the 1-based
// token index. A text of several turns (joinTurns) is cut at turnSep,
// each turn segmented on its own.
func (t tokenizer) Tokenize(input []byte) analysis.TokenStream {
	turns, err := turnWords(input)
	if err != nil {
		return nil
	}
	return tokens(turns, t.pairs)
}

// tokens is the token stream of turns: one token a word, or with pairs
// one a pair of adjacent words of a turn (spanning both), the terms in one
// buffer (one allocation).
func tokens(turns []wordsAt, pairs bool) analysis.TokenStream {
	from := 0 // the first word of a turn that ends a token
	if pairs {
		from = 1
	}
	size, n := 0, 0
	for _, tw := range turns {
		for i := from; i < len(tw.words); i++ {
			size += len(tw.words[i].Term)
			if pairs {
				size += len(tw.words[i-1].Term) + len(pairSep)
			}
			n++
		}
	}
	buf := make([]byte, 0, size)
	toks := make([]analysis.Token, n)
	out := make(analysis.TokenStream, n)
	k := 0
	for _, tw := range turns {
		ws := tw.words
		for i := from; i < len(ws); i++ {
			at, start, typ := len(buf), ws[i].Start, analysis.Ideographic
			if pairs {
				buf = append(append(buf, ws[i-1].Term...), pairSep...)
				start, typ = ws[i-1].Start, analysis.Shingle
			}
			buf = append(buf, ws[i].Term...)
			toks[k] = analysis.Token{
				Term: buf[at:len(buf):len(buf)], Start: tw.at + start, End: tw.at + ws[i].End,
				Position: k + 1, Type: typ,
			}
			out[k] = &toks[k]
			k++
		}
	}
	return out
}

// wordsAt are the words of one turn of a text, with the turn's byte offset
// in it.
type wordsAt struct {
	at    int
	words []analyzer.Word
}

// turnWords cuts input at turnSep and each turn into words: the cached
// words of the analysis when there are some (wordCache), the segmenter's
// otherwise.
func turnWords(input []byte) ([]wordsAt, error) {
	var wt *analyzer.WordTokenizer
	words := func(text []byte) ([]analyzer.Word, error) {
		if ws, ok := cachedWords(text); ok {
			return ws, nil
		}
		if wt == nil {
			var err error
			if wt, err = sharedWords(); err != nil {
				return nil, err
			}
		}
		return wt.Words(string(text)), nil
	}
	var out []wordsAt
	at := 0
	for at <= len(input) {
		end := bytes.IndexByte(input[at:], turnSep[0])
		if end < 0 {
			end = len(input) - at
		}
		if end > 0 {
			ws, err := words(input[at : at+end])
			if err != nil {
				return nil, err
			}
			out = append(out, wordsAt{at: at, words: ws})
		}
		at += end + 1
	}
	return out, nil
}

// pairTerm is the term of the pairs field for two adjacent words.
func pairTerm(a, b string) string { return a + pairSep + b }

// addAnalyzer defines the callqa_zh and callqa_zh_pairs analyzers in the
// mapping.
func addAnalyzer(m *mapping.IndexMappingImpl) error {
	if err := m.AddCustomAnalyzer(AnalyzerName, map[string]interface{}{
		"type":      custom.Name,
		"tokenizer": TokenizerName,
	}); err != nil {
		return err
	}
	return m.AddCustomAnalyzer(PairsAnalyzerName, map[string]interface{}{
		"type":      custom.Name,
		"tokenizer": PairsTokenizerName,
	})
}

// Words cuts text into the terms the index stores for it (those of the
// callqa_zh analyzer: normalized, with byte offsets into text), for another
// store that must match the same words (package pgindex). The segmenter
// is loaded on first use.
func Words(text string) ([]analyzer.Word, error) {
	w, err := sharedWords()
	if err != nil {
		return nil, fmt.Errorf("%s: loading the segmenter: %w", TokenizerName, err)
	}
	return w.Words(text), nil
}
