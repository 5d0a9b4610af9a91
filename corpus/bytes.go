package corpus

// ParseBytes reads one input held in memory (an upload, a request body) the
// way ReadPathsWith reads a file, and returns its calls and its errors in
// input order. name stands for the file: it becomes the calls' Source and
// the path in errors, and its extension (.txt, .json, .jsonl or a
// registered one such as .srt) says how to read the data. Without a known
// extension the content decides: a registered format whose SniffText
// recognizes it (a WebVTT or SRT subtitle file), else as for standard
// input. opts.Format, when set, wins over both. Nothing is read from disk.
// opts.Limits apply as to files.
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
		kind = sniffExt(text)
	}
	if kind == "" {
		kind = sniff(text)
	}
	return splitItems(opts.parseDecoded(name, kind, text))
}

// sniffExt returns the first extension of the first registered format,
// in name order, whose SniffText recognizes text, or "".
func sniffExt(text string) string {
	for _, f := range formats {
		if f.SniffText != nil && len(f.Exts) > 0 && f.SniffText(text) {
			return f.Exts[0]
		}
	}
	return ""
}
