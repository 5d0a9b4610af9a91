package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/eval"
	"github.com/callqa/callqa/similar"
)

// TestRunEvalCandidates runs eval --similar on the real reader, analyzer
// and pass: the same agent sentence, which resembles the pack example 你点解
// 唔去死 (insult.curse) and which no rule flags, is queued in two calls; the
// labels make it a missed insult in one and a clean turn in the other.
// A third call's violation is caught by the rules and queued nowhere.
func TestRunEvalCandidates(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"E1.txt": "# call_id: E1\n坐席: 您好，请问是张伟先生吗？\n客户: 是我\n坐席: 你为什么不还？\n客户: 没钱\n",
		"E2.txt": "# call_id: E2\n坐席: 您好，请问是王芳女士吗？\n客户: 是我\n坐席: 你为什么不还？\n客户: 忘了\n",
		"E3.txt": "# call_id: E3\n坐席: 您好，请问是李强先生吗？\n客户: 是我\n坐席: 你就是个老赖\n客户: 你怎么骂人\n",
	}
	for name, text := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	labels := filepath.Join(t.TempDir(), "labels.jsonl")
	require.NoError(t, os.WriteFile(labels, []byte(
		`{"call_id": "E1", "violations": [{"category": "insult", "turn": 3}]}`+"\n"+
			`{"call_id": "E2", "violations": []}`+"\n"+
			`{"call_id": "E3", "violations": [{"category": "insult", "turn": 3}]}`+"\n"), 0o644))

	run := func(on bool) *eval.Report {
		ios, out, errOut := testIO("")
		opts := EvalOptions{IO: ios, Labels: labels, Format: "json", Paths: []string{dir},
			BatchOptions:   BatchOptions{Workers: 1, Quiet: true},
			SimilarOptions: SimilarOptions{Similar: on, SimilarThreshold: similar.DefaultThreshold}}
		require.NoError(t, runEval(&opts), errOut.String())
		var rep eval.Report
		require.NoError(t, json.Unmarshal(out.Bytes(), &rep), out.String())
		return &rep
	}
	assert.Nil(t, run(false).Candidates, "no pass, no figures")
	got := run(true).Candidates
	require.NotNil(t, got)
	assert.Equal(t, eval.CandidateScore{Queued: 2, Missed: 1, SameCategory: 1, Clean: 1, MissedTotal: 1, MissedPer100Clean: 100}, *got)
}

// TestRunEvalDecisions runs eval --similar with and without --decisions:
// a reviewer added a threat (喝西北风) that no rule knows in another call;
// the test call's agent says it in other words, the labels make that turn
// a threat, and only the run with the decisions file queues it. A
// decisions file that does not read is an error naming the file and line.
func TestRunEvalDecisions(t *testing.T) {
	dir := t.TempDir()
	call := "# call_id: D1\n坐席: 您好，请问是张伟先生吗？\n客户: 是我\n坐席: 不还钱的话，你下半辈子就等着喝西北风去吧。\n客户: 你说什么\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "D1.txt"), []byte(call), 0o644))
	labels := filepath.Join(t.TempDir(), "labels.jsonl")
	require.NoError(t, os.WriteFile(labels, []byte(`{"call_id": "D1", "violations": [{"category": "threat", "turn": 3}]}`+"\n"), 0o644))
	decisions := filepath.Join(t.TempDir(), "decisions.jsonl")
	require.NoError(t, os.WriteFile(decisions, []byte(
		`{"call_id": "R7", "turn": 5, "category": "threat", "state": "confirmed", "added": true, "text": "好的。你这辈子就等着喝西北风吧！", "by": "lead", "at": "2026-03-01T10:00:00Z", "version": 1}`+"\n"+
			`{"call_id": "R8", "turn": 2, "category": "threat", "state": "dismissed", "rule": "threat.x", "match": "法院", "text": "不还钱就去法院", "by": "lead", "at": "2026-03-01T10:00:00Z", "version": 1}`+"\n"), 0o644))

	run := func(decisions string) (*eval.Report, error) {
		ios, out, errOut := testIO("")
		opts := EvalOptions{IO: ios, Labels: labels, Format: "json", Paths: []string{dir}, Decisions: decisions,
			BatchOptions:   BatchOptions{Workers: 1, Quiet: true},
			SimilarOptions: SimilarOptions{Similar: true, SimilarThreshold: similar.DefaultThreshold}}
		if err := runEval(&opts); err != nil {
			return nil, err
		}
		var rep eval.Report
		require.NoError(t, json.Unmarshal(out.Bytes(), &rep), out.String()+errOut.String())
		return &rep, nil
	}
	without, err := run("")
	require.NoError(t, err)
	assert.Equal(t, eval.CandidateScore{MissedTotal: 1}, *without.Candidates, "the packs' examples alone do not reach it")
	with, err := run(decisions)
	require.NoError(t, err)
	assert.Equal(t, eval.CandidateScore{Queued: 1, Missed: 1, SameCategory: 1, MissedTotal: 1, MissedPer100Clean: 100}, *with.Candidates)

	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte(`{"call_id": "R7", "turn": 0, "category": "threat", "state": "confirmed"}`+"\n"), 0o644))
	_, err = run(bad)
	require.Error(t, err)
	assert.Equal(t, bad+":1: decision on R7: turn 0 (want 1 or more)", err.Error())
}
