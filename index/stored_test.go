package index

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/result"
)

// TestOldLayoutReads checks that a call stored in the layout before
// storedField (result, turns, turn_roles, turn_labels and given_party as
// fields of their own, and an _all field) still searches, highlights and
// shows, and that a packed call of an unknown layout asks for a rebuild.
func TestOldLayoutReads(t *testing.T) {
	m, err := newMapping()
	require.NoError(t, err)
	call := m.(*mapping.IndexMappingImpl).TypeMapping[TypeCall]
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		return f
	}
	for _, name := range []string{"result", "turn_roles", "turn_labels", "given_party"} {
		call.AddFieldMappingsAt(name, stored())
	}
	turns := call.Properties["turns"].Fields[0]
	turns.Store, turns.IncludeInAll = true, true
	delete(call.Properties, "_all")
	dir := filepath.Join(t.TempDir(), "old.bleve")
	bi, err := bleve.New(dir, m)
	require.NoError(t, err)
	defer bi.Close()

	res := &result.Result{CallID: "OLD", Agent: "赵强", Team: "M1-A", Score: 40, Findings: []result.Finding{}}
	js, err := json.Marshal(res)
	require.NoError(t, err)
	require.NoError(t, bi.Index(CallDocID("OLD"), map[string]interface{}{
		"type": TypeCall, "call_id": "OLD", "team": "M1-A", "result": string(js),
		"turns":      []string{"您好。", "你就是个老赖。"},
		"turn_roles": []string{"agent", "agent"}, "turn_labels": []string{"坐席", "坐席"}, "given_party": "debtor",
	}))
	fields, err := bi.Fields()
	require.NoError(t, err)
	require.Contains(t, fields, "_all")

	for _, text := range []string{"老赖", "+老赖", "_all:老赖"} {
		got, err := Search(bi, Query{Text: text})
		require.NoError(t, err, text)
		require.Len(t, got.Hits, 1, text)
		require.Len(t, got.Hits[0].Highlights, 1, text)
		assert.Equal(t, "你就是个【老赖】。", got.Hits[0].Highlights[0].Marked, text)
	}
	c, err := Call(bi, "OLD")
	require.NoError(t, err)
	require.Len(t, c.Call.Turns, 2)
	assert.Equal(t, "坐席", c.Call.Turns[1].Label)
	assert.Equal(t, "debtor", c.Call.Party)

	_, err = readShown(map[string]interface{}{storedField: "\x07junk"})
	assert.ErrorIs(t, err, errStoredLayout)
}

// storedDictSHA256 is the digest of stored_dict.jsonl, the dictionary of
// storedLayout: indexes hold values compressed with it.
const storedDictSHA256 = "5d8f3acbeafbc9805807051ef9f144b276b7616267ac9b03c078f897b50b4b42"

// TestStoredDictFrozen: the preset dictionary of the stored layout never
// changes (indexes written with it could no longer be read); a new one
// needs a new layout byte.
func TestStoredDictFrozen(t *testing.T) {
	sum := sha256.Sum256(storedDict)
	assert.Equal(t, storedDictSHA256, hex.EncodeToString(sum[:]))
	assert.LessOrEqual(t, len(storedDict), 32<<10, "DEFLATE looks back 32 KiB at most")
}

// TestStoredLayouts reads a value of each layout: the one written (with
// the dictionary), and layout 1 (DEFLATE without it).
func TestStoredLayouts(t *testing.T) {
	want := storedCallJSON{Result: json.RawMessage(`{"call_id":"L1"}`), Turns: []string{"您好。", "你就是个老赖。"}, Roles: []string{"agent", "agent"}, Labels: []string{"坐席", "坐席"}, Party: "debtor"}
	packed, err := encodeStored(want)
	require.NoError(t, err)
	require.Equal(t, byte(storedLayout), packed[0])

	raw, err := json.Marshal(want)
	require.NoError(t, err)
	var b bytes.Buffer
	b.WriteByte(storedLayoutPlain)
	w, err := flate.NewWriter(&b, storedLevel)
	require.NoError(t, err)
	_, err = w.Write(raw)
	require.NoError(t, err)
	require.NoError(t, w.Close())

	for _, v := range []string{packed, b.String()} {
		got, err := readShown(map[string]interface{}{storedField: v})
		require.NoError(t, err, "layout %d", v[0])
		assert.JSONEq(t, string(want.Result), string(got.result))
		assert.Equal(t, want.Turns, got.turns)
		assert.Equal(t, want.Roles, got.roles)
		assert.Equal(t, want.Labels, got.labels)
		assert.Equal(t, want.Party, got.givenParty)
	}
	// A layout-1 value is not read with the dictionary, nor the other way.
	_, err = readShown(map[string]interface{}{storedField: string([]byte{storedLayoutPlain}) + packed[1:]})
	assert.Error(t, err)
}
