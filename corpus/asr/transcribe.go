package asr

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus"
)

// Amazon Transcribe.

func sniffTranscribe(top map[string]json.RawMessage, _ []byte) bool {
	return hasKey(rawObject(top["results"]), "items", "transcripts", "speaker_labels", "channel_labels", "audio_segments")
}

// awsWord is one pronunciation item, with the punctuation that follows it.
type awsWord struct {
	start, end *float64
	text       string
	speaker    string
	span       int  // the speaker_labels segment it falls in, or -1
	final      bool // it ends a sentence
	conf       *float64
}

// awsSpan is one speaker_labels segment.
type awsSpan struct {
	start, end float64
	speaker    string
}

// awsSlack absorbs rounding in Transcribe's two-decimal times.
const awsSlack = 0.0005

func readTranscribe(_ string, data []byte, _ *corpus.ReadOptions) (*corpus.Transcript, error) {
	root, err := parseJSONDoc("", data)
	if err != nil {
		return nil, err
	}
	if err := root.object(); err != nil {
		return nil, err
	}
	res := root.get("results")
	if res.v == nil {
		if st, _ := root.get("status").str(); st != "" && st != "COMPLETED" {
			return nil, fmt.Errorf("%v (status is %s)", res.absent(), st)
		}
		if !res.present {
			return nil, errors.New("not an Amazon Transcribe result: no results")
		}
		return nil, res.absent()
	}
	if err := res.object(); err != nil {
		return nil, err
	}
	var words []awsWord
	var list jnode
	switch {
	case res.get("channel_labels").v != nil:
		// Channel identification: each channel's items on their own; the
		// words of both are put in time order below.
		list = res.get("channel_labels").get("channels")
		chans, err := list.objects()
		if err != nil {
			return nil, err
		}
		for _, ch := range chans {
			label, err := ch.get("channel_label").speaker()
			if err != nil {
				return nil, err
			}
			items, err := ch.get("items").objects()
			if err != nil {
				return nil, err
			}
			words, err = appendAWSItems(words, items, func(it jnode, _ float64) (string, int, error) {
				own, err := it.get("channel_label").id()
				if own == "" {
					own = label
				}
				return own, -1, err
			})
			if err != nil {
				return nil, err
			}
		}
		sort.SliceStable(words, func(i, j int) bool { return *words[i].start < *words[j].start })
	case res.get("speaker_labels").v != nil:
		sl := res.get("speaker_labels")
		if err := sl.object(); err != nil {
			return nil, err
		}
		spanNodes, err := sl.get("segments").objects()
		if err != nil {
			return nil, err
		}
		spans := make([]awsSpan, 0, len(spanNodes))
		for _, s := range spanNodes {
			start, err := s.get("start_time").seconds(unitSeconds)
			if err != nil {
				return nil, err
			}
			end, err := s.get("end_time").seconds(unitSeconds)
			if err != nil {
				return nil, err
			}
			sp, err := s.get("speaker_label").speaker()
			if err != nil {
				return nil, err
			}
			if start == nil || end == nil {
				return nil, fmt.Errorf("%s: no start_time or end_time", s.path)
			}
			if *end < *start {
				return nil, fmt.Errorf("%s: ends at %.3fs, before it starts at %.3fs", s.path, *end, *start)
			}
			spans = append(spans, awsSpan{start: *start, end: *end, speaker: sp})
		}
		sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
		list = res.get("items")
		items, err := list.objects()
		if err != nil {
			return nil, err
		}
		words, err = appendAWSItems(words, items, func(it jnode, t float64) (string, int, error) {
			span := coveringSpan(spans, t)
			own, err := it.get("speaker_label").id()
			if err != nil || own != "" {
				return own, span, err
			}
			if span < 0 {
				return "", 0, fmt.Errorf("%s: no speaker_labels segment covers %.3fs", it.path, t)
			}
			return spans[span].speaker, span, nil
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, errors.New("results: no speaker_labels or channel_labels; start the job with ShowSpeakerLabels or ChannelIdentification")
	}
	// A segment is a run of one speaker's words, ended by a sentence mark
	// or a speaker_labels segment boundary.
	// A segment's confidence is the mean of its words' (confSum, confN).
	var segs []corpus.Segment
	var confSum []float64
	var confN []int
	for i, w := range words {
		n := len(segs)
		if n == 0 || segs[n-1].Speaker != w.speaker || w.span != words[i-1].span || words[i-1].final {
			segs = append(segs, corpus.Segment{Speaker: w.speaker, Start: w.start, End: w.end, Text: w.text})
			confSum, confN = append(confSum, 0), append(confN, 0)
			n++
		} else {
			s := &segs[n-1]
			s.Text = joinWords(s.Text, w.text)
			if w.end != nil && (s.End == nil || *w.end > *s.End) {
				s.End = w.end
			}
		}
		if w.conf != nil {
			confSum[n-1] += *w.conf
			confN[n-1]++
		}
	}
	for i := range segs {
		segs[i].Confidence = meanOf(confSum[i], confN[i])
	}
	kept := segs[:0]
	for _, s := range segs {
		if s.Text = oneLine(s.Text); s.Text != "" {
			kept = append(kept, s)
		}
	}
	return transcriptOf(list, "items", len(words), kept)
}

// coveringSpan returns the index of the speaker_labels segment that holds
// time t, or -1.
func coveringSpan(spans []awsSpan, t float64) int {
	i := sort.Search(len(spans), func(i int) bool { return spans[i].start > t+awsSlack }) - 1
	// Segments do not overlap in practice; look back a little in case.
	for j := i; j >= 0 && j > i-4; j-- {
		if t <= spans[j].end+awsSlack {
			return j
		}
	}
	return -1
}

// appendAWSItems adds the pronunciation items to words, each with the
// punctuation items after it; speaker resolves an item's speaker and
// speaker_labels segment from the item and its start time.
func appendAWSItems(words []awsWord, items []jnode, speaker func(it jnode, start float64) (string, int, error)) ([]awsWord, error) {
	first := len(words)
	for _, it := range items {
		typ, err := it.get("type").str()
		if err != nil {
			return nil, err
		}
		alts, err := it.get("alternatives").objects()
		if err != nil {
			return nil, err
		}
		if len(alts) == 0 {
			return nil, fmt.Errorf("%s.alternatives: empty", it.path)
		}
		content, err := alts[0].get("content").str()
		if err != nil {
			return nil, err
		}
		if typ == "punctuation" {
			if n := len(words); n > first {
				words[n-1].text += content
				if r, _ := utf8.DecodeLastRuneInString(content); strings.ContainsRune(".?!。？！", r) {
					words[n-1].final = true
				}
			}
			continue
		}
		start, err := it.get("start_time").seconds(unitSeconds)
		if err != nil {
			return nil, err
		}
		end, err := it.get("end_time").seconds(unitSeconds)
		if err != nil {
			return nil, err
		}
		if start == nil {
			return nil, fmt.Errorf("%s.start_time: missing on a %s item", it.path, cmp.Or(typ, "pronunciation"))
		}
		if end != nil && *end < *start {
			return nil, fmt.Errorf("%s: ends at %.3fs, before it starts at %.3fs", it.path, *end, *start)
		}
		sp, span, err := speaker(it, *start)
		if err != nil {
			return nil, err
		}
		if sp == "" {
			return nil, fmt.Errorf("%s: no speaker", it.path)
		}
		conf, err := alts[0].get("confidence").confidence()
		if err != nil {
			return nil, err
		}
		words = append(words, awsWord{start: start, end: end, text: content, speaker: sp, span: span, conf: conf})
	}
	return words, nil
}
