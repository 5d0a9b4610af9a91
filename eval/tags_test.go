package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadTags(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Tags
		wantErr string
	}{
		{
			name: "scalars_kept",
			in: "\ufeff" + `{"call_id": "A1", "region": "north", "batch": 2, "reviewed": false}` + "\r\n\n" +
				`{"call_id": "A2", "region": "south", "nested": {"x": 1}, "list": ["a"], "none": null, "blank": ""}`,
			want: Tags{
				"A1": {"region": "north", "batch": "2", "reviewed": "false"},
				"A2": {"region": "south"},
			},
		},
		{
			name: "call_id_only",
			in:   `{"call_id": "A1"}`,
			want: Tags{"A1": {}},
		},
		{
			name:    "missing_call_id",
			in:      `{"region": "north"}`,
			wantErr: `tags.jsonl:1: missing call_id (want a string)`,
		},
		{
			name:    "numeric_call_id",
			in:      `{"call_id": 7, "region": "north"}`,
			wantErr: `tags.jsonl:1: missing call_id (want a string)`,
		},
		{
			name:    "not_an_object",
			in:      `["A1"]`,
			wantErr: `tags.jsonl:1: malformed tags: a line is one JSON object, not array`,
		},
		{
			name:    "malformed_json",
			in:      `{"call_id": "A1"}` + "\n" + `{"call_id": "A2",}`,
			wantErr: `tags.jsonl:2:18: malformed JSON: invalid character '}' looking for beginning of object key string`,
		},
		{
			name:    "duplicate",
			in:      `{"call_id": "A1"}` + "\n" + `{"call_id": "A1", "x": "y"}`,
			wantErr: `tags.jsonl:2: duplicate call_id "A1" (first on line 1)`,
		},
		{
			name:    "empty",
			in:      "\n \n",
			wantErr: `tags.jsonl: no tags in file`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "tags.jsonl")
			require.NoError(t, os.WriteFile(path, []byte(tt.in), 0o644))
			got, err := ReadTags(path)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, tt.wantErr, strings.ReplaceAll(err.Error(), path, "tags.jsonl"))
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestReadTagsMissingFile(t *testing.T) {
	_, err := ReadTags(filepath.Join(t.TempDir(), "nope.jsonl"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestMergeTags(t *testing.T) {
	labels := map[string]Label{
		"A1": {CallID: "A1", Party: "debtor", Extra: map[string]string{"variety": "asr", "labeler": "kim"}},
		"A2": {CallID: "A2", Party: "debtor"},
		"A3": {CallID: "A3"},
	}
	tags := Tags{
		"A1": {"variety": "mandarin", "region": "north"},
		"A2": {"party": "third_party"},
		"Z9": {"region": "south"},
	}
	got := MergeTags(labels, tags)

	assert.Equal(t, map[string]Label{
		"A1": {CallID: "A1", Party: "debtor", Extra: map[string]string{"variety": "mandarin", "labeler": "kim", "region": "north"}},
		"A2": {CallID: "A2", Party: "debtor", Extra: map[string]string{"party": "third_party"}},
		"A3": {CallID: "A3"},
	}, got, "tags override, Z9 has no label and is ignored, scoring fields unchanged")
	assert.Equal(t, "asr", labels["A1"].Extra["variety"], "labels unchanged")
	assert.Nil(t, labels["A2"].Extra, "labels unchanged")
	v, _ := got["A2"].Field("party")
	assert.Equal(t, "third_party", v, "a tag overrides the label's party for grouping")
}
