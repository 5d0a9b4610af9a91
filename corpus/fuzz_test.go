package corpus

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// fixtureFiles returns the contents of every file in testdata/calls and
// testdata/bad, to seed the fuzz targets.
func fixtureFiles(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for _, dir := range []string{"calls", "bad"} {
		entries, err := os.ReadDir(filepath.Join("testdata", dir))
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join("testdata", dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
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
			for _, tr := range c.Turns {
				if strings.ContainsAny(tr.Text, "\r\n") {
					t.Fatalf("turn %d spans lines: %q", tr.N, tr.Text)
				}
			}
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
		c, err := ReadJSON("calls/fuzz.json", b)
		checkResult(t, c, err)

		calls, errs := ReadJSONL("calls/fuzz.jsonl", b)
		if len(calls)+len(errs) == 0 {
			t.Fatal("ReadJSONL returned nothing")
		}
		for _, c := range calls {
			checkCall(t, c)
			if !strings.HasPrefix(c.Source, "calls/fuzz.jsonl#") {
				t.Fatalf("bad source %q", c.Source)
			}
		}
		for _, err := range errs {
			checkResult(t, nil, err)
		}
	})
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"坐席：您好\n", "\xef\xbb\xbf坐席", "\xff\xfea\x00", "\xfe\xff\x00a", "\xd7\xf8\xcf\xaf", "\x84\x31\xa4\x37",
		"\x81\x30\x81", "a\x00b\x00", "\x01\x02\x03", "", " \n", "\xff\xfe\x00\xd8",
	} {
		f.Add([]byte(s))
	}
	for _, b := range fixtureFiles(f) {
		f.Add(b)
	}
	encodings := map[string]bool{"utf-8": true, "utf-8-bom": true, "utf-16le": true, "utf-16be": true, "gb18030": true}
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
		// Whatever decodes must go through every reader without a panic.
		for _, kind := range []string{kindText, kindJSON, kindJSONL, sniff(text)} {
			for _, it := range (&ReadOptions{}).parseDecoded("fuzz"+kind, kind, text) {
				checkResult(t, it.Call, it.Err)
			}
		}
	})
}
