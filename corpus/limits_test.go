package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// readWith runs ReadPathsWith on paths under dir and returns the call ids
// and the error messages, with dir written as "T".
func readWith(t *testing.T, dir string, paths []string, stdin string, opts ReadOptions) (ids, errs []string) {
	t.Helper()
	var full []string
	for _, p := range paths {
		if p != "-" {
			p = filepath.Join(dir, filepath.FromSlash(p))
		}
		full = append(full, p)
	}
	ReadPathsWith(full, strings.NewReader(stdin), opts, func(it Item) {
		if it.Err != nil {
			errs = append(errs, strings.ReplaceAll(it.Err.Error(), dir, "T"))
			return
		}
		ids = append(ids, it.Call.ID)
	})
	return ids, errs
}

// turnsText writes a .txt call of n one-character turns.
func turnsText(n int) string {
	var sb strings.Builder
	for i := range n {
		if i%2 == 0 {
			sb.WriteString("坐席：好\n")
		} else {
			sb.WriteString("客户：嗯\n")
		}
	}
	return sb.String()
}

// TestLimits checks each limit at, and one past, its value, in every
// reader it concerns, and that a zero Limits means the defaults.
func TestLimits(t *testing.T) {
	small := Limits{FileSize: 64, LineLength: 16, Turns: 2}
	tests := []struct {
		name     string
		files    map[string]string
		paths    []string // default: the single file
		stdin    string
		limits   Limits
		wantIDs  []string
		wantErrs []string
	}{
		{name: "file_at_size_limit", limits: small, files: map[string]string{"a.txt": "坐席：好\n" + strings.Repeat("\n", 64-len("坐席：好\n"))}, wantIDs: []string{"a"}},
		{name: "file_over_size_limit", limits: small, files: map[string]string{"a.txt": "坐席：好\n" + strings.Repeat("\n", 65-len("坐席：好\n"))},
			wantErrs: []string{"T/a.txt: file too large (65 bytes; the limit is 64 bytes, raise it with --max-file-size)"}},
		{name: "stdin_over_size_limit", limits: small, paths: []string{"-"}, stdin: "坐席：您好\n" + strings.Repeat(" ", 100),
			wantErrs: []string{"-: input too large (more than 64 bytes; raise the limit with --max-file-size)"}},
		{name: "line_at_limit", limits: small, files: map[string]string{"a.txt": "坐席：好，a\n"}, wantIDs: []string{"a"}},
		{name: "line_over_limit", limits: small, files: map[string]string{"a.txt": "坐席：好\n坐席：好，ab\n"},
			wantErrs: []string{"T/a.txt:2: line too long (17 bytes; the limit is 16 bytes, raise it with --max-line-length)"}},
		{name: "line_over_limit_crlf", limits: small, files: map[string]string{"a.txt": "坐席：好\r\n\r\n坐席：好，ab\r\n"},
			wantErrs: []string{"T/a.txt:3: line too long (17 bytes; the limit is 16 bytes, raise it with --max-line-length)"}},
		{name: "line_over_limit_old_mac", limits: small, files: map[string]string{"a.txt": "坐席：好\r\r坐席：好\r\n坐席：好，ab\r坐席：好"},
			wantErrs: []string{"T/a.txt:4: line too long (17 bytes; the limit is 16 bytes, raise it with --max-line-length)"}},
		{name: "header_line_over_limit", limits: small, files: map[string]string{"a.txt": "# note: 一二三四五\n坐席：好\n"},
			wantErrs: []string{"T/a.txt:1: line too long (23 bytes; the limit is 16 bytes, raise it with --max-line-length)"}},
		{name: "subtitle_line_over_limit", limits: small, files: map[string]string{"a.srt": "1\n00:00:00,500 --> 00:00:02,300\n坐席：好\n"},
			wantErrs: []string{"T/a.srt:2: line too long (29 bytes; the limit is 16 bytes, raise it with --max-line-length)"}},
		{name: "turn_over_limit_in_continuation_lines", limits: small, files: map[string]string{"a.txt": "坐席：好\n客户：一二\n三四五六\n"},
			wantErrs: []string{"T/a.txt:2: turn 2 too long (18 bytes of text; the limit is 16 bytes, raise it with --max-line-length)"}},
		{name: "json_has_no_line_limit", limits: small, files: map[string]string{"a.json": `{"turns": [{"speaker": "agent", "text": "好"}]}`}, wantIDs: []string{"a"}},
		{name: "json_turn_over_limit", limits: Limits{LineLength: 16}, files: map[string]string{"a.json": "{\"turns\": [\n{\"speaker\": \"agent\", \"text\": \"好\"},\n{\"speaker\": \"agent\", \"text\": \"一二三四五六\"}]}"},
			wantErrs: []string{"T/a.json:3: turn 2 too long (18 bytes of text; the limit is 16 bytes, raise it with --max-line-length)"}},
		{name: "turns_at_limit", limits: small, files: map[string]string{"a.txt": turnsText(2)}, wantIDs: []string{"a"}},
		{name: "turns_over_limit", limits: small, files: map[string]string{"a.txt": turnsText(3)},
			wantErrs: []string{"T/a.txt: too many turns (3; the limit is 2 per call, raise it with --max-turns)"}},
		{name: "jsonl_line_over_turn_limit", limits: Limits{Turns: 2},
			files: map[string]string{"a.jsonl": `{"call_id": "J1", "turns": [{"speaker": "agent", "text": "好"}]}` + "\n" +
				`{"call_id": "J2", "turns": [{"speaker": "agent", "text": "一"}, {"speaker": "agent", "text": "二"}, {"speaker": "agent", "text": "三"}]}` + "\n" +
				`{"call_id": "J3", "turns": [{"speaker": "agent", "text": "好"}]}` + "\n"},
			wantIDs:  []string{"J1", "J3"},
			wantErrs: []string{"T/a.jsonl:2: too many turns (3; the limit is 2 per call, raise it with --max-turns)"}},
		{name: "csv_call_over_turn_limit", limits: Limits{Turns: 2},
			files:   map[string]string{"a.csv": "call_id,speaker,text\nK1,agent,好\nK2,agent,一\nK2,customer,二\nK2,agent,三\n"},
			wantIDs: []string{"K1"}, wantErrs: []string{"T/a.csv: call K2: too many turns (3; the limit is 2 per call, raise it with --max-turns)"}},
		{name: "default_turn_limit", files: map[string]string{"a.txt": turnsText(MaxTurns + 1)},
			wantErrs: []string{"T/a.txt: too many turns (20001; the limit is 20000 per call, raise it with --max-turns)"}},
		{name: "default_line_limit", files: map[string]string{"a.txt": "坐席：" + strings.Repeat("好", MaxLineLength/3) + "\n"},
			wantErrs: []string{"T/a.txt:1: line too long (1.0 MiB; the limit is 1.0 MiB, raise it with --max-line-length)"}},
		{name: "raised_limits", limits: Limits{LineLength: 2 << 20, Turns: MaxTurns + 1},
			files: map[string]string{"a.txt": "坐席：" + strings.Repeat("好", MaxLineLength/3) + "\n", "b.txt": turnsText(MaxTurns + 1)},
			paths: []string{"a.txt", "b.txt"}, wantIDs: []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			paths := tt.paths
			for name, content := range tt.files {
				writeFiles(t, dir, map[string][]byte{name: []byte(content)})
				if tt.paths == nil {
					paths = append(paths, name)
				}
			}
			ids, errs := readWith(t, dir, paths, tt.stdin, ReadOptions{Limits: tt.limits})
			assert.Equal(t, tt.wantIDs, ids)
			assert.Equal(t, tt.wantErrs, errs)
		})
	}
}

// TestFileSizeCheckedBeforeReading refuses a sparse file far over the limit
// from its size alone: reading it would take seconds and gigabytes.
func TestFileSizeCheckedBeforeReading(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.json")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(64<<30)) // 64 GiB, sparse: nothing is written
	require.NoError(t, f.Close())
	_, errs := ReadFile(path)
	require.Len(t, errs, 1)
	assert.EqualError(t, errs[0], path+": file too large (64.0 GiB; the limit is 64.0 MiB, raise it with --max-file-size)")
}

func TestParseBytesLimits(t *testing.T) {
	_, errs := ParseBytes("body.txt", []byte(turnsText(3)), ReadOptions{Limits: Limits{Turns: 2}})
	assert.Equal(t, []string{"body.txt: too many turns (3; the limit is 2 per call, raise it with --max-turns)"}, errorStrings(errs))
	_, errs = ParseBytes("body.txt", []byte(turnsText(3)), ReadOptions{Limits: Limits{FileSize: 10}})
	assert.Equal(t, []string{"body.txt: input too large (39 bytes; the limit is 10 bytes)"}, errorStrings(errs))
}

func errorStrings(errs []error) []string {
	var out []string
	for _, err := range errs {
		out = append(out, err.Error())
	}
	return out
}

// TestDuplicateCallIDs: in one batch the first call with an id stands and
// a later one is an error naming both places.
func TestDuplicateCallIDs(t *testing.T) {
	const body = "坐席：您好\n"
	tests := []struct {
		name     string
		files    map[string]string
		paths    []string
		stdin    string
		wantIDs  []string
		wantErrs []string
	}{
		{name: "two_files", files: map[string]string{"a.txt": "# call_id: C1\n" + body, "b.json": `{"call_id": "C1", "turns": [{"speaker": "agent", "text": "您好"}]}`},
			paths: []string{"a.txt", "b.json"}, wantIDs: []string{"C1"},
			wantErrs: []string{`T/b.json: call_id "C1" already read from T/a.txt; call ids must be unique in a batch`}},
		{name: "same_file_twice", files: map[string]string{"a.txt": body}, paths: []string{"a.txt", "a.txt"}, wantIDs: []string{"a"},
			wantErrs: []string{`T/a.txt: call_id "a" already read from T/a.txt; call ids must be unique in a batch`}},
		{name: "default_ids_in_two_folders", files: map[string]string{"d1/x.txt": body, "d2/x.txt": body}, paths: []string{"."}, wantIDs: []string{"x"},
			wantErrs: []string{`T/d2/x.txt: call_id "x" already read from T/d1/x.txt; call ids must be unique in a batch`}},
		{name: "jsonl_lines", files: map[string]string{"a.jsonl": `{"call_id": "J", "turns": [{"speaker": "agent", "text": "a"}]}` + "\n\n" + `{"call_id": "J", "turns": [{"speaker": "agent", "text": "b"}]}` + "\n"},
			paths: []string{"a.jsonl"}, wantIDs: []string{"J"},
			wantErrs: []string{`T/a.jsonl:3: call_id "J" already read from T/a.jsonl:1; call ids must be unique in a batch`}},
		{name: "stdin", files: map[string]string{"a.txt": "# call_id: stdin\n" + body}, paths: []string{"a.txt", "-"}, stdin: body, wantIDs: []string{"stdin"},
			wantErrs: []string{`-: call_id "stdin" already read from T/a.txt; call ids must be unique in a batch`}},
		{name: "failed_input_claims_no_id", files: map[string]string{"a.txt": "# call_id: C1\n孙经理：您好\n", "b.txt": "# call_id: C1\n" + body},
			paths: []string{"a.txt", "b.txt"}, wantIDs: []string{"C1"},
			wantErrs: []string{`T/a.txt:2: unknown role "孙经理"; map it in the header: # roles: 孙经理=agent`}},
		{name: "ids_are_case_sensitive", files: map[string]string{"a.txt": "# call_id: c1\n" + body, "b.txt": "# call_id: C1\n" + body},
			paths: []string{"a.txt", "b.txt"}, wantIDs: []string{"c1", "C1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				writeFiles(t, dir, map[string][]byte{name: []byte(content)})
			}
			ids, errs := readWith(t, dir, tt.paths, tt.stdin, ReadOptions{})
			assert.Equal(t, tt.wantIDs, ids)
			assert.Equal(t, tt.wantErrs, errs)
		})
	}
}

// TestUnmarkedUTF16 reads UTF-16 without a byte order mark when it is
// unmistakable, and refuses what only looks a little like it.
func TestUnmarkedUTF16(t *testing.T) {
	le := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	be := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	// 一 is U+4E00: its low byte is a NUL on the "wrong" side.
	const call = "# call_id: U1\n坐席：您好，一一一一，请问是周先生吗？\n客户：一是我。\n"
	tests := []struct {
		name    string
		in      []byte
		wantEnc string
		wantErr string
	}{
		{name: "le", in: encodeAs(t, le, call), wantEnc: "utf-16le"},
		{name: "be", in: encodeAs(t, be, call), wantEnc: "utf-16be"},
		{name: "le_crlf", in: encodeAs(t, le, strings.ReplaceAll(call, "\n", "\r\n")), wantEnc: "utf-16le"},
		{name: "utf8_with_a_nul", in: []byte("坐席：您好\x00客户：喂喂\n"), wantErr: "NUL byte at offset 15 (a text transcript has none: the file is damaged, or not text)"},
		{name: "gbk_with_a_nul", in: append(encodeAs(t, simplifiedchinese.GBK, "坐席：您好"), 0, '\n'), wantErr: "binary file (NUL byte at offset 10)"},
		{name: "odd_length", in: append(encodeAs(t, le, call), 'x'), wantErr: "binary file (NUL byte at offset 1)"},
		{name: "nuls_on_both_sides_equally", in: []byte("a\x00\x00b"), wantErr: "binary file (NUL byte at offset 1)"},
		{name: "not_text", in: []byte("\x01\xe0\x00\x02\xe0\x00\x03\xe0\x00\x04\xe0\x00"), wantErr: "binary file (NUL byte at offset 2)"},
		{name: "private_use_area", in: encodeAs(t, le, "\ue000\ue001\ue002\ue003\n\ue004"), wantErr: "binary file (NUL byte at offset 0)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, enc, err := Decode(tt.in)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantEnc, enc)
			c, err := ReadText("u.txt", text)
			require.NoError(t, err)
			assert.Equal(t, "U1", c.ID)
			assert.Equal(t, "一是我。", c.Turns[1].Text)
		})
	}
}

// TestDecodeErrorLines: an error at a byte of an 8-bit encoding names its
// line; one in a binary file does not.
func TestDecodeErrorLines(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"invalid_utf8", "# call_id: X\r\n坐席：好\r\n客户：\xff\n", "x.txt:3: not UTF-8 or GB18030 text (invalid byte 0xff at offset 37)"},
		{"nul_in_text", "坐席：好\n\n客户：\x00\n", "x.txt:3: NUL byte at offset 23 (a text transcript has none: the file is damaged, or not text)"},
		{"bom_then_invalid", "\xef\xbb\xbf坐席：好\n\xff", "x.txt:2: not UTF-8 text after a UTF-8 byte order mark (invalid byte 0xff at offset 16)"},
		{"binary", "\x00\x01\x02\x03", "x.txt: binary file (NUL byte at offset 0)"},
		{"pdf", "%PDF-1.7\n\x00\x01\x02", "x.txt: binary file: a PDF document, not a transcript (export the transcript as .txt)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := ParseBytes("x.txt", []byte(tt.in), ReadOptions{})
			assert.Equal(t, []string{tt.want}, errorStrings(errs))
		})
	}
}

func TestDeeplyNestedJSON(t *testing.T) {
	for _, in := range []string{strings.Repeat("[", 100000), `{"turns": ` + strings.Repeat("[", 100000)} {
		_, errs := ParseBytes("x.json", []byte(in), ReadOptions{})
		assert.Equal(t, []string{"x.json:1: JSON nested too deeply (more than 10000 levels of [ and {)"}, errorStrings(errs))
	}
}
