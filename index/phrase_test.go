package index

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/internal/synth"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
)

// positionsMapping is the mapping of an index built before the pairs
// field: term vectors (word positions and offsets) on the turns, which
// Bleve's phrase searcher and highlights read.
func positionsMapping(t *testing.T) mapping.IndexMapping {
	m, err := newMapping()
	require.NoError(t, err)
	call := m.(*mapping.IndexMappingImpl).TypeMapping[TypeCall]
	delete(call.Properties, pairsField)
	call.Properties["turns"].Fields[0].IncludeTermVectors = true
	return m
}

// builtinAnalyzer is an analyzer with the built-in packs, and their
// rules version.
func builtinAnalyzer(t *testing.T) (*analyzer.Analyzer, string) {
	set, err := lexicon.LoadSet(nil)
	require.NoError(t, err)
	an, err := analyzer.New(set, analyzer.Options{})
	require.NoError(t, err)
	return an, RulesVersion(set)
}

// threeTurns is a call whose turns end and begin with words that would
// make phrases across them.
const threeTurns = "坐席：你今天必须还钱\n客户：坐牢我也没钱\n坐席：那就法院见"

// analyzeText analyzes one call written as text.
func analyzeText(t *testing.T, an *analyzer.Analyzer, text string) *result.Result {
	c, err := corpus.ReadText("X.txt", text)
	require.NoError(t, err)
	return an.Analyze(c)
}

// phraseCorpus analyzes generated calls (some written the way speech
// recognition writes) and a few of Traditional and mixed script.
func phraseCorpus(t *testing.T) []*result.Result {
	an, _ := builtinAnalyzer(t)
	calls := []*corpus.Call{}
	g := synth.NewGenerator(7, synth.Options{ASR: 0.3})
	for i := range 160 {
		calls = append(calls, g.Call(i))
	}
	for i, text := range []string{
		"坐席：陳先生您好，您的帳單已經逾期了。\n客户：我下個月還。\n坐席：你再不還錢就等著坐牢吧。",
		"坐席：您好，我们是XX金融的。\n客户：我没钱还，你们爱怎么样怎么样。\n坐席：你不还钱我们就联系你的家人和单位。",
		"坐席：你就是个老赖，骗子。\n客户：你再骂人我就投诉你。\n坐席：今天下午五点前还款可以吗？",
	} {
		c, err := corpus.ReadText(fmt.Sprintf("T%d.txt", i), text)
		require.NoError(t, err)
		calls = append(calls, c)
	}
	var out []*result.Result
	for _, c := range calls {
		out = append(out, an.Analyze(c))
	}
	return out
}

// indexWith writes the call documents of results into a new Bleve index
// of mapping m; one without the pairs field gets the turns as a list, as
// it did then.
func indexWith(t *testing.T, m mapping.IndexMapping, results []*result.Result) bleve.Index {
	bi, err := bleve.New(filepath.Join(t.TempDir(), "ix.bleve"), m)
	require.NoError(t, err)
	t.Cleanup(func() { bi.Close() })
	b := bi.NewBatch()
	for _, res := range results {
		call, _ := documents(res, "h", "v")
		if !hasPairs(m) {
			turnsAsList(call, res)
		}
		require.NoError(t, b.Index(CallDocID(res.CallID), call))
	}
	require.NoError(t, bi.Batch(b))
	return bi
}

// phraseQueries are texts of one to five words cut from the turns
// (they match), the same joined across calls (mostly not), and
// query-string forms over them.
func phraseQueries(t *testing.T, results []*result.Result) []string {
	wt, err := sharedWords()
	require.NoError(t, err)
	rng := rand.New(rand.NewSource(3))
	cut := func() string {
		for {
			res := results[rng.Intn(len(results))]
			turns := res.Call.Turns
			text := turns[rng.Intn(len(turns))].Text
			ws := wt.Words(text)
			if len(ws) == 0 {
				continue
			}
			n := 1 + rng.Intn(5)
			k := rng.Intn(len(ws))
			if k+n > len(ws) {
				n = len(ws) - k
			}
			return strings.TrimSpace(text[ws[k].Start:ws[k+n-1].End])
		}
	}
	var out []string
	for range 120 {
		out = append(out, cut())
	}
	for range 40 {
		out = append(out, cut()+cut())
	}
	for range 30 {
		a, b := cut(), cut()
		out = append(out, a+" "+b, `"`+a+`"`, `+"`+a+`" -"`+b+`"`, `turns:"`+a+`" OR turns:"`+b+`"`, a+` OR `+b)
	}
	out = append(out, "坐*", "turns:还*", "+坐牢 -骗子", `"還錢"`, "还钱 坐牢", `"不还钱 我们"`)
	return out
}

// TestPairsSameAsPositions holds the pairs field to Bleve's own phrases:
// an index with the pairs field and one with word positions on the turns,
// of the same calls, give the same hits and totals for every query, and
// the same marked words.
func TestPairsSameAsPositions(t *testing.T) {
	results := phraseCorpus(t)
	m, err := newMapping()
	require.NoError(t, err)
	pairs := indexWith(t, m, results)
	positions := indexWith(t, positionsMapping(t), results)

	matched := 0
	for _, text := range phraseQueries(t, results) {
		q := Query{Text: text, Limit: 40}
		want, err := Search(positions, q)
		require.NoError(t, err, text)
		got, err := Search(pairs, q)
		require.NoError(t, err, text)
		require.Equal(t, want.Total, got.Total, "%q", text)
		require.Equal(t, len(want.Hits), len(got.Hits), "%q", text)
		for k := range want.Hits {
			require.Equal(t, want.Hits[k].CallID, got.Hits[k].CallID, "%q", text)
			require.Equal(t, marks(want.Hits[k]), marks(got.Hits[k]), "%q in %s", text, want.Hits[k].CallID)
		}
		if want.Total > 0 {
			matched++
		}
	}
	assert.Greater(t, matched, 150, "most queries should match something")
}

func marks(h Hit) []string {
	var out []string
	for _, hl := range h.Highlights {
		out = append(out, fmt.Sprintf("%d %s", hl.Turn, hl.Marked))
	}
	return out
}

// TestPairsOneIndexOfEach searches an alias over an index of each layout:
// each answers its own way, and the union is the sum.
func TestPairsOneIndexOfEach(t *testing.T) {
	results := phraseCorpus(t)
	m, err := newMapping()
	require.NoError(t, err)
	half := len(results) / 2
	alias := bleve.NewIndexAlias(indexWith(t, m, results[:half]), indexWith(t, positionsMapping(t), results[half:]))
	whole := indexWith(t, m, results)
	for _, text := range []string{"您好", "还款 今天", `"我们 这边"`, "不还钱就等"} {
		q := Query{Text: text, Limit: 500}
		want, err := Search(whole, q)
		require.NoError(t, err)
		got, err := Search(alias, q)
		require.NoError(t, err)
		assert.Equal(t, want.Total, got.Total, text)
	}
}

// TestPhraseCheckReportsDamage: a call whose stored field cannot be read
// fails a phrase search of three or more words with an error naming it,
// instead of dropping the call from the answer.
func TestPhraseCheckReportsDamage(t *testing.T) {
	m, err := newMapping()
	require.NoError(t, err)
	bi, err := bleve.New(filepath.Join(t.TempDir(), "ix.bleve"), m)
	require.NoError(t, err)
	defer bi.Close()
	require.NoError(t, bi.Index(CallDocID("BAD"), map[string]interface{}{
		"type": TypeCall, "call_id": "BAD", "turns": joinTurns([]string{"你再不还钱就等着坐牢吧"}),
		pairsField: joinTurns([]string{"你再不还钱就等着坐牢吧"}), storedField: "\x09garbage",
	}))
	_, err = Search(bi, Query{Text: "不还钱就等着"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "call/BAD")
	n, _, err := Count(bi, Query{Text: "坐牢"}, 0)
	require.NoError(t, err) // one word needs no check
	assert.Equal(t, uint64(1), n)
}

// TestPhraseWithinTurn: the words of a phrase must be in one turn; the
// last words of a turn and the first of the next are no phrase (the
// turns are one field value cut at turnSep).
func TestPhraseWithinTurn(t *testing.T) {
	an, _ := builtinAnalyzer(t)
	results := []*result.Result{analyzeText(t, an, threeTurns)}
	m, err := newMapping()
	require.NoError(t, err)
	for _, bi := range []bleve.Index{indexWith(t, m, results), indexWith(t, positionsMapping(t), results)} {
		for text, want := range map[string]uint64{
			"还钱": 1, "必须还钱": 1, "坐牢我也没钱": 1, "法院见": 1,
			"还钱坐牢": 0, `"钱 坐牢"`: 0, "必须还钱坐牢": 0, "没钱那": 0, "钱那就法院": 0,
		} {
			n, _, err := Count(bi, Query{Text: text}, 0)
			require.NoError(t, err, text)
			assert.Equal(t, want, n, "%q", text)
		}
	}
}

// TestAddToPositionsIndex: calls added to an index built before the pairs
// field keep its shape (the turns as a list), so that Bleve's phrases
// there stay within a turn and its highlights on the right turn.
func TestAddToPositionsIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "old.bleve")
	bi, err := bleve.New(dir, positionsMapping(t))
	require.NoError(t, err)
	require.NoError(t, bi.Close())

	an, version := builtinAnalyzer(t)
	ix, err := Open(dir, Options{})
	require.NoError(t, err)
	require.True(t, ix.PositionsLayout())
	_, err = ix.Add(analyzeText(t, an, threeTurns), version)
	require.NoError(t, err)
	require.NoError(t, ix.Close())

	r, err := Open(dir, Options{ReadOnly: true})
	require.NoError(t, err)
	defer r.Close()
	fields, err := r.Bleve().Fields()
	require.NoError(t, err)
	assert.NotContains(t, fields, pairsField)
	for text, want := range map[string]uint64{"必须还钱": 1, "没钱那": 0, `"钱 坐牢"`: 0} {
		n, _, err := Count(r.Bleve(), Query{Text: text}, 0)
		require.NoError(t, err, text)
		assert.Equal(t, want, n, "%q", text)
	}
	got, err := Search(r.Bleve(), Query{Text: "坐牢"})
	require.NoError(t, err)
	require.Len(t, got.Hits, 1)
	assert.Equal(t, []string{"2 【坐牢】我也没钱"}, marks(got.Hits[0]))
}
