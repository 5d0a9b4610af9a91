package corpus

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadJSON(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []turnSummary
		check func(t *testing.T, c *Call)
	}{
		{
			name: "basic",
			in: `{"call_id": "D0007", "agent": "林晓雯", "team": "M1-A", "kind": "follow_up",
 "started_at": "2026-03-01T10:02:11+08:00", "party": "debtor",
 "turns": [{"speaker": "agent", "text": "您好，请问是周海涛先生吗？", "start": 1.0, "end": 2.6},
           {"speaker": "customer", "text": "对，是我。"}]}`,
			want: []turnSummary{{RoleAgent, "agent", "您好，请问是周海涛先生吗？", 3}, {RoleCustomer, "customer", "对，是我。", 4}},
			check: func(t *testing.T, c *Call) {
				assert.Equal(t, "D0007", c.ID)
				assert.Equal(t, "林晓雯", c.Agent)
				assert.Equal(t, "M1-A", c.Team)
				assert.Equal(t, "follow_up", c.Kind)
				assert.Equal(t, "2026-03-01T10:02:11+08:00", c.StartedAt)
				assert.Equal(t, "debtor", c.Party)
				assert.Equal(t, "calls/x.json", c.Source)
				assert.Equal(t, secs(1), c.Turns[0].Start)
				assert.Equal(t, secs(2.6), c.Turns[0].End)
				assert.Nil(t, c.Turns[1].Start)
				assert.Nil(t, c.Meta)
			},
		},
		{
			name: "default_call_id",
			in:   `{"turns": [{"speaker": "agent", "text": "您好"}]}`,
			want: []turnSummary{{RoleAgent, "agent", "您好", 1}},
			check: func(t *testing.T, c *Call) {
				assert.Equal(t, "x", c.ID)
			},
		},
		{
			name: "numeric_call_id",
			in:   `{"call_id": 1007, "turns": [{"speaker": "agent", "text": "您好"}]}`,
			want: []turnSummary{{RoleAgent, "agent", "您好", 1}},
			check: func(t *testing.T, c *Call) {
				assert.Equal(t, "1007", c.ID)
			},
		},
		{
			name: "role_synonym",
			in:   `{"turns": [{"role": "third_party", "text": "他不在"}, {"speaker": "agent", "role": "agent", "text": "好的"}]}`,
			want: []turnSummary{{RoleThirdParty, "third_party", "他不在", 1}, {RoleAgent, "agent", "好的", 1}},
		},
		{
			name: "named_role",
			in:   "{\"turns\": [\n {\"speaker\": \"孙经理\", \"text\": \"钱总您好\"},\n {\"speaker\": \"钱总\", \"text\": \"你好\"}],\n \"roles\": {\"孙经理\": \"agent\", \"钱总\": \"客户\"}}",
			want: []turnSummary{{RoleAgent, "孙经理", "钱总您好", 2}, {RoleCustomer, "钱总", "你好", 3}},
		},
		{
			name: "table_labels",
			in:   `{"turns": [{"speaker": "坐席", "text": "a"}, {"speaker": "Customer", "text": "b"}, {"speaker": "客服小刘", "text": "c"}, {"speaker": "家属", "text": "d"}]}`,
			want: []turnSummary{{RoleAgent, "坐席", "a", 1}, {RoleCustomer, "Customer", "b", 1}, {RoleAgent, "客服小刘", "c", 1}, {RoleThirdParty, "家属", "d", 1}},
		},
		{
			name: "nulls_and_extra_fields",
			in: `{"call_id": "N1", "agent": null, "party": null, "roles": null, "channel": "outbound", "score": 0.5,
"asr": {"engine": "demo", "ok": true}, "empty": null,
"turns": [{"speaker": "agent", "text": " 您好 ", "start": null, "end": 3, "confidence": 0.9, "words": [1, 2]}]}`,
			want: []turnSummary{{RoleAgent, "agent", " 您好 ", 3}},
			check: func(t *testing.T, c *Call) {
				assert.Empty(t, c.Agent)
				assert.Equal(t, map[string]string{"channel": "outbound", "score": "0.5", "asr": `{"engine":"demo","ok":true}`}, c.Meta)
				assert.Nil(t, c.Turns[0].Start)
				assert.Equal(t, secs(3), c.Turns[0].End)
			},
		},
		{
			name: "bom",
			in:   "\ufeff{\"turns\": [{\"speaker\": \"agent\", \"text\": \"您好\"}]}",
			want: []turnSummary{{RoleAgent, "agent", "您好", 1}},
		},
		{
			name: "crlf",
			in:   "{\r\n\"turns\": [\r\n{\"speaker\": \"agent\", \"text\": \"您好\"},\r\n{\"speaker\": \"customer\", \"text\": \"喂\"}]}\r\n",
			want: []turnSummary{{RoleAgent, "agent", "您好", 3}, {RoleCustomer, "customer", "喂", 4}},
		},
		{
			name: "party_any_case",
			in:   `{"party": "Third_Party", "turns": [{"speaker": "agent", "text": "您好"}]}`,
			want: []turnSummary{{RoleAgent, "agent", "您好", 1}},
			check: func(t *testing.T, c *Call) {
				assert.Equal(t, "third_party", c.Party)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ReadJSON("calls/x.json", []byte(tt.in))
			require.NoError(t, err)
			require.NotNil(t, c)
			assert.Equal(t, tt.want, summarize(c.Turns))
			for i, tr := range c.Turns {
				assert.Equal(t, i+1, tr.N)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestReadJSONErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"wrong_type", "{\"call_id\": \"X\",\n \"turns\": [\n  {\"speaker\": \"agent\", \"text\": \"您好\"},\n  {\"speaker\": \"customer\", \"text\": 42}]}",
			"calls/x.json:4: turns[2].text: expected a string, got number"},
		{"truncated", "{\"call_id\": \"X\",\n \"turns\": [\n  {\"speaker\": \"agent\", \"text\": \"您好\"},\n\n",
			"calls/x.json:3: unexpected end of JSON input"},
		{"truncated_string", "{\"call_id\": \"X\",\n \"turns\": [\n  {\"speaker\": \"agent\", \"text\": \"您",
			"calls/x.json:3: unexpected end of JSON input"},
		{"newline_in_string", "{\"call_id\": \"X\",\n \"turns\": [\n  {\"speaker\": \"agent\", \"text\": \"您\n好\"}]}",
			`calls/x.json:3: invalid character '\n' in string literal`},
		{"syntax", "{\"call_id\": \"X\",\n,}", "calls/x.json:2: invalid character ',' looking for beginning of object key string"},
		{"empty", "", "calls/x.json: empty file"},
		{"blank", " \n ", "calls/x.json: empty file"},
		{"not_an_object", `"hello"`, "calls/x.json:1: expected a JSON object, got string"},
		{"array", `[{"turns": []}]`, "calls/x.json:1: expected a JSON object, got array (one call per .json file; put several in a .jsonl file, one per line)"},
		{"trailing_data", "{\"turns\": []}\n{\"turns\": []}", "calls/x.json:2: unexpected data after the JSON object (one call per .json file; use .jsonl for several)"},
		{"invalid_utf8", "{\"turns\": [\n{\"speaker\": \"agent\", \"text\": \"\xff\"}]}", "calls/x.json:2: invalid UTF-8 (byte 0xff)"},
		{"no_turns_field", `{"call_id": "X"}`, "calls/x.json: no turns"},
		{"empty_turns", `{"turns": []}`, "calls/x.json: no turns"},
		{"null_turns", `{"turns": null}`, "calls/x.json: no turns"},
		{"turns_not_array", "{\n\"turns\": {\"speaker\": \"agent\"}}", "calls/x.json:2: turns: expected an array, got object"},
		{"turn_not_object", "{\"turns\": [\n\"坐席：您好\"]}", "calls/x.json:2: turns[1]: expected an object, got string"},
		{"unknown_speaker", "{\"turns\": [\n{\"speaker\": \"agent\", \"text\": \"a\"},\n{\"speaker\": \"boss\", \"text\": \"b\"}]}",
			`calls/x.json:3: turns[2].speaker: unknown role "boss"; map it in "roles": {"boss": "agent"}`},
		{"unknown_role_field", "{\"turns\": [{\"role\": \"孙经理\", \"text\": \"b\"}]}",
			`calls/x.json:1: turns[1].role: unknown role "孙经理"; map it in "roles": {"孙经理": "agent"}`},
		{"speaker_not_string", `{"turns": [{"speaker": 0, "text": "b"}]}`, "calls/x.json:1: turns[1].speaker: expected a string, got number"},
		{"speaker_role_disagree", `{"turns": [{"speaker": "agent", "role": "customer", "text": "b"}]}`, `calls/x.json:1: turns[1]: speaker "agent" and role "customer" disagree`},
		{"missing_speaker", "{\"turns\": [\n{\"text\": \"您好\"}]}", "calls/x.json:2: turns[1]: missing speaker"},
		{"empty_speaker", `{"turns": [{"speaker": " ", "text": "您好"}]}`, "calls/x.json:1: turns[1].speaker: empty speaker"},
		{"missing_text", "{\"turns\": [\n{\"speaker\": \"agent\"}]}", "calls/x.json:2: turns[1]: missing text"},
		{"empty_text", "{\"turns\": [{\"speaker\": \"agent\",\n\"text\": \" \\n\"}]}", "calls/x.json:2: turns[1].text: empty text"},
		{"null_text", `{"turns": [{"speaker": "agent", "text": null}]}`, "calls/x.json:1: turns[1].text: expected a string, got null"},
		{"negative_start", `{"turns": [{"speaker": "agent", "text": "a", "start": -1}]}`, "calls/x.json:1: turns[1].start: negative time -1"},
		{"end_before_start", "{\"turns\": [{\"speaker\": \"agent\", \"text\": \"a\", \"start\": 5,\n\"end\": 2.5}]}", "calls/x.json:2: turns[1].end: 2.5 is before start 5"},
		{"start_string", `{"turns": [{"speaker": "agent", "text": "a", "start": "1.5"}]}`, "calls/x.json:1: turns[1].start: expected a number of seconds, got string"},
		{"start_out_of_range", `{"turns": [{"speaker": "agent", "text": "a", "start": 1e999}]}`, "calls/x.json:1: turns[1].start: number 1e999 out of range"},
		{"duplicate_field", "{\"turns\": [],\n\"turns\": []}", `calls/x.json:2: duplicate field "turns"`},
		{"duplicate_turn_field", `{"turns": [{"speaker": "agent", "text": "a", "text": "b"}]}`, `calls/x.json:1: turns[1]: duplicate field "text"`},
		{"call_id_bool", `{"call_id": true, "turns": []}`, "calls/x.json:1: call_id: expected a string, got boolean"},
		{"agent_number", "{\n\"agent\": 7}", "calls/x.json:2: agent: expected a string, got number"},
		{"bad_party", "{\"party\": \"boss\",\n\"turns\": [{\"speaker\": \"agent\", \"text\": \"a\"}]}", `calls/x.json:1: party: unknown value "boss" (want debtor or third_party)`},
		{"bad_started_at", `{"started_at": "yesterday", "turns": [{"speaker": "agent", "text": "a"}]}`, `calls/x.json:1: started_at: not an RFC 3339 time: "yesterday" (want e.g. 2026-03-01T10:02:11+08:00)`},
		{"roles_not_object", `{"roles": ["孙经理=agent"]}`, "calls/x.json:1: roles: expected an object, got array"},
		{"roles_bad_value", "{\"roles\": {\n\"孙经理\": \"boss\"}}", `calls/x.json:2: roles.孙经理: unknown role "boss" (want agent, customer or third_party)`},
		{"roles_value_type", `{"roles": {"孙经理": 1}}`, "calls/x.json:1: roles.孙经理: expected a string, got number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ReadJSON("calls/x.json", []byte(tt.in))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.EqualError(t, err, tt.wantErr)
			var pe *ParseError
			assert.ErrorAs(t, err, &pe)
		})
	}
}

func TestReadJSONL(t *testing.T) {
	type result struct {
		IDs     []string
		Sources []string
		Turns   []int
		Errs    []string
	}
	tests := []struct {
		name string
		in   string
		want result
	}{
		{
			name: "fixture",
			in:   string(readFixture(t, "calls/calls.jsonl")),
			want: result{IDs: []string{"T008", "calls-3"}, Sources: []string{"calls/calls.jsonl#1", "calls/calls.jsonl#3"}, Turns: []int{2, 3}},
		},
		{
			name: "one_bad_line",
			in:   string(readFixture(t, "bad/partial.jsonl")),
			want: result{
				IDs: []string{"X005", "X007"}, Sources: []string{"calls/calls.jsonl#1", "calls/calls.jsonl#3"}, Turns: []int{1, 1},
				Errs: []string{`calls/calls.jsonl:2: turns[1].speaker: unknown role "boss"; map it in "roles": {"boss": "agent"}`},
			},
		},
		{
			name: "crlf_bom_blank_lines",
			in:   "\ufeff\r\n{\"turns\": [{\"speaker\": \"agent\", \"text\": \"a\"}]}\r\n\r\n{\"turns\": [{\"speaker\": \"agent\", \"text\": \"b\"}]}\r\n",
			want: result{IDs: []string{"calls-2", "calls-4"}, Sources: []string{"calls/calls.jsonl#2", "calls/calls.jsonl#4"}, Turns: []int{1, 1}},
		},
		{
			name: "truncated_and_no_turns",
			in:   "{\"turns\": [{\"speaker\": \"agent\", \"text\": \"a\"}\n{\"turns\": []}\n[]\n",
			want: result{Errs: []string{
				"calls/calls.jsonl:1: unexpected end of JSON input",
				"calls/calls.jsonl:2: no turns",
				"calls/calls.jsonl:3: expected a JSON object, got array (one call per .json file; put several in a .jsonl file, one per line)",
			}},
		},
		{
			name: "empty",
			in:   "\n \n",
			want: result{Errs: []string{"calls/calls.jsonl: empty file"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls, errs := ReadJSONL("calls/calls.jsonl", []byte(tt.in))
			var got result
			for _, c := range calls {
				got.IDs = append(got.IDs, c.ID)
				got.Sources = append(got.Sources, c.Source)
				got.Turns = append(got.Turns, len(c.Turns))
			}
			for _, err := range errs {
				got.Errs = append(got.Errs, err.Error())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestReadJSONLTurnLines(t *testing.T) {
	in := "{\"turns\": [{\"speaker\": \"agent\", \"text\": \"a\"}]}\n\n{\"turns\": [{\"speaker\": \"agent\", \"text\": \"b\"}, {\"speaker\": \"customer\", \"text\": \"c\"}]}\n"
	calls, errs := ReadJSONL("x.jsonl", []byte(in))
	require.Empty(t, errs)
	require.Len(t, calls, 2)
	assert.Equal(t, 1, calls[0].Turns[0].Line)
	assert.Equal(t, []turnSummary{{RoleAgent, "agent", "b", 3}, {RoleCustomer, "customer", "c", 3}}, summarize(calls[1].Turns))
}

// TestReadJSONConfidence: a turn's optional confidence is read; a value
// outside 0 to 1 or not a number is an error at its line.
func TestReadJSONConfidence(t *testing.T) {
	c, err := ReadJSON("c.json", []byte(`{"call_id": "X1", "turns": [
 {"speaker": "agent", "text": "您好", "confidence": 0.52},
 {"speaker": "customer", "text": "嗯", "confidence": null},
 {"speaker": "agent", "text": "再见"}]}`))
	require.NoError(t, err)
	require.NotNil(t, c.Turns[0].Confidence)
	assert.InDelta(t, 0.52, *c.Turns[0].Confidence, 1e-9)
	assert.Nil(t, c.Turns[1].Confidence)
	assert.Nil(t, c.Turns[2].Confidence)

	for in, want := range map[string]string{
		`{"turns": [{"speaker": "agent", "text": "您好",` + "\n" + ` "confidence": 1.2}]}`: "c.json:2: turns[1].confidence: 1.2 is not a confidence from 0 to 1",
		`{"turns": [{"speaker": "agent", "text": "您好",` + "\n" + ` "confidence": "高"}]}`: "c.json:2: turns[1].confidence: expected a confidence from 0 to 1, got string",
	} {
		_, err := ReadJSON("c.json", []byte(in))
		require.Error(t, err)
		assert.Contains(t, err.Error(), want)
	}
}
