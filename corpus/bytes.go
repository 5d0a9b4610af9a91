package corpus

import "strings"

// ParseBytes reads one input held in memory (an upload, a request body) the
// way ReadPathsWith reads a file, and returns its calls and its errors in
// input order. name stands for the file: it becomes the calls' Source and
// the path in errors, and its extension (.txt, .json, .jsonl or a
// speech-recognition one such as .srt) says how to read the data. Without a
// known extension the content decides, as for standard input, and a WebVTT
// or SRT subtitle file is recognized too. opts.Format, when set, wins over
// both. Nothing is read from disk. opts.Limits apply as to files.
func ParseBytes(name string, data []byte, opts ReadOptions) ([]*Call, []error) {
	if limit := opts.Limits.fileSize(); int64(len(data)) > limit {
		return nil, []error{parseErr(name, 0, "input too large (%s; the limit is %s)", sizeString(int64(len(data))), sizeString(limit))}
	}
	text, err := decodeInput(name, data)
	if err != nil {
		return nil, []error{err}
	}
	kind := kindOf(name)
	if kind == "" {
		kind = sniffSubtitle(text)
	}
	if kind == "" {
		kind = sniff(text)
	}
	return splitItems(opts.parseDecoded(name, kind, text))
}

// sniffSubtitle returns ".vtt" for text that starts with the WebVTT header,
// ".srt" for text that starts with a cue number and a "-->" timing line,
// and "" for anything else.
func sniffSubtitle(text string) string {
	var lines []string
	for _, l := range splitLines(strings.TrimPrefix(text, "\ufeff")) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
			if len(lines) == 2 {
				break
			}
		}
	}
	switch {
	case len(lines) == 0:
		return ""
	case lines[0] == "WEBVTT" || strings.HasPrefix(lines[0], "WEBVTT ") || strings.HasPrefix(lines[0], "WEBVTT\t"):
		return ".vtt"
	case len(lines) == 2 && isDigits(lines[0]) && strings.Contains(lines[1], "-->"):
		return ".srt"
	}
	return ""
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
