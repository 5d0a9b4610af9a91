package asr

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/corpus/internal/textread"
)

// Whisper, faster-whisper and whisperX.

func sniffWhisper(top map[string]json.RawMessage, _ []byte) bool {
	seg, ok := top["segments"]
	if !ok || !isRawArray(seg) {
		return false
	}
	if e := firstElem(seg); e != nil {
		return hasAll(e, "start", "end", "text")
	}
	return hasKey(top, "text", "language", "word_segments")
}

func readWhisper(_ string, data []byte, _ *corpus.ReadOptions) (*corpus.Transcript, error) {
	root, err := parseJSONDoc("", data)
	if err != nil {
		return nil, err
	}
	if err := root.object(); err != nil {
		return nil, err
	}
	list := root.get("segments")
	if !list.present {
		return nil, errors.New("not a Whisper result: no segments")
	}
	return whisperSegments.read(list)
}

// whisperSpeaker finds the speaker of a segment that names none. whisperX
// leaves it out when no diarized turn overlaps the segment; its words may
// still have one. Plain Whisper names no speaker anywhere: an error for
// the whole file rather than a guess.
func whisperSpeaker(list, seg jnode) (string, error) {
	if sp := wordsSpeaker(seg); sp != "" {
		return sp, nil
	}
	segs, _ := list.array()
	for _, s := range segs {
		if sp, _ := s.get("speaker").id(); sp != "" || wordsSpeaker(s) != "" {
			return "", fmt.Errorf("%s: no speaker (whisperX found no speaker turn overlapping it)", seg.path)
		}
	}
	return "", errors.New("segments carry no speaker; diarize first (whisperX) or transcribe each channel separately")
}

// wordsSpeaker returns the speaker most of a whisperX segment's words carry
// (the first in order on a tie), or "".
func wordsSpeaker(seg jnode) string {
	words, _ := seg.get("words").v.([]any)
	count := map[string]int{}
	best := ""
	for _, w := range words {
		m, _ := w.(map[string]any)
		sp, _ := m["speaker"].(string)
		if sp = textread.TrimLine(sp); sp == "" {
			continue
		}
		count[sp]++
		if best == "" || count[sp] > count[best] {
			best = sp
		}
	}
	return best
}
