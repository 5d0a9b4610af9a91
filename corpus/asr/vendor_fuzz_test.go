package asr

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus"
)

// vendorFormatNames are the formats of asr_vendor.go.
var vendorFormatNames = []string{formatAliyun, formatTencent, formatIflytek, formatFunASR, formatWhisper, formatTranscribe}

// FuzzASRVendor runs every vendor JSON reader, and auto-detection, on the
// same input: nothing panics; each reader gives a transcript or an error;
// segments have a speaker, one line of UTF-8 text and sane times; and a
// call built from them has turns 1..n with non-empty UTF-8 text and
// non-negative times.
func FuzzASRVendor(f *testing.F) {
	for _, s := range []string{
		`{"TaskId":"t","StatusText":"SUCCESS","Result":{"Sentences":[{"BeginTime":760,"EndTime":3240,"Text":"您好","ChannelId":0},{"BeginTime":3500,"EndTime":5010,"Text":"嗯","ChannelId":1}]}}`,
		`{"Result":"{\"Sentences\":[{\"BeginTime\":\"1\",\"EndTime\":\"2\",\"Text\":\"a\",\"SpeakerId\":\"1\"}]}"}`,
		`{"tickets":[{"dialogue":[{"role":"客服","words":"您好","begin":0,"end":760}]}]}`,
		`[{"Role":"客户","Words":"喂\n嗯","Begin":0,"End":null}]`,
		`{"data":{"conversationList":[{"dialogueList":[{"role":"1","content":"您好","begin":0,"end":800}]}]}}`,
		`{"Response":{"Data":{"TaskId":1,"Status":2,"StatusStr":"success","ResultDetail":[{"FinalSentence":"你好","StartMs":20,"EndMs":900,"SpeakerId":0}]}}}`,
		`{"Data":{"Status":2,"Result":"[0:0.020,0:2.380,0]  您好\n[0:2.500,0:4.100,1]  嗯。\n"}}`,
		`{"code":"000000","content":{"orderInfo":{"status":4},"orderResult":"{\"lattice\":[{\"json_1best\":\"{\\\"st\\\":{\\\"bg\\\":\\\"820\\\",\\\"ed\\\":\\\"2640\\\",\\\"rl\\\":\\\"1\\\",\\\"rt\\\":[{\\\"ws\\\":[{\\\"cw\\\":[{\\\"w\\\":\\\"您好\\\",\\\"wp\\\":\\\"n\\\"}],\\\"wb\\\":1,\\\"we\\\":40}]}]}}\"}]}"}}`,
		`{"ok":0,"err_no":0,"failed":null,"data":"[{\"bg\":\"100\",\"ed\":\"1220\",\"onebest\":\"那你们怎么样？\",\"speaker\":\"1\"}]"}`,
		`[{"key":"k","text":"a","sentence_info":[{"text":"您好","start":370,"end":2510,"spk":0},{"text":"你好。","start":2700,"end":3200,"spk":"1"}]}]`,
		`{"segments":[{"start":0.66,"end":2.0,"text":"您好","speaker":"SPEAKER_00"},{"start":2.1,"end":3.0,"text":"嗯","words":[{"word":"嗯","start":2.1,"end":2.5,"speaker":"SPEAKER_01"}]}]}`,
		`{"text":"a","segments":[{"id":0,"start":0,"end":1,"text":"a"}],"language":"zh"}`,
		`{"results":{"speaker_labels":{"segments":[{"start_time":"0.5","end_time":"1.0","speaker_label":"spk_0"}]},"items":[{"start_time":"0.5","end_time":"0.9","type":"pronunciation","alternatives":[{"content":"您好"}]},{"type":"punctuation","alternatives":[{"content":"。"}]}]}}`,
		`{"results":{"channel_labels":{"channels":[{"channel_label":"ch_1","items":[{"start_time":"1.0","end_time":"1.3","type":"pronunciation","alternatives":[{"content":"喂"}]}]},{"channel_label":"ch_0","items":[{"start_time":"0.5","end_time":"0.9","type":"pronunciation","alternatives":[{"content":"hi"}]}]}]}}}`,
		`{"Result":{"Sentences":[{"Text":"a","ChannelId":0,"BeginTime":2000,"EndTime":1000}]}}`,
		`{"Result":{"Sentences":[{"Text":"a","ChannelId":0,"BeginTime":"-0"},{"Text":"b","ChannelId":0,"BeginTime":null,"EndTime":"5"}]}}`,
		`{"segments":[{"start":1e308,"end":1e309,"text":"a","speaker":"S"}]}`,
		"", "[]", "{}", "null", `"x"`, "[null]", `{"results":null}`,
	} {
		f.Add([]byte(s))
	}
	for _, s := range vendorSamples {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "asr", s.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, name := range vendorFormatNames {
			tr, err := vendorFormat(t, name).Read("fuzz.json", b, &corpus.ReadOptions{})
			checkVendorTranscript(t, name, tr, err)
			if tr == nil {
				continue
			}
			c, err := corpus.BuildCall("fuzz.json", tr, corpus.BuildOptions{Roles: map[string]corpus.Role{"0": corpus.RoleAgent}})
			if (c == nil) == (err == nil) {
				t.Fatalf("%s: BuildCall: want a call or an error, got %v and %v", name, c, err)
			}
			if c != nil {
				checkVendorCall(t, name, c)
			}
		}

		// As a .json file is read: decoded first.
		text, _, err := corpus.Decode(b)
		if err != nil {
			return
		}
		// Named with --input-format, each vendor reads the file or says
		// why not, naming the file and the format.
		for _, name := range vendorFormatNames {
			calls, errs := corpus.ParseBytes("x.json", []byte(text), corpus.ReadOptions{Format: name})
			if len(calls)+len(errs) != 1 {
				t.Fatalf("%s: want one call or one error, got %d calls and %v", name, len(calls), errs)
			}
			if len(errs) > 0 {
				var pe *corpus.ParseError
				if err := errs[0]; !errors.As(err, &pe) || pe.Path != "x.json" || !strings.HasPrefix(err.Error(), "x.json") || !strings.Contains(err.Error(), name) {
					t.Fatalf("%s: error does not name the file and format: %v", name, err)
				}
				continue
			}
			checkVendorCall(t, name, calls[0])
		}

		// Auto-detection.
		calls, errs := corpus.ParseBytes("x.json", []byte(text), corpus.ReadOptions{})
		if len(calls)+len(errs) != 1 {
			t.Fatalf("auto: %d calls and %d errors for one .json file", len(calls), len(errs))
		}
		if len(errs) > 0 {
			var pe *corpus.ParseError
			if err := errs[0]; !errors.As(err, &pe) || pe.Path != "x.json" || !strings.HasPrefix(err.Error(), "x.json") {
				t.Fatalf("auto: error does not name the file: %v", err)
			}
			return
		}
		checkVendorCall(t, "auto", calls[0])
	})
}

// TestVendorPartialTimesOrder: a transcript's timed segments are in time
// order even when some segments have no start time; they were sorted only
// when every one had one (found by FuzzASRVendor).
func TestVendorPartialTimesOrder(t *testing.T) {
	b := []byte(`{"Result":{"Sentences":[{"Text":"a","ChannelId":0},{"BeginTime":7,"Text":"b","ChannelId":0},{"BeginTime":0,"Text":"c","ChannelId":0}]}}`)
	tr, err := vendorFormat(t, formatAliyun).Read("x.json", b, &corpus.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var prev *float64
	for i, s := range tr.Segments {
		if s.Start != nil && prev != nil && *s.Start < *prev {
			t.Fatalf("segment %d starts at %v, before the one before it (%v)", i+1, *s.Start, *prev)
		}
		if s.Start != nil {
			prev = s.Start
		}
	}
}

// checkVendorTranscript checks what a vendor reader returned.
func checkVendorTranscript(t *testing.T, name string, tr *corpus.Transcript, err error) {
	t.Helper()
	if (tr == nil) == (err == nil) {
		t.Fatalf("%s: want a transcript or an error, got %v and %v", name, tr, err)
	}
	if err != nil {
		if err.Error() == "" {
			t.Fatalf("%s: empty error", name)
		}
		return
	}
	if len(tr.Segments) == 0 {
		t.Fatalf("%s: a transcript without segments", name)
	}
	var prev *float64
	for i, s := range tr.Segments {
		if s.Speaker == "" || s.Speaker != strings.TrimSpace(s.Speaker) || !utf8.ValidString(s.Speaker) {
			t.Fatalf("%s: segment %d: bad speaker %q", name, i+1, s.Speaker)
		}
		if s.Text == "" || s.Text != strings.TrimSpace(s.Text) || !utf8.ValidString(s.Text) || strings.ContainsAny(s.Text, "\r\n") {
			t.Fatalf("%s: segment %d: bad text %q", name, i+1, s.Text)
		}
		checkVendorTime(t, name, i+1, s.Start)
		checkVendorTime(t, name, i+1, s.End)
		if s.Start != nil && s.End != nil && *s.End < *s.Start {
			t.Fatalf("%s: segment %d: end %v before start %v", name, i+1, *s.End, *s.Start)
		}
		if s.Start != nil && prev != nil && *s.Start < *prev {
			t.Fatalf("%s: segment %d: starts at %v, before the one before it (%v)", name, i+1, *s.Start, *prev)
		}
		if s.Start != nil {
			prev = s.Start
		}
	}
}

// checkVendorCall checks a call built from a transcript or read natively.
func checkVendorCall(t *testing.T, name string, c *corpus.Call) {
	t.Helper()
	if c.ID == "" || len(c.Turns) == 0 {
		t.Fatalf("%s: call %q with %d turns", name, c.ID, len(c.Turns))
	}
	for i, tr := range c.Turns {
		if tr.N != i+1 {
			t.Fatalf("%s: turn %d numbered %d", name, i+1, tr.N)
		}
		if tr.Role != corpus.RoleUnknown && !tr.Role.Valid() {
			t.Fatalf("%s: turn %d: bad role %q", name, tr.N, tr.Role)
		}
		if strings.TrimSpace(tr.Text) == "" || !utf8.ValidString(tr.Text) {
			t.Fatalf("%s: turn %d: bad text %q", name, tr.N, tr.Text)
		}
		checkVendorTime(t, name, tr.N, tr.Start)
		checkVendorTime(t, name, tr.N, tr.End)
	}
}

func checkVendorTime(t *testing.T, name string, n int, v *float64) {
	t.Helper()
	if v != nil && (*v < 0 || math.IsNaN(*v) || math.IsInf(*v, 0)) {
		t.Fatalf("%s: %d: bad time %v", name, n, *v)
	}
}
