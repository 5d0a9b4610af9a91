package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/index"
)

// TestReadLineLimit: a line over the limit is skipped whole with
// errLongLine, and the lines after it are read as they are.
func TestReadLineLimit(t *testing.T) {
	in := "short\n" + strings.Repeat("x", 100) + "\nnext\nlast"
	br := bufio.NewReaderSize(strings.NewReader(in), 16)
	var got []string
	for {
		line, err := readLine(br, 40)
		if errors.Is(err, errLongLine) {
			got = append(got, "(long)")
			continue
		}
		got = append(got, string(line))
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"short\n", "(long)", "next\n", "last"}, got)
}

// FuzzMappedLine: parseMappedLine, the reader of callqa index
// --from-jsonl, gives a result or a *corpus.ParseError naming the file
// and line, never both. A result has its transcript (same call id, turns)
// and a rules version, and written back as a line of scan --with-call it
// reads back with the same content hash.
func FuzzMappedLine(f *testing.F) {
	f.Add([]byte(`{"call_id":"C1","findings":[],"call":{"call_id":"C1","turns":[{"role":"agent","text":"您好"}]},"rules_version":"insult@1"}`))
	f.Add([]byte(`{"call_id":"C1","findings":[{"category":"insult","turn":3,"start":-1,"end":99}],"call":{"call_id":"C1","turns":[{"role":"agent","text":"你就是个老赖"}]},"rules_version":"v"}`))
	f.Add([]byte(`{"call_id":"C1","call":{"call_id":"C2","turns":[]},"rules_version":"v"}`))
	f.Add([]byte(`{"call_id":"C1","score":"high"}`))
	f.Add([]byte(`{"call_id":`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, line []byte) {
		res, version, err := parseMappedLine("in.jsonl", 7, line)
		if err != nil {
			var pe *corpus.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "in.jsonl", pe.Path)
			assert.Equal(t, 7, pe.Line)
			assert.True(t, strings.HasPrefix(err.Error(), "in.jsonl:7"), err.Error())
			assert.NotContains(t, err.Error(), "\n")
			assert.Nil(t, res)
			return
		}
		require.NotNil(t, res)
		require.NotNil(t, res.Call)
		assert.Equal(t, res.CallID, res.Call.ID)
		assert.NotEmpty(t, res.Call.Turns)
		assert.NotEmpty(t, version)
		assert.True(t, utf8.ValidString(res.CallID))
		again, err := json.Marshal(mappedLine{Result: *res, Call: res.Call, RulesVersion: version})
		require.NoError(t, err)
		res2, version2, err := parseMappedLine("in.jsonl", 7, again)
		require.NoError(t, err)
		assert.Equal(t, version, version2)
		assert.Equal(t, index.Hash(res), index.Hash(res2))
	})
}
