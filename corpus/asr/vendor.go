package asr

// Readers of the JSON that speech-recognition services write. Each turns one
// vendor's result into a corpus.Transcript: segments in time order, each
// with the channel or speaker id as the vendor writes it, times in seconds,
// and the text trimmed. corpus.BuildCall then merges segments into turns and
// maps ids to roles.
//
//	aliyun      Alibaba Cloud file transcription (录音文件识别, GetTaskResult):
//	            Result.Sentences[]{ChannelId, SpeakerId, BeginTime, EndTime (ms), Text}.
//	            The speaker is ChannelId when the sentences carry more than one
//	            channel (a two-track call) or no SpeakerId, else SpeakerId (智能分轨
//	            on a mono file keeps ChannelId 0 and tells speakers apart by
//	            SpeakerId). Also the 智能对话分析 (SCA) dialogue,
//	            tickets[].dialogue[] or dialogue[] of {role, words, begin, end (ms)},
//	            speaker = role as written (客服, 客户, 系统); and the 通义点金
//	            conversationList.dialogueList[] of {role, content, begin, end (ms)},
//	            whose role 0 and 1 the vendor defines as 客户 and 坐席, which become
//	            the speaker.
//	tencent     Tencent Cloud 录音文件识别 (DescribeTaskStatus):
//	            Response.Data.ResultDetail[]{SpeakerId, StartMs, EndMs (ms), FinalSentence};
//	            without ResultDetail, the Result lines "[m:ss.mmm,m:ss.mmm,speaker] text".
//	iflytek     iFlytek 录音文件转写 v2: content.orderResult, a JSON string of
//	            lattice[] (or lattice2[]) whose json_1best (a JSON string or an
//	            object) holds st{bg, ed (ms strings), rl, rt[].ws[].cw[0].w};
//	            speaker = rl; the confidence is the mean of the words' wc. v1: data, a JSON string of [{bg, ed (ms strings),
//	            onebest, speaker}]; speaker = speaker. rl and speaker count from 1;
//	            0 or missing means role separation was off, and a result where
//	            no sentence has another value is an error.
//	funasr      FunASR / Paraformer model.generate() output: a list with one
//	            {key, text, sentence_info[]{text, start, end (ms), spk}}; speaker = spk.
//	whisper     Whisper, faster-whisper and whisperX JSON: segments[]{start, end
//	            (seconds), text, speaker}. Plain Whisper has no speaker and is an
//	            error; a whisperX segment without one takes the speaker most of
//	            its words carry.
//	transcribe  Amazon Transcribe: results.items[] (start_time, end_time as
//	            second strings; punctuation items have no times) with
//	            results.speaker_labels.segments[]{start_time, end_time,
//	            speaker_label} mapped onto the items by time (or the item's own
//	            speaker_label), or results.channel_labels.channels[]{channel_label,
//	            items[]}. Text is rebuilt from the items; a segment's confidence is
//	            the mean of its pronunciation items' alternatives[0].confidence.
//
// Each vendor's file finds the segment list in the vendor's envelope
// (status fields, nested JSON, one call or several). A list of one entry
// per sentence is then read by one helper, layout.read, from the vendor's
// entry in the layouts table below: where an entry's text, times and
// speaker are. Amazon Transcribe (words, not sentences) and Tencent's
// result lines have readers of their own.
//
// Errors are plain errors that name the field, with 1-based indexes as in
// the native JSON reader: "Result.Sentences[3].Text: expected a string, got
// number". corpus adds the format and the file.

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/callqa/callqa/corpus"
	"github.com/callqa/callqa/corpus/internal/textread"
)

// The names of the vendor formats, as --input-format takes them.
const (
	formatAliyun     = "aliyun"
	formatTencent    = "tencent"
	formatIflytek    = "iflytek"
	formatFunASR     = "funasr"
	formatWhisper    = "whisper"
	formatTranscribe = "transcribe"
)

// vendorFormats are the vendor JSON formats, recognized by their shape.
var vendorFormats = []corpus.Format{
	{Name: formatAliyun, SniffJSON: sniffAliyun, Read: readAliyun},
	{Name: formatTencent, SniffJSON: sniffTencent, Read: readTencent},
	{Name: formatIflytek, SniffJSON: sniffIflytek, Read: readIflytek},
	{Name: formatFunASR, SniffJSON: sniffFunASR, Read: readFunASR},
	{Name: formatWhisper, SniffJSON: sniffWhisper, Read: readWhisper},
	{Name: formatTranscribe, SniffJSON: sniffTranscribe, Read: readTranscribe},
}

func init() {
	for _, f := range vendorFormats {
		corpus.RegisterFormat(f)
	}
}

// Time scales: what one unit of a vendor's time field is in seconds.
const (
	unitSeconds = 1.0
	unitMillis  = 0.001
)

// field names a field of an entry by its spellings; the first present
// counts (SCA writes words as uploaded and Words as its API returns it).
type field []string

// layout says where the entries of one vendor's sentence list keep a
// segment's text, times and speaker.
type layout struct {
	// what the entries are called in errors: "sentences", "segments".
	what string
	// text, start and end are fields of an entry; times are in unit
	// seconds.
	text, start, end field
	unit             float64
	// speaker is the speaker or channel field. When required, an entry
	// with text must have one, and hint, when set, says in the error how
	// to get one. Otherwise an entry without one has none (iFlytek's "0",
	// no role), or what missing finds for it.
	speaker  field
	required bool
	hint     string
	none     string
	missing  func(list, entry jnode) (string, error)
	// names maps speaker values the vendor defines to what they stand for.
	names map[string]string
	// entry, when set, finds the fields inside an entry (iFlytek:
	// json_1best.st).
	entry func(jnode) (jnode, error)
	// words, when set, builds the text from the entry's words instead of
	// the text field, after the times and the speaker are read (iFlytek
	// writes the words last), with the mean of the words' confidences
	// when they carry one.
	words func(jnode) (string, *float64, error)
}

// The layouts of the vendors' sentence lists.
var (
	// Alibaba Cloud 录音文件识别: Result.Sentences[]. The speaker is
	// ChannelId or SpeakerId, chosen per file (readAliyunFiletrans).
	aliyunSentences = layout{what: "sentences", text: field{"Text"}, start: field{"BeginTime"}, end: field{"EndTime"}, unit: unitMillis,
		speaker: field{"ChannelId"}, required: true}
	// Alibaba Cloud 智能对话分析: dialogue[], lower case as uploaded,
	// capitalized as the API returns it.
	scaSentences = layout{what: "sentences", text: field{"words", "Words"}, start: field{"begin", "Begin"}, end: field{"end", "End"}, unit: unitMillis,
		speaker: field{"role", "Role"}, required: true}
	// Alibaba Cloud 通义点金: dialogueList[].
	dianjinSentences = layout{what: "sentences", text: field{"content"}, start: field{"begin"}, end: field{"end"}, unit: unitMillis,
		speaker: field{"role"}, required: true, names: dianjinRoles}
	// Tencent Cloud: Data.ResultDetail[].
	tencentSentences = layout{what: "sentences", text: field{"FinalSentence"}, start: field{"StartMs"}, end: field{"EndMs"}, unit: unitMillis,
		speaker: field{"SpeakerId"}, required: true, hint: "start the task with SpeakerDiarization=1 or ChannelNum=2"}
	// iFlytek v2: lattice[].json_1best.st, the words in rt.
	iflytekV2Sentences = layout{what: "sentences", start: field{"bg"}, end: field{"ed"}, unit: unitMillis,
		speaker: field{"rl"}, none: "0", entry: iflytekEntry, words: iflytekWords}
	// iFlytek v1: data[].
	iflytekV1Sentences = layout{what: "sentences", text: field{"onebest"}, start: field{"bg"}, end: field{"ed"}, unit: unitMillis,
		speaker: field{"speaker"}, none: "0"}
	// FunASR: sentence_info[].
	funasrSentences = layout{what: "sentences", text: field{"text"}, start: field{"start"}, end: field{"end"}, unit: unitMillis,
		speaker: field{"spk"}, required: true, hint: `FunASR adds spk only when a speaker model is loaded, e.g. spk_model="cam++"`}
	// Whisper and whisperX: segments[].
	whisperSegments = layout{what: "segments", text: field{"text"}, start: field{"start"}, end: field{"end"}, unit: unitSeconds,
		speaker: field{"speaker"}, missing: whisperSpeaker}
)

// read reads list, an array of entries laid out as l says, into a
// transcript of the entries with text, in time order.
func (l *layout) read(list jnode) (*corpus.Transcript, error) {
	items, err := list.objects()
	if err != nil {
		return nil, err
	}
	return l.readItems(list, items)
}

// readItems is read for the entries of list, already known to be objects.
func (l *layout) readItems(list jnode, items []jnode) (*corpus.Transcript, error) {
	var segs []corpus.Segment
	for _, it := range items {
		seg, ok, err := l.segment(list, it)
		if err != nil {
			return nil, err
		}
		if ok {
			segs = append(segs, seg)
		}
	}
	return transcriptOf(list, l.what, len(items), segs)
}

// segment reads one entry of list. ok is false for an entry without text,
// which needs no speaker.
func (l *layout) segment(list, it jnode) (seg corpus.Segment, ok bool, err error) {
	n := it
	if l.entry != nil {
		if n, err = l.entry(it); err != nil {
			return seg, false, err
		}
	}
	var text, speaker string
	var conf *float64
	if l.words == nil {
		if text, err = n.getAny(l.text...).str(); err != nil {
			return seg, false, err
		}
	}
	start, err := n.getAny(l.start...).seconds(l.unit)
	if err != nil {
		return seg, false, err
	}
	end, err := n.getAny(l.end...).seconds(l.unit)
	if err != nil {
		return seg, false, err
	}
	if !l.required {
		if speaker, err = n.getAny(l.speaker...).id(); err != nil {
			return seg, false, err
		}
	}
	if l.words != nil {
		if text, conf, err = l.words(n); err != nil {
			return seg, false, err
		}
	}
	if text == "" {
		return seg, false, nil
	}
	if speaker, err = l.speakerOf(list, it, n, speaker); err != nil {
		return seg, false, err
	}
	seg, err = newSegment(n.path, speaker, start, end, text)
	seg.Confidence = conf
	return seg, err == nil, err
}

// speakerOf settles the speaker of an entry with text: the required field,
// or the optional one read already (sp), else the layout's default.
func (l *layout) speakerOf(list, it, n jnode, sp string) (string, error) {
	var err error
	switch {
	case l.required:
		if sp, err = n.getAny(l.speaker...).speaker(); err != nil && l.hint != "" {
			err = fmt.Errorf("%w (%s)", err, l.hint)
		}
	case sp == "" && l.missing != nil:
		sp, err = l.missing(list, it)
	case sp == "":
		sp = l.none
	}
	if err != nil {
		return "", err
	}
	if w, ok := l.names[sp]; ok {
		sp = w
	}
	return sp, nil
}

// newSegment checks a segment's times.
func newSegment(path, speaker string, start, end *float64, text string) (corpus.Segment, error) {
	if start != nil && end != nil && *end < *start {
		return corpus.Segment{}, fmt.Errorf("%s: ends at %.3fs, before it starts at %.3fs", path, *end, *start)
	}
	return corpus.Segment{Speaker: speaker, Start: start, End: end, Text: text}, nil
}

// an empty list.
func transcriptOf(list jnode, what string, total int, segs []corpus.Segment) (*corpus.Transcript, error) {
	switch {
	case total == 0:
		return nil, fmt.Errorf("%s: no %s", list.name(), what)
	case len(segs) == 0:
		return nil, fmt.Errorf("%s: no %s has text", list.name(), strings.TrimSuffix(what, "s"))
	}
	// Time order. A segment without a start time keeps its place after
	// the segment before it in the file (it sorts by that one's start), so
	// the timed segments end up in order whatever the untimed ones do.
	type keyed struct {
		key float64
		seg corpus.Segment
	}
	ks := make([]keyed, len(segs))
	key := math.Inf(-1)
	for i, sg := range segs {
		if sg.Start != nil {
			key = *sg.Start
		}
		ks[i] = keyed{key, sg}
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	for i := range ks {
		segs[i] = ks[i].seg
	}
	return &corpus.Transcript{Segments: segs}, nil
}

// joinWords appends a recognized word to text: directly between CJK
// characters and before punctuation, with a space between other words.
func joinWords(text, word string) string {
	if text == "" {
		return word
	}
	if word == "" {
		return text
	}
	return textread.JoinText(text, word)
}
