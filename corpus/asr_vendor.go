package corpus

// Readers of the JSON that speech-recognition services write. Each turns one
// vendor's result into a Transcript: segments in time order, each with the
// channel or speaker id as the vendor writes it, times in seconds, and the
// text trimmed. BuildCall then merges segments into turns and maps ids to
// roles.
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
//	            speaker = rl. v1: data, a JSON string of [{bg, ed (ms strings),
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
//	            items[]}. Text is rebuilt from the items.
//
// Errors are plain errors that name the field, with 1-based indexes as in
// the native JSON reader: "Result.Sentences[3].Text: expected a string, got
// number". parseDecoded adds the format and BuildCall's caller the file.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
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

func init() {
	for _, f := range []asrFormat{
		{name: formatAliyun, sniffJSON: sniffAliyun, read: readAliyun},
		{name: formatTencent, sniffJSON: sniffTencent, read: readTencent},
		{name: formatIflytek, sniffJSON: sniffIflytek, read: readIflytek},
		{name: formatFunASR, sniffJSON: sniffFunASR, read: readFunASR},
		{name: formatWhisper, sniffJSON: sniffWhisper, read: readWhisper},
		{name: formatTranscribe, sniffJSON: sniffTranscribe, read: readTranscribe},
	} {
		registerFormat(f)
	}
}

// Time scales: what one unit of a vendor's time field is in seconds.
const (
	unitSeconds = 1.0
	unitMillis  = 0.001
)

// ---------------------------------------------------------------------------
// Walking decoded JSON with paths for errors

// jnode is a value in a decoded JSON document (map[string]any, []any,
// string, json.Number, bool or nil) and the path that names it in errors.
type jnode struct {
	path    string
	v       any
	present bool // false for a missing field; a null field is present
}

// parseJSONDoc decodes one JSON value; path names it in errors ("" for the
// whole file, the field for JSON held in a string).
func parseJSONDoc(path string, data []byte) (jnode, error) {
	data = bytes.TrimPrefix(data, bomUTF8)
	pre := ""
	if path != "" {
		pre = path + ": "
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.Is(err, io.EOF):
			return jnode{}, fmt.Errorf("%sempty JSON", pre)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return jnode{}, fmt.Errorf("%struncated JSON (unexpected end of input)", pre)
		case errors.As(err, &se):
			return jnode{}, fmt.Errorf("%sinvalid JSON on line %d: %v", pre, 1+bytes.Count(data[:min(int(se.Offset), len(data))], []byte{'\n'}), err)
		}
		return jnode{}, fmt.Errorf("%sinvalid JSON: %v", pre, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return jnode{}, fmt.Errorf("%sunexpected data after the JSON value", pre)
	}
	return jnode{path: path, v: v, present: true}, nil
}

// name is the path for messages.
func (n jnode) name() string {
	if n.path == "" {
		return "document"
	}
	return n.path
}

func kindName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

func (n jnode) typeErr(want string) error {
	return fmt.Errorf("%s: expected %s, got %s", n.name(), want, kindName(n.v))
}

// absent is the error for a required value that is missing or null.
func (n jnode) absent() error {
	if n.present {
		return fmt.Errorf("%s: is null", n.name())
	}
	return fmt.Errorf("%s: missing", n.name())
}

func (n jnode) get(key string) jnode {
	m, _ := n.v.(map[string]any)
	v, ok := m[key]
	p := key
	if n.path != "" {
		p = n.path + "." + key
	}
	return jnode{path: p, v: v, present: ok}
}

// getAny returns the first of keys that is present (the spellings of one
// field), or the missing first key.
func (n jnode) getAny(keys ...string) jnode {
	for _, k := range keys {
		if c := n.get(k); c.present {
			return c
		}
	}
	return n.get(keys[0])
}

// has reports whether the field is present and not null.
func (n jnode) has(key string) bool { return n.get(key).v != nil }

func (n jnode) isArray() bool { _, ok := n.v.([]any); return ok }

func (n jnode) object() error {
	if _, ok := n.v.(map[string]any); ok {
		return nil
	}
	if n.v == nil {
		return n.absent()
	}
	return n.typeErr("an object")
}

// array returns the elements of an array, each named path[i] with i from 1.
func (n jnode) array() ([]jnode, error) {
	a, ok := n.v.([]any)
	if !ok {
		if n.v == nil {
			return nil, n.absent()
		}
		return nil, n.typeErr("an array")
	}
	out := make([]jnode, len(a))
	for i, v := range a {
		out[i] = jnode{path: n.path + "[" + strconv.Itoa(i+1) + "]", v: v, present: true}
	}
	return out, nil
}

// objects is array with every element required to be an object.
func (n jnode) objects() ([]jnode, error) {
	a, err := n.array()
	if err != nil {
		return nil, err
	}
	for _, e := range a {
		if err := e.object(); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// str returns a string value trimmed, on one line; missing and null read
// as "".
func (n jnode) str() (string, error) {
	switch v := n.v.(type) {
	case nil:
		return "", nil
	case string:
		return oneLine(v), nil
	}
	return "", n.typeErr("a string")
}

// oneLine trims s and joins its lines as the text reader joins a turn's
// continuation lines: a turn is one line in every report.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return trimLine(s)
	}
	var b textBuilder
	for _, l := range splitLines(s) {
		b.Add(trimLine(l))
	}
	return b.String()
}

// id returns a channel, speaker or role id as written: a string trimmed, or
// a number's digits. Missing and null read as "".
func (n jnode) id() (string, error) {
	switch v := n.v.(type) {
	case nil:
		return "", nil
	case string:
		return oneLine(v), nil
	case json.Number:
		return string(v), nil
	}
	return "", n.typeErr("a string or a number")
}

// speaker is id for a required speaker field.
func (n jnode) speaker() (string, error) {
	s, err := n.id()
	if err == nil && s == "" {
		if n.v == nil {
			err = n.absent()
		} else {
			err = fmt.Errorf("%s: empty", n.name())
		}
	}
	return s, err
}

// utterance reads one segment object's text and its start and end times
// from the named fields; times are in the given unit.
func (n jnode) utterance(textKey, startKey, endKey string, scale float64) (text string, start, end *float64, err error) {
	if text, err = n.get(textKey).str(); err != nil {
		return "", nil, nil, err
	}
	if start, err = n.get(startKey).seconds(scale); err != nil {
		return "", nil, nil, err
	}
	if end, err = n.get(endKey).seconds(scale); err != nil {
		return "", nil, nil, err
	}
	return text, start, end, nil
}

// seconds reads a time given as a number or a numeric string in units of
// scale seconds. Missing, null and "" read as unknown (nil). Negative,
// infinite and non-numeric values are errors.
func (n jnode) seconds(scale float64) (*float64, error) {
	var s string
	switch v := n.v.(type) {
	case nil:
		return nil, nil
	case json.Number:
		s = string(v)
	case string:
		if s = strings.TrimSpace(v); s == "" {
			return nil, nil
		}
	default:
		return nil, n.typeErr("a number")
	}
	if strings.Trim(s, "0123456789.-+eE") != "" || strings.ContainsAny(s[:1], "eE+") {
		return nil, fmt.Errorf("%s: %q is not a number", n.name(), s)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("%s: %q is not a usable time", n.name(), s)
	}
	if f < 0 {
		return nil, fmt.Errorf("%s: negative time %s", n.name(), s)
	}
	f = f*scale + 0 // + 0 turns -0 into 0
	return &f, nil
}

// nested returns the JSON document a string field holds (iFlytek nests JSON
// in strings), or the value itself when it already is an object or array.
func (n jnode) nested() (jnode, error) {
	switch s := n.v.(type) {
	case string:
		return parseJSONDoc(n.path, []byte(s))
	case map[string]any, []any:
		return n, nil
	case nil:
		return jnode{}, n.absent()
	}
	return jnode{}, n.typeErr("JSON in a string, or an object")
}

// ---------------------------------------------------------------------------
// Segments

// newSegment checks a segment's times.
func newSegment(path, speaker string, start, end *float64, text string) (Segment, error) {
	if start != nil && end != nil && *end < *start {
		return Segment{}, fmt.Errorf("%s: ends at %.3fs, before it starts at %.3fs", path, *end, *start)
	}
	return Segment{Speaker: speaker, Start: start, End: end, Text: text}, nil
}

// transcriptOf returns segs in time order. total is how many entries the
// list had (segs holds those with text); what names them in the error for
// an empty list.
func transcriptOf(list jnode, what string, total int, segs []Segment) (*Transcript, error) {
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
		seg Segment
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
	return &Transcript{Segments: segs}, nil
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
	return joinText(text, word)
}

// ---------------------------------------------------------------------------
// Sniffing helpers: cheap looks at raw JSON

func rawObject(r json.RawMessage) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if len(r) == 0 || json.Unmarshal(r, &m) != nil {
		return nil
	}
	return m
}

// firstElem decodes only the first element of a JSON array, when it is an
// object.
func firstElem(r []byte) map[string]json.RawMessage {
	dec := json.NewDecoder(bytes.NewReader(r))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') || !dec.More() {
		return nil
	}
	var m map[string]json.RawMessage
	if dec.Decode(&m) != nil {
		return nil
	}
	return m
}

func isRawArray(r json.RawMessage) bool {
	r = bytes.TrimSpace(r)
	return len(r) > 0 && r[0] == '['
}

// hasKey reports whether m has any of keys.
func hasKey(m map[string]json.RawMessage, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// hasAll reports whether m has every one of keys.
func hasAll(m map[string]json.RawMessage, keys ...string) bool {
	if m == nil {
		return false
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

func rawString(r json.RawMessage) (string, bool) {
	var s string
	if len(r) == 0 || r[0] != '"' || json.Unmarshal(r, &s) != nil {
		return "", false
	}
	return s, true
}

// ---------------------------------------------------------------------------
// Alibaba Cloud

func sniffAliyun(top map[string]json.RawMessage, raw []byte) bool {
	if top == nil {
		return scaSentence(firstElem(raw))
	}
	if r, ok := top["Result"]; ok {
		if m := rawObject(r); m != nil {
			return hasKey(m, "Sentences")
		}
		if s, ok := rawString(r); ok {
			return strings.Contains(s, `"Sentences"`)
		}
	}
	switch {
	case hasAll(top, "TaskId", "StatusText"):
		return true
	case hasAll(firstElem(top["Sentences"]), "BeginTime", "Text"):
		return true
	case hasKey(firstElem(top["tickets"]), "dialogue"):
		return true
	case scaSentence(firstElem(top["dialogue"])):
		return true
	case hasAll(firstElem(top["dialogueList"]), "role", "content"):
		return true
	case hasKey(rawObject(top["data"]), "conversationList"):
		return true
	}
	if c, ok := top["conversationList"]; ok {
		if isRawArray(c) {
			return hasKey(firstElem(c), "dialogueList")
		}
		return hasKey(rawObject(c), "dialogueList")
	}
	return false
}

func scaSentence(m map[string]json.RawMessage) bool {
	return hasAll(m, "role", "words") || hasAll(m, "Role", "Words")
}

func readAliyun(_ string, data []byte, _ *ReadOptions) (*Transcript, error) {
	root, err := parseJSONDoc("", data)
	if err != nil {
		return nil, err
	}
	switch {
	case root.isArray():
		return readSCA(root)
	case root.get("Result").present || root.has("Sentences") || root.has("StatusText"):
		return readAliyunFiletrans(root)
	case root.has("tickets"):
		tickets, err := root.get("tickets").objects()
		if err != nil {
			return nil, err
		}
		if len(tickets) != 1 {
			return nil, fmt.Errorf("tickets: %d tickets; put one call in each file", len(tickets))
		}
		return readSCA(tickets[0].get("dialogue"))
	case root.has("dialogue"):
		return readSCA(root.get("dialogue"))
	case root.has("conversationList") || root.has("dialogueList") || root.has("data"):
		return readDianjin(root)
	}
	return nil, errors.New("not an Alibaba Cloud result: no Result.Sentences (file transcription), dialogue (智能对话分析) or dialogueList (通义点金)")
}

// readAliyunFiletrans reads a GetTaskResult response of 录音文件识别.
func readAliyunFiletrans(root jnode) (*Transcript, error) {
	res := root
	if !root.has("Sentences") {
		res = root.get("Result")
		if res.v == nil {
			if st, _ := root.get("StatusText").str(); st != "" && st != "SUCCESS" {
				return nil, fmt.Errorf("%v (StatusText is %q: the task has no result)", res.absent(), st)
			}
			return nil, res.absent()
		}
		if s, ok := res.v.(string); ok && !strings.HasPrefix(strings.TrimSpace(s), "{") {
			return nil, res.typeErr("an object with Sentences")
		}
		var err error
		if res, err = res.nested(); err != nil {
			return nil, err
		}
	}
	list := res.get("Sentences")
	sents, err := list.objects()
	if err != nil {
		return nil, err
	}
	// Two tracks: ChannelId tells the parties apart. One track with
	// diarization (智能分轨): ChannelId is 0 throughout and SpeakerId does.
	channels := map[string]bool{}
	withSpeaker := false
	for _, s := range sents {
		if c, _ := s.get("ChannelId").id(); c != "" {
			channels[c] = true
		}
		if sp, _ := s.get("SpeakerId").id(); sp != "" {
			withSpeaker = true
		}
	}
	field := "SpeakerId"
	if len(channels) > 1 || !withSpeaker {
		field = "ChannelId"
	}
	var segs []Segment
	for _, s := range sents {
		text, start, end, err := s.utterance("Text", "BeginTime", "EndTime", unitMillis)
		if err != nil {
			return nil, err
		}
		if text == "" {
			continue
		}
		sp, err := s.get(field).speaker()
		if err != nil {
			return nil, err
		}
		seg, err := newSegment(s.path, sp, start, end, text)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	return transcriptOf(list, "sentences", len(sents), segs)
}

// readSCA reads the dialogue of 智能对话分析: {role, words, begin, end}, in
// lower case as uploaded or capitalized as the API returns it.
func readSCA(list jnode) (*Transcript, error) {
	items, err := list.objects()
	if err != nil {
		return nil, err
	}
	if len(items) > 0 && !items[0].get("words").present && !items[0].get("Words").present {
		return nil, fmt.Errorf("%s: not SCA dialogue sentences {role, words, begin, end}; not an Alibaba Cloud result", list.name())
	}
	var segs []Segment
	for _, it := range items {
		text, err := it.getAny("words", "Words").str()
		if err != nil {
			return nil, err
		}
		start, err := it.getAny("begin", "Begin").seconds(unitMillis)
		if err != nil {
			return nil, err
		}
		end, err := it.getAny("end", "End").seconds(unitMillis)
		if err != nil {
			return nil, err
		}
		if text == "" {
			continue
		}
		role, err := it.getAny("role", "Role").speaker()
		if err != nil {
			return nil, err
		}
		seg, err := newSegment(it.path, role, start, end, text)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	return transcriptOf(list, "sentences", len(items), segs)
}

// dianjinRoles are the role values 通义点金 defines.
var dianjinRoles = map[string]string{"0": "客户", "1": "坐席"}

// readDianjin reads the dialogueList of 通义点金 quality checks.
func readDianjin(root jnode) (*Transcript, error) {
	var list jnode
	switch {
	case root.has("dialogueList"):
		list = root.get("dialogueList")
	default:
		conv := root.get("conversationList")
		if !conv.present && root.has("data") {
			conv = root.get("data").get("conversationList")
		}
		if conv.isArray() {
			convs, err := conv.objects()
			if err != nil {
				return nil, err
			}
			if len(convs) != 1 {
				return nil, fmt.Errorf("%s: %d conversations; put one call in each file", conv.name(), len(convs))
			}
			conv = convs[0]
		} else if err := conv.object(); err != nil {
			return nil, err
		}
		list = conv.get("dialogueList")
	}
	items, err := list.objects()
	if err != nil {
		return nil, err
	}
	var segs []Segment
	for _, it := range items {
		text, start, end, err := it.utterance("content", "begin", "end", unitMillis)
		if err != nil {
			return nil, err
		}
		if text == "" {
			continue
		}
		role, err := it.get("role").speaker()
		if err != nil {
			return nil, err
		}
		if w, ok := dianjinRoles[role]; ok {
			role = w
		}
		seg, err := newSegment(it.path, role, start, end, text)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	return transcriptOf(list, "sentences", len(items), segs)
}

// ---------------------------------------------------------------------------
// Tencent Cloud

func sniffTencent(top map[string]json.RawMessage, _ []byte) bool {
	if top == nil {
		return false
	}
	d := top
	if r := rawObject(top["Response"]); r != nil {
		if hasAll(r, "Error", "RequestId") {
			return true
		}
		d = r
	}
	if x := rawObject(d["Data"]); x != nil {
		d = x
	}
	return hasKey(d, "ResultDetail") || hasAll(d, "TaskId", "StatusStr")
}

func readTencent(_ string, data []byte, _ *ReadOptions) (*Transcript, error) {
	root, err := parseJSONDoc("", data)
	if err != nil {
		return nil, err
	}
	d := root
	if root.get("Response").present {
		d = root.get("Response")
		if err := d.object(); err != nil {
			return nil, err
		}
		if e := d.get("Error"); e.v != nil {
			code, _ := e.get("Code").id()
			msg, _ := e.get("Message").str()
			return nil, fmt.Errorf("%s: %s: %s", e.path, code, msg)
		}
	}
	if d.get("Data").present {
		d = d.get("Data")
	}
	if err := d.object(); err != nil {
		return nil, err
	}
	_, lines := d.get("Result").v.(string)
	if !d.get("ResultDetail").present && !lines && !d.get("StatusStr").present {
		return nil, errors.New("not a Tencent Cloud ASR result: no Response.Data.ResultDetail or Result")
	}
	status, _ := d.get("Status").id()
	switch status {
	case "0", "1":
		st, _ := d.get("StatusStr").str()
		return nil, fmt.Errorf("%s: %s (%s): the task has not finished", d.get("Status").path, status, st)
	case "3":
		msg, _ := d.get("ErrorMsg").str()
		return nil, fmt.Errorf("%s: 3: the task failed: %s", d.get("Status").path, msg)
	}
	detail := d.get("ResultDetail")
	if detail.v == nil {
		if res := d.get("Result"); res.v != nil {
			return readTencentLines(res)
		}
		return nil, fmt.Errorf("%v (request ResTextFormat 1 or higher for ResultDetail)", detail.absent())
	}
	items, err := detail.objects()
	if err != nil {
		return nil, err
	}
	var segs []Segment
	for _, it := range items {
		text, start, end, err := it.utterance("FinalSentence", "StartMs", "EndMs", unitMillis)
		if err != nil {
			return nil, err
		}
		if text == "" {
			continue
		}
		sp, err := it.get("SpeakerId").speaker()
		if err != nil {
			return nil, fmt.Errorf("%w (start the task with SpeakerDiarization=1 or ChannelNum=2)", err)
		}
		seg, err := newSegment(it.path, sp, start, end, text)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	return transcriptOf(detail, "sentences", len(items), segs)
}

// tencentLine is one line of Data.Result: "[0:0.020,0:2.380,0]  text", the
// third number being the speaker when diarization is on.
var tencentLine = regexp.MustCompile(`^\[([0-9:.]+),([0-9:.]+)(?:,([0-9]+))?\]\s*(.*)$`)

func readTencentLines(res jnode) (*Transcript, error) {
	s, ok := res.v.(string)
	if !ok {
		return nil, res.typeErr("a string")
	}
	var segs []Segment
	total := 0
	for i, line := range splitLines(s) {
		line = trimLine(line)
		if line == "" {
			continue
		}
		total++
		where := fmt.Sprintf("%s line %d", res.path, i+1)
		m := tencentLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s: expected \"[start,end,speaker] text\"", where)
		}
		start, ok1 := parseClock(m[1])
		end, ok2 := parseClock(m[2])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s: bad time in %q", where, line[:strings.IndexByte(line, ']')+1])
		}
		if m[3] == "" {
			return nil, fmt.Errorf("%s: no speaker in %q (start the task with SpeakerDiarization=1, or ResTextFormat 1 for ResultDetail)", where, line[:strings.IndexByte(line, ']')+1])
		}
		text := oneLine(m[4])
		if text == "" {
			continue
		}
		seg, err := newSegment(where, m[3], &start, &end, text)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	return transcriptOf(res, "lines", total, segs)
}

// ---------------------------------------------------------------------------
// iFlytek

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

func readIflytek(_ string, data []byte, _ *ReadOptions) (*Transcript, error) {
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
func readIflytekV2(doc jnode) (*Transcript, error) {
	if err := doc.object(); err != nil {
		return nil, err
	}
	list := doc.get("lattice")
	if a, _ := list.v.([]any); len(a) == 0 && doc.get("lattice2").present {
		list = doc.get("lattice2") // the unsmoothed result
	}
	items, err := list.objects()
	if err != nil {
		return nil, err
	}
	var segs []Segment
	for _, it := range items {
		best, err := it.get("json_1best").nested()
		if err != nil {
			return nil, err
		}
		st := best.get("st")
		if err := st.object(); err != nil {
			return nil, err
		}
		start, err := st.get("bg").seconds(unitMillis)
		if err != nil {
			return nil, err
		}
		end, err := st.get("ed").seconds(unitMillis)
		if err != nil {
			return nil, err
		}
		rl, err := st.get("rl").id()
		if err != nil {
			return nil, err
		}
		text, err := iflytekText(st.get("rt"))
		if err != nil {
			return nil, err
		}
		if text == "" {
			continue
		}
		if rl == "" {
			rl = "0"
		}
		seg, err := newSegment(st.path, rl, start, end, text)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	if err := iflytekSeparated(list, "rl", segs); err != nil {
		return nil, err
	}
	return transcriptOf(list, "sentences", len(items), segs)
}

// iflytekText joins the best candidate of every word of rt[].ws[].cw[],
// leaving out segment marks (wp "g").
func iflytekText(rt jnode) (string, error) {
	if rt.v == nil {
		return "", nil
	}
	rts, err := rt.objects()
	if err != nil {
		return "", err
	}
	text := ""
	for _, r := range rts {
		if r.get("ws").v == nil {
			continue
		}
		ws, err := r.get("ws").objects()
		if err != nil {
			return "", err
		}
		for _, w := range ws {
			if w.get("cw").v == nil {
				continue
			}
			cw, err := w.get("cw").objects()
			if err != nil {
				return "", err
			}
			if len(cw) == 0 {
				continue
			}
			word, err := cw[0].get("w").str()
			if err != nil {
				return "", err
			}
			if wp, _ := cw[0].get("wp").str(); wp == "g" {
				continue
			}
			text = joinWords(text, word)
		}
	}
	return oneLine(text), nil
}

// iflytekSeparated rejects a result without role separation: iFlytek numbers
// roles from 1 and writes 0 (or nothing) when separation was off.
func iflytekSeparated(list jnode, field string, segs []Segment) error {
	if len(segs) == 0 {
		return nil
	}
	for _, s := range segs {
		if s.Speaker != "0" {
			return nil
		}
	}
	return fmt.Errorf("%s: no sentence has a %s other than 0: role separation was off (submit with roleType=1), or transcribe each channel separately", list.name(), field)
}

// readIflytekV1 reads the decoded data of the v1 API.
func readIflytekV1(list jnode) (*Transcript, error) {
	items, err := list.objects()
	if err != nil {
		return nil, err
	}
	var segs []Segment
	for _, it := range items {
		text, start, end, err := it.utterance("onebest", "bg", "ed", unitMillis)
		if err != nil {
			return nil, err
		}
		sp, err := it.get("speaker").id()
		if err != nil {
			return nil, err
		}
		if text == "" {
			continue
		}
		if sp == "" {
			sp = "0"
		}
		seg, err := newSegment(it.path, sp, start, end, text)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	if err := iflytekSeparated(list, "speaker", segs); err != nil {
		return nil, err
	}
	return transcriptOf(list, "sentences", len(items), segs)
}

// ---------------------------------------------------------------------------
// FunASR

func sniffFunASR(top map[string]json.RawMessage, raw []byte) bool {
	if top == nil {
		e := firstElem(raw)
		return hasKey(e, "sentence_info") || hasAll(e, "key", "text", "timestamp")
	}
	return hasKey(top, "sentence_info")
}

func readFunASR(_ string, data []byte, _ *ReadOptions) (*Transcript, error) {
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
	sents, err := list.objects()
	if err != nil {
		return nil, err
	}
	var segs []Segment
	for _, s := range sents {
		text, start, end, err := s.utterance("text", "start", "end", unitMillis)
		if err != nil {
			return nil, err
		}
		if text == "" {
			continue
		}
		spk, err := s.get("spk").speaker()
		if err != nil {
			return nil, fmt.Errorf("%w (FunASR adds spk only when a speaker model is loaded, e.g. spk_model=\"cam++\")", err)
		}
		seg, err := newSegment(s.path, spk, start, end, text)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	return transcriptOf(list, "sentences", len(sents), segs)
}

// ---------------------------------------------------------------------------
// Whisper and whisperX

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

func readWhisper(_ string, data []byte, _ *ReadOptions) (*Transcript, error) {
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
	items, err := list.objects()
	if err != nil {
		return nil, err
	}
	diarized := false
	for _, it := range items {
		if sp, _ := it.get("speaker").id(); sp != "" || wordsSpeaker(it) != "" {
			diarized = true
			break
		}
	}
	var segs []Segment
	for _, it := range items {
		text, start, end, err := it.utterance("text", "start", "end", unitSeconds)
		if err != nil {
			return nil, err
		}
		sp, err := it.get("speaker").id()
		if err != nil {
			return nil, err
		}
		if text == "" {
			continue
		}
		if !diarized {
			return nil, errors.New("segments carry no speaker; diarize first (whisperX) or transcribe each channel separately")
		}
		if sp == "" {
			// whisperX leaves the segment's speaker out when no diarized
			// turn overlaps it; its words may still have one.
			if sp = wordsSpeaker(it); sp == "" {
				return nil, fmt.Errorf("%s: no speaker (whisperX found no speaker turn overlapping it)", it.path)
			}
		}
		seg, err := newSegment(it.path, sp, start, end, text)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	return transcriptOf(list, "segments", len(items), segs)
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
		if sp = trimLine(sp); sp == "" {
			continue
		}
		count[sp]++
		if best == "" || count[sp] > count[best] {
			best = sp
		}
	}
	return best
}

// ---------------------------------------------------------------------------
// Amazon Transcribe

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
}

// awsSpan is one speaker_labels segment.
type awsSpan struct {
	start, end float64
	speaker    string
}

// awsSlack absorbs rounding in Transcribe's two-decimal times.
const awsSlack = 0.0005

func readTranscribe(_ string, data []byte, _ *ReadOptions) (*Transcript, error) {
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
	var segs []Segment
	for i, w := range words {
		n := len(segs)
		if n == 0 || segs[n-1].Speaker != w.speaker || w.span != words[i-1].span || words[i-1].final {
			segs = append(segs, Segment{Speaker: w.speaker, Start: w.start, End: w.end, Text: w.text})
			continue
		}
		s := &segs[n-1]
		s.Text = joinWords(s.Text, w.text)
		if w.end != nil && (s.End == nil || *w.end > *s.End) {
			s.End = w.end
		}
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
		words = append(words, awsWord{start: start, end: end, text: content, speaker: sp, span: span})
	}
	return words, nil
}
