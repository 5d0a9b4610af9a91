package index

import (
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
	TokenizerName = "callqa_gse"
	AnalyzerName  = "callqa_zh"
)

func init() {
	if err := registry.RegisterTokenizer(TokenizerName, newTokenizer); err != nil {
		panic(err) // a second registration under our name is a programming error
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
type tokenizer struct{}

func newTokenizer(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
	return tokenizer{}, nil
}

// Tokenize returns one token a word; Position is the 1-based word index.
func (tokenizer) Tokenize(input []byte) analysis.TokenStream {
	ws, ok := cachedWords(input)
	if !ok {
		wt, err := sharedWords()
		if err != nil {
			return nil
		}
		ws = wt.Words(string(input))
	}
	out := make(analysis.TokenStream, 0, len(ws))
	for i, w := range ws {
		out = append(out, &analysis.Token{
			Term: []byte(w.Term), Start: w.Start, End: w.End,
			Position: i + 1, Type: analysis.Ideographic,
		})
	}
	return out
}

// addAnalyzer defines the callqa_zh analyzer in the mapping.
func addAnalyzer(m *mapping.IndexMappingImpl) error {
	return m.AddCustomAnalyzer(AnalyzerName, map[string]interface{}{
		"type":      custom.Name,
		"tokenizer": TokenizerName,
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
