package synth

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	_ "github.com/callqa/callqa/corpus/asr" // the srt, vtt and csv readers
)

// TestWriteReadsBack writes long, ASR-style and Traditional calls in every
// format and reads them back with callqa's own readers: the same turns,
// roles and texts, and for txt and json the same headers.
func TestWriteReadsBack(t *testing.T) {
	g := NewGenerator(3, Options{MinTurns: 10, MaxTurns: 60, ASR: 0.3})
	var calls []*corpus.Call
	for i := range 40 {
		calls = append(calls, g.Call(i))
	}
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var groups [][]*corpus.Call
			if MultiCall(format) {
				groups = [][]*corpus.Call{calls}
			} else {
				for _, c := range calls {
					groups = append(groups, []*corpus.Call{c})
				}
			}
			var got []*corpus.Call
			for _, grp := range groups {
				var buf bytes.Buffer
				require.NoError(t, Write(&buf, format, grp...))
				back, errs := corpus.ParseBytes(grp[0].ID+"."+format, buf.Bytes(), corpus.ReadOptions{})
				require.Empty(t, errs)
				got = append(got, back...)
			}
			require.Len(t, got, len(calls))
			for i, c := range calls {
				require.Len(t, got[i].Turns, len(c.Turns), c.ID)
				for j, tn := range c.Turns {
					require.Equal(t, tn.Role, got[i].Turns[j].Role, "%s turn %d", c.ID, j+1)
					require.Equal(t, tn.Text, got[i].Turns[j].Text, "%s turn %d", c.ID, j+1)
				}
				if format == "txt" || format == "json" || format == "jsonl" {
					require.Equal(t, c.ID, got[i].ID)
					require.Equal(t, c.Team, got[i].Team)
					require.Equal(t, c.StartedAt, got[i].StartedAt)
				}
			}
		})
	}
}

func TestOptionsShapeCalls(t *testing.T) {
	g := NewGenerator(1, Options{MinTurns: 10, MaxTurns: 60, ASR: 1})
	long, punct := 0, 0
	for i := range 300 {
		c := g.Call(i)
		require.GreaterOrEqual(t, len(c.Turns), 10)
		require.LessOrEqual(t, len(c.Turns), 60)
		if len(c.Turns) > 30 {
			long++
		}
		for _, tn := range c.Turns {
			if bytes.ContainsAny([]byte(tn.Text), "，。？！") {
				punct++
			}
		}
	}
	require.Positive(t, long, "some calls should be long")
	require.Zero(t, punct, "ASR-style text has no punctuation")
	require.Equal(t, NewGenerator(1, Options{}).Call(7), Generate(8, 1)[7], "the default options are Generate's")
}

func TestWriteRejectsBadUse(t *testing.T) {
	c := Generate(2, 1)
	require.ErrorContains(t, Write(&bytes.Buffer{}, "txt", c...), "one call a file")
	require.ErrorContains(t, Write(&bytes.Buffer{}, "docx", c[0]), "unknown format")
}
