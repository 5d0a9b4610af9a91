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

// FuzzASRText runs the text-based speech-recognition readers (SRT, WebVTT,
// CSV) on the same input: none panics; each gives a transcript or a
// *ParseError naming the file; segments have a speaker, UTF-8 text, lines
// in order and sane times; and BuildCall makes of them a call with turns
// 1..n of non-empty one-line text and non-negative times, or an error.
func FuzzASRText(f *testing.F) {
	for _, s := range []string{
		"1\n00:00:01,000 --> 00:00:02,000\n坐席：您好\n\n2\n00:00:02,000 --> 00:00:03,000\n[SPEAKER_01]: 嗯\n继续\n",
		"1\r\n00:00:01,000 --> 00:00:02,000\r\n<i>张三：</i>您好\r\n2\r\n00:00:02,000 --> 00:00:01,000\r\n张三：x\r\n",
		"WEBVTT\n\nNOTE x\n\nid\n00:01.000 --> 00:02.000 align:start\n<v.a 坐席>您好</v><v 客户>嗯 &amp;</v>\n\n00:02.000 -->\n",
		"WEBVTT\r00:01.000 --> 1:00:02.5\r<v>客户：<c.x>好</c>\r",
		"1\n99:99:99,999 --> 00:00:00,000\n",
		"call_id,speaker,text,start,end\nA,agent,您好,0.5,1\n,,\"x\ny\",1:02,\nB,customer,嗯,2,3\n",
		"说话人\t文本\t开始时间\n0\t喂\t500\n1\t嗯\t\n",
		"0,您好,760,3240\n1,嗯,3500,5010\n",
		"text\n坐席：您好\n那我问你：x\n",
		"speaker;text;start\nA;\"unterminated\n",
		"\ufeff", "", "\xff", "-->", "WEBVTT", ",,,\n,,,",
	} {
		f.Add(s)
	}
	for _, name := range []string{"call.srt", "call_prefix.srt", "call_voices.vtt", "call.csv", "call_ms.csv"} {
		b, err := os.ReadFile(filepath.Join("../testdata/asr", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	roles := map[string]Role{"坐席": RoleAgent, "客户": RoleCustomer, "0": RoleAgent}
	numbered := CSVColumns{Speaker: "1", Text: "2", Start: "3", End: "4", TimeUnit: "ms"}
	f.Fuzz(func(t *testing.T, s string) {
		for _, run := range []struct {
			name string
			read func(string, []byte, *ReadOptions) (*Transcript, error)
			opts ReadOptions
		}{
			{"fuzz.srt", readSRT, ReadOptions{}},
			{"fuzz.vtt", readVTT, ReadOptions{Build: BuildOptions{Roles: roles}}},
			{"fuzz.csv", readCSV, ReadOptions{}},
			{"fuzz.csv", readCSV, ReadOptions{CSV: numbered, Build: BuildOptions{Roles: roles}}},
		} {
			tr, err := run.read(run.name, []byte(s), &run.opts)
			checkTranscript(t, run.name, s, tr, err)
			if tr == nil {
				continue
			}
			c, err := BuildCall(run.name, tr, run.opts.Build)
			if (c == nil) == (err == nil) {
				t.Fatalf("%s: BuildCall: want a call or an error, got %v and %v", run.name, c, err)
			}
			if c != nil {
				checkTurns(t, run.name, c)
			}
		}

		// Read as a file of each extension is (CSV exports may hold several
		// calls): at least one item, each a call or a *ParseError naming the
		// file; a call's source is the file, or file#ID when there are several.
		if !utf8.ValidString(s) {
			return
		}
		for _, kind := range []string{".srt", ".vtt", ".csv", ".tsv"} {
			name := "fuzz" + kind
			for _, opts := range []ReadOptions{{}, {CSV: numbered, Build: BuildOptions{Roles: roles, MergeGap: -1}}} {
				items := opts.parseDecoded(name, kind, s)
				if len(items) == 0 {
					t.Fatalf("%s: no items", name)
				}
				for _, it := range items {
					if (it.Call == nil) == (it.Err == nil) {
						t.Fatalf("%s: want a call or an error, got %v and %v", name, it.Call, it.Err)
					}
					if it.Err != nil {
						var pe *ParseError
						if !errors.As(it.Err, &pe) || pe.Path != name || !strings.HasPrefix(it.Err.Error(), name) {
							t.Fatalf("%s: error does not name the file: %v", name, it.Err)
						}
						continue
					}
					checkTurns(t, name, it.Call)
					if it.Call.Source != name && (len(items) == 1 || !strings.HasPrefix(it.Call.Source, name+"#")) {
						t.Fatalf("%s: source %q for one of %d items", name, it.Call.Source, len(items))
					}
				}
			}
		}
	})
}

func checkTranscript(t *testing.T, name, input string, tr *Transcript, err error) {
	t.Helper()
	if (tr == nil) == (err == nil) {
		t.Fatalf("%s: want a transcript or an error, got %v and %v", name, tr, err)
	}
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: error is %T, not *ParseError: %v", name, err, err)
		}
		if pe.Path != name || pe.Line < 0 || pe.Line > len(splitLines(input))+1 || pe.Err == nil || pe.Err.Error() == "" {
			t.Fatalf("%s: bad error %#v: %v", name, pe, err)
		}
		return
	}
	prev := 0
	for i, sg := range tr.Segments {
		if strings.TrimSpace(sg.Speaker) == "" || !utf8.ValidString(sg.Speaker) {
			t.Fatalf("%s: segment %d: bad speaker %q", name, i, sg.Speaker)
		}
		if !utf8.ValidString(sg.Text) || strings.ContainsAny(sg.Text, "\r\n") {
			t.Fatalf("%s: segment %d: bad text %q", name, i, sg.Text)
		}
		if sg.Line < 1 || sg.Line < prev {
			t.Fatalf("%s: segment %d: line %d after %d", name, i, sg.Line, prev)
		}
		prev = sg.Line
		checkTimes(t, name, sg.Start, sg.End)
	}
}

func checkTurns(t *testing.T, name string, c *Call) {
	t.Helper()
	if c.ID == "" || len(c.Turns) == 0 {
		t.Fatalf("%s: call %q with %d turns", name, c.ID, len(c.Turns))
	}
	for i, tr := range c.Turns {
		if tr.N != i+1 {
			t.Fatalf("%s: turn %d numbered %d", name, i+1, tr.N)
		}
		if tr.Role != RoleUnknown && !tr.Role.Valid() {
			t.Fatalf("%s: turn %d: bad role %q", name, tr.N, tr.Role)
		}
		if strings.TrimSpace(tr.Text) == "" || !utf8.ValidString(tr.Text) || strings.ContainsAny(tr.Text, "\r\n") {
			t.Fatalf("%s: turn %d: bad text %q", name, tr.N, tr.Text)
		}
		if tr.Label == "" || !utf8.ValidString(tr.Label) {
			t.Fatalf("%s: turn %d: bad label %q", name, tr.N, tr.Label)
		}
		// Only the times themselves: BuildCall may merge a segment that
		// starts before the turn it joins, leaving End before Start
		// (input "0:1-->0:10\nSPEAKER0:。\n0:0-->0:0\n我").
		checkTimes(t, name, tr.Start, nil)
		checkTimes(t, name, tr.End, nil)
	}
}

func checkTimes(t *testing.T, name string, start, end *float64) {
	t.Helper()
	for _, v := range []*float64{start, end} {
		if v != nil && (*v < 0 || math.IsNaN(*v) || math.IsInf(*v, 0)) {
			t.Fatalf("%s: bad time %v", name, *v)
		}
	}
	if start != nil && end != nil && *end < *start {
		t.Fatalf("%s: end %v before start %v", name, *end, *start)
	}
}
