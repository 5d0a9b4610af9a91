package index

import (
	"sync"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/result"
)

// wordCache holds the words the analysis already cut texts into
// (result.Result.Words), by text, while the batch that indexes them is
// committed: Bleve's analysis then takes them instead of segmenting the
// same text again. A text is only ever mapped to the words Words(text)
// gives (the analyzer keeps them only when its segmenter is the index's,
// analyzer.KeepWords), so a hit is always right, whichever index or batch
// put it there, and a miss only costs the segmentation.
var wordCache = struct {
	sync.RWMutex
	m map[string][]analyzer.Word
}{m: map[string][]analyzer.Word{}}

// rememberWords puts the words of res's turns in the cache and returns
// the texts it added, for forgetWords.
func rememberWords(res *result.Result, added []string) []string {
	if len(res.Words) == 0 {
		return added
	}
	wordCache.Lock()
	defer wordCache.Unlock()
	for _, tw := range res.Words {
		if _, ok := wordCache.m[tw.Text]; !ok && tw.Words != nil {
			wordCache.m[tw.Text] = tw.Words
			added = append(added, tw.Text)
		}
	}
	return added
}

// forgetWords takes texts out of the cache.
func forgetWords(texts []string) {
	if len(texts) == 0 {
		return
	}
	wordCache.Lock()
	defer wordCache.Unlock()
	for _, t := range texts {
		delete(wordCache.m, t)
	}
}

// cachedWords returns the cached words of text, if any.
func cachedWords(text []byte) ([]analyzer.Word, bool) {
	wordCache.RLock()
	defer wordCache.RUnlock()
	ws, ok := wordCache.m[string(text)]
	return ws, ok
}

// Tokenizer returns the word tokenizer of the index (the built-in
// vocabulary), loading it on first use: an analyzer that keeps its words
// for the index (analyzer.KeepWords) is checked against it.
func Tokenizer() (*analyzer.WordTokenizer, error) {
	return sharedWords()
}
