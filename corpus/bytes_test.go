package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestParseBytes(t *testing.T) {
	asr := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "asr", name))
		require.NoError(t, err)
		return b
	}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("# call_id: G1\n坐席：您好\n客户：你好\n"))
	require.NoError(t, err)
	tests := []struct {
		name     string
		file     string // the name passed
		data     []byte
		opts     ReadOptions
		wantIDs  []string
		wantErrs []string
	}{
		{name: "text_by_extension", file: "a.txt", data: []byte("# call_id: T1\n坐席：您好\n客户：你好\n"), wantIDs: []string{"T1"}},
		{name: "text_by_content", file: "pasted", data: []byte("坐席：您好\n客户：你好\n"), wantIDs: []string{"pasted"}},
		{name: "gb18030", file: "pasted", data: gbk, wantIDs: []string{"G1"}},
		{name: "json_by_content", file: "body", data: []byte(`{"call_id":"J1","turns":[{"speaker":"agent","text":"您好"}]}`), wantIDs: []string{"J1"}},
		{name: "jsonl_by_content", file: "body", data: []byte("{\"call_id\":\"L1\",\"turns\":[{\"speaker\":\"agent\",\"text\":\"您好\"}]}\n{\"call_id\":\"L2\",\"turns\":[{\"speaker\":\"agent\",\"text\":\"您好\"}]}\n"), wantIDs: []string{"L1", "L2"}},
		{name: "aliyun_by_content", file: "body", data: asr("call.aliyun.json"), opts: ReadOptions{Build: BuildOptions{Roles: map[string]Role{"1": RoleAgent, "2": RoleCustomer}}}, wantIDs: []string{"body"}},
		{name: "srt_by_content", file: "body", data: asr("call.srt"), wantIDs: []string{"body"}},
		{name: "vtt_by_content", file: "body", data: asr("call_voices.vtt"), wantIDs: []string{"body"}},
		{name: "forced_format", file: "body", data: asr("call.srt"), opts: ReadOptions{Format: "srt"}, wantIDs: []string{"body"}},
		{name: "no_turns", file: "pasted", data: []byte("# call_id: E1\n"), wantErrs: []string{"pasted: "}},
		{name: "bad_json", file: "body.json", data: []byte(`{"call_id": `), wantErrs: []string{"body.json:"}},
		{name: "not_text", file: "body", data: []byte{0xff, 0xfe, 0xfd, 0x00, 0x81}, wantErrs: []string{"body: "}},
		{name: "too_large", file: "body", data: make([]byte, MaxFileSize+1), wantErrs: []string{"body: input too large"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls, errs := ParseBytes(tt.file, tt.data, tt.opts)
			var ids []string
			for _, c := range calls {
				ids = append(ids, c.ID)
				assert.NotEmpty(t, c.Turns)
				assert.True(t, strings.HasPrefix(c.Source, tt.file), "source %q", c.Source)
			}
			assert.Equal(t, tt.wantIDs, ids)
			require.Len(t, errs, len(tt.wantErrs), "errors: %v", errs)
			for i, want := range tt.wantErrs {
				assert.Contains(t, errs[i].Error(), want)
			}
		})
	}
}

func TestSniffSubtitle(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\n坐席：您好\n", ".vtt"},
		{"vtt_title", "\ufeffWEBVTT - 标题\n", ".vtt"},
		{"srt", "\n1\n00:00:00,500 --> 00:00:02,300\n坐席：喂\n", ".srt"},
		{"text", "坐席：您好\n客户：你好\n", ""},
		{"number_then_text", "1\n坐席：您好\n", ""},
		{"webvttx", "WEBVTTX\n", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, sniffExt(tt.in))
		})
	}
}
