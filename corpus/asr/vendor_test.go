package asr

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callqa/callqa/corpus"
)

// vendorSamples are testdata/asr/call.*.json: call S02 in every vendor
// shape, with the ids each vendor gives the agent and the customer.
var vendorSamples = []struct {
	file, format    string
	agent, customer string
	merged          bool // an agent turn is split into segments less than 1 s apart
}{
	{"call.aliyun.json", formatAliyun, "0", "1", true},
	{"call.tencent.json", formatTencent, "0", "1", true},
	{"call.iflytek.json", formatIflytek, "1", "2", true},
	{"call.iflytek_v1.json", formatIflytek, "1", "2", false},
	{"call.funasr.json", formatFunASR, "0", "1", true},
	{"call.whisper.json", formatWhisper, "SPEAKER_00", "SPEAKER_01", true},
	{"call.transcribe.json", formatTranscribe, "spk_0", "spk_1", true},
	{"call.transcribe_channels.json", formatTranscribe, "ch_0", "ch_1", true},
}

// vendorFormat returns the vendor format named name.
func vendorFormat(t testing.TB, name string) corpus.Format {
	t.Helper()
	for _, f := range vendorFormats {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no vendor format %q", name)
	return corpus.Format{}
}

// parseJSON reads in as the file calls/x.json, with the format forced
// when one is named, and returns its one call or error.
func parseJSON(t *testing.T, in, format string) (*corpus.Call, error) {
	t.Helper()
	calls, errs := corpus.ParseBytes("calls/x.json", []byte(in), corpus.ReadOptions{Format: format})
	require.Equal(t, 1, len(calls)+len(errs), "want one call or one error, got %d calls and errors %v", len(calls), errs)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return calls[0], nil
}

type vendorTurn struct {
	Role corpus.Role
	Text string
}

func vendorTurns(c *corpus.Call) []vendorTurn {
	var out []vendorTurn
	for _, t := range c.Turns {
		out = append(out, vendorTurn{t.Role, t.Text})
	}
	return out
}

// readVendorOne reads one path with opts and requires exactly one call.
func readVendorOne(t *testing.T, path string, opts corpus.ReadOptions) *corpus.Call {
	t.Helper()
	var items []corpus.Item
	corpus.ReadPathsWith([]string{path}, nil, opts, func(it corpus.Item) { items = append(items, it) })
	require.Len(t, items, 1)
	require.NoError(t, items[0].Err)
	require.NotNil(t, items[0].Call)
	return items[0].Call
}

func TestASRVendorSamples(t *testing.T) {
	native, errs := corpus.ReadFile("../../testdata/calls/S02_insult_threat.txt")
	require.Empty(t, errs)
	require.Len(t, native, 1)
	want := vendorTurns(native[0])

	for _, tt := range vendorSamples {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(tt.file, "call."), ".json"), func(t *testing.T) {
			path := filepath.Join("..", "..", "testdata", "asr", tt.file)
			build := corpus.BuildOptions{Roles: map[string]corpus.Role{tt.agent: corpus.RoleAgent, tt.customer: corpus.RoleCustomer}}

			auto := readVendorOne(t, path, corpus.ReadOptions{Build: build})
			assert.Equal(t, want, vendorTurns(auto))
			assert.Equal(t, path, auto.Source)
			assert.Equal(t, "call."+strings.TrimSuffix(strings.TrimPrefix(tt.file, "call."), ".json"), auto.ID)
			assert.Equal(t, tt.agent, auto.Turns[0].Label)
			assert.Equal(t, tt.customer, auto.Turns[1].Label)

			// Forcing the format reads the same call as detection (corpus's
			// TestFormatSniff checks that detection picks it).
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			forced := readVendorOne(t, path, corpus.ReadOptions{Format: tt.format, Build: build})
			assert.Equal(t, auto, forced)

			// Times: seconds, increasing, within the 37 s call.
			prev := 0.0
			for _, tr := range auto.Turns {
				require.NotNil(t, tr.Start, "turn %d", tr.N)
				require.NotNil(t, tr.End, "turn %d", tr.N)
				assert.GreaterOrEqual(t, *tr.Start, prev, "turn %d", tr.N)
				assert.Greater(t, *tr.End, *tr.Start, "turn %d", tr.N)
				assert.Less(t, *tr.End, 37.2, "turn %d", tr.N)
				prev = *tr.End
			}
			assert.InDelta(t, 0.62, *auto.Turns[0].Start, 0.001)

			// The merge is exercised: more segments than turns.
			tr, err := vendorFormat(t, tt.format).Read(path, b, &corpus.ReadOptions{})
			require.NoError(t, err)
			if tt.merged {
				assert.Greater(t, len(tr.Segments), len(auto.Turns))
			} else {
				assert.Len(t, tr.Segments, len(auto.Turns))
			}

			// Without a mapping every role is unknown, for inference.
			bare := readVendorOne(t, path, corpus.ReadOptions{})
			assert.Equal(t, []string{tt.agent, tt.customer}, bare.Speakers())
		})
	}
}

// TestASRVendorWrongFormat forces every other vendor format on each sample:
// always an error naming the file and the format, never a call or a panic.
func TestASRVendorWrongFormat(t *testing.T) {
	names := []string{formatAliyun, formatTencent, formatIflytek, formatFunASR, formatWhisper, formatTranscribe}
	for _, tt := range vendorSamples {
		path := filepath.Join("..", "..", "testdata", "asr", tt.file)
		for _, name := range names {
			if name == tt.format {
				continue
			}
			t.Run(tt.file+"/"+name, func(t *testing.T) {
				var items []corpus.Item
				corpus.ReadPathsWith([]string{path}, nil, corpus.ReadOptions{Format: name}, func(it corpus.Item) { items = append(items, it) })
				require.Len(t, items, 1)
				require.Error(t, items[0].Err)
				assert.Nil(t, items[0].Call)
				assert.True(t, strings.HasPrefix(items[0].Err.Error(), path+": "+name+": "), items[0].Err.Error())
			})
		}
	}
}

// TestASRVendorWrongFormatMessages pins the message for a few pairs.
func TestASRVendorWrongFormatMessages(t *testing.T) {
	tests := []struct{ file, format, want string }{
		{"call.whisper.json", formatAliyun, "aliyun: not an Alibaba Cloud result: no Result.Sentences (file transcription), dialogue (智能对话分析) or dialogueList (通义点金)"},
		{"call.aliyun.json", formatTencent, "tencent: not a Tencent Cloud ASR result: no Response.Data.ResultDetail or Result"},
		{"call.aliyun.json", formatIflytek, "iflytek: not an iFlytek result: no content.orderResult (v2) or data (v1)"},
		{"call.aliyun.json", formatFunASR, "funasr: not a FunASR result: no sentence_info"},
		{"call.aliyun.json", formatWhisper, "whisper: not a Whisper result: no segments"},
		{"call.aliyun.json", formatTranscribe, "transcribe: not an Amazon Transcribe result: no results"},
		{"call.funasr.json", formatWhisper, "whisper: document: expected an object, got array"},
		{"call.funasr.json", formatAliyun, "aliyun: document: not SCA dialogue sentences {role, words, begin, end}; not an Alibaba Cloud result"},
		{"call.iflytek_v1.json", formatFunASR, "funasr: not a FunASR result: no sentence_info"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.format, func(t *testing.T) {
			path := filepath.Join("..", "..", "testdata", "asr", tt.file)
			var items []corpus.Item
			corpus.ReadPathsWith([]string{path}, nil, corpus.ReadOptions{Format: tt.format}, func(it corpus.Item) { items = append(items, it) })
			require.Len(t, items, 1)
			require.Error(t, items[0].Err)
			assert.Equal(t, path+": "+tt.want, items[0].Err.Error())
			var pe *corpus.ParseError
			assert.ErrorAs(t, items[0].Err, &pe)
		})
	}
}

func TestASRVendorRead(t *testing.T) {
	type seg struct {
		speaker    string
		start, end float64
		text       string
	}
	tests := []struct {
		name, format, in string
		want             []seg
	}{
		{
			name:   "aliyun_mono_diarized_uses_SpeakerId",
			format: formatAliyun,
			in: `{"Result":{"Sentences":[
				{"BeginTime":760,"EndTime":3240,"Text":"您好，这里是XX公司","ChannelId":0,"SpeakerId":"1"},
				{"BeginTime":3500,"EndTime":5010,"Text":"嗯，什么事","ChannelId":0,"SpeakerId":"2"}]}}`,
			want: []seg{{"1", 0.76, 3.24, "您好，这里是XX公司"}, {"2", 3.5, 5.01, "嗯，什么事"}},
		},
		{
			name:   "aliyun_two_channels_use_ChannelId_sorted",
			format: formatAliyun,
			in: `{"Result":{"Sentences":[
				{"BeginTime":3500,"EndTime":5010,"Text":" 嗯，什么事 ","ChannelId":1,"SpeakerId":"2"},
				{"BeginTime":760,"EndTime":3240,"Text":"您好","ChannelId":0,"SpeakerId":"1"},
				{"BeginTime":5100,"EndTime":5200,"Text":"","ChannelId":0},
				{"BeginTime":5300,"EndTime":5400,"Text":null,"ChannelId":null}]}}`,
			want: []seg{{"0", 0.76, 3.24, "您好"}, {"1", 3.5, 5.01, "嗯，什么事"}},
		},
		{
			name:   "aliyun_result_as_string",
			format: formatAliyun,
			in:     `{"StatusText":"SUCCESS","Result":"{\"Sentences\":[{\"BeginTime\":\"100\",\"EndTime\":\"900\",\"Text\":\"喂\",\"ChannelId\":0}]}"}`,
			want:   []seg{{"0", 0.1, 0.9, "喂"}},
		},
		{
			name:   "aliyun_sca_tickets",
			format: formatAliyun,
			in:     `{"tickets":[{"tid":"c1","dialogue":[{"role":"客服","identity":"a1","words":"您好","begin":0,"end":760},{"role":"客户","words":"嗯","begin":900,"end":1200,"beginTime":"2026-03-03 15:20:01"}]}]}`,
			want:   []seg{{"客服", 0, 0.76, "您好"}, {"客户", 0.9, 1.2, "嗯"}},
		},
		{
			name:   "aliyun_sca_capitalized_array",
			format: formatAliyun,
			in:     `[{"Role":"客服","Words":"您好","Begin":0,"End":760,"HourMinSec":"00:00"}]`,
			want:   []seg{{"客服", 0, 0.76, "您好"}},
		},
		{
			name:   "aliyun_dianjin_roles",
			format: formatAliyun,
			in:     `{"data":{"conversationList":{"callType":"2","dialogueList":[{"role":"1","content":"您好","begin":0,"end":800},{"role":0,"content":"嗯","begin":900,"end":1000},{"role":"2","content":"转接","begin":1100,"end":1200}]}}}`,
			want:   []seg{{"坐席", 0, 0.8, "您好"}, {"客户", 0.9, 1, "嗯"}, {"2", 1.1, 1.2, "转接"}},
		},
		{
			name:   "tencent_result_lines_fallback",
			format: formatTencent,
			in:     `{"Response":{"Data":{"TaskId":1,"Status":2,"StatusStr":"success","Result":"[0:0.020,0:2.380,0]  您好，我是XX银行信用卡中心。\n[0:2.500,1:4.100,1]  嗯。\n","ResultDetail":null}}}`,
			want:   []seg{{"0", 0.02, 2.38, "您好，我是XX银行信用卡中心。"}, {"1", 2.5, 64.1, "嗯。"}},
		},
		{
			name:   "tencent_null_fields",
			format: formatTencent,
			in:     `{"Response":{"Data":{"ResultDetail":[{"FinalSentence":"你好","StartMs":20,"EndMs":null,"SpeakerId":0,"Words":null,"EmotionType":null},{"FinalSentence":null,"StartMs":30,"EndMs":40,"SpeakerId":null}]}}}`,
			want:   []seg{{"0", 0.02, -1, "你好"}},
		},
		{
			name:   "iflytek_lattice2_objects",
			format: formatIflytek,
			in:     `{"lattice":[],"lattice2":[{"lid":"0","json_1best":{"st":{"bg":"820","ed":"2640","rl":"2","rt":[{"ws":[{"cw":[{"w":"您好","wp":"n"}],"wb":1,"we":40},{"cw":[{"w":"","wp":"g"}]},{"cw":[{"w":"。","wp":"p"}]}]}]}}}]}`,
			want:   []seg{{"2", 0.82, 2.64, "您好。"}},
		},
		{
			name:   "iflytek_v1_array",
			format: formatIflytek,
			in:     `[{"bg":"100","ed":"1220","onebest":"那你们怎么样？","speaker":"1"},{"bg":"1300","ed":"1500","onebest":"嗯","speaker":"2"}]`,
			want:   []seg{{"1", 0.1, 1.22, "那你们怎么样？"}, {"2", 1.3, 1.5, "嗯"}},
		},
		{
			name:   "funasr_spk_as_string",
			format: formatFunASR,
			in:     `{"key":"k","sentence_info":[{"text":"你好。","start":2700,"end":3200,"spk":"1"},{"text":"您好，我是XX催收。","start":370,"end":2510,"spk":"0"}]}`,
			want:   []seg{{"0", 0.37, 2.51, "您好，我是XX催收。"}, {"1", 2.7, 3.2, "你好。"}},
		},
		{
			name:   "whisperx_missing_segment_speaker_from_words",
			format: formatWhisper,
			in: `{"segments":[{"start":0.66,"end":2.0,"text":"您好","speaker":"SPEAKER_00"},
				{"start":2.1,"end":3.0,"text":"嗯","words":[{"word":"嗯","start":2.1,"end":2.5,"speaker":"SPEAKER_01"},{"word":"。"}]}]}`,
			want: []seg{{"SPEAKER_00", 0.66, 2, "您好"}, {"SPEAKER_01", 2.1, 3, "嗯"}},
		},
		{
			name:   "transcribe_items_own_labels_english",
			format: formatTranscribe,
			in: `{"results":{"speaker_labels":{"speakers":2,"segments":[]},"items":[
				{"start_time":"4.87","end_time":"5.02","speaker_label":"spk_0","type":"pronunciation","alternatives":[{"confidence":"1.0","content":"I've"}]},
				{"start_time":"5.02","end_time":"5.17","speaker_label":"spk_0","type":"pronunciation","alternatives":[{"confidence":"1.0","content":"been"}]},
				{"type":"punctuation","alternatives":[{"confidence":"0.0","content":"."}]},
				{"start_time":"5.2","end_time":"5.5","speaker_label":"spk_0","type":"pronunciation","alternatives":[{"confidence":"1.0","content":"Sorry"}]},
				{"start_time":"6.0","end_time":"6.4","speaker_label":"spk_1","type":"pronunciation","alternatives":[{"confidence":"1.0","content":"OK"}]}]}}`,
			want: []seg{{"spk_0", 4.87, 5.17, "I've been."}, {"spk_0", 5.2, 5.5, "Sorry"}, {"spk_1", 6, 6.4, "OK"}},
		},
		{
			name:   "transcribe_channels_interleave",
			format: formatTranscribe,
			in: `{"results":{"channel_labels":{"channels":[
				{"channel_label":"ch_0","items":[
					{"start_time":"0.5","end_time":"0.9","type":"pronunciation","alternatives":[{"content":"您好"}]},
					{"type":"punctuation","alternatives":[{"content":"，"}]},
					{"start_time":"2.0","end_time":"2.4","type":"pronunciation","alternatives":[{"content":"请问"}]}]},
				{"channel_label":"ch_1","items":[
					{"type":"punctuation","alternatives":[{"content":"？"}]},
					{"start_time":"1.0","end_time":"1.3","type":"pronunciation","alternatives":[{"content":"喂"}]}]}],
				"number_of_channels":2}}}`,
			want: []seg{{"ch_0", 0.5, 0.9, "您好，"}, {"ch_1", 1, 1.3, "喂"}, {"ch_0", 2, 2.4, "请问"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := vendorFormat(t, tt.format).Read("x.json", []byte(tt.in), &corpus.ReadOptions{})
			require.NoError(t, err)
			var got []seg
			for _, s := range tr.Segments {
				g := seg{speaker: s.Speaker, start: -1, end: -1, text: s.Text}
				if s.Start != nil {
					g.start = *s.Start
				}
				if s.End != nil {
					g.end = *s.End
				}
				got = append(got, g)
			}
			require.Len(t, got, len(tt.want))
			for i := range got {
				assert.Equal(t, tt.want[i].speaker, got[i].speaker, "segment %d", i+1)
				assert.Equal(t, tt.want[i].text, got[i].text, "segment %d", i+1)
				assert.InDelta(t, tt.want[i].start, got[i].start, 1e-9, "segment %d", i+1)
				assert.InDelta(t, tt.want[i].end, got[i].end, 1e-9, "segment %d", i+1)
			}
			// And auto-detection reads the same call.
			auto, err := parseJSON(t, tt.in, "")
			require.NoError(t, err)
			forced, err := parseJSON(t, tt.in, tt.format)
			require.NoError(t, err)
			assert.Equal(t, forced, auto)
		})
	}
}

func TestASRVendorMalformed(t *testing.T) {
	tests := []struct{ name, format, in, want string }{
		// Not JSON at all.
		{"empty", formatAliyun, ``, "empty JSON"},
		{"blank", formatWhisper, " \n ", "empty JSON"},
		{"truncated", formatTencent, `{"Response":{"Data":{"ResultDetail":[{"FinalSentence":"a"`, "truncated JSON (unexpected end of input)"},
		{"syntax", formatFunASR, "[{\"sentence_info\":\n[}]", "invalid JSON on line 2: invalid character '}' looking for beginning of value"},
		{"trailing", formatWhisper, `{"segments":[]} {}`, "unexpected data after the JSON value"},

		// Aliyun.
		{"aliyun_wrong_text", formatAliyun, `{"Result":{"Sentences":[{"Text":"a","ChannelId":0},{"Text":"b","ChannelId":1},{"Text":7,"ChannelId":0}]}}`, "Result.Sentences[3].Text: expected a string, got number"},
		{"aliyun_null_sentences", formatAliyun, `{"Result":{"Sentences":null}}`, "Result.Sentences: is null"},
		{"aliyun_no_sentences", formatAliyun, `{"Result":{"Sentences":[]}}`, "Result.Sentences: no sentences"},
		{"aliyun_no_text", formatAliyun, `{"Result":{"Sentences":[{"Text":"","ChannelId":0}]}}`, "Result.Sentences: no sentence has text"},
		{"aliyun_sentence_not_object", formatAliyun, `{"Result":{"Sentences":[3]}}`, "Result.Sentences[1]: expected an object, got number"},
		{"aliyun_no_channel", formatAliyun, `{"Result":{"Sentences":[{"Text":"a","BeginTime":0}]}}`, "Result.Sentences[1].ChannelId: missing"},
		{"aliyun_running", formatAliyun, `{"TaskId":"t","StatusText":"RUNNING","Result":null}`, `Result: is null (StatusText is "RUNNING": the task has no result)`},
		{"aliyun_bad_time", formatAliyun, `{"Result":{"Sentences":[{"Text":"a","ChannelId":0,"BeginTime":"NaN"}]}}`, `Result.Sentences[1].BeginTime: "NaN" is not a number`},
		{"aliyun_negative_time", formatAliyun, `{"Result":{"Sentences":[{"Text":"a","ChannelId":0,"BeginTime":-5}]}}`, "Result.Sentences[1].BeginTime: negative time -5"},
		{"aliyun_huge_time", formatAliyun, `{"Result":{"Sentences":[{"Text":"a","ChannelId":0,"BeginTime":1e999}]}}`, `Result.Sentences[1].BeginTime: "1e999" is not a usable time`},
		{"aliyun_end_before_start", formatAliyun, `{"Result":{"Sentences":[{"Text":"a","ChannelId":0,"BeginTime":2000,"EndTime":1000}]}}`, "Result.Sentences[1]: ends at 1.000s, before it starts at 2.000s"},
		{"aliyun_result_not_object", formatAliyun, `{"Result":"[0:0.020,0:2.380,0] x"}`, "Result: expected an object with Sentences, got string"},
		{"aliyun_speaker_bool", formatAliyun, `{"Result":{"Sentences":[{"Text":"a","ChannelId":true}]}}`, "Result.Sentences[1].ChannelId: expected a string or a number, got boolean"},
		{"aliyun_tickets", formatAliyun, `{"tickets":[{"dialogue":[]},{"dialogue":[]}]}`, "tickets: 2 tickets; put one call in each file"},
		{"aliyun_sca_no_role", formatAliyun, `{"dialogue":[{"words":"a","begin":0,"end":1}]}`, "dialogue[1].role: missing"},
		{"aliyun_dianjin_two", formatAliyun, `{"conversationList":[{"dialogueList":[]},{"dialogueList":[]}]}`, "conversationList: 2 conversations; put one call in each file"},

		// Tencent.
		{"tencent_error", formatTencent, `{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"签名错误"},"RequestId":"r"}}`, "Response.Error: AuthFailure.SignatureFailure: 签名错误"},
		{"tencent_running", formatTencent, `{"Response":{"Data":{"TaskId":1,"Status":1,"StatusStr":"doing"}}}`, "Response.Data.Status: 1 (doing): the task has not finished"},
		{"tencent_failed", formatTencent, `{"Response":{"Data":{"TaskId":1,"Status":3,"StatusStr":"failed","ErrorMsg":"音频下载失败"}}}`, "Response.Data.Status: 3: the task failed: 音频下载失败"},
		{"tencent_no_detail", formatTencent, `{"Response":{"Data":{"TaskId":1,"Status":2,"StatusStr":"success","Result":null}}}`, "Response.Data.ResultDetail: missing (request ResTextFormat 1 or higher for ResultDetail)"},
		{"tencent_detail_wrong", formatTencent, `{"Response":{"Data":{"ResultDetail":{"FinalSentence":"a"}}}}`, "Response.Data.ResultDetail: expected an array, got object"},
		{"tencent_no_speaker", formatTencent, `{"Response":{"Data":{"ResultDetail":[{"FinalSentence":"a","StartMs":0,"EndMs":5}]}}}`, "Response.Data.ResultDetail[1].SpeakerId: missing (start the task with SpeakerDiarization=1 or ChannelNum=2)"},
		{"tencent_lines_no_speaker", formatTencent, `{"Data":{"Status":2,"Result":"[0:0.020,0:2.380]  您好"}}`, `Data.Result line 1: no speaker in "[0:0.020,0:2.380]"`},
		{"tencent_lines_garbage", formatTencent, `{"Data":{"Status":2,"Result":"hello"}}`, `Data.Result line 1: expected "[start,end,speaker] text"`},
		{"tencent_lines_bad_time", formatTencent, `{"Data":{"Status":2,"Result":"[0:99.5,1:0.0,0] a"}}`, `Data.Result line 1: bad time in "[0:99.5,1:0.0,0]"`},
		{"tencent_lines_empty", formatTencent, `{"Data":{"Status":2,"Result":" \n"}}`, `Data.Result: no lines`},

		// iFlytek.
		{"iflytek_order_not_json", formatIflytek, `{"code":"000000","content":{"orderResult":"{\"lattice\":["}}`, "content.orderResult: truncated JSON (unexpected end of input)"},
		{"iflytek_best_not_json", formatIflytek, `{"content":{"orderResult":"{\"lattice\":[{\"json_1best\":\"st\"}]}"}}`, "content.orderResult.lattice[1].json_1best: invalid JSON on line 1: invalid character 's' looking for beginning of value"},
		{"iflytek_best_number", formatIflytek, `{"lattice":[{"json_1best":5}]}`, "lattice[1].json_1best: expected JSON in a string, or an object, got number"},
		{"iflytek_no_st", formatIflytek, `{"lattice":[{"json_1best":"{}"}]}`, "lattice[1].json_1best.st: missing"},
		{"iflytek_ws_wrong", formatIflytek, `{"lattice":[{"json_1best":{"st":{"bg":"0","ed":"10","rl":"1","rt":[{"ws":"x"}]}}}]}`, "lattice[1].json_1best.st.rt[1].ws: expected an array, got string"},
		{"iflytek_w_wrong", formatIflytek, `{"lattice":[{"json_1best":{"st":{"bg":"0","ed":"10","rl":"1","rt":[{"ws":[{"cw":[{"w":1}]}]}]}}}]}`, "lattice[1].json_1best.st.rt[1].ws[1].cw[1].w: expected a string, got number"},
		{"iflytek_no_roles", formatIflytek, `{"lattice":[{"json_1best":{"st":{"bg":"0","ed":"10","rl":"0","rt":[{"ws":[{"cw":[{"w":"喂"}]}]}]}}},{"json_1best":{"st":{"bg":"20","ed":"30","rt":[{"ws":[{"cw":[{"w":"嗯"}]}]}]}}}]}`, "lattice: no sentence has a rl other than 0: role separation was off (submit with roleType=1), or transcribe each channel separately"},
		{"iflytek_bad_bg", formatIflytek, `{"lattice":[{"json_1best":{"st":{"bg":"abc","ed":"10","rl":"1"}}}]}`, `lattice[1].json_1best.st.bg: "abc" is not a number`},
		{"iflytek_failed", formatIflytek, `{"code":"000000","content":{"orderInfo":{"status":-1,"failType":1},"orderResult":""}}`, "content.orderInfo.status: -1 (failType 1): the order has no result"},
		{"iflytek_code", formatIflytek, `{"code":"26600","descInfo":"转写业务通用错误","content":null}`, "code 26600: 转写业务通用错误"},
		{"iflytek_v1_pending", formatIflytek, `{"ok":-1,"err_no":26605,"failed":"任务正在处理中","data":null}`, "data: is null (err_no 26605: 任务正在处理中)"},
		{"iflytek_v1_not_json", formatIflytek, `{"ok":0,"err_no":0,"data":"[{"}`, "data: truncated JSON (unexpected end of input)"},
		{"iflytek_v1_no_speaker", formatIflytek, `{"ok":0,"data":"[{\"bg\":\"0\",\"ed\":\"9\",\"onebest\":\"喂\",\"speaker\":\"0\"}]"}`, "data: no sentence has a speaker other than 0"},
		{"iflytek_v1_empty", formatIflytek, `[]`, "document: no sentences"},

		// FunASR.
		{"funasr_empty", formatFunASR, `[]`, "document: no results"},
		{"funasr_two", formatFunASR, `[{"key":"a","sentence_info":[]},{"key":"b","sentence_info":[]}]`, `document: 2 results (keys "a", "b"); put one call in each file`},
		{"funasr_no_sentence_info", formatFunASR, `[{"key":"a","text":"你好","timestamp":[[0,1]]}]`, "[1].sentence_info: missing (FunASR writes sentences when VAD and punctuation models are loaded, and speakers with spk_model)"},
		{"funasr_no_spk", formatFunASR, `[{"key":"a","sentence_info":[{"text":"你好","start":0,"end":10}]}]`, `[1].sentence_info[1].spk: missing (FunASR adds spk only when a speaker model is loaded, e.g. spk_model="cam++")`},
		{"funasr_text_array", formatFunASR, `[{"sentence_info":[{"text":["a"],"start":0,"end":10,"spk":0}]}]`, "[1].sentence_info[1].text: expected a string, got array"},
		{"funasr_start_bool", formatFunASR, `[{"sentence_info":[{"text":"a","start":true,"end":10,"spk":0}]}]`, "[1].sentence_info[1].start: expected a number, got boolean"},
		{"funasr_elem_null", formatFunASR, `[null]`, "[1]: is null"},

		// Whisper.
		{"whisper_plain", formatWhisper, `{"text":"您好","segments":[{"id":0,"seek":0,"start":0.66,"end":7.92,"text":"您好，这里是XX公司。","avg_logprob":-0.21}],"language":"zh"}`, "segments carry no speaker; diarize first (whisperX) or transcribe each channel separately"},
		{"whisperx_gap", formatWhisper, `{"segments":[{"start":0,"end":1,"text":"a","speaker":"SPEAKER_00"},{"start":1,"end":2,"text":"b","words":[{"word":"b","start":1,"end":2}]}]}`, "segments[2]: no speaker (whisperX found no speaker turn overlapping it)"},
		{"whisper_segments_null", formatWhisper, `{"segments":null}`, "segments: is null"},
		{"whisper_no_segments", formatWhisper, `{"segments":[],"text":""}`, "segments: no segments"},
		{"whisper_start_string", formatWhisper, `{"segments":[{"start":"soon","end":1,"text":"a","speaker":"S"}]}`, `segments[1].start: "soon" is not a number`},

		// Transcribe.
		{"transcribe_no_labels", formatTranscribe, `{"results":{"transcripts":[{"transcript":"hi"}],"items":[]}}`, "results: no speaker_labels or channel_labels; start the job with ShowSpeakerLabels or ChannelIdentification"},
		{"transcribe_in_progress", formatTranscribe, `{"jobName":"j","status":"IN_PROGRESS"}`, "results: missing (status is IN_PROGRESS)"},
		{"transcribe_uncovered", formatTranscribe, `{"results":{"speaker_labels":{"segments":[{"start_time":"0.0","end_time":"1.0","speaker_label":"spk_0"}]},"items":[{"start_time":"2.0","end_time":"2.5","type":"pronunciation","alternatives":[{"content":"hi"}]}]}}`, "results.items[1]: no speaker_labels segment covers 2.000s"},
		{"transcribe_no_start", formatTranscribe, `{"results":{"speaker_labels":{"segments":[]},"items":[{"type":"pronunciation","speaker_label":"spk_0","alternatives":[{"content":"hi"}]}]}}`, "results.items[1].start_time: missing on a pronunciation item"},
		{"transcribe_no_alternatives", formatTranscribe, `{"results":{"speaker_labels":{"segments":[]},"items":[{"type":"pronunciation","start_time":"1","alternatives":[]}]}}`, "results.items[1].alternatives: empty"},
		{"transcribe_channels_null", formatTranscribe, `{"results":{"channel_labels":{"channels":null}}}`, "results.channel_labels.channels: is null"},
		{"transcribe_no_channel_label", formatTranscribe, `{"results":{"channel_labels":{"channels":[{"items":[]}]}}}`, "results.channel_labels.channels[1].channel_label: missing"},
		{"transcribe_no_items", formatTranscribe, `{"results":{"speaker_labels":{"segments":[]},"items":[]}}`, "results.items: no items"},
		{"transcribe_span_backwards", formatTranscribe, `{"results":{"speaker_labels":{"segments":[{"start_time":"3","end_time":"1","speaker_label":"spk_0"}]},"items":[]}}`, "results.speaker_labels.segments[1]: ends at 1.000s, before it starts at 3.000s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := vendorFormat(t, tt.format).Read("x.json", []byte(tt.in), &corpus.ReadOptions{})
			require.Error(t, err)
			assert.Nil(t, tr)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), "got %q\nwant %q", err.Error(), tt.want)

			// Through the reading path the file and the format come first;
			// a blank file is refused before any format reads it.
			want := "calls/x.json: " + tt.format + ": " + err.Error()
			if strings.TrimSpace(tt.in) == "" {
				want = "calls/x.json: empty file"
			}
			_, perr := parseJSON(t, tt.in, tt.format)
			require.Error(t, perr)
			assert.Equal(t, want, perr.Error())
		})
	}
}

// TestASRVendorMerge checks that BuildCall joins an agent turn split by the
// recognizer, and keeps it apart with merging off.
func TestASRVendorMerge(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "asr", "call.funasr.json")
	roles := map[string]corpus.Role{"0": corpus.RoleAgent, "1": corpus.RoleCustomer}
	merged := readVendorOne(t, path, corpus.ReadOptions{Build: corpus.BuildOptions{Roles: roles}})
	apart := readVendorOne(t, path, corpus.ReadOptions{Build: corpus.BuildOptions{Roles: roles, MergeGap: -1}})
	assert.Len(t, merged.Turns, 9)
	assert.Len(t, apart.Turns, 11)
	assert.Equal(t, "我是嘉禾消费金融的小赵，", apart.Turns[2].Text)
	assert.Equal(t, "我是嘉禾消费金融的小赵，你那笔借款逾期两个月了，今天必须还上。", merged.Turns[2].Text)
	assert.InDelta(t, 4.5, *merged.Turns[2].Start, 1e-9)
	assert.InDelta(t, 10.92, *merged.Turns[2].End, 1e-9)
}

// TestASRVendorRoleWords: the SCA and 通义点金 shapes name roles, so their
// calls need no --roles mapping.
func TestASRVendorRoleWords(t *testing.T) {
	tests := []struct{ name, in string }{
		{"sca", `{"tickets":[{"dialogue":[{"role":"客服","words":"您好，请问是刘洋吗？","begin":620,"end":2180},{"role":"客户","words":"是我。","begin":2740,"end":3960}]}]}`},
		{"dianjin", `{"conversationList":{"dialogueList":[{"role":"1","content":"您好，请问是刘洋吗？","begin":620,"end":2180},{"role":"0","content":"是我。","begin":2740,"end":3960}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseJSON(t, tt.in, "")
			require.NoError(t, err)
			assert.Equal(t, []vendorTurn{{corpus.RoleAgent, "您好，请问是刘洋吗？"}, {corpus.RoleCustomer, "是我。"}}, vendorTurns(c))
			assert.False(t, c.NeedsRoles())
		})
	}
}

// TestLayoutOrder pins what the layout table's helper keeps from the
// vendors' own loops: which fault of an entry is reported first, that an
// entry without text needs no speaker while an optional speaker field is
// still checked, and the speaker values a vendor defines.
func TestLayoutOrder(t *testing.T) {
	tests := []struct {
		name, format, in string
		want             string // the error, or the speakers of the segments
	}{
		{"text_before_times", formatAliyun, `{"Result":{"Sentences":[{"Text":7,"BeginTime":"x","ChannelId":0}]}}`, "Result.Sentences[1].Text: expected a string, got number"},
		{"times_before_speaker", formatFunASR, `{"sentence_info":[{"text":"a","start":"x"}]}`, `sentence_info[1].start: "x" is not a number`},
		{"no_text_needs_no_speaker", formatAliyun, `{"Result":{"Sentences":[{"Text":"","BeginTime":0},{"Text":"a","ChannelId":0}]}}`, "0"},
		{"optional_speaker_checked_without_text", formatIflytek, `[{"bg":"0","ed":"1","onebest":"","speaker":true},{"bg":"1","ed":"2","onebest":"a","speaker":"1"}]`, "[1].speaker: expected a string or a number, got boolean"},
		{"whisper_speaker_checked_without_text", formatWhisper, `{"segments":[{"start":0,"end":1,"text":"","speaker":[]}]}`, "segments[1].speaker: expected a string or a number, got array"},
		{"iflytek_words_after_times", formatIflytek, `{"lattice":[{"json_1best":{"st":{"bg":"x","ed":"1","rl":"1","rt":5}}}]}`, `lattice[1].json_1best.st.bg: "x" is not a number`},
		{"iflytek_words_checked", formatIflytek, `{"lattice":[{"json_1best":{"st":{"bg":"0","ed":"1","rl":"1","rt":5}}}]}`, "lattice[1].json_1best.st.rt: expected an array, got number"},
		{"iflytek_no_role_is_0", formatIflytek, `[{"bg":"0","ed":"1","onebest":"a"},{"bg":"1","ed":"2","onebest":"b","speaker":"2"}]`, "0 2"},
		{"required_speaker_hint", formatTencent, `{"Data":{"ResultDetail":[{"FinalSentence":"a","SpeakerId":null}]}}`, "Data.ResultDetail[1].SpeakerId: is null (start the task with SpeakerDiarization=1 or ChannelNum=2)"},
		{"vendor_role_values", formatAliyun, `{"dialogueList":[{"role":"1","content":"您好"},{"role":"0","content":"喂"},{"role":"2","content":"嗯"}]}`, "坐席 客户 2"},
		{"sca_spellings", formatAliyun, `{"dialogue":[{"Role":"客服","Words":"您好","Begin":0}]}`, "客服"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := vendorFormat(t, tt.format).Read("x.json", []byte(tt.in), &corpus.ReadOptions{})
			if err != nil {
				assert.Nil(t, tr)
				assert.Equal(t, tt.want, err.Error())
				return
			}
			var speakers []string
			for _, s := range tr.Segments {
				speakers = append(speakers, s.Speaker)
			}
			assert.Equal(t, tt.want, strings.Join(speakers, " "))
		})
	}
}
