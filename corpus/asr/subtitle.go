package asr

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/corpus/internal/textread"
)

// SubRip (.srt) and WebVTT (.vtt) subtitles, as speech-recognition
// services and subtitle editors write them.
//
// A cue is an optional identifier line (the cue number in SRT), a time line
// "00:00:01,200 --> 00:00:03,400" (WebVTT: "00:01.200 --> 00:03.400", hours
// optional, settings may follow the end time) and text lines up to the next
// blank line. Both readers accept ',' and '.' before the milliseconds.
// WebVTT files must start with the WEBVTT line; its header and NOTE, STYLE
// and REGION blocks are skipped (an SRT file with a WEBVTT header is read
// the same way).
//
// Neither format has a speaker field. The speaker of a line is named by a
// WebVTT voice span "<v Name>" (in either format), or by a prefix "Name:"
// or "Name：" (also "[Name]:" and "[SPEAKER_00] ") at the start of a text
// line. A prefix counts as a speaker when it is a role word of the text
// format (坐席, 客户, agent…), a numbered speaker (SPEAKER_00, Speaker 1,
// spk_0, 说话人1), a key of BuildOptions.Roles, or when the same prefix
// starts at least two lines of the file; otherwise "那我问你：…" would
// invent a speaker. A cue that names no speaker continues the speaker of
// the cue before it; the first cue with text must name one. Other markup
// (<i>, <c.class>, <font>, {\an8}, time tags) is dropped and character
// references are decoded. The lines of a cue are joined like continuation
// lines of the text format. Each segment has the cue's times and the line
// of its time line (a second speaker within one cue: the line where it
// starts).

func init() {
	corpus.RegisterFormat(corpus.Format{Name: "srt", Exts: []string{".srt"}, SniffText: sniffSRT, Read: readSRT})
	corpus.RegisterFormat(corpus.Format{Name: "vtt", Exts: []string{".vtt"}, SniffText: sniffVTT, Read: readVTT})
}

// sniffSRT reports whether text starts with a cue number and a "-->" time
// line.
func sniffSRT(text string) bool {
	lines := firstLines(text, 2)
	return len(lines) == 2 && textread.AllDigits(lines[0]) && strings.Contains(lines[1], "-->")
}

// sniffVTT reports whether text starts with the WebVTT header.
func sniffVTT(text string) bool {
	lines := firstLines(text, 1)
	return len(lines) == 1 && isWebVTTHeader(lines[0])
}

// firstLines returns the first n lines of text that are not blank, trimmed.
func firstLines(text string, n int) []string {
	var lines []string
	for _, l := range textread.SplitLines(strings.TrimPrefix(text, "\ufeff")) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
			if len(lines) == n {
				break
			}
		}
	}
	return lines
}

func readSRT(name string, data []byte, opts *corpus.ReadOptions) (*corpus.Transcript, error) {
	return readSubtitles(name, string(data), false, opts)
}

func readVTT(name string, data []byte, opts *corpus.ReadOptions) (*corpus.Transcript, error) {
	return readSubtitles(name, string(data), true, opts)
}

// cue is one subtitle cue.
type cue struct {
	line       int // the time line
	start, end float64
	text       []cueLine
}

type cueLine struct {
	n int // 1-based line number
	s string
}

func readSubtitles(name, text string, vtt bool, opts *corpus.ReadOptions) (*corpus.Transcript, error) {
	cues, err := parseCues(name, text, vtt)
	if err != nil {
		return nil, err
	}
	var roles map[string]corpus.Role
	if opts != nil {
		roles = opts.Build.Roles
	}
	lf := newLabelFinder(roles)
	for _, c := range cues {
		for _, l := range c.text {
			for _, p := range linePieces(l.n, l.s) {
				lf.see(p)
			}
		}
	}
	t := &corpus.Transcript{}
	speaker := ""
	for _, c := range cues {
		var text textread.Builder
		cur := -1 // the segment of this cue being filled
		flush := func() {
			if cur >= 0 {
				t.Segments[cur].Text = text.String()
			}
		}
		for _, l := range c.text {
			for _, p := range linePieces(l.n, l.s) {
				body, named := p.text, p.hasVoice
				if named {
					speaker = p.voice
				} else if p.lineStart {
					if label, rest, ok := lf.split(body); ok {
						speaker, body, named = label, rest, true
					}
				}
				if cur >= 0 && !named {
					text.Add(body)
					continue
				}
				if !named && body == "" {
					continue // only markup
				}
				if speaker == "" {
					return nil, noSpeaker(name, p.line, lf.found, vtt)
				}
				flush()
				line := c.line
				if cur >= 0 {
					line = p.line
				}
				t.Segments = append(t.Segments, corpus.Segment{Speaker: speaker, Start: cueTime(c.start), End: cueTime(c.end), Line: line})
				cur = len(t.Segments) - 1
				text.Reset()
				text.Add(body)
			}
		}
		flush()
	}
	return t, nil
}

func cueTime(v float64) *float64 { return &v }

func noSpeaker(name string, line int, anyLabel, vtt bool) error {
	want := `a "Name:" prefix`
	if vtt {
		want = `<v Name> or a "Name:" prefix`
	}
	if !anyLabel {
		return parseErr(name, line, "no speaker labels: cues need %s (坐席：…, SPEAKER_00: …)", want)
	}
	return parseErr(name, line, "the first cue names no speaker (start it with %s)", want)
}

// parseCues splits subtitle text into cues.
func parseCues(name, text string, vtt bool) ([]cue, error) {
	lines := textread.SplitLines(text)
	if len(lines) > 0 {
		lines[0] = strings.TrimPrefix(lines[0], "\ufeff")
	}
	first := 0
	for first < len(lines) && textread.TrimLine(lines[first]) == "" {
		first++
	}
	if first == len(lines) {
		return nil, &corpus.ParseError{Path: name, Err: textread.ErrEmpty}
	}
	header := isWebVTTHeader(textread.TrimLine(lines[first]))
	if vtt && !header {
		return nil, parseErr(name, first+1, `missing the WEBVTT header (a WebVTT file starts with the line "WEBVTT")`)
	}
	want := `"00:00:01,200 --> 00:00:03,400"`
	if vtt || header {
		want = `"00:01.200 --> 00:03.400"`
	}
	var cues []cue
	cur := -1      // the cue whose text is being read
	pending := 0   // line of an identifier waiting for its time line
	skip := header // in the header or a NOTE, STYLE or REGION block
	for i := first; i < len(lines); i++ {
		n, raw := i+1, lines[i]
		if !utf8.ValidString(raw) {
			return nil, parseErr(name, n, "invalid UTF-8 (byte 0x%02x); decode the file first", raw[textread.InvalidUTF8([]byte(raw))])
		}
		line := textread.TrimLine(raw)
		switch {
		case line == "":
			if pending > 0 {
				return nil, parseErr(name, pending, "cue without a time line (want e.g. %s)", want)
			}
			cur, skip = -1, false
			continue
		case strings.Contains(line, "-->"):
			// A time line also ends a header that lacks its blank line, and
			// a cue that lacks one.
			start, end, err := parseTiming(line, vtt || header)
			if err != nil {
				return nil, &corpus.ParseError{Path: name, Line: n, Err: err}
			}
			if cur >= 0 && !vtt {
				// An SRT cue number right above: the blank line is missing.
				if t := cues[cur].text; len(t) > 0 && textread.AllDigits(t[len(t)-1].s) {
					cues[cur].text = t[:len(t)-1]
				}
			}
			cues = append(cues, cue{line: n, start: start, end: end})
			cur, pending, skip = len(cues)-1, 0, false
			continue
		case skip:
			continue
		case cur >= 0:
			cues[cur].text = append(cues[cur].text, cueLine{n, line})
			continue
		case (vtt || header) && pending == 0 && isBlockStart(line):
			skip = true
			continue
		case pending > 0:
			return nil, parseErr(name, pending, "cue without a time line (want e.g. %s)", want)
		}
		pending = n // a cue number or identifier
	}
	if pending > 0 {
		return nil, parseErr(name, pending, "cue without a time line (want e.g. %s)", want)
	}
	if len(cues) == 0 {
		return nil, parseErr(name, 0, "no cues (want a time line such as %s)", want)
	}
	return cues, nil
}

func isWebVTTHeader(line string) bool {
	rest, ok := strings.CutPrefix(line, "WEBVTT")
	return ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t')
}

// isBlockStart reports whether a line starts a WebVTT NOTE, STYLE or
// REGION block.
func isBlockStart(line string) bool {
	for _, k := range []string{"NOTE", "STYLE", "REGION"} {
		if rest, ok := strings.CutPrefix(line, k); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			return true
		}
	}
	return false
}

// parseTiming reads "start --> end [settings]".
func parseTiming(line string, vtt bool) (start, end float64, err error) {
	want := "hh:mm:ss,mmm"
	if vtt {
		want = "[hh:]mm:ss.mmm"
	}
	l, r, _ := strings.Cut(line, "-->")
	ls, rf := strings.TrimSpace(l), strings.Fields(r)
	if ls == "" {
		return 0, 0, fmt.Errorf("time line without a start time (want %s --> %s)", want, want)
	}
	if len(rf) == 0 {
		return 0, 0, fmt.Errorf("time line without an end time (want %s --> %s)", want, want)
	}
	var ok bool
	if start, ok = textread.ParseClock(ls); !ok {
		return 0, 0, fmt.Errorf("bad start time %q (want %s)", ls, want)
	}
	if end, ok = textread.ParseClock(rf[0]); !ok {
		return 0, 0, fmt.Errorf("bad end time %q (want %s)", rf[0], want)
	}
	if end < start {
		return 0, 0, fmt.Errorf("cue ends (%s) before it starts (%s)", rf[0], ls)
	}
	return start, end, nil
}

var (
	// voiceTag is a WebVTT voice span start, <v Name> or <v.class Name>.
	voiceTag = regexp.MustCompile(`(?i)<v(?:\.[^\s<>]*)?(?:[ \t]+([^<>]*))?>`)
	// cueMarkup is every other tag a subtitle may hold, WebVTT time tags and
	// SubStation override blocks such as {\an8}.
	cueMarkup = regexp.MustCompile(`(?i)</?(?:v|c|i|b|u|s|ruby|rt|lang|font|span)(?:[.\s][^<>]*)?>|<\d+:[\d:.]*>|\{\\[^{}]*\}`)
)

// cuePiece is the text of a line up to the next voice span.
type cuePiece struct {
	line      int
	voice     string // the speaker a voice span names
	hasVoice  bool
	lineStart bool // the piece starts its line, so a Name: prefix may name its speaker
	text      string
}

// linePieces splits a cue line at its voice spans. The first piece holds
// the text before the first span (perhaps empty); markup is removed.
func linePieces(n int, s string) []cuePiece {
	var locs [][]int
	for _, loc := range voiceTag.FindAllStringSubmatchIndex(s, -1) {
		if loc[2] >= 0 && cleanCueText(s[loc[2]:loc[3]]) != "" {
			locs = append(locs, loc) // <v> without a name is mere markup
		}
	}
	out := make([]cuePiece, 0, len(locs)+1)
	end := len(s)
	if len(locs) > 0 {
		end = locs[0][0]
	}
	out = append(out, cuePiece{line: n, lineStart: true, text: cleanCueText(s[:end])})
	for k, loc := range locs {
		end := len(s)
		if k+1 < len(locs) {
			end = locs[k+1][0]
		}
		out = append(out, cuePiece{line: n, voice: cleanCueText(s[loc[2]:loc[3]]), hasVoice: true, text: cleanCueText(s[loc[1]:end])})
	}
	return out
}

func cleanCueText(s string) string {
	if strings.ContainsAny(s, "<{") {
		s = cueMarkup.ReplaceAllString(s, "")
	}
	if strings.Contains(s, "&") {
		s = html.UnescapeString(s)
	}
	return textread.TrimLine(s)
}

// labelFinder decides which "Name:" prefixes name speakers.
type labelFinder struct {
	counts map[string]int // weak prefixes: how many lines they start
	roles  map[string]corpus.Role
	found  bool // some line names a speaker
}

func newLabelFinder(roles map[string]corpus.Role) *labelFinder {
	return &labelFinder{counts: map[string]int{}, roles: roles}
}

// see notes the speaker a piece names, in a first pass over the file.
func (lf *labelFinder) see(p cuePiece) {
	switch {
	case p.hasVoice:
		lf.found = true
	case p.lineStart:
		if label, _, strong, ok := splitSpeakerPrefix(p.text); ok {
			lf.counts[label]++
			_, mapped := lf.roles[label]
			lf.found = lf.found || strong || mapped || lf.counts[label] >= 2
		}
	}
}

// split takes a speaker prefix off s when it names a speaker.
func (lf *labelFinder) split(s string) (label, rest string, ok bool) {
	label, rest, strong, ok := splitSpeakerPrefix(s)
	if !ok {
		return "", s, false
	}
	if _, mapped := lf.roles[label]; strong || mapped || lf.counts[label] >= 2 {
		return label, rest, true
	}
	return "", s, false
}

// splitSpeakerPrefix splits "Name: text", "Name：text", "[Name]: text" or
// "[Name] text" (brackets 【】 and ［］ too). A bracketed name without a
// colon must be strong, so that [音乐] or [laughter] stay text. strong says
// the name is a speaker whatever the rest of the file holds: a role word or
// a numbered speaker.
func splitSpeakerPrefix(s string) (label, rest string, strong, ok bool) {
	open, size := utf8.DecodeRuneInString(s)
	if closer, bracketed := map[rune]string{'[': "]", '【': "】", '［': "］"}[open]; bracketed {
		j := strings.Index(s[size:], closer)
		if j <= 0 {
			return "", s, false, false
		}
		label = strings.TrimSpace(s[size : size+j])
		after := strings.TrimLeft(s[size+j+len(closer):], " \t\u3000")
		r, rsize := utf8.DecodeRuneInString(after)
		colon := r == ':' || r == '：'
		if colon {
			after = after[rsize:]
		}
		if !speakerName(label) {
			return "", s, false, false
		}
		strong = strongLabel(label)
		if !colon && !strong {
			return "", s, false, false
		}
		return label, textread.TrimLine(after), strong, true
	}
	i := strings.IndexAny(s, ":：")
	if i <= 0 {
		return "", s, false, false
	}
	label = strings.TrimRight(s[:i], " \t\u3000")
	_, csize := utf8.DecodeRuneInString(s[i:])
	after := s[i+csize:]
	if s[i] == ':' {
		// A clock time (下午3:00) or a URL is not a label.
		last, _ := utf8.DecodeLastRuneInString(label)
		if unicode.IsDigit(last) && after != "" && '0' <= after[0] && after[0] <= '9' || strings.HasPrefix(after, "//") {
			return "", s, false, false
		}
	}
	if !speakerName(label) {
		return "", s, false, false
	}
	return label, textread.TrimLine(after), strongLabel(label), true
}

// speakerName reports whether s could name a speaker: a role label of the
// text format (up to 12 letters or digits, perhaps with a parenthesized
// name), or two or three such words separated by spaces (Speaker 1).
func speakerName(s string) bool {
	if textread.LabelLike(s) {
		return true
	}
	if utf8.RuneCountInString(s) > 24 {
		return false
	}
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 3 {
		return false
	}
	letters := false
	for _, w := range words {
		if !textread.WordLike(w) {
			return false
		}
		letters = letters || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) >= 0
	}
	return letters
}

// numberedSpeakers are the words that, with a number, name a diarized
// speaker or a channel: SPEAKER_00, Speaker 1, spk_0, 说话人1, 声道2.
var numberedSpeakers = map[string]bool{
	"speaker": true, "spk": true, "spkr": true, "channel": true, "ch": true, "participant": true,
	"person": true, "voice": true, "说话人": true, "发言人": true, "讲话人": true, "發言人": true,
	"說話人": true, "角色": true, "声道": true, "聲道": true, "通道": true,
}

// strongLabel reports whether a label names a speaker on its own: a role
// word, or one of numberedSpeakers followed by a number.
func strongLabel(s string) bool {
	if _, ok := corpus.LabelRole(s); ok {
		return true
	}
	word := strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsDigit(r) || r == '_' || r == '-' || r == ' ' })
	if word == s || word == "" {
		return false
	}
	return numberedSpeakers[strings.ToLower(strings.TrimRight(word, " _-"))]
}
