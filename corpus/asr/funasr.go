package asr

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/callqa/callqa/corpus"
)

// FunASR / Paraformer.

func sniffFunASR(top map[string]json.RawMessage, raw []byte) bool {
	if top == nil {
		e := firstElem(raw)
		return hasKey(e, "sentence_info") || hasAll(e, "key", "text", "timestamp")
	}
	return hasKey(top, "sentence_info")
}

func readFunASR(_ string, data []byte, _ *corpus.ReadOptions) (*corpus.Transcript, error) {
	root, err := parseJSONDoc("", data)
	if err != nil {
		return nil, err
	}
	res := root
	if root.isArray() {
		results, err := root.objects()
		if err != nil {
			return nil, err
		}
		switch len(results) {
		case 0:
			return nil, errors.New("document: no results")
		case 1:
		default:
			var keys []string
			for _, r := range results {
				k, _ := r.get("key").id()
				keys = append(keys, strconv.Quote(k))
			}
			return nil, fmt.Errorf("document: %d results (keys %s); put one call in each file", len(results), strings.Join(keys, ", "))
		}
		res = results[0]
	}
	if err := res.object(); err != nil {
		return nil, err
	}
	list := res.get("sentence_info")
	if list.v == nil {
		if !res.get("text").present {
			return nil, errors.New("not a FunASR result: no sentence_info")
		}
		return nil, fmt.Errorf("%v (FunASR writes sentences when VAD and punctuation models are loaded, and speakers with spk_model)", list.absent())
	}
	return funasrSentences.read(list)
}
