package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/index"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/review"
	"github.com/callqa/callqa/similar"
)

func TestConfirmedExamples(t *testing.T) {
	finding := func(state review.State, cat, match, text string) review.Decision {
		return review.Decision{Key: review.Key{CallID: "C1", Turn: 3, Category: cat}, State: state, Rule: "r", Match: match, Text: text}
	}
	added := func(cat, text string) review.Decision {
		return review.Decision{Key: review.Key{CallID: "C2", Turn: 5, Category: cat}, State: review.StateConfirmed, Added: true, Text: text}
	}
	ex := func(cat, text string) similar.Example {
		return similar.Example{Category: cat, Source: similar.SourceConfirmed, Text: text}
	}
	tests := []struct {
		name string
		in   []review.Decision
		want []similar.Example
	}{
		{"none", nil, nil},
		{"sentence_of_the_match",
			[]review.Decision{finding(review.StateConfirmed, "threat", "坐牢", "好的，我明白。你再不还就等着坐牢吧！我们会上门的")},
			[]similar.Example{ex("threat", "你再不还就等着坐牢吧")}},
		{"ascii_and_ellipsis_and_semicolon",
			[]review.Decision{finding(review.StateConfirmed, "insult", "废物", "嗯…你就是个废物; 听懂了吗?")},
			[]similar.Example{ex("insult", "你就是个废物")}},
		{"line_break",
			[]review.Decision{finding(review.StateConfirmed, "insult", "废物", "第一行\n你个废物\n第三行")},
			[]similar.Example{ex("insult", "你个废物")}},
		{"match_across_sentences",
			[]review.Decision{finding(review.StateConfirmed, "threat", "法院。明天", "喂。我们去法院。明天就到。好吧")},
			[]similar.Example{ex("threat", "我们去法院。明天就到")}},
		{"match_not_in_text_falls_back_to_match",
			[]review.Decision{finding(review.StateConfirmed, "threat", "起诉你", "說過要起訴你")},
			[]similar.Example{ex("threat", "起诉你")}},
		{"whole_turn_is_one_sentence",
			[]review.Decision{finding(review.StateConfirmed, "insult", "老赖", "你就是个老赖")},
			[]similar.Example{ex("insult", "你就是个老赖")}},
		{"added_gives_the_whole_turn",
			[]review.Decision{added("threat", "好的。你这辈子就等着喝西北风吧！")},
			[]similar.Example{ex("threat", "好的。你这辈子就等着喝西北风吧！")}},
		{"appealed_counts",
			[]review.Decision{finding(review.StateAppealed, "insult", "老赖", "你就是个老赖")},
			[]similar.Example{ex("insult", "你就是个老赖")}},
		{"dismissed_and_open_do_not",
			[]review.Decision{finding(review.StateDismissed, "insult", "老赖", "你就是个老赖"), finding(review.StateOpen, "insult", "废物", "废物")},
			nil},
		{"not_a_violation_category",
			[]review.Decision{finding(review.StateConfirmed, "customer_abuse", "骗子", "你们这些骗子"), added("coaching", "喂")},
			nil},
		{"empty_text_left_out",
			[]review.Decision{added("threat", "  ")},
			nil},
		{"deduplicated_by_category_and_text",
			[]review.Decision{
				finding(review.StateConfirmed, "insult", "老赖", "你就是个老赖。"),
				added("insult", "你就是个老赖"),
				finding(review.StateConfirmed, "threat", "老赖", "你就是个老赖"),
			},
			[]similar.Example{ex("insult", "你就是个老赖"), ex("threat", "你就是个老赖")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, confirmedExamples(tt.in))
		})
	}
}

// TestIndexQueuesLikeConfirmed: a violation a reviewer added on a turn no
// rule flags becomes an example of the pass, so the next call indexed
// with a paraphrase of that turn is queued with a candidate whose source
// is "confirmed". Before, with no decisions database, the same call had no
// candidate, and indexing did not create the database.
func TestIndexQueuesLikeConfirmed(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the analyzer")
	}
	in := t.TempDir()
	c1 := filepath.Join(in, "C1.txt")
	c2 := filepath.Join(in, "C2.txt")
	turn := "好的。你这辈子就等着和全家一起喝西北风吧！"
	require.NoError(t, os.WriteFile(c1, []byte("# call_id: C1\n坐席: 您好，请问是张伟先生吗？\n客户: 是我\n坐席: "+turn+"\n客户: 你说什么\n"), 0o644))
	require.NoError(t, os.WriteFile(c2, []byte("# call_id: C2\n坐席: 您好，请问是王芳女士吗？\n客户: 是我\n坐席: 你们全家就等着一起喝西北风吧\n客户: 什么意思\n"), 0o644))

	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	code, _, errOut := callqa("index", "--index", dir, c1)
	require.Equal(t, exitOK, code, errOut)
	_, err := os.Stat(review.DefaultPath(dir))
	require.ErrorIs(t, err, os.ErrNotExist, "index does not create the decisions database")

	// Without the decision, C2 has no candidate (a scratch index).
	scratch := filepath.Join(t.TempDir(), "scratch.bleve")
	code, _, errOut = callqa("index", "--index", scratch, c2)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, callOf(t, scratch, "C2").Candidates)

	ctx := context.Background()
	store, err := review.Open(ctx, review.DefaultPath(dir))
	require.NoError(t, err)
	_, err = store.Apply(ctx, review.Action{Kind: review.ActAdd, Actor: review.Actor{Name: "wang", Role: review.RoleReviewer},
		Finding: review.FindingRef{Key: review.Key{CallID: "C1", Turn: 3, Category: "threat"}, Text: turn}})
	require.NoError(t, err)
	require.NoError(t, store.Close())

	code, _, errOut = callqa("index", "--index", dir, c2)
	require.Equal(t, exitOK, code, errOut)
	got := callOf(t, dir, "C2").Candidates
	require.Len(t, got, 1)
	assert.Equal(t, 3, got[0].Turn)
	assert.Equal(t, "threat", got[0].Category)
	assert.Equal(t, similar.SourceConfirmed, got[0].Source)
	assert.Equal(t, turn, got[0].Example)
	assert.GreaterOrEqual(t, got[0].Similarity, similar.DefaultThreshold)

	// search --candidates finds the call, and the table lists the candidate.
	res := searchJSON(t, "--index", dir, "--candidates")
	assert.Equal(t, []string{"C2"}, hitIDs(res))
	assert.ElementsMatch(t, []string{"C1", "C2"}, hitIDs(searchJSON(t, "--index", dir)))
	code, out, errOut := callqa("search", "--index", dir, "--candidates")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "candidate t3 threat ")
	assert.Contains(t, out, "(confirmed)")

	// --similar=false: no pass, no candidate, whatever the reviewers decided.
	off := filepath.Join(t.TempDir(), "off.bleve")
	code, _, errOut = callqa("index", "--index", off, "--db", review.DefaultPath(dir), "--similar=false", c2)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, callOf(t, off, "C2").Candidates)

	// A --db file that does not exist has no examples and is not made.
	missing := filepath.Join(in, "missing.db")
	code, _, errOut = callqa("index", "--index", off, "--db", missing, c2)
	assert.Equal(t, exitOK, code, errOut)
	assert.NoFileExists(t, missing)
	// One that cannot be opened is one line naming it, and exit status 2.
	code, _, errOut = callqa("index", "--index", off, "--db", in, c2)
	assert.Equal(t, exitTrouble, code)
	assert.Contains(t, errOut, in)
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
}

// callOf reads a call back from an index on disk.
func callOf(t *testing.T, dir, id string) *result.Result {
	t.Helper()
	ix, err := index.Open(dir, index.Options{ReadOnly: true})
	require.NoError(t, err)
	defer ix.Close()
	res, err := index.Call(ix.Bleve(), id)
	require.NoError(t, err)
	return res
}

// TestServeAnalyzeQueuesLikeConfirmed: serve's analyze API runs the
// similar-sentence pass with the violations reviewers had confirmed in the
// decisions database beside the index.
func TestServeAnalyzeQueuesLikeConfirmed(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the analyzer")
	}
	t.Setenv(tokenEnv, "")
	dir := filepath.Join(t.TempDir(), "callqa.bleve")
	code, _, errOut := callqa("index", "--index", dir, sample("S01_compliant.txt"))
	require.Equal(t, exitOK, code, errOut)
	turn := "你这辈子就等着和全家一起喝西北风吧"
	ctx := context.Background()
	store, err := review.Open(ctx, review.DefaultPath(dir))
	require.NoError(t, err)
	_, err = store.Apply(ctx, review.Action{Kind: review.ActAdd, Actor: review.Actor{Name: "wang", Role: review.RoleReviewer},
		Finding: review.FindingRef{Key: review.Key{CallID: "S01", Turn: 3, Category: "threat"}, Text: turn}})
	require.NoError(t, err)
	require.NoError(t, store.Close())

	ios, _, errBuf := testIO("")
	opts := &ServeOptions{IO: ios, Indexes: []string{dir}, Addr: "127.0.0.1:0", MaxBody: "2MiB"}
	base, stop := startServeInTest(t, opts, errBuf)
	resp, err := http.Post(base+"/api/analyze", "text/plain", strings.NewReader("坐席：您好，请问是王芳女士吗？\n客户：是我\n坐席：你们全家就等着一起喝西北风吧\n"))
	require.NoError(t, err)
	var res result.Result
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&res))
	resp.Body.Close()
	require.Len(t, res.Candidates, 1)
	assert.Equal(t, 3, res.Candidates[0].Turn)
	assert.Equal(t, "threat", res.Candidates[0].Category)
	assert.Equal(t, similar.SourceConfirmed, res.Candidates[0].Source)
	stop()
}
