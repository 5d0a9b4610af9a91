package analyzer_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/analyzer"
	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/redact"
)

// piiNumbers are the invented numbers of testdata/pii/P01_numbers.txt.
var piiNumbers = []string{"13812345678", "110101199003071233", "6222021234567890128", "62345678", "zhangwei@example.com"}

func TestRedacted(t *testing.T) {
	a := newBuiltin(t)
	calls, errs := corpus.ReadFile(filepath.Join("..", "testdata", "pii", "P01_numbers.txt"))
	require.Empty(t, errs)
	res := a.Analyze(calls[0])
	before := allText(t, res)
	for _, n := range piiNumbers {
		require.Contains(t, before, n, "the fixture holds the number")
	}

	red := res.Redacted()
	after := allText(t, red)
	for _, n := range piiNumbers {
		require.NotContains(t, after, n, "a number is left in the result")
	}
	for _, tn := range red.Call.Turns {
		require.Empty(t, redact.Find(tn.Text), "turn %d", tn.N)
	}
	require.NotEmpty(t, red.Findings)
	for _, f := range red.Findings {
		require.Equal(t, f.Match, f.Text[f.Start:f.End], "offsets stay valid")
		require.Empty(t, redact.Find(f.Text))
	}
	require.Contains(t, after, "138****5678")
	require.Contains(t, after, "13800元", "amounts are not masked")
	require.Contains(t, after, "2024051812345678901", "order numbers are not masked")

	// The result itself is unchanged, and so is the scoring.
	require.Equal(t, before, allText(t, res))
	require.Equal(t, res.Score, red.Score)
	require.Equal(t, len(res.Findings), len(red.Findings))
	require.True(t, strings.Contains(calls[0].Turns[0].Text, piiNumbers[0]), "the call is not changed")
}

// allText is the JSON form of a result and the texts of its call's turns.
func allText(t *testing.T, r *analyzer.Result) string {
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var sb strings.Builder
	sb.Write(b)
	for _, tn := range r.Call.Turns {
		sb.WriteString("\n" + tn.Text)
	}
	return sb.String()
}
