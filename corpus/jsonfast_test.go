package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus/internal/textread"
	"github.com/callqa/callqa/internal/specdata"
)

// positionedJSON reads s as one call with the positioned reader only:
// base, whole and defID as for fastJSONCall.
func positionedJSON(name, s string, base, whole int, defID string) (*Call, error) {
	p := &jsonParser{path: name, data: []byte(s), base: base, whole: whole}
	return p.call(defID)
}

// compareFast reads s with the fast path and with the positioned reader.
// When the fast path accepts s, the positioned reader must too and give
// the same call. It reports whether the fast path accepted s, and the
// positioned reader's error.
func compareFast(t testing.TB, name, s string, base, whole int) (bool, error) {
	t.Helper()
	got, ok := fastJSONCall(name, s, base, whole, "default-id")
	want, err := positionedJSON(name, s, base, whole, "default-id")
	if !ok {
		if got != nil {
			t.Fatalf("fast path gave up but returned a call")
		}
		return false, err
	}
	if err != nil {
		t.Fatalf("fast path accepted %q, which the positioned reader refuses: %v", s, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fast path and positioned reader differ on %q:\nfast:       %s\npositioned: %s", s, dumpCall(got), dumpCall(want))
	}
	return true, nil
}

// dumpCall shows a call with the values its pointers point to.
func dumpCall(c *Call) string {
	var b strings.Builder
	fmt.Fprintf(&b, "id=%q agent=%q team=%q kind=%q started_at=%q party=%q source=%q meta=%q",
		c.ID, c.Agent, c.Team, c.Kind, c.StartedAt, c.Party, c.Source, c.Meta)
	num := func(f *float64) string {
		if f == nil {
			return "nil"
		}
		return strconv.FormatFloat(*f, 'g', -1, 64)
	}
	for _, tr := range c.Turns {
		fmt.Fprintf(&b, "\n  %d %s %q %q start=%s end=%s confidence=%s line=%d",
			tr.N, tr.Role, tr.Label, tr.Text, num(tr.Start), num(tr.End), num(tr.Confidence), tr.Line)
	}
	return b.String()
}

// TestJSONFastPath: inputs the fast path reads itself give exactly the
// positioned reader's call, as a .json file and as a JSONL line.
func TestJSONFastPath(t *testing.T) {
	turn := `{"speaker": "agent", "text": "您好"}`
	tests := []struct{ name, in string }{
		{"basic", `{"call_id": "D0007", "agent": "林晓雯", "team": "M1-A", "kind": "follow_up", "started_at": "2026-03-01T10:02:11+08:00", "party": "Debtor",
 "turns": [{"speaker": "agent", "text": "您好，请问是周海涛先生吗？", "start": 1.0, "end": 2.6}, {"speaker": "customer", "text": "对，是我。"}]}`},
		{"simple_escapes", `{"turns": [{"speaker": "agent", "text": "a\"b\\c\/d\be\ff\ng\rh\ti"}]}`},
		{"unicode_escapes", `{"turns": [{"speaker": "\u0061gent", "text": "\u4f60\u597D, \u00e9"}]}`},
		{"surrogate_pair", `{"turns": [{"speaker": "agent", "text": "x\ud83d\ude00y"}]}`},
		{"lone_high_surrogate", `{"turns": [{"speaker": "agent", "text": "x\ud800y"}]}`},
		{"lone_low_surrogate", `{"turns": [{"speaker": "agent", "text": "x\udc00y"}]}`},
		{"high_then_letter", `{"turns": [{"speaker": "agent", "text": "\ud800\u0041"}]}`},
		{"high_then_pair", `{"turns": [{"speaker": "agent", "text": "\ud800\ud83d\ude00"}]}`},
		{"high_at_end", `{"turns": [{"speaker": "agent", "text": "a\ud83d"}]}`},
		{"nul_escape", `{"turns": [{"speaker": "agent", "text": "a\u0000b"}]}`},
		{"raw_emoji_and_cjk", `{"turns": [{"speaker": "坐席", "text": "😀您好 𠀀"}]}`},
		{"nulls", `{"call_id": null, "agent": null, "team": null, "kind": null, "started_at": null, "party": null, "roles": null, "x": null,
 "turns": [{"speaker": "agent", "text": "a", "start": null, "end": null, "confidence": null}]}`},
		{"empty_roles_and_meta", `{"roles": {}, "tags": [], "obj": {}, "s": "", "turns": [` + turn + `]}`},
		{"nested_meta", `{"asr": {"engine" : "demo", "words": [ 1, {"b": null, "c": [true, false]}, "d e\n" ], "e": -1.5E+10},
 "n": 0, "neg": -0.0, "t": true, "f": false, "turns": [` + turn + `]}`},
		{"meta_non_ascii_key", `{"备注": "电话回访", "turns": [` + turn + `]}`},
		{"numeric_call_ids", `{"call_id": -12.5e3, "turns": [` + turn + `]}`},
		{"call_id_zero", `{"call_id": 0, "turns": [` + turn + `]}`},
		{"call_id_blank", `{"call_id": "  ", "turns": [` + turn + `]}`},
		{"call_id_trimmed", `{"call_id": " A1 ", "turns": [` + turn + `]}`},
		{"numbers", `{"turns": [{"speaker": "agent", "text": "a", "start": 1E2, "end": 100.000001, "confidence": 1e-0}, {"speaker": "agent", "text": "b", "start": 0, "end": 0e5, "confidence": 0}]}`},
		{"roles", `{"roles": {"孙经理": "agent", " 钱总 ": "客户", "\u8001\u5f20": "third_party", "Boss": " Agent ", "孙经理 ": "agent"},
 "turns": [{"speaker": "孙经理", "text": "a"}, {"role": "钱总", "text": "b"}, {"speaker": "老张", "text": "c"}, {"speaker": "boss", "text": "d"}]}`},
		{"roles_after_turns", `{"turns": [{"speaker": "孙经理", "text": "a"}], "roles": {"孙经理": "agent"}}`},
		{"speaker_and_role", `{"turns": [{"speaker": " agent", "role": "agent ", "text": "a"}, {"role": "customer", "speaker": "customer", "text": "b"}]}`},
		{"unknown_turn_fields", `{"turns": [{"n": 1, "speaker": "agent", "words": [{"w": "您", "c": 0.9}], "text": "您好", "line": 3, "extra": {"a": [[]]}}]}`},
		{"table_labels", `{"turns": [{"speaker": "坐席", "text": "a"}, {"speaker": "Customer", "text": "b"}, {"speaker": "客服小刘", "text": "c"}, {"speaker": "家属", "text": "d"}]}`},
		{"white_space", " \t\r\n{ \"turns\" :\t[ { \"speaker\" : \"agent\" , \"text\" : \"a\" } ] } \r\n\t "},
		{"lines_lf", "{\"turns\": [\n{\"speaker\": \"agent\", \"text\": \"a\"},\n\n{\"speaker\": \"agent\", \"text\": \"b\"}]}"},
		{"lines_crlf_and_cr", "{\r\n\"turns\": [\r\n{\"speaker\": \"agent\", \"text\": \"a\"},\r\r{\"speaker\": \"agent\", \"text\": \"b\"},\n\r{\"speaker\": \"agent\", \"text\": \"c\"}]}\r"},
		{"same_turn_text_twice_in_different_turns", `{"turns": [` + turn + `, ` + turn + `]}`},
		{"text_with_spaces", `{"turns": [{"speaker": "agent", "text": " 您好 "}]}`},
		{"source_field_is_meta", `{"source": "elsewhere", "turns": [` + turn + `]}`},
		{"empty_key_is_meta", `{"": "x", "turns": [` + turn + `]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := compareFast(t, "calls/x.json", tt.in, 0, 0)
			require.NoError(t, err)
			assert.True(t, ok, "the fast path gave up")
			if !strings.ContainsAny(tt.in, "\r\n") {
				ok, err = compareFast(t, "calls/x.jsonl", tt.in, 6, 7)
				require.NoError(t, err)
				assert.True(t, ok, "the fast path gave up on the line")
			}
		})
	}
}

// TestJSONFastPathGivesUp: on malformed input, and on valid input of a
// shape the fast path leaves to the positioned reader, the fast path gives
// up, and ReadJSON and ReadJSONL give what the positioned reader gives:
// the same call, or the same error with its line.
func TestJSONFastPathGivesUp(t *testing.T) {
	deep := strings.Repeat("[", fastMaxDepth+1) + strings.Repeat("]", fastMaxDepth+1)
	var many strings.Builder
	for i := range fastMaxKeys + 1 {
		many.WriteString(`"k` + strings.Repeat("x", i) + `": 1, `)
	}
	tests := []struct {
		name, in string
		valid    bool // the positioned reader reads a call
	}{
		{"escaped_key", `{"t\u0065xt": 1, "turns": [{"speaker": "agent", "text": "a"}]}`, true},
		{"escaped_turn_key", `{"turns": [{"speaker": "agent", "t\u0065xt": "a"}]}`, true},
		{"deep_meta", `{"x": ` + deep + `, "turns": [{"speaker": "agent", "text": "a"}]}`, true},
		{"many_meta_keys", `{` + many.String() + `"turns": [{"speaker": "agent", "text": "a"}]}`, true},
		{"empty", "", false},
		{"blank", " \n ", false},
		{"array", `[{"turns": [{"speaker": "agent", "text": "a"}]}]`, false},
		{"string", `"x"`, false},
		{"trailing_data", `{"turns": [{"speaker": "agent", "text": "a"}]} {}`, false},
		{"trailing_comma_object", `{"turns": [{"speaker": "agent", "text": "a"}],}`, false},
		{"trailing_comma_array", `{"turns": [{"speaker": "agent", "text": "a"},]}`, false},
		{"missing_comma", `{"turns": [{"speaker": "agent" "text": "a"}]}`, false},
		{"missing_colon", `{"turns" [{"speaker": "agent", "text": "a"}]}`, false},
		{"truncated", `{"turns": [{"speaker": "agent", "text": "a"}`, false},
		{"truncated_string", `{"turns": [{"speaker": "agent", "text": "a`, false},
		{"truncated_escape", `{"turns": [{"speaker": "agent", "text": "a\`, false},
		{"truncated_unicode", `{"turns": [{"speaker": "agent", "text": "a\u12`, false},
		{"bad_escape", `{"turns": [{"speaker": "agent", "text": "a\x"}]}`, false},
		{"bad_unicode", `{"turns": [{"speaker": "agent", "text": "a\u12g4"}]}`, false},
		{"raw_tab_in_string", "{\"turns\": [{\"speaker\": \"agent\", \"text\": \"a\tb\"}]}", false},
		{"raw_newline_in_string", "{\"turns\": [{\"speaker\": \"agent\", \"text\": \"a\nb\"}]}", false},
		{"invalid_utf8_in_text", "{\"turns\": [{\"speaker\": \"agent\", \"text\": \"a\xffb\"}]}", false},
		{"invalid_utf8_after_escape", "{\"turns\": [{\"speaker\": \"agent\", \"text\": \"\\n\xe4\xbd\"}]}", false},
		{"invalid_utf8_in_key", "{\"x\xff\": 1, \"turns\": [{\"speaker\": \"agent\", \"text\": \"a\"}]}", false},
		{"invalid_utf8_outside", "{\"turns\": [{\"speaker\": \"agent\", \"text\": \"a\"}]}\xff", false},
		{"surrogate_bytes", "{\"turns\": [{\"speaker\": \"agent\", \"text\": \"\xed\xa0\x80\"}]}", false},
		{"leading_zero", `{"turns": [{"speaker": "agent", "text": "a", "start": 01}]}`, false},
		{"bare_point", `{"turns": [{"speaker": "agent", "text": "a", "start": 1.}]}`, false},
		{"leading_point", `{"turns": [{"speaker": "agent", "text": "a", "start": .5}]}`, false},
		{"plus_sign", `{"turns": [{"speaker": "agent", "text": "a", "start": +1}]}`, false},
		{"bare_minus", `{"call_id": -, "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"bare_exponent", `{"turns": [{"speaker": "agent", "text": "a", "start": 1e}]}`, false},
		{"nan", `{"turns": [{"speaker": "agent", "text": "a", "start": NaN}]}`, false},
		{"out_of_range", `{"turns": [{"speaker": "agent", "text": "a", "start": 1e999}]}`, false},
		{"bad_literal", `{"x": tru, "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"capital_literal", `{"x": Null, "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"single_quotes", `{'turns': []}`, false},
		{"comment", "{// x\n\"turns\": []}", false},
		{"bom_twice", "\ufeff\ufeff{\"turns\": [{\"speaker\": \"agent\", \"text\": \"a\"}]}", false},
		{"no_turns", `{"call_id": "X"}`, false},
		{"empty_turns", `{"turns": []}`, false},
		{"null_turns", `{"turns": null}`, false},
		{"turns_object", `{"turns": {"speaker": "agent"}}`, false},
		{"turn_string", `{"turns": ["坐席：您好"]}`, false},
		{"unknown_speaker", `{"turns": [{"speaker": "agent", "text": "a"}, {"speaker": "boss", "text": "b"}]}`, false},
		{"speaker_number", `{"turns": [{"speaker": 0, "text": "b"}]}`, false},
		{"speaker_null", `{"turns": [{"speaker": null, "text": "b"}]}`, false},
		{"speaker_role_disagree", `{"turns": [{"speaker": "agent", "role": "customer", "text": "b"}]}`, false},
		{"missing_speaker", `{"turns": [{"text": "您好"}]}`, false},
		{"empty_speaker", `{"turns": [{"speaker": " ", "text": "您好"}]}`, false},
		{"missing_text", `{"turns": [{"speaker": "agent"}]}`, false},
		{"blank_text", `{"turns": [{"speaker": "agent", "text": " \n"}]}`, false},
		{"null_text", `{"turns": [{"speaker": "agent", "text": null}]}`, false},
		{"text_number", `{"turns": [{"speaker": "agent", "text": 42}]}`, false},
		{"negative_start", `{"turns": [{"speaker": "agent", "text": "a", "start": -1}]}`, false},
		{"end_before_start", `{"turns": [{"speaker": "agent", "text": "a", "start": 5, "end": 2.5}]}`, false},
		{"start_string", `{"turns": [{"speaker": "agent", "text": "a", "start": "1.5"}]}`, false},
		{"confidence_over_1", `{"turns": [{"speaker": "agent", "text": "a", "confidence": 1.2}]}`, false},
		{"confidence_string", `{"turns": [{"speaker": "agent", "text": "a", "confidence": "高"}]}`, false},
		{"duplicate_field", `{"turns": [{"speaker": "agent", "text": "a"}], "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"duplicate_meta_field", `{"x": 1, "x": null, "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"duplicate_turn_field", `{"turns": [{"speaker": "agent", "text": "a", "text": "b"}]}`, false},
		{"duplicate_unknown_turn_field", `{"turns": [{"speaker": "agent", "w": 1, "text": "a", "w": 2}]}`, false},
		{"duplicate_speaker", `{"turns": [{"speaker": "agent", "speaker": "agent", "text": "a"}]}`, false},
		{"call_id_bool", `{"call_id": true, "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"agent_number", `{"agent": 7, "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"agent_object", `{"agent": {}, "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"bad_party", `{"party": "boss", "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"bad_started_at", `{"started_at": "yesterday", "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"roles_array", `{"roles": ["孙经理=agent"], "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"roles_bad_value", `{"roles": {"孙经理": "boss"}, "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"roles_value_number", `{"roles": {"孙经理": 1}, "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"roles_value_null", `{"roles": {"孙经理": null}, "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"roles_empty_label", `{"roles": {" ": "agent"}, "turns": [{"speaker": "agent", "text": "a"}]}`, false},
		{"roles_conflict", `{"roles": {"孙经理": "agent", "孙经理 ": "customer"}, "turns": [{"speaker": "agent", "text": "a"}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, in := range []string{tt.in, strings.ReplaceAll(tt.in, ", ", ",\n ")} {
				ok, perr := compareFast(t, "calls/x.json", in, 0, 0)
				assert.False(t, ok, "the fast path read it")
				assert.Equal(t, tt.valid, perr == nil, "positioned reader: %v", perr)
				want, wantErr := positionedJSON("calls/x.json", in, 0, 0, "x")
				got, err := ReadJSON("calls/x.json", []byte(in))
				assert.Equal(t, want, got)
				assert.Equal(t, errString(wantErr), errString(err))
			}
			if strings.ContainsAny(tt.in, "\r\n") {
				return
			}
			// As line 2 of a JSONL file, between two good lines.
			good := `{"turns": [{"speaker": "agent", "text": "a"}]}`
			items := readJSONL("calls/x.jsonl", good+"\n"+tt.in+"\n"+good+"\n")
			want, wantErr := positionedJSON("calls/x.jsonl", tt.in, 1, 2, "x-2")
			if tt.in == "" || strings.TrimSpace(tt.in) == "" {
				assert.Len(t, items, 2)
				return
			}
			require.Len(t, items, 3)
			if want != nil {
				want.Source = "calls/x.jsonl#2"
			}
			assert.Equal(t, want, items[1].Call)
			assert.Equal(t, errString(wantErr), errString(items[1].Err))
			if wantErr != nil {
				assert.Contains(t, wantErr.Error(), "calls/x.jsonl:2")
			}
		})
	}
}

// TestJSONFastPathSamples: the fast path reads every JSON call of the
// samples (corpus/testdata/calls, testdata/calls) and of the dev set
// itself, and gives the positioned reader's calls; the lines of the
// external JSONL sets, which are not calls, it leaves to the positioned
// reader.
func TestJSONFastPathSamples(t *testing.T) {
	dirs := []string{"testdata/calls", "../testdata/calls", specdata.DevSet(t)}
	read := 0
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		for _, e := range entries {
			ext := filepath.Ext(e.Name())
			if ext != kindJSON && ext != kindJSONL {
				continue
			}
			path := filepath.Join(dir, e.Name())
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			text, _, err := Decode(b)
			require.NoError(t, err)
			if ext == kindJSON {
				ok, err := compareFast(t, path, text, 0, 0)
				require.NoError(t, err, path)
				assert.True(t, ok, "%s: the fast path gave up", path)
				read++
				continue
			}
			for i, line := range textread.SplitLines(text) {
				if strings.TrimSpace(line) == "" {
					continue
				}
				ok, err := compareFast(t, path, line, i, i+1)
				require.NoError(t, err, "%s:%d", path, i+1)
				assert.True(t, ok, "%s:%d: the fast path gave up", path, i+1)
				read++
			}
		}
	}
	assert.Greater(t, read, 30)

	for _, rel := range []string{"insult_sentences.jsonl", "crosswoz_negatives/labels.jsonl", "yilongdai_bot/labels.jsonl"} {
		path := specdata.External(t, rel)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		for i, line := range textread.SplitLines(string(b)) {
			if strings.TrimSpace(line) == "" {
				continue
			}
			ok, err := compareFast(t, path, line, i, i+1)
			require.False(t, ok, "%s:%d: not a call, but the fast path read it", path, i+1)
			require.Error(t, err)
		}
	}
}

// TestJSONLStreamedFastPath: a JSONL file read from disk (streamed, line
// by line) gives the calls and errors of the positioned reader, line by
// line, with CR, CRLF and LF line ends and a byte order mark.
func TestJSONLStreamedFastPath(t *testing.T) {
	lines := []string{
		"\ufeff" + `{"call_id": "A", "turns": [{"speaker": "agent", "text": "a\u00e9", "start": 1, "end": 2}]}`,
		``,
		`{"turns": [{"speaker": "boss", "text": "b"}]}`,
		`{"turns": [{"speaker": "agent", "text": "c"}], "meta": {"k": [1, 2]}}`,
		`{"turns": [{"speaker": "agent", "text": "d"`,
		`{"t\u0075rns": [{"speaker": "agent", "text": "e"}]}`,
	}
	in := lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r" + lines[3] + "\n" + lines[4] + "\n" + lines[5]
	path := filepath.Join(t.TempDir(), "calls.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(in), 0o644))
	var items []Item
	ReadPaths([]string{path}, nil, func(it Item) { items = append(items, it) })
	var want []Item
	for i, l := range lines {
		l = strings.TrimPrefix(l, "\ufeff")
		if l == "" {
			continue
		}
		c, err := positionedJSON(path, l, i, i+1, "calls-"+string(rune('1'+i)))
		if c != nil {
			c.Source = path + "#" + string(rune('1'+i))
		}
		want = append(want, Item{Call: c, Err: err})
	}
	require.Len(t, items, len(want))
	for i := range want {
		assert.Equal(t, want[i].Call, items[i].Call, "item %d", i)
		assert.Equal(t, errString(want[i].Err), errString(items[i].Err), "item %d", i)
	}
}

// TestJSONFastPathCopies: the fast path makes a turn text without escapes
// a slice of the input, and copies every other string, so that an id or a
// label kept on its own does not keep the whole call in memory.
func TestJSONFastPathCopies(t *testing.T) {
	in := `{"call_id": "A1", "agent": "林晓雯", "note": "x", "turns": [{"speaker": "agent", "text": "您好"}, {"speaker": "agent", "text": "a\nb"}]}`
	c, ok := fastJSONCall("x.jsonl", in, 0, 1, "x-1")
	require.True(t, ok)
	inside := func(s string) bool {
		p, start := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(in)))
		return p >= start && p < start+uintptr(len(in))
	}
	assert.True(t, inside(c.Turns[0].Text), "text copied")
	for what, s := range map[string]string{"id": c.ID, "agent": c.Agent, "meta": c.Meta["note"], "label": c.Turns[0].Label, "escaped text": c.Turns[1].Text} {
		assert.False(t, inside(s), "%s is a slice of the input", what)
	}
	assert.Same(t, unsafe.StringData(c.Turns[0].Label), unsafe.StringData(c.Turns[1].Label), "a label is copied once per call")
}
