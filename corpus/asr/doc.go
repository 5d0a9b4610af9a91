// Package asr reads what speech-recognition services and call-center
// platforms export: the JSON of Alibaba Cloud, Tencent Cloud, iFlytek,
// FunASR, Whisper/whisperX and Amazon Transcribe, SRT and WebVTT subtitles,
// and CSV/TSV exports (README, "Speech-recognition outputs").
//
// The package has no API of its own. Importing it registers its formats
// with corpus.RegisterFormat, after which corpus.ReadPaths, ReadFile,
// Inputs and ParseBytes read them by extension (.srt, .vtt, .csv, .tsv),
// by the shape of a JSON document, or when corpus.ReadOptions.Format names
// one (callqa's --input-format):
//
//	import _ "github.com/callqa/callqa/corpus/asr"
//
// Each reader turns one file into a corpus.Transcript: segments with the
// speaker or channel id as the file writes it, times in seconds and one
// line of text; corpus.BuildCall then merges them into turns and maps ids
// to roles. Imports point one way: this package imports corpus (and
// corpus/internal/textread, the line and label helpers the native text
// reader uses too); corpus never imports it.
//
// The vendors that write one entry per sentence are rows of one table
// (layouts in vendor.go: where an entry's text, times and speaker are),
// read by one helper; a vendor's own file only finds the list in its
// envelope. A new vendor of that kind is a sniff function, an envelope
// reader and a row.
package asr
