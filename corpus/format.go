package corpus

import (
	"encoding/json"
	"sort"
)

// Format is a speech-recognition or export format that the readers of this
// package hand inputs to: ReadPaths, ReadFile, Inputs and ParseBytes pick
// it by extension, by the shape of a JSON document, or when
// ReadOptions.Format names it. Package corpus/asr registers the formats
// callqa reads (vendor JSON, SRT, WebVTT, CSV); a program that imports
// corpus alone reads the native formats only.
type Format struct {
	// Name is the format's --input-format value.
	Name string
	// Exts are the file extensions, in lower case with their dot, that
	// select the format outright. A format with extensions is line-based:
	// the line length limit applies to it.
	Exts []string
	// SniffJSON, when set, reports whether a JSON document without the
	// native "turns" is this format: top is its top-level object (nil for
	// an array), raw the whole document. The first format in name order
	// that says yes reads it.
	SniffJSON func(top map[string]json.RawMessage, raw []byte) bool
	// SniffText, when set, reports whether decoded text without a known
	// extension is this format (ParseBytes: an upload without a name).
	SniffText func(text string) bool
	// Read reads one call's segments. data is UTF-8 text. An error is a
	// *ParseError (its line counts) or a plain error naming the field.
	Read func(name string, data []byte, opts *ReadOptions) (*Transcript, error)
	// ReadMany, when set, reads a file that may hold several calls (a CSV
	// export with a call id column) and the line each call starts at.
	ReadMany func(name string, data []byte, opts *ReadOptions) ([]*Transcript, []int, error)
}

// formats are the registered formats, in name order.
var formats []Format

// RegisterFormat makes f readable. It is meant for init functions: the
// registry is not safe for concurrent use, and registering a name twice
// panics.
func RegisterFormat(f Format) {
	if f.Name == "" || f.Read == nil || findFormat(f.Name) != nil {
		panic("corpus: RegisterFormat: format " + f.Name + " has no name or reader, or is registered twice")
	}
	formats = append(formats, f)
	sort.SliceStable(formats, func(i, j int) bool { return formats[i].Name < formats[j].Name })
}

// FormatNames lists every --input-format value: the native formats and
// the registered ones.
func FormatNames() []string {
	out := []string{"auto", "txt", "json", "jsonl"}
	for _, f := range formats {
		out = append(out, f.Name)
	}
	return out
}

func findFormat(name string) *Format {
	for i := range formats {
		if formats[i].Name == name {
			return &formats[i]
		}
	}
	return nil
}

// formatByExt returns the format an extension selects, or nil.
func formatByExt(ext string) *Format {
	for i := range formats {
		for _, e := range formats[i].Exts {
			if e == ext {
				return &formats[i]
			}
		}
	}
	return nil
}
