package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStreamJSONLSameAsWhole checks that a JSONL file read line by line
// gives exactly the items, calls and errors alike, that reading it whole
// gives, and that what is not plain UTF-8 text falls back to the whole
// read with its errors.
func TestStreamJSONLSameAsWhole(t *testing.T) {
	call := func(id, text string) string {
		return `{"call_id":"` + id + `","turns":[{"speaker":"agent","text":"` + text + `"}]}`
	}
	// A line longer than a read chunk, with a 3-byte character across
	// each chunk boundary.
	long := call("L1", strings.Repeat("还", chunkSize/3+7))
	for _, tc := range []struct {
		name     string
		data     string
		limits   Limits
		streamed bool
	}{
		{"lf", call("A", "您好") + "\n" + call("B", "还钱") + "\n", Limits{}, true},
		{"crlf_blank_lines", call("A", "您好") + "\r\n\r\n  \n" + call("B", "还钱"), Limits{}, true},
		{"lone_cr", call("A", "您好") + "\r" + call("B", "还钱") + "\r\r\n" + call("C", "x"), Limits{}, true},
		{"bom", "\ufeff" + call("A", "您好") + "\n", Limits{}, true},
		{"double_bom", "\ufeff\ufeff" + call("A", "您好") + "\n", Limits{}, true},
		{"bad_lines", call("A", "您好") + "\n{bad\n[1]\n" + `{"turns":[{"speaker":"x","text":"a"}]}` + "\n", Limits{}, true},
		{"turn_limit", call("A", "您好您好") + "\n" + call("B", "x"), Limits{LineLength: 4}, true},
		{"turns_limit", `{"turns":[{"speaker":"agent","text":"a"},{"speaker":"agent","text":"b"}]}`, Limits{Turns: 1}, true},
		{"long_line", long + "\n" + call("B", "x") + "\n", Limits{}, true},
		{"escapes", `{"turns":[{"speaker":"agent","text":"a\"b\\\\c\u8fd8\n"}],"x":{"y":[1,"]"]}}`, Limits{}, true},
		{"empty", "", Limits{}, false},
		{"blank", " \n\r\n\t", Limits{}, false},
		{"controls", call("A", "a\x01b\x02"), Limits{}, false},
		{"nul", call("A", "a\x00b"), Limits{}, false},
		{"gb18030", call("A", "\xc4\xe3\xba\xc3"), Limits{}, false},
		{"invalid_utf8_late", long + "\n" + call("B", "\xff"), Limits{}, false},
		{"utf16", "\xff\xfe{\x00}\x00", Limits{}, false},
		{"too_large", call("A", "您好"), Limits{FileSize: 10}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "calls.jsonl")
			require.NoError(t, os.WriteFile(path, []byte(tc.data), 0o644))
			o := &ReadOptions{Limits: tc.limits}

			var got []Item
			o.readFile(path, func(it Item) { got = append(got, it) })

			var want []Item
			if int64(len(tc.data)) > tc.limits.fileSize() {
				want = []Item{{Err: tc.limits.tooLarge(path, int64(len(tc.data)))}}
			} else {
				want = o.parse(path, kindJSONL, []byte(tc.data))
			}
			require.Equal(t, len(want), len(got), "items")
			for i := range want {
				assert.Equal(t, want[i].Call, got[i].Call, "item %d", i)
				if want[i].Err != nil || got[i].Err != nil {
					require.Error(t, got[i].Err, "item %d", i)
					assert.Equal(t, want[i].Err.Error(), got[i].Err.Error(), "item %d", i)
				}
			}

			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			streamed := o.streamJSONL(path, f, func(Item) {})
			assert.Equal(t, tc.streamed, streamed, "read line by line")
		})
	}
}

// TestJSONCursorValueEnd checks the ends of values the cursor skips.
func TestJSONCursorValueEnd(t *testing.T) {
	for _, tc := range []struct{ in, value string }{
		{`"a\"b" ,`, `"a\"b"`},
		{`"\\" ]`, `"\\"`},
		{`{"a":"}","b":[1,{"c":"]"}]} x`, `{"a":"}","b":[1,{"c":"]"}]}`},
		{`-1.5e3,`, `-1.5e3`},
		{`true}`, `true`},
		{`null`, `null`},
	} {
		end := valueEnd([]byte(tc.in), 0)
		require.GreaterOrEqual(t, end, 0, tc.in)
		assert.Equal(t, tc.value, tc.in[:end], tc.in)
	}
	assert.Equal(t, -1, valueEnd([]byte(`"abc`), 0))
	assert.Equal(t, -1, valueEnd([]byte(`[1,2`), 0))
}

// TestStreamInputsSameAsReadPaths checks that Inputs and StreamInputs,
// their items taken in visit order through one IDCheck, give what
// ReadPathsWith gives.
func TestStreamInputsSameAsReadPaths(t *testing.T) {
	paths := []string{"testdata/calls", "testdata/bad", "testdata/calls/calls.jsonl"}
	var want []Item
	ReadPathsWith(paths, nil, ReadOptions{}, func(it Item) { want = append(want, it) })
	require.NotEmpty(t, want)

	var fromInputs, fromStreams []Item
	var ids, sids IDCheck
	Inputs(paths, nil, ReadOptions{}, func(read func() []Item) {
		for _, it := range read() {
			fromInputs = append(fromInputs, ids.Check(it))
		}
	})
	StreamInputs(paths, nil, ReadOptions{}, func(read func(emit func(Item))) {
		read(func(it Item) { fromStreams = append(fromStreams, sids.Check(it)) })
	})
	for _, got := range [][]Item{fromInputs, fromStreams} {
		require.Equal(t, len(want), len(got))
		for i := range want {
			assert.Equal(t, want[i].Input, got[i].Input, "item %d", i)
			assert.Equal(t, want[i].Call, got[i].Call, "item %d", i)
			assert.Equal(t, errString(want[i].Err), errString(got[i].Err), "item %d", i)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
