package eval

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestWriteGolden(t *testing.T) {
	tests := []struct {
		name, format string
		verbose      bool
		by           []string
		golden       string
	}{
		{name: "table", format: "table", golden: "report.txt"},
		{name: "table_verbose", format: "table", verbose: true, golden: "report_verbose.txt"},
		{name: "json", format: "json", golden: "report.json"},
		{name: "table_by", format: "table", by: []string{"batch", "party"}, golden: "report_by.txt"},
		{name: "table_by_verbose", format: "table", verbose: true, by: []string{"batch"}, golden: "report_by_verbose.txt"},
		{name: "json_by", format: "json", by: []string{"batch"}, golden: "report_by.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results, labels := sampleResults(), batchLabels()
			rep := Evaluate(results, labels)
			for _, field := range tt.by {
				rep.By = append(rep.By, GroupBy(results, labels, field))
			}
			var buf bytes.Buffer
			require.NoError(t, rep.Write(&buf, tt.format, tt.verbose))
			path := filepath.Join("testdata", "golden", tt.golden)
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./eval -update to create it")
			assert.Equal(t, string(want), buf.String())
		})
	}
}

func TestWriteJSONRoundTrip(t *testing.T) {
	rep := Evaluate(sampleResults(), sampleLabels())
	var buf bytes.Buffer
	require.NoError(t, rep.WriteJSON(&buf))
	assert.NotContains(t, buf.String(), "null", "lists are [] rather than null")
	var back Report
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.Equal(t, *rep, back)
}

func TestWriteJSONBy(t *testing.T) {
	results, labels := sampleResults(), batchLabels()
	rep := Evaluate(results, labels)
	var without bytes.Buffer
	require.NoError(t, rep.WriteJSON(&without))
	assert.NotContains(t, without.String(), `"by"`, "no by key without --by")

	rep.By = []Breakdown{GroupBy(results, labels, "batch")}
	var with bytes.Buffer
	require.NoError(t, rep.WriteJSON(&with))
	assert.NotContains(t, with.String(), "null", "lists are [] rather than null")
	var back Report
	require.NoError(t, json.Unmarshal(with.Bytes(), &back))
	assert.Equal(t, *rep, back)

	// The fields of the report without --by are unchanged, in order.
	assert.Equal(t, append(topLevelKeys(t, without.Bytes()), "by"), topLevelKeys(t, with.Bytes()))
}

// topLevelKeys returns the keys of a JSON object in the order written.
func topLevelKeys(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

func TestWriteUnknownFormat(t *testing.T) {
	err := (&Report{}).Write(&bytes.Buffer{}, "csv", false)
	assert.EqualError(t, err, `unknown format "csv" (want one of table, json)`)
}

func TestClip(t *testing.T) {
	short := "您好"
	assert.Equal(t, short, clip(short))
	long := string(bytes.Repeat([]byte("钱"), maxTextRunes+5))
	got := clip(long)
	assert.Equal(t, string(bytes.Repeat([]byte("钱"), maxTextRunes))+"…", got)
}
