package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus/internal/textread"
)

// fixtureFiles returns the contents of every file in testdata/calls and
// testdata/bad, and of the repository's sample calls and speech-recognition
// outputs (../testdata/calls, ../testdata/asr), to seed the fuzz targets.
func fixtureFiles(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for _, dir := range []string{"testdata/calls", "testdata/bad", "../testdata/calls", "../testdata/asr"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
}

// checkNative adds what the native readers (text, JSON, JSONL) promise on
// top of checkCall: every turn has one of the three roles (only
// speech-recognition input leaves roles to inference) and the 1-based
// source line it came from, lines increasing (strictly for text, where a
// line holds at most one turn).
func checkNative(t *testing.T, c *Call, lines int, strict bool) {
	t.Helper()
	prev := 0
	for _, tr := range c.Turns {
		if !tr.Role.Valid() {
			t.Fatalf("turn %d: role %q from a native reader", tr.N, tr.Role)
		}
		if tr.Line < 1 || tr.Line > lines || tr.Line < prev || strict && tr.Line == prev {
			t.Fatalf("turn %d: line %d (previous %d, %d lines)", tr.N, tr.Line, prev, lines)
		}
		prev = tr.Line
	}
}

// checkResult asserts the reader invariants: a call or an error, never
// both; errors are *ParseError; turns numbered 1..n with a valid role,
// valid UTF-8 and sane times.
func checkResult(t *testing.T, c *Call, err error) {
	t.Helper()
	if (c == nil) == (err == nil) {
		t.Fatalf("want exactly one of call and error, got %v and %v", c, err)
	}
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("error is %T, not *ParseError: %v", err, err)
		}
		if pe.Line < 0 || err.Error() == "" {
			t.Fatalf("bad error %#v", pe)
		}
		return
	}
	checkCall(t, c)
}

func checkCall(t *testing.T, c *Call) {
	t.Helper()
	if c.ID == "" {
		t.Fatalf("empty call_id")
	}
	if len(c.Turns) == 0 {
		t.Fatalf("call %s has no turns", c.ID)
	}
	prevLine := 0
	for i, tr := range c.Turns {
		if tr.N != i+1 {
			t.Fatalf("turn %d numbered %d", i+1, tr.N)
		}
		// Speech-recognition calls may leave roles to inference, and carry
		// no source lines.
		if !tr.Role.Valid() && tr.Role != RoleUnknown {
			t.Fatalf("turn %d: invalid role %q", tr.N, tr.Role)
		}
		if (tr.Label == "" && tr.Role != RoleUnknown) || !utf8.ValidString(tr.Label) {
			t.Fatalf("turn %d: bad label %q", tr.N, tr.Label)
		}
		if !utf8.ValidString(tr.Text) {
			t.Fatalf("turn %d: text is not UTF-8: %q", tr.N, tr.Text)
		}
		if tr.Line < 0 || tr.Line > 0 && tr.Line < prevLine || tr.Line == 0 && tr.Role.Valid() && prevLine > 0 {
			t.Fatalf("turn %d: line %d after line %d", tr.N, tr.Line, prevLine)
		}
		prevLine = tr.Line
		for _, v := range []*float64{tr.Start, tr.End} {
			if v != nil && (*v < 0 || math.IsNaN(*v) || math.IsInf(*v, 0)) {
				t.Fatalf("turn %d: bad time %v", tr.N, *v)
			}
		}
		if tr.Start != nil && tr.End != nil && *tr.End < *tr.Start {
			t.Fatalf("turn %d: end %v before start %v", tr.N, *tr.End, *tr.Start)
		}
	}
	if c.Party != "" && c.Party != "debtor" && c.Party != "third_party" {
		t.Fatalf("bad party %q", c.Party)
	}
}

func FuzzReadText(f *testing.F) {
	for _, s := range []string{
		"# call_id: D1\n# roles: 孙经理=agent\n[00:00:01] 孙经理：您好\n客户: 你好\n继续说\n",
		"【00:01.5】客服小刘：您好\r\n家属：他不在\r\n",
		"# started_at: 2026-03-01T10:02:11+08:00\n# party: third_party\nA: hi\nB: hello\nthere\n",
		"坐席：\n客户（郑雨桐）：你好\n",
		"注意：这不是角色\n",
		"[00:61:00] 坐席: x\n",
		"#\n# x: y\n",
		"2026-03-01 10:00:01 坐席：您好\n[2026/03/01 10:00:02.5] 客户：嗯\n2026-03-01 10:00:03 之前\n",
		"# started_at: 2026-03-01T10:00:00+08:00\n2026-03-01T10:00:05 A: hi\n",
	} {
		f.Add(s)
	}
	for _, b := range fixtureFiles(f) {
		if text, _, err := Decode(b); err == nil {
			f.Add(text)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ReadText("calls/fuzz.txt", s)
		checkResult(t, c, err)
		if c != nil {
			checkNative(t, c, len(textread.SplitLines(s)), true)
			for _, tr := range c.Turns {
				if strings.ContainsAny(tr.Text, "\r\n") {
					t.Fatalf("turn %d spans lines: %q", tr.N, tr.Text)
				}
			}
		}
		// The same input reads the same way every time.
		c2, err2 := ReadText("calls/fuzz.txt", s)
		if !reflect.DeepEqual(c, c2) || fmt.Sprint(err) != fmt.Sprint(err2) {
			t.Fatalf("two reads differ: %v, %v and %v, %v", c, err, c2, err2)
		}
	})
}

func FuzzReadJSON(f *testing.F) {
	for _, s := range []string{
		`{"call_id": "D1", "roles": {"孙经理": "agent"}, "turns": [{"speaker": "孙经理", "text": "您好", "start": 1, "end": 2}, {"role": "customer", "text": "喂"}]}`,
		`{"turns": [{"speaker": "agent", "text": 42}]}`,
		`{"turns": [{"speaker": "agent", "text": "a", "start": -1}]}`,
		"{\"turns\": [\n{\"speaker\": \"agent\", \"text\": \"a\"}]}\n{\"turns\": []}\n",
		`[{"turns": []}]`,
		`{"turns": [{"speaker": "agent", "text": "a", "start": 1e999}]}`,
		`{"turns": [{"speaker": "agent", "text": "\ud800"}]}`,
	} {
		f.Add([]byte(s))
	}
	for _, b := range fixtureFiles(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		lines := len(textread.SplitLines(string(bytes.TrimPrefix(b, bomUTF8))))
		c, err := ReadJSON("calls/fuzz.json", b)
		checkResult(t, c, err)
		if c != nil {
			checkNative(t, c, lines, false)
		}

		// JSONL: one call or one error per non-blank line, in line order
		// (or a single error for input without any).
		items := readJSONL("calls/fuzz.jsonl", string(b))
		nonBlank := 0
		for _, l := range textread.SplitLines(string(bytes.TrimPrefix(b, bomUTF8))) {
			if strings.TrimSpace(l) != "" {
				nonBlank++
			}
		}
		if len(items) == 0 || len(items) != max(nonBlank, 1) {
			t.Fatalf("ReadJSONL: %d items for %d non-blank lines", len(items), nonBlank)
		}
		prev := 0
		for _, it := range items {
			checkResult(t, it.Call, it.Err)
			line := 0
			if it.Call != nil {
				n, err := strconv.Atoi(strings.TrimPrefix(it.Call.Source, "calls/fuzz.jsonl#"))
				if err != nil || n < 1 || n > lines {
					t.Fatalf("bad source %q", it.Call.Source)
				}
				line = n
				// Every turn of a JSONL call is on that call's line.
				for _, tr := range it.Call.Turns {
					if !tr.Role.Valid() || tr.Line != n {
						t.Fatalf("%s: turn %d: role %q on line %d", it.Call.Source, tr.N, tr.Role, tr.Line)
					}
				}
			} else {
				var pe *ParseError
				errors.As(it.Err, &pe)
				line = pe.Line
				if nonBlank > 0 && (line < 1 || line > lines) {
					t.Fatalf("error on line %d of %d: %v", line, lines, it.Err)
				}
			}
			if line <= prev && nonBlank > 0 {
				t.Fatalf("item on line %d after one on line %d", line, prev)
			}
			prev = line
		}
		calls, errs := ReadJSONL("calls/fuzz.jsonl", b)
		if len(calls)+len(errs) != len(items) {
			t.Fatalf("ReadJSONL: %d calls and %d errors for %d items", len(calls), len(errs), len(items))
		}
	})
}

// FuzzJSONFastPath: whatever the fast path of the JSON reader accepts,
// as a .json file or as a line of a JSONL file, the positioned reader
// reads too, to the same call; and ReadJSON and ReadJSONL, which try the
// fast path first, give exactly the positioned reader's calls and errors.
func FuzzJSONFastPath(f *testing.F) {
	for _, s := range []string{
		`{"call_id": "D1", "roles": {"孙经理": "agent"}, "turns": [{"speaker": "孙经理", "text": "您好", "start": 1, "end": 2}, {"role": "customer", "text": "喂"}]}`,
		`{"call_id": -1.5e3, "agent": null, "x": {"a": [1, "b", null, true]}, "turns": [{"speaker": "agent", "text": "a\"\\\/\b\f\n\r\t\u4f60", "confidence": 0.5}]}`,
		`{"turns": [{"speaker": "agent", "text": "\ud83d\ude00\ud800\udc00x\udc00\ud800\u0041"}]}`,
		`{"turns": [{"speaker": "agent", "text": "a", "words": [{"w": "a"}], "w2": 1}], "备注": "x", "": ""}`,
		`{"t\u0065xt": 1, "turns": [{"speaker": "agent", "text": "a", "text": "b"}]}`,
		`{"turns": [{"speaker": "agent", "text": "a", "start": 01, "end": 1.}]}`,
		"{\r\n\"turns\": [\r{\"speaker\": \"agent\", \"text\": \"a\"},\n{\"role\": \"customer\", \"text\": \"b\"}]}\r\n",
	} {
		f.Add([]byte(s))
	}
	for _, b := range fixtureFiles(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := string(bytes.TrimPrefix(b, bomUTF8))
		compareFast(t, "calls/fuzz.json", s, 0, 0)
		want, wantErr := positionedJSON("calls/fuzz.json", s, 0, 0, "fuzz")
		got, err := ReadJSON("calls/fuzz.json", b)
		if !reflect.DeepEqual(got, want) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("ReadJSON gives %v, %v; the positioned reader %v, %v", got, err, want, wantErr)
		}

		items := readJSONL("calls/fuzz.jsonl", string(b))
		i := 0
		for n, line := range textread.SplitLines(s) {
			if strings.TrimSpace(line) == "" {
				continue
			}
			compareFast(t, "calls/fuzz.jsonl", line, n, n+1)
			want, wantErr := positionedJSON("calls/fuzz.jsonl", line, n, n+1, "fuzz-"+strconv.Itoa(n+1))
			if want != nil {
				want.Source = "calls/fuzz.jsonl#" + strconv.Itoa(n+1)
			}
			if i >= len(items) || !reflect.DeepEqual(items[i].Call, want) || fmt.Sprint(items[i].Err) != fmt.Sprint(wantErr) {
				t.Fatalf("line %d: ReadJSONL differs from the positioned reader (%v, %v)", n+1, want, wantErr)
			}
			i++
		}
	})
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"坐席：您好\n", "\xef\xbb\xbf坐席", "\xff\xfea\x00", "\xfe\xff\x00a", "\xd7\xf8\xcf\xaf", "\x84\x31\xa4\x37",
		"\x81\x30\x81", "\xa7\xda\xa1\x47", "a\x00b\x00", "\x01\x02\x03", "", " \n", "\xff\xfe\x00\xd8",
	} {
		f.Add([]byte(s))
	}
	for _, b := range fixtureFiles(f) {
		f.Add(b)
	}
	encodings := map[string]bool{"utf-8": true, "utf-8-bom": true, "utf-16le": true, "utf-16be": true, "gb18030": true, "big5": true}
	f.Fuzz(func(t *testing.T, b []byte) {
		text, enc, err := Decode(b)
		if err != nil {
			if text != "" || enc != "" {
				t.Fatalf("error %v with text %q and encoding %q", err, text, enc)
			}
			return
		}
		if !encodings[enc] {
			t.Fatalf("unknown encoding %q", enc)
		}
		if !utf8.ValidString(text) {
			t.Fatalf("decoded text is not UTF-8: %q", text)
		}
		if strings.TrimSpace(text) == "" {
			t.Fatal("empty text without an error")
		}
		if enc == "utf-8" && text != string(b) {
			t.Fatalf("utf-8 text changed: %q → %q", b, text)
		}
		if enc == "utf-8-bom" && text != string(b[3:]) {
			t.Fatalf("utf-8 text after the BOM changed: %q → %q", b, text)
		}
		if strings.ContainsRune(text, 0) {
			t.Fatalf("decoded text holds a NUL: %q", text)
		}
		// Decoding is deterministic.
		if t2, e2, err2 := Decode(b); t2 != text || e2 != enc || err2 != nil {
			t.Fatalf("second decode differs: %q %q %v", t2, e2, err2)
		}
		// Whatever decodes must go through every reader without a panic.
		for _, kind := range []string{kindText, kindJSON, kindJSONL, ".srt", ".vtt", ".csv", ".tsv", sniff(text)} {
			for _, it := range (&ReadOptions{}).parseDecoded("fuzz"+kind, kind, text) {
				checkResult(t, it.Call, it.Err)
			}
		}
	})
}
