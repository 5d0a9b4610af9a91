package web

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/lexicon"
	"github.com/callqa/callqa/similar"
)

// confirmedTurn is a turn no rule flags that the candidates tests make a
// reviewer-confirmed threat.
const confirmedTurn = "你这辈子就等着和全家一起喝西北风吧"

// candidatesIndex builds an index on disk of two calls analyzed with the
// similar-sentence pass, whose examples are the packs' own and
// confirmedTurn as a confirmed threat: K1 has two candidates (t3 like the
// pack example 你点解唔去死, t5 like confirmedTurn), K2 none.
func candidatesIndex(t *testing.T) index.Reader {
	t.Helper()
	set, err := lexicon.LoadSet(nil)
	require.NoError(t, err)
	an, err := analyzer.New(set, analyzer.Options{})
	require.NoError(t, err)
	examples := append(an.ViolationExamples(), similar.Example{Category: "threat", Source: similar.SourceConfirmed, Text: confirmedTurn})
	an.UseSimilar(similar.New(examples), similar.DefaultThreshold)
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	ix, err := index.Open(dir, index.Options{})
	require.NoError(t, err)
	for _, text := range []string{
		"# call_id: K1\n# team: M1-A\n# started_at: 2026-03-02T10:00:00+08:00\n坐席：您好，请问是张伟先生吗？\n客户：是我\n坐席：你为什么不还？\n客户：没钱\n坐席：你们全家就等着一起喝西北风吧\n",
		"# call_id: K2\n# team: M1-A\n# started_at: 2026-03-03T10:00:00+08:00\n坐席：您好，请问是王芳女士吗？\n客户：是我\n坐席：请问您什么时候方便还款？\n",
	} {
		c, err := corpus.ReadText("k.txt", text)
		require.NoError(t, err)
		_, err = ix.Add(an.Analyze(c), index.RulesVersion(set))
		require.NoError(t, err)
	}
	require.NoError(t, ix.Close())
	bi, closeIndex, err := index.OpenAlias([]string{dir})
	require.NoError(t, err)
	t.Cleanup(func() { closeIndex() })
	return index.Bleve{Index: bi}
}

// TestCallPageCandidates: the call page of a call with candidates lists
// them apart from the violations (turn link, category, similarity, the
// example and its source), badges their turns, and the turn's "add missed
// violation" control starts on the candidate's category. /api/search and
// the search page filter on candidates=1.
func TestCallPageCandidates(t *testing.T) {
	bi := candidatesIndex(t)
	base := startReview(t, sqliteStore(t), bi)
	auth := signIn(t, base, tokenOf("wang"))

	r := get(t, base+"/calls/K1", auth...)
	require.Equal(t, http.StatusOK, r.status)
	body := r.body
	require.Contains(t, body, `id="candidates"`)
	assert.Contains(t, body, "相似句候选 <small class=\"code\" lang=\"en\">Candidates — not violations</small>")
	section := body[strings.Index(body, `id="candidates"`):]
	section = section[:strings.Index(section, "</section>")]
	assert.Contains(t, section, `<li class="candidate" data-turn="3" data-category="insult"><a href="#t3">t3</a>`)
	assert.Contains(t, section, "「你点解唔去死」")
	assert.Contains(t, section, "<code>insult.curse</code>")
	assert.Contains(t, section, `<li class="candidate" data-turn="5" data-category="threat"><a href="#t5">t5</a>`)
	assert.Contains(t, section, "「"+confirmedTurn+"」")
	assert.Contains(t, section, `<small class="code" lang="en">confirmed</small>`)
	assert.Regexp(t, `<span class="similarity"[^>]*>(0\.[5-9]\d|1\.00)</span>`, section)
	assert.Contains(t, body, `<h2>违规 <small class="code" lang="en">violations</small> <span class="count">0</span>`, "a candidate is not a violation")

	// The turns carry a badge, and their add control starts on the category.
	assert.Regexp(t, `has-candidate" id="t3"[^>]*>\s*<div class="who">[^\n]*badge-candidate`, body)
	assert.Regexp(t, `class="turn agent has-candidate" id="t5"`, body)
	assert.NotRegexp(t, `has-candidate" id="t1"`, body)
	add := func(turn string) string {
		i := strings.Index(body, `data-action="add" data-turn="`+turn+`"`)
		require.Positive(t, i, "turn %s has an add control", turn)
		return body[i : i+strings.Index(body[i:], "</select>")]
	}
	assert.Contains(t, add("3"), `<option value="insult" selected>`)
	assert.Contains(t, add("5"), `<option value="threat" selected>`)
	assert.NotContains(t, add("1"), "selected")

	// A call without candidates has no section.
	r = get(t, base+"/calls/K2", auth...)
	require.Equal(t, http.StatusOK, r.status)
	assert.NotContains(t, r.body, `id="candidates"`)

	// The search filter, in the API and on the page.
	r = get(t, base+"/api/search?"+search("candidates", "1"), bearer("wang")...)
	require.Equal(t, http.StatusOK, r.status, r.body)
	var res index.Results
	require.NoError(t, json.Unmarshal([]byte(r.body), &res))
	require.Len(t, res.Hits, 1)
	assert.Equal(t, "K1", res.Hits[0].CallID)
	assert.Len(t, res.Hits[0].Candidates, 2)
	r = get(t, base+"/api/search", bearer("wang")...)
	require.NoError(t, json.Unmarshal([]byte(r.body), &res))
	assert.Len(t, res.Hits, 2)
	r = get(t, base+"/api/search?candidates=yes", bearer("wang")...)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Contains(t, r.body, `unknown candidates \"yes\" (want 1)`)

	r = get(t, base+"/?"+search("candidates", "1"), auth...)
	require.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, r.body, `<input type="checkbox" name="candidates" value="1" checked>`)
	assert.Contains(t, r.body, `/calls/K1?candidates=1`)
	assert.NotContains(t, r.body, `/calls/K2`)
}
