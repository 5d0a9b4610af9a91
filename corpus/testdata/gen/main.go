// Command gen writes the reader fixtures in corpus/testdata/calls and
// corpus/testdata/bad, so that the GB18030, Big5 and UTF-16 bytes are real
// encoder output. Run it from the module root:
//
//	go run ./corpus/testdata/gen
//
// Every name in these transcripts is made up.
package main

import (
	"log"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

func main() {
	dir := filepath.Join("corpus", "testdata")
	write := func(name string, b []byte) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	enc := func(e encoding.Encoding, s string) []byte {
		b, err := e.NewEncoder().Bytes([]byte(s))
		if err != nil {
			log.Fatal(err)
		}
		return b
	}
	for name, b := range map[string][]byte{
		"calls/utf8.txt": []byte(`# call_id: T001
# agent: 林晓雯
# team: M1-B
# started_at: 2026-03-02T09:15:00+08:00
# kind: first_call
# party: debtor
# channel: outbound
# 这是一条注释
[00:00:01] 坐席：您好，请问是周海涛先生吗？
[00:00:04] 客户: 是我，什么事？
[00:00:06.500] 坐席：我是青禾消费金融的林晓雯，您本期的账单还没有还款，
麻烦您今天处理一下。
客户：好的，我下午就还。
`),
		"calls/bom.txt": append([]byte("\xef\xbb\xbf"), "# call_id: T002\n坐席: 您好，这里是青禾消费金融。\n客户: 你好。\n"...),
		"calls/utf16le.txt": enc(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM),
			"# call_id: T003\r\n# roles: 孙经理=agent, 钱总=customer\r\n孙经理：钱总您好，关于贵公司的欠款我们再沟通一下。\r\n钱总：下周一安排付款。\r\n"),
		"calls/utf16be.txt": enc(unicode.UTF16(unicode.BigEndian, unicode.UseBOM),
			"# call_id: T004\nagent: 您好，请问是赵一鸣吗？\ncustomer: 我是。\n"),
		"calls/gb18030.txt": enc(simplifiedchinese.GBK,
			"# call_id: T005\n# agent: 吴小满\n【00:01】催收员：您好，请问是郑雨桐女士吗？\n【00:03】借款人：对，是我。\n【00:05】催收员：您的欠款已经逾期五天了。\n"),
		"calls/big5.txt": enc(traditionalchinese.Big5,
			"# call_id: T009\n# agent: 陳志明\n坐席：您好，請問是黃美玲小姐嗎？我是青禾消費金融的陳志明。\n客戶：對，是我，什麼事？\n坐席：您本期的帳單已經逾期三天了，麻煩您今天處理一下。\n"),
		"calls/crlf.txt": []byte(strings.ReplaceAll(
			"# call_id: T006\n[01:02:03] 客服小刘：您好，我是青禾的小刘。\n[01:02:05] 家属：他不在，我是他姐姐。\n[01:02:07] 客服小刘：好的，麻烦转告他回电。\n", "\n", "\r\n")),
		"calls/call.json": []byte(`{
  "call_id": "T007",
  "agent": "冯晓东",
  "started_at": "2026-03-05T10:00:03+08:00",
  "party": "third_party",
  "roles": {"冯经理": "agent"},
  "turns": [
    {"speaker": "冯经理", "text": "您好，请问是何俊杰的同事吗？", "start": 1.2, "end": 3.4},
    {"role": "third_party", "text": "是的，他今天请假了。", "start": 4.0},
    {"speaker": "agent", "text": "好的，麻烦您转告他给我们回个电话。"}
  ]
}
`),
		"calls/calls.jsonl": []byte(`{"call_id": "T008", "turns": [{"speaker": "agent", "text": "您好，请问是韩雪吗？"}, {"speaker": "customer", "text": "是我。"}]}

{"turns": [{"speaker": "agent", "text": "您好，我是青禾的客服。"}, {"speaker": "customer", "text": "嗯。"}, {"speaker": "agent", "text": "您本期还没有还款。"}]}
`),

		"bad/empty.txt":   nil,
		"bad/binary.txt":  []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"),
		"bad/invalid.txt": []byte("# call_id: X001\n坐席: 您好\xff\xfe\n"),
		"bad/truncated.json": []byte(`{"call_id": "X002",
 "turns": [
  {"speaker": "agent", "text": "您好"},
  {"speaker": "customer", "text": "你`),
		"bad/wrong_type.json": []byte(`{"call_id": "X003",
 "turns": [
  {"speaker": "agent", "text": "您好"},
  {"speaker": "customer", "text": 42}
 ]}
`),
		"bad/unknown_role.txt": []byte("# call_id: X004\n坐席：您好，我是青禾的小周。\n孙经理：这件事我来说。\n"),
		"bad/partial.jsonl": []byte(`{"call_id": "X005", "turns": [{"speaker": "agent", "text": "您好"}]}
{"call_id": "X006", "turns": [{"speaker": "boss", "text": "您好"}]}
{"call_id": "X007", "turns": [{"speaker": "customer", "text": "喂？"}]}
`),
	} {
		write(name, b)
	}
}
