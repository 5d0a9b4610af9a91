// Package corpus holds the call model (Call, Turn, Role) and the readers
// that load transcripts into it.
//
// # Formats
//
// A plain-text transcript (.txt, formats.md §1) has "# key: value" header
// lines and one turn per line:
//
//	# call_id: D0007
//	# roles: 孙经理=agent
//	[00:00:01] 坐席: 您好，请问是周海涛先生吗？
//	[00:00:03] 客户：对，是我。
//	孙经理：我来补充一下……
//
// reads as three turns, numbered 1, 2 and 3, spoken by the agent, the
// customer and the agent. A turn may start with the date and time it was
// said instead, bare or in brackets ("2026-03-01 10:00:01 坐席：您好",
// "[2026/03/01 10:00:01.250] 坐席：您好"): the stamps give Turn.Start, and
// the earliest gives started_at when the header does not. Role labels come from a fixed table (坐席, 客户,
// 家属, agent, customer, A, B, C…), from the "# roles:" header, or from a
// Chinese role word a label starts with (客服小刘). A line without a label
// continues the turn before it. A label the reader cannot place is an
// error, never a guess: a turn given to the wrong speaker would turn a
// customer's insult into the agent's.
//
// A JSON transcript (.json, formats.md §2) is one object with the same
// fields and a "turns" array of {"speaker", "text", "start", "end"}; a
// .jsonl file holds one such object per line.
//
// Speech-recognition outputs and exports (vendor JSON, SRT, WebVTT, CSV)
// are read by package corpus/asr, which registers its formats here with
// RegisterFormat when it is imported:
//
//	import _ "github.com/callqa/callqa/corpus/asr"
//
// A Format says which extensions select it, how to recognize it in a JSON
// document or in text without a name, and how to read it into a
// Transcript: segments of speech that BuildCall merges into turns and
// maps to roles (BuildOptions). The readers then pick a registered format
// by extension, by content, or when ReadOptions.Format names it. Imports
// point one way: corpus/asr imports corpus, never the other way round,
// and a program that imports corpus alone reads the native formats only.
// callqa's command line and web console import corpus/asr.
//
// Files may be UTF-8 (with or without a byte order mark), UTF-16 (with a
// byte order mark, or without one when that is unmistakable), or
// GB18030/GBK; Decode sorts that out, and refuses binary and undecodable
// input.
//
// # Reading
//
// ReadPaths reads files, folders and standard input and hands each call or
// error to a callback, in input order, so a batch carries on past a bad
// file:
//
//	corpus.ReadPaths(paths, os.Stdin, func(it corpus.Item) {
//		if it.Err != nil {
//			fmt.Fprintln(os.Stderr, it.Err) // calls/D0042.txt:7: unknown role "孙经理"; …
//			failed++
//			return
//		}
//		analyze(it.Call)
//	})
//
// ReadFile reads one file; ReadText, ReadJSON and ReadJSONL parse input
// already in memory.
//
// ReadPathsWith also bounds what one input may hold (Limits: the size of a
// file, the length of a line or turn, the turns of a call) and refuses a
// second call with a call_id the batch already has. docs/errors.md lists
// every refusal and its message.
//
// # Errors and units
//
// Every error about an input is a *ParseError that prints as
// "path:line: message" (or "path: message" when it concerns the whole
// file). Lines and turn numbers are 1-based, as are the turn indexes in
// JSON errors such as "turns[2].text: expected a string, got number".
// Offsets in Decode errors are 0-based byte offsets into the raw file.
// Turn.Start and Turn.End are seconds from the start of the call.
package corpus
