package index_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/result"
)

// call describes a test transcript: its headers and its turns
// ("坐席：…", "客户：…").
type call struct {
	id, agent, team, started, party string
	turns                           []string
}

// text renders the call in the transcript text format.
func (c call) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# call_id: %s\n# agent: %s\n# team: %s\n# started_at: %s\n# party: %s\n", c.id, c.agent, c.team, c.started, c.party)
	for _, t := range c.turns {
		b.WriteString(t + "\n")
	}
	return b.String()
}

// The sample calls. What the built-in rules find in them (checked by
// TestSampleFindings, so a rule change shows up there first):
//
//	A1 赵强   M1-A 2026-03-02 insult (老赖, turn 3)
//	A2 赵强   M1-A 2026-03-10 threat and false_legal_claim (turn 3)
//	A3 李娜   M1-B 2026-03-15 third_party_disclosure (turn 3), party third_party
//	A4 李娜   M1-B 2026-04-01 passes; customer_abuse (turn 4); full-width ＡＰＰ
//	A5 陳怡君 TW-1 2026-04-05 insult (你就是個騙子 in Traditional, turn 3)
//	A6 王伟   M1-A 2026-02-20 passes; 骗子 in Simplified but not an insult; app
var (
	a1 = call{"A1", "赵强", "M1-A", "2026-03-02T10:00:00+08:00", "debtor", []string{
		"坐席：您好，请问是刘洋吗？",
		"客户：是我。",
		"坐席：你就是个老赖，借钱的时候挺能耐。",
	}}
	a2 = call{"A2", "赵强", "M1-A", "2026-03-10T10:00:00+08:00", "debtor", []string{
		"坐席：您好，请问是王芳吗？",
		"客户：是我。",
		"坐席：你不还钱小心点，再不还就让你坐牢。",
	}}
	a3 = call{"A3", "李娜", "M1-B", "2026-03-15T10:00:00+08:00", "third_party", []string{
		"坐席：您好，请问是陈刚先生吗？",
		"客户：他不在，我是他同事。",
		"坐席：他在我们这借了五万块钱，已经逾期三个月了。",
	}}
	a4 = call{"A4", "李娜", "M1-B", "2026-04-01T09:00:00+08:00", "debtor", []string{
		"坐席：您好，我是青禾消费金融的李娜，请问是周海涛先生吗？",
		"客户：是我。",
		"坐席：您本期账单五千元今天需要还款，您可以在ＡＰＰ上操作。",
		"客户：你们这帮吸血鬼，我下午就还。",
	}}
	a5 = call{"A5", "陳怡君", "TW-1", "2026-04-05T10:00:00+08:00", "debtor", []string{
		"坐席：您好，請問是林志明先生嗎？",
		"客戶：我是。",
		"坐席：你就是個騙子，帳單一直不繳。",
	}}
	a6 = call{"A6", "王伟", "M1-A", "2026-02-20T10:00:00+08:00", "debtor", []string{
		"坐席：您好，我是青禾消费金融的王伟，请问是张敏女士吗？",
		"客户：是我。",
		"坐席：最近冒充我们的骗子很多，请您注意，还款请用官方app。",
		"客户：好的。",
	}}
	samples = []call{a1, a2, a3, a4, a5, a6}
)

// Document counts of the sample index: one call document each, and one
// finding document per violation or customer_abuse finding.
const (
	sampleCalls    = 6
	sampleFindings = 6 // A1 1, A2 2, A3 1, A4 1 (customer_abuse), A5 1
	sampleDocs     = sampleCalls + sampleFindings
)

// The analyzer loads the gse dictionary (about a second), so the test
// binary builds it once.
var (
	setupOnce sync.Once
	engine    *analyzer.Analyzer
	version   string
	setupErr  error
)

func setup(t testing.TB) (*analyzer.Analyzer, string) {
	t.Helper()
	setupOnce.Do(func() {
		var set *lexicon.Set
		if set, setupErr = lexicon.LoadSet(nil); setupErr != nil {
			return
		}
		engine, setupErr = analyzer.New(set, analyzer.Options{})
		version = index.RulesVersion(set)
	})
	require.NoError(t, setupErr)
	return engine, version
}

// analyze reads and analyzes one call.
func analyze(t testing.TB, c call) *result.Result {
	t.Helper()
	an, _ := setup(t)
	parsed, err := corpus.ReadText(c.id+".txt", c.text())
	require.NoError(t, err)
	return an.Analyze(parsed)
}

func analyzeAll(t testing.TB, calls ...call) []*result.Result {
	t.Helper()
	var out []*result.Result
	for _, c := range calls {
		out = append(out, analyze(t, c))
	}
	return out
}

// open opens (or creates) the index in dir and closes it when the test
// ends. Tests that close an index themselves call index.Open: Close is not
// idempotent.
func open(t testing.TB, dir string, opts index.Options) *index.Index {
	t.Helper()
	ix, err := index.Open(dir, opts)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, ix.Close()) })
	return ix
}

// newDir returns a folder name for a new index, in a temporary folder.
func newDir(t testing.TB) string {
	return filepath.Join(t.TempDir(), "callqa.bleve")
}

// build creates an index in a new folder, adds the calls, closes it and
// returns the folder.
func build(t testing.TB, calls ...call) string {
	t.Helper()
	_, v := setup(t)
	dir := newDir(t)
	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	for _, r := range analyzeAll(t, calls...) {
		_, err := ix.Add(r, v)
		require.NoError(t, err)
	}
	require.NoError(t, ix.Close())
	return dir
}

// reader opens dir read-only for searching, closed when the test ends.
func reader(t testing.TB, dir string) bleve.Index {
	t.Helper()
	ix, err := index.Open(dir, index.Options{ReadOnly: true})
	require.NoError(t, err)
	t.Cleanup(func() { ix.Close() })
	return ix.Bleve()
}

func docCount(t testing.TB, bi bleve.Index) uint64 {
	t.Helper()
	n, err := bi.DocCount()
	require.NoError(t, err)
	return n
}

// findingsOf returns "turn/category" of every finding document of a call.
func findingsOf(t testing.TB, bi bleve.Index, callID string) []string {
	t.Helper()
	res, err := index.Search(bi, index.Query{Findings: true, Text: "call_id:" + callID, Limit: 100})
	require.NoError(t, err)
	out := []string{}
	for _, f := range res.Findings {
		assert.Equal(t, callID, f.CallID)
		out = append(out, fmt.Sprintf("%d/%s", f.Turn, f.Category))
	}
	sort.Strings(out)
	return out
}

// TestSampleFindings pins what the analyzer finds in the sample calls, which
// the index and search tests rely on.
func TestSampleFindings(t *testing.T) {
	want := map[string][]string{
		"A1": {"3/insult"},
		"A2": {"3/threat", "3/false_legal_claim"},
		"A3": {"3/third_party_disclosure"},
		"A4": {"4/customer_abuse"},
		"A5": {"3/insult"},
		"A6": {},
	}
	for _, r := range analyzeAll(t, samples...) {
		got := []string{}
		for _, f := range r.Findings {
			got = append(got, fmt.Sprintf("%d/%s", f.Turn, f.Category))
		}
		assert.Equal(t, want[r.CallID], got, r.CallID)
	}
}

func TestAddOutcomes(t *testing.T) {
	_, v := setup(t)
	dir := newDir(t)
	ix := open(t, dir, index.Options{})
	for _, r := range analyzeAll(t, samples...) {
		got, err := ix.Add(r, v)
		require.NoError(t, err)
		assert.Equal(t, index.Added, got, r.CallID)
	}
	require.NoError(t, ix.Flush())
	assert.Equal(t, index.Counts{Added: sampleCalls}, ix.Counts)
	assert.EqualValues(t, sampleDocs, docCount(t, ix.Bleve()))

	t.Run("same_results_again", func(t *testing.T) {
		ix.Counts = index.Counts{}
		for _, r := range analyzeAll(t, samples...) {
			got, err := ix.Add(r, v)
			require.NoError(t, err)
			assert.Equal(t, index.Unchanged, got, r.CallID)
		}
		require.NoError(t, ix.Flush())
		assert.Equal(t, index.Counts{Unchanged: sampleCalls}, ix.Counts)
		assert.EqualValues(t, sampleDocs, docCount(t, ix.Bleve()))
	})

	t.Run("changed_text_replaces_findings", func(t *testing.T) {
		ix.Counts = index.Counts{}
		// A1 loses its insult; A2 keeps its threat but loses the false
		// legal claim, and its threat moves from turn 3 to turn 4.
		a1b := a1
		a1b.turns = []string{a1.turns[0], a1.turns[1], "坐席：请您今天按时还款，谢谢。"}
		a2b := a2
		a2b.turns = []string{a2.turns[0], a2.turns[1], "坐席：今天能还吗？", "坐席：你不还钱小心点。"}
		require.Equal(t, []string{"3/insult"}, findingsOf(t, ix.Bleve(), "A1"))
		require.Equal(t, []string{"3/false_legal_claim", "3/threat"}, findingsOf(t, ix.Bleve(), "A2"))

		for _, r := range analyzeAll(t, a1b, a2b) {
			got, err := ix.Add(r, v)
			require.NoError(t, err)
			assert.Equal(t, index.Updated, got, r.CallID)
		}
		require.NoError(t, ix.Flush())
		assert.Equal(t, index.Counts{Updated: 2}, ix.Counts)
		assert.Equal(t, []string{}, findingsOf(t, ix.Bleve(), "A1"))
		assert.Equal(t, []string{"4/threat"}, findingsOf(t, ix.Bleve(), "A2"))
		assert.EqualValues(t, sampleDocs-2, docCount(t, ix.Bleve()), "A1 lost one finding, A2 two for one")

		// The call documents carry the new text and categories.
		res, err := index.Search(ix.Bleve(), index.Query{Text: "老赖"})
		require.NoError(t, err)
		assert.Zero(t, res.Total)
		res, err = index.Search(ix.Bleve(), index.Query{Category: "false_legal_claim"})
		require.NoError(t, err)
		assert.Zero(t, res.Total)
		res, err = index.Search(ix.Bleve(), index.Query{Text: "按时还款"})
		require.NoError(t, err)
		require.Len(t, res.Hits, 1)
		assert.Equal(t, "A1", res.Hits[0].CallID)
		assert.True(t, res.Hits[0].Pass)
		assert.Equal(t, []string{}, res.Hits[0].Categories)
	})

	t.Run("other_rules_version", func(t *testing.T) {
		ix.Counts = index.Counts{}
		before := docCount(t, ix.Bleve())
		r := analyze(t, a5)
		got, err := ix.Add(r, v+",team@2")
		require.NoError(t, err)
		assert.Equal(t, index.Updated, got)
		require.NoError(t, ix.Flush())
		assert.Equal(t, before, docCount(t, ix.Bleve()))
		assert.Equal(t, []string{"3/insult"}, findingsOf(t, ix.Bleve(), "A5"))

		// Back to the first version: stored under the other one now.
		got, err = ix.Add(r, v)
		require.NoError(t, err)
		assert.Equal(t, index.Updated, got)
		got, err = ix.Add(r, v)
		require.NoError(t, err)
		assert.Equal(t, index.Unchanged, got, "the same call twice in one batch")
		// The same text under other rules in the same batch replaces it.
		got, err = ix.Add(r, v+",team@3")
		require.NoError(t, err)
		assert.Equal(t, index.Updated, got, "the same call under other rules in one batch")
		require.NoError(t, ix.Flush())
		stored, err := index.RulesVersionOf(ix.Bleve(), "A5")
		require.NoError(t, err)
		assert.Equal(t, v+",team@3", stored)
	})

	t.Run("changed_team_moves_findings", func(t *testing.T) {
		ix.Counts = index.Counts{}
		moved := a5
		moved.team = "TW-2"
		got, err := ix.Add(analyze(t, moved), v)
		require.NoError(t, err)
		assert.Equal(t, index.Updated, got)
		require.NoError(t, ix.Flush())
		res, err := index.Search(ix.Bleve(), index.Query{Findings: true, Team: "TW-1"})
		require.NoError(t, err)
		assert.Empty(t, res.Findings, "the finding left the old team")
		res, err = index.Search(ix.Bleve(), index.Query{Findings: true, Team: "TW-2"})
		require.NoError(t, err)
		require.Len(t, res.Findings, 1)
		assert.Equal(t, "A5", res.Findings[0].CallID)
	})
}

// TestAddDuplicateInBatch adds one call id several times before a commit:
// the last version wins, and the earlier version's findings are gone.
func TestAddDuplicateInBatch(t *testing.T) {
	_, v := setup(t)
	ix := open(t, newDir(t), index.Options{BatchSize: 100})
	clean := a2
	clean.turns = []string{a2.turns[0], a2.turns[1], "坐席：今天能还吗？"}
	first, second := analyze(t, a2), analyze(t, clean)

	steps := []struct {
		res  *result.Result
		want index.Outcome
	}{
		{first, index.Added},
		{first, index.Unchanged},
		{second, index.Updated},
		{second, index.Unchanged},
	}
	for i, s := range steps {
		got, err := ix.Add(s.res, v)
		require.NoError(t, err)
		assert.Equal(t, s.want, got, "step %d", i)
	}
	require.NoError(t, ix.Flush())
	assert.EqualValues(t, 1, docCount(t, ix.Bleve()), "one call document, no findings")
	assert.Equal(t, []string{}, findingsOf(t, ix.Bleve(), "A2"))

	// And the other way: a clean version first, then one with findings.
	ix2 := open(t, newDir(t), index.Options{BatchSize: 100})
	for _, r := range []*result.Result{second, first} {
		_, err := ix2.Add(r, v)
		require.NoError(t, err)
	}
	require.NoError(t, ix2.Flush())
	assert.EqualValues(t, 3, docCount(t, ix2.Bleve()))
	assert.Equal(t, []string{"3/false_legal_claim", "3/threat"}, findingsOf(t, ix2.Bleve(), "A2"))
}

// TestBatches checks that calls are committed as batches fill, and that
// OnCommit reports the running total.
func TestBatches(t *testing.T) {
	_, v := setup(t)
	var commits []int
	ix, err := index.Open(newDir(t), index.Options{BatchSize: 4, OnCommit: func(n int) { commits = append(commits, n) }})
	require.NoError(t, err)
	for _, r := range analyzeAll(t, samples...) {
		_, err := ix.Add(r, v)
		require.NoError(t, err)
	}
	assert.Equal(t, []int{4}, commits)
	assert.EqualValues(t, 4+5, docCount(t, ix.Bleve()), "A1–A4 and their five findings")
	require.NoError(t, ix.Close())
	assert.Equal(t, []int{4, 6}, commits)
}

func TestOpenLocked(t *testing.T) {
	dir := newDir(t)
	open(t, dir, index.Options{})

	for _, opts := range []index.Options{
		{LockTimeout: 200 * time.Millisecond},
		{LockTimeout: 200 * time.Millisecond, ReadOnly: true},
	} {
		t.Run(fmt.Sprintf("read_only_%v", opts.ReadOnly), func(t *testing.T) {
			start := time.Now()
			ix, err := index.Open(dir, opts)
			took := time.Since(start)
			if ix != nil {
				ix.Close()
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, index.ErrLocked)
			assert.Contains(t, err.Error(), "index is in use by another process")
			assert.Less(t, took, 2*time.Second, "a second writer gives up, it does not hang")
		})
	}
}

func TestOpenMissingReadOnly(t *testing.T) {
	_, err := index.Open(t.TempDir()+"/none", index.Options{ReadOnly: true})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no index here")
}

// TestReopen closes the index and opens it again: the mapping and the
// callqa_zh analyzer are read back from disk through Bleve's registry.
func TestReopen(t *testing.T) {
	_, v := setup(t)
	dir := build(t, samples...)

	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	assert.EqualValues(t, sampleDocs, docCount(t, ix.Bleve()))
	res, err := index.Search(ix.Bleve(), index.Query{Text: "騙子"})
	require.NoError(t, err)
	assert.Equal(t, []string{"A5", "A6"}, callIDs(res))
	res, err = index.Search(ix.Bleve(), index.Query{Category: "insult", Team: "M1-A"})
	require.NoError(t, err)
	assert.Equal(t, []string{"A1"}, callIDs(res))

	// The stored hashes survive too: nothing is re-indexed.
	for _, r := range analyzeAll(t, samples...) {
		got, err := ix.Add(r, v)
		require.NoError(t, err)
		assert.Equal(t, index.Unchanged, got, r.CallID)
	}
	require.NoError(t, ix.Close())
	assert.EqualValues(t, sampleDocs, docCount(t, reader(t, dir)))
}

// TestOpenAlias searches two shards together: totals, facets, order and
// stats are those of the union.
func TestOpenAlias(t *testing.T) {
	a := build(t, a1, a2, a3)
	b := build(t, a4, a5, a6)
	alias, closeAll, err := index.OpenAlias([]string{a, b})
	require.NoError(t, err)
	defer func() { assert.NoError(t, closeAll()) }()

	res, err := index.Search(alias, index.Query{Limit: 1})
	require.NoError(t, err)
	assert.EqualValues(t, sampleCalls, res.Total)
	assert.Equal(t, []string{"A5"}, callIDs(res), "newest first across shards")
	assert.Equal(t, wantFacets, res.Facets)

	res, err = index.Search(alias, index.Query{Limit: 100})
	require.NoError(t, err)
	assert.Equal(t, []string{"A5", "A4", "A3", "A2", "A1", "A6"}, callIDs(res))

	res, err = index.Search(alias, index.Query{Text: "骗子"})
	require.NoError(t, err)
	assert.Equal(t, []string{"A5", "A6"}, callIDs(res))

	res, err = index.Search(alias, index.Query{Category: "insult"})
	require.NoError(t, err)
	assert.Equal(t, []string{"A5", "A1"}, callIDs(res), "one hit from each shard")

	res, err = index.Search(alias, index.Query{Findings: true, Limit: 1})
	require.NoError(t, err)
	assert.EqualValues(t, sampleFindings, res.Total)

	rows, err := index.Stats(alias, "team")
	require.NoError(t, err)
	assert.Equal(t, wantStats["team"], rows)

	t.Run("missing_shard", func(t *testing.T) {
		c := build(t, a1)
		_, _, err := index.OpenAlias([]string{c, t.TempDir() + "/none"})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no index here")
		// The shard opened before the failure was closed again.
		ix, err := index.Open(c, index.Options{LockTimeout: 200 * time.Millisecond})
		require.NoError(t, err)
		require.NoError(t, ix.Close())
	})
}

// wantStats are the stats of the sample calls.
var wantStats = map[string][]index.StatsRow{
	"team": {
		{Group: "M1-A", Calls: 3, Failed: 2, PassRate: 1.0 / 3, Violations: 3},
		{Group: "M1-B", Calls: 2, Failed: 1, PassRate: 0.5, Violations: 1},
		{Group: "TW-1", Calls: 1, Failed: 1, PassRate: 0, Violations: 1},
	},
	"agent": {
		{Group: "赵强", Calls: 2, Failed: 2, PassRate: 0, Violations: 3},
		{Group: "李娜", Calls: 2, Failed: 1, PassRate: 0.5, Violations: 1},
		{Group: "陳怡君", Calls: 1, Failed: 1, PassRate: 0, Violations: 1},
		{Group: "王伟", Calls: 1, Failed: 0, PassRate: 1, Violations: 0},
	},
	"month": {
		{Group: "2026-02", Calls: 1, Failed: 0, PassRate: 1, Violations: 0},
		{Group: "2026-03", Calls: 3, Failed: 3, PassRate: 0, Violations: 4},
		{Group: "2026-04", Calls: 2, Failed: 1, PassRate: 0.5, Violations: 1},
	},
	"category": {
		{Group: "insult", Calls: 2, Failed: 2, PassRate: 0, Violations: 2},
		{Group: "false_legal_claim", Calls: 1, Failed: 1, PassRate: 0, Violations: 1},
		{Group: "third_party_disclosure", Calls: 1, Failed: 1, PassRate: 0, Violations: 1},
		{Group: "threat", Calls: 1, Failed: 1, PassRate: 0, Violations: 1},
	},
}

func TestStats(t *testing.T) {
	bi := reader(t, build(t, samples...))
	for _, by := range index.StatsBy {
		t.Run(by, func(t *testing.T) {
			rows, err := index.Stats(bi, by)
			require.NoError(t, err)
			want := wantStats[by]
			require.Len(t, rows, len(want))
			for i := range want {
				assert.Equal(t, want[i].Group, rows[i].Group, "row %d", i)
				assert.Equal(t, want[i].Calls, rows[i].Calls, want[i].Group)
				assert.Equal(t, want[i].Failed, rows[i].Failed, want[i].Group)
				assert.Equal(t, want[i].Violations, rows[i].Violations, want[i].Group)
				assert.InDelta(t, want[i].PassRate, rows[i].PassRate, 1e-9, want[i].Group)
			}
		})
	}
	t.Run("unknown_grouping", func(t *testing.T) {
		_, err := index.Stats(bi, "rule")
		assert.EqualError(t, err, `unknown grouping "rule" (want team, agent, month or category)`)
	})
	t.Run("call_without_team", func(t *testing.T) {
		c := a6
		c.id, c.team = "A7", ""
		rows, err := index.Stats(reader(t, build(t, c)), "team")
		require.NoError(t, err)
		assert.Equal(t, []index.StatsRow{{Group: "(none)", Calls: 1, PassRate: 1}}, rows)
	})
}

// TestOpenExistingFolder: an empty folder (made by mkdir, mktemp or a
// volume mount) becomes a new index; a folder with other files in it is
// never taken over.
func TestOpenExistingFolder(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		dir := t.TempDir()
		ix := open(t, dir, index.Options{})
		_, v := setup(t)
		_, err := ix.Add(analyze(t, a1), v)
		require.NoError(t, err)
		require.NoError(t, ix.Flush())
		assert.EqualValues(t, 2, docCount(t, ix.Bleve()))
	})
	t.Run("not_empty", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "A1.txt"), []byte(a1.text()), 0o644))
		_, err := index.Open(dir, index.Options{})
		require.Error(t, err)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Len(t, entries, 1, "nothing written into the folder")
	})
}
