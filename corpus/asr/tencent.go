package asr

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/corpus/internal/textread"
)

// Tencent Cloud 录音文件识别.

func sniffTencent(top map[string]json.RawMessage, _ []byte) bool {
	if top == nil {
		return false
	}
	d := top
	if r := rawObject(top["Response"]); r != nil {
		if hasAll(r, "Error", "RequestId") {
			return true
		}
		d = r
	}
	if x := rawObject(d["Data"]); x != nil {
		d = x
	}
	return hasKey(d, "ResultDetail") || hasAll(d, "TaskId", "StatusStr")
}

func readTencent(_ string, data []byte, _ *corpus.ReadOptions) (*corpus.Transcript, error) {
	root, err := parseJSONDoc("", data)
	if err != nil {
		return nil, err
	}
	d := root
	if root.get("Response").present {
		d = root.get("Response")
		if err := d.object(); err != nil {
			return nil, err
		}
		if e := d.get("Error"); e.v != nil {
			code, _ := e.get("Code").id()
			msg, _ := e.get("Message").str()
			return nil, fmt.Errorf("%s: %s: %s", e.path, code, msg)
		}
	}
	if d.get("Data").present {
		d = d.get("Data")
	}
	if err := d.object(); err != nil {
		return nil, err
	}
	_, lines := d.get("Result").v.(string)
	if !d.get("ResultDetail").present && !lines && !d.get("StatusStr").present {
		return nil, errors.New("not a Tencent Cloud ASR result: no Response.Data.ResultDetail or Result")
	}
	status, _ := d.get("Status").id()
	switch status {
	case "0", "1":
		st, _ := d.get("StatusStr").str()
		return nil, fmt.Errorf("%s: %s (%s): the task has not finished", d.get("Status").path, status, st)
	case "3":
		msg, _ := d.get("ErrorMsg").str()
		return nil, fmt.Errorf("%s: 3: the task failed: %s", d.get("Status").path, msg)
	}
	detail := d.get("ResultDetail")
	if detail.v == nil {
		if res := d.get("Result"); res.v != nil {
			return readTencentLines(res)
		}
		return nil, fmt.Errorf("%v (request ResTextFormat 1 or higher for ResultDetail)", detail.absent())
	}
	return tencentSentences.read(detail)
}

// tencentLine is one line of Data.Result: "[0:0.020,0:2.380,0]  text", the
// third number being the speaker when diarization is on.
var tencentLine = regexp.MustCompile(`^\[([0-9:.]+),([0-9:.]+)(?:,([0-9]+))?\]\s*(.*)$`)

func readTencentLines(res jnode) (*corpus.Transcript, error) {
	s, ok := res.v.(string)
	if !ok {
		return nil, res.typeErr("a string")
	}
	var segs []corpus.Segment
	total := 0
	for i, line := range textread.SplitLines(s) {
		line = textread.TrimLine(line)
		if line == "" {
			continue
		}
		total++
		where := fmt.Sprintf("%s line %d", res.path, i+1)
		m := tencentLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s: expected \"[start,end,speaker] text\"", where)
		}
		start, ok1 := textread.ParseClock(m[1])
		end, ok2 := textread.ParseClock(m[2])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s: bad time in %q", where, line[:strings.IndexByte(line, ']')+1])
		}
		if m[3] == "" {
			return nil, fmt.Errorf("%s: no speaker in %q (start the task with SpeakerDiarization=1, or ResTextFormat 1 for ResultDetail)", where, line[:strings.IndexByte(line, ']')+1])
		}
		text := oneLine(m[4])
		if text == "" {
			continue
		}
		seg, err := newSegment(where, m[3], &start, &end, text)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	return transcriptOf(res, "lines", total, segs)
}
