package asr

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/callqa/callqa/corpus"
)

// iFlytek 录音文件转写, v2 and v1.

func sniffIflytek(top map[string]json.RawMessage, raw []byte) bool {
	if top == nil {
		return hasKey(firstElem(raw), "onebest")
	}
	if c := rawObject(top["content"]); hasKey(c, "orderResult", "orderInfo") {
		return true
	}
	if hasKey(top, "orderResult") || hasKey(firstElem(top["lattice"]), "json_1best") || hasKey(firstElem(top["lattice2"]), "json_1best") {
		return true
	}
	if hasAll(top, "err_no", "failed") {
		return true // the v1 envelope, also when data is still null
	}
	s, ok := rawString(top["data"])
	return ok && strings.Contains(s, "onebest")
}

func readIflytek(_ string, data []byte, _ *corpus.ReadOptions) (*corpus.Transcript, error) {
	root, err := parseJSONDoc("", data)
	if err != nil {
		return nil, err
	}
	switch {
	case root.isArray():
		return readIflytekV1(root)
	case root.get("content").present:
		if code, _ := root.get("code").id(); code != "" && code != "000000" {
			desc, _ := root.get("descInfo").str()
			return nil, fmt.Errorf("code %s: %s", code, desc)
		}
		c := root.get("content")
		if err := c.object(); err != nil {
			return nil, err
		}
		or := c.get("orderResult")
		if or.v == nil || or.v == "" {
			info := c.get("orderInfo")
			if st, _ := info.get("status").id(); st != "" && st != "4" {
				ft, _ := info.get("failType").id()
				return nil, fmt.Errorf("%s: %s (failType %s): the order has no result", info.get("status").path, st, ft)
			}
			if or.v == nil {
				return nil, or.absent()
			}
			return nil, fmt.Errorf("%s: empty", or.path)
		}
		doc, err := or.nested()
		if err != nil {
			return nil, err
		}
		return readIflytekV2(doc)
	case root.get("orderResult").present:
		doc, err := root.get("orderResult").nested()
		if err != nil {
			return nil, err
		}
		return readIflytekV2(doc)
	case root.get("lattice").present || root.get("lattice2").present:
		return readIflytekV2(root)
	case root.get("data").present || root.get("err_no").present:
		d := root.get("data")
		if d.v == nil {
			failed, _ := root.get("failed").str()
			errNo, _ := root.get("err_no").id()
			return nil, fmt.Errorf("%v (err_no %s: %s)", d.absent(), errNo, failed)
		}
		doc, err := d.nested()
		if err != nil {
			return nil, err
		}
		return readIflytekV1(doc)
	}
	return nil, errors.New("not an iFlytek result: no content.orderResult (v2) or data (v1)")
}

// readIflytekV2 reads a decoded orderResult.
func readIflytekV2(doc jnode) (*corpus.Transcript, error) {
	if err := doc.object(); err != nil {
		return nil, err
	}
	list := doc.get("lattice")
	if a, _ := list.v.([]any); len(a) == 0 && doc.get("lattice2").present {
		list = doc.get("lattice2") // the unsmoothed result
	}
	return readIflytekList(&iflytekV2Sentences, list)
}

// iflytekEntry finds the sentence of a lattice entry: json_1best (JSON in a
// string, or an object) holds it in st.
func iflytekEntry(it jnode) (jnode, error) {
	best, err := it.get("json_1best").nested()
	if err != nil {
		return jnode{}, err
	}
	st := best.get("st")
	return st, st.object()
}

// iflytekWords joins the best candidate of every word of a sentence,
// st.rt[].ws[].cw[], leaving out segment marks (wp "g"), and returns the
// mean of the words' confidences (cw[0].wc), nil when none has one.
func iflytekWords(st jnode) (string, *float64, error) {
	rt := st.get("rt")
	if rt.v == nil {
		return "", nil, nil
	}
	rts, err := rt.objects()
	if err != nil {
		return "", nil, err
	}
	text := ""
	var confSum float64
	confN := 0
	for _, r := range rts {
		if r.get("ws").v == nil {
			continue
		}
		ws, err := r.get("ws").objects()
		if err != nil {
			return "", nil, err
		}
		for _, w := range ws {
			if w.get("cw").v == nil {
				continue
			}
			cw, err := w.get("cw").objects()
			if err != nil {
				return "", nil, err
			}
			if len(cw) == 0 {
				continue
			}
			word, err := cw[0].get("w").str()
			if err != nil {
				return "", nil, err
			}
			if wp, _ := cw[0].get("wp").str(); wp == "g" {
				continue
			}
			text = joinWords(text, word)
			// wc is the word's confidence (punctuation has none worth
			// counting).
			if wp, _ := cw[0].get("wp").str(); wp != "p" {
				c, err := cw[0].get("wc").confidence()
				if err != nil {
					return "", nil, err
				}
				if c != nil {
					confSum += *c
					confN++
				}
			}
		}
	}
	return oneLine(text), meanOf(confSum, confN), nil
}

// readIflytekList reads a sentence list of either API, laid out as l
// says, and rejects a result without role separation: iFlytek numbers
// roles from 1 and writes 0 (or nothing) when separation was off.
func readIflytekList(l *layout, list jnode) (*corpus.Transcript, error) {
	t, err := l.read(list)
	if err != nil {
		return nil, err
	}
	for _, s := range t.Segments {
		if s.Speaker != "0" {
			return t, nil
		}
	}
	return nil, fmt.Errorf("%s: no sentence has a %s other than 0: role separation was off (submit with roleType=1), or transcribe each channel separately", list.name(), l.speaker[0])
}

// readIflytekV1 reads the decoded data of the v1 API.
func readIflytekV1(list jnode) (*corpus.Transcript, error) {
	return readIflytekList(&iflytekV1Sentences, list)
}
