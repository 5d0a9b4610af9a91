package asr

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/callqa/callqa/corpus"
)

// Alibaba Cloud: 录音文件识别 (file transcription), 智能对话分析 (SCA) and
// 通义点金.

func sniffAliyun(top map[string]json.RawMessage, raw []byte) bool {
	if top == nil {
		return scaSentence(firstElem(raw))
	}
	if r, ok := top["Result"]; ok {
		if m := rawObject(r); m != nil {
			return hasKey(m, "Sentences")
		}
		if s, ok := rawString(r); ok {
			return strings.Contains(s, `"Sentences"`)
		}
	}
	switch {
	case hasAll(top, "TaskId", "StatusText"):
		return true
	case hasAll(firstElem(top["Sentences"]), "BeginTime", "Text"):
		return true
	case hasKey(firstElem(top["tickets"]), "dialogue"):
		return true
	case scaSentence(firstElem(top["dialogue"])):
		return true
	case hasAll(firstElem(top["dialogueList"]), "role", "content"):
		return true
	case hasKey(rawObject(top["data"]), "conversationList"):
		return true
	}
	if c, ok := top["conversationList"]; ok {
		if isRawArray(c) {
			return hasKey(firstElem(c), "dialogueList")
		}
		return hasKey(rawObject(c), "dialogueList")
	}
	return false
}

func scaSentence(m map[string]json.RawMessage) bool {
	return hasAll(m, "role", "words") || hasAll(m, "Role", "Words")
}

func readAliyun(_ string, data []byte, _ *corpus.ReadOptions) (*corpus.Transcript, error) {
	root, err := parseJSONDoc("", data)
	if err != nil {
		return nil, err
	}
	switch {
	case root.isArray():
		return readSCA(root)
	case root.get("Result").present || root.has("Sentences") || root.has("StatusText"):
		return readAliyunFiletrans(root)
	case root.has("tickets"):
		tickets, err := root.get("tickets").objects()
		if err != nil {
			return nil, err
		}
		if len(tickets) != 1 {
			return nil, fmt.Errorf("tickets: %d tickets; put one call in each file", len(tickets))
		}
		return readSCA(tickets[0].get("dialogue"))
	case root.has("dialogue"):
		return readSCA(root.get("dialogue"))
	case root.has("conversationList") || root.has("dialogueList") || root.has("data"):
		return readDianjin(root)
	}
	return nil, errors.New("not an Alibaba Cloud result: no Result.Sentences (file transcription), dialogue (智能对话分析) or dialogueList (通义点金)")
}

// readAliyunFiletrans reads a GetTaskResult response of 录音文件识别.
func readAliyunFiletrans(root jnode) (*corpus.Transcript, error) {
	res := root
	if !root.has("Sentences") {
		res = root.get("Result")
		if res.v == nil {
			if st, _ := root.get("StatusText").str(); st != "" && st != "SUCCESS" {
				return nil, fmt.Errorf("%v (StatusText is %q: the task has no result)", res.absent(), st)
			}
			return nil, res.absent()
		}
		if s, ok := res.v.(string); ok && !strings.HasPrefix(strings.TrimSpace(s), "{") {
			return nil, res.typeErr("an object with Sentences")
		}
		var err error
		if res, err = res.nested(); err != nil {
			return nil, err
		}
	}
	list := res.get("Sentences")
	sents, err := list.objects()
	if err != nil {
		return nil, err
	}
	// Two tracks: ChannelId tells the parties apart. One track with
	// diarization (智能分轨): ChannelId is 0 throughout and SpeakerId does.
	channels := map[string]bool{}
	withSpeaker := false
	for _, s := range sents {
		if c, _ := s.get("ChannelId").id(); c != "" {
			channels[c] = true
		}
		if sp, _ := s.get("SpeakerId").id(); sp != "" {
			withSpeaker = true
		}
	}
	l := aliyunSentences
	if len(channels) <= 1 && withSpeaker {
		l.speaker = field{"SpeakerId"}
	}
	return l.readItems(list, sents)
}

// readSCA reads the dialogue of 智能对话分析: {role, words, begin, end}, in
// lower case as uploaded or capitalized as the API returns it.
func readSCA(list jnode) (*corpus.Transcript, error) {
	items, err := list.objects()
	if err != nil {
		return nil, err
	}
	if len(items) > 0 && !items[0].get("words").present && !items[0].get("Words").present {
		return nil, fmt.Errorf("%s: not SCA dialogue sentences {role, words, begin, end}; not an Alibaba Cloud result", list.name())
	}
	return scaSentences.readItems(list, items)
}

// dianjinRoles are the role values 通义点金 defines.
var dianjinRoles = map[string]string{"0": "客户", "1": "坐席"}

// readDianjin reads the dialogueList of 通义点金 quality checks.
func readDianjin(root jnode) (*corpus.Transcript, error) {
	var list jnode
	switch {
	case root.has("dialogueList"):
		list = root.get("dialogueList")
	default:
		conv := root.get("conversationList")
		if !conv.present && root.has("data") {
			conv = root.get("data").get("conversationList")
		}
		if conv.isArray() {
			convs, err := conv.objects()
			if err != nil {
				return nil, err
			}
			if len(convs) != 1 {
				return nil, fmt.Errorf("%s: %d conversations; put one call in each file", conv.name(), len(convs))
			}
			conv = convs[0]
		} else if err := conv.object(); err != nil {
			return nil, err
		}
		list = conv.get("dialogueList")
	}
	return dianjinSentences.read(list)
}
