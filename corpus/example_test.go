package corpus_test

import (
	"fmt"

	"github.com/callqa/callqa/corpus"
)

func ExampleReadText() {
	call, err := corpus.ReadText("calls/D0007.txt", `# call_id: D0007
# roles: 孙经理=agent
[00:00:01] 坐席: 您好，请问是周海涛先生吗？
[00:00:03] 客户：对，是我。
孙经理：我是青禾消费金融的孙经理，
关于您的账单我再说明一下。
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(call.ID)
	for _, t := range call.Turns {
		fmt.Printf("%d %s (%s, line %d): %s\n", t.N, t.Role, t.Label, t.Line, t.Text)
	}
	// Output:
	// D0007
	// 1 agent (坐席, line 3): 您好，请问是周海涛先生吗？
	// 2 customer (客户, line 4): 对，是我。
	// 3 agent (孙经理, line 5): 我是青禾消费金融的孙经理，关于您的账单我再说明一下。
}

func ExampleReadText_unknownRole() {
	_, err := corpus.ReadText("calls/D0042.txt", "坐席：您好\n孙经理：我来说\n")
	fmt.Println(err)
	// Output:
	// calls/D0042.txt:2: unknown role "孙经理"; map it in the header: # roles: 孙经理=agent
}

func ExampleDecode() {
	// 坐席：您好 in GBK, as Windows tools in China often save it.
	text, enc, err := corpus.Decode([]byte("\xd7\xf8\xcf\xaf\xa3\xba\xc4\xfa\xba\xc3"))
	fmt.Println(text, enc, err)
	_, _, err = corpus.Decode([]byte("坐席：\xff"))
	fmt.Println(err)
	// Output:
	// 坐席：您好 gb18030 <nil>
	// not UTF-8 or GB18030 text (invalid byte 0xff at offset 9)
}

func ExampleReadJSONL() {
	calls, errs := corpus.ReadJSONL("calls/batch.jsonl", []byte(
		`{"call_id": "J1", "turns": [{"speaker": "agent", "text": "您好"}]}
{"call_id": "J2", "turns": [{"speaker": "agent", "text": 42}]}
{"turns": [{"speaker": "customer", "text": "喂？"}]}
`))
	for _, c := range calls {
		fmt.Println(c.ID, c.Source, len(c.Turns))
	}
	for _, err := range errs {
		fmt.Println(err)
	}
	// Output:
	// J1 calls/batch.jsonl#1 1
	// batch-3 calls/batch.jsonl#3 1
	// calls/batch.jsonl:2: turns[1].text: expected a string, got number
}
