package corpus_test

// The tests of this package read speech-recognition outputs (SRT, CSV,
// vendor JSON) through ReadPaths and ParseBytes, as callqa does: with the
// formats of corpus/asr registered.
import _ "github.com/callqa/callqa/corpus/asr"
