package corpus

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFormatSniff checks which registered format reads a JSON document
// without the native "turns": each vendor sample as its own format, and
// the shapes of each vendor, but not JSON that merely looks alike.
func TestFormatSniff(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"aliyun", `{"TaskId":"t","StatusText":"SUCCESS","Result":{"Sentences":[]}}`, "aliyun"},
		{"aliyun_running", `{"TaskId":"t","StatusText":"RUNNING"}`, "aliyun"},
		{"aliyun_result_string", `{"Result":"{\"Sentences\":[]}"}`, "aliyun"},
		{"aliyun_bare_result", `{"Sentences":[{"BeginTime":0,"EndTime":1,"Text":"a"}]}`, "aliyun"},
		{"aliyun_sca_tickets", `{"tickets":[{"tid":"1","dialogue":[]}]}`, "aliyun"},
		{"aliyun_sca_dialogue", `{"dialogue":[{"role":"客服","words":"您好","begin":0,"end":900}]}`, "aliyun"},
		{"aliyun_sca_array", `[{"Role":"客户","Words":"喂","Begin":0,"End":500}]`, "aliyun"},
		{"aliyun_dianjin", `{"conversationList":{"dialogueList":[]}}`, "aliyun"},
		{"aliyun_dianjin_data", `{"data":{"conversationList":[{"dialogueList":[]}]}}`, "aliyun"},
		{"aliyun_dianjin_list", `{"dialogueList":[{"role":"1","content":"您好","begin":0,"end":1}]}`, "aliyun"},
		{"tencent", `{"Response":{"Data":{"TaskId":1,"Status":2,"StatusStr":"success","ResultDetail":[]},"RequestId":"r"}}`, "tencent"},
		{"tencent_data", `{"Data":{"TaskId":1,"StatusStr":"success","Result":""}}`, "tencent"},
		{"tencent_bare", `{"TaskId":1,"Status":2,"StatusStr":"success","Result":"[0:0.020,0:2.380,0]  您好"}`, "tencent"},
		{"tencent_error", `{"Response":{"Error":{"Code":"AuthFailure","Message":"x"},"RequestId":"r"}}`, "tencent"},
		{"iflytek_v2", `{"code":"000000","content":{"orderInfo":{"status":4},"orderResult":"{}"}}`, "iflytek"},
		{"iflytek_order", `{"orderResult":"{\"lattice\":[]}"}`, "iflytek"},
		{"iflytek_lattice", `{"lattice":[{"json_1best":"{}"}]}`, "iflytek"},
		{"iflytek_v1", `{"ok":0,"err_no":0,"failed":null,"data":"[{\"bg\":\"0\",\"ed\":\"1\",\"onebest\":\"a\",\"speaker\":\"1\"}]"}`, "iflytek"},
		{"iflytek_v1_pending", `{"ok":-1,"err_no":26605,"failed":"任务正在处理中","data":null}`, "iflytek"},
		{"iflytek_v1_array", `[{"bg":"0","ed":"1","onebest":"a","speaker":"1"}]`, "iflytek"},
		{"funasr", `[{"key":"a","text":"b","sentence_info":[]}]`, "funasr"},
		{"funasr_no_sentences", `[{"key":"a","text":"b","timestamp":[[0,1]]}]`, "funasr"},
		{"funasr_object", `{"key":"a","sentence_info":[]}`, "funasr"},
		{"whisper", `{"text":"a","segments":[{"id":0,"start":0,"end":1,"text":"a"}],"language":"zh"}`, "whisper"},
		{"whisper_empty", `{"text":"","segments":[],"language":"zh"}`, "whisper"},
		{"transcribe", `{"jobName":"j","results":{"transcripts":[],"items":[]}}`, "transcribe"},

		// Not vendor output: the native readers take these.
		{"native", `{"call_id":"x","turns":[{"speaker":"agent","text":"a"}]}`, ""},
		{"native_with_result", `{"turns":[],"Result":{"Sentences":[]}}`, ""},
		{"segments_other", `{"segments":[{"from":0,"to":1}]}`, ""},
		{"segments_object", `{"segments":{"start":0}}`, ""},
		{"result_other", `{"Result":{"items":[]}}`, ""},
		{"results_other", `{"results":{"channels":[]}}`, ""},
		{"data_other", `{"data":"hello"}`, ""},
		{"dialogue_other", `{"dialogue":[{"speaker":"a","text":"b"}]}`, ""},
		{"array_other", `[{"speaker":"a","text":"b"}]`, ""},
		{"array_scalars", `[1,2,3]`, ""},
		{"array_empty", `[]`, ""},
		{"array_broken", `[{"sentence_info":`, ""},
		{"object_broken", `{"Result":{"Sentences":[`, ""},
		{"empty_object", `{}`, ""},
	}
	samples := map[string]string{
		"call.aliyun.json": "aliyun", "call.tencent.json": "tencent", "call.iflytek.json": "iflytek", "call.iflytek_v1.json": "iflytek",
		"call.funasr.json": "funasr", "call.whisper.json": "whisper", "call.transcribe.json": "transcribe", "call.transcribe_channels.json": "transcribe",
	}
	for file, want := range samples {
		t.Run(file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "testdata", "asr", file))
			require.NoError(t, err)
			f := (&ReadOptions{}).formatFor(kindJSON, string(b))
			require.NotNil(t, f, "not detected")
			assert.Equal(t, want, f.Name)
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := (&ReadOptions{}).formatFor(kindJSON, tt.in)
			got := ""
			if f != nil {
				got = f.Name
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestRegisterFormat: the formats of corpus/asr are registered in name
// order after the native ones, and a second format of a registered name,
// or one without a name or reader, is a programming error.
func TestRegisterFormat(t *testing.T) {
	assert.Equal(t, []string{"auto", "txt", "json", "jsonl", "aliyun", "csv", "funasr", "iflytek", "srt", "tencent", "transcribe", "vtt", "whisper"}, FormatNames())
	read := func(string, []byte, *ReadOptions) (*Transcript, error) { return nil, nil }
	assert.Panics(t, func() { RegisterFormat(Format{Name: "srt", Read: read}) })
	assert.Panics(t, func() { RegisterFormat(Format{Read: read}) })
	assert.Panics(t, func() { RegisterFormat(Format{Name: "new"}) })
	assert.Len(t, FormatNames(), 13, "nothing registered by a refused call")
}
