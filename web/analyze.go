package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/callqa/callqa/corpus"
	_ "github.com/callqa/callqa/corpus/asr" // the speech-recognition formats
	"github.com/callqa/callqa/redact"
	"github.com/callqa/callqa/result"
	"github.com/callqa/callqa/score"
)

// pastedName stands for a transcript that came without a file name: its
// kind is taken from its content, and it is the call id when the
// transcript gives none.
const pastedName = "transcript"

// readOptions reads the format and roles a client gave (a form's fields or
// the API's query).
func readOptions(format, roles string) (corpus.ReadOptions, error) {
	var o corpus.ReadOptions
	format = strings.TrimSpace(format)
	if format != "" && format != "auto" {
		if !slices.Contains(corpus.FormatNames(), format) {
			return o, badf("unknown format %q (want one of %s)", format, strings.Join(corpus.FormatNames(), ", "))
		}
		o.Format = format
	}
	if roles = strings.TrimSpace(roles); roles != "" {
		m, err := corpus.ParseRoleMap(roles)
		if err != nil {
			return o, badf("%v", err)
		}
		o.Build.Roles = m
	}
	return o, nil
}

// uploadName keeps the base name of an uploaded file (its extension says
// the format), without anything that could pass for a path.
func uploadName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == "" {
		return pastedName
	}
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	return name
}

// analyze reads one call from data and analyzes it, on one of the
// queue's workers. A transcript that does not read, or that holds no call
// or several, is a *badRequest. When ctx is done (the client went away)
// while it waits for a worker or before the analysis, it gives up with
// ctx's error.
func (s *Server) analyze(ctx context.Context, name string, data []byte, opts corpus.ReadOptions) (*result.Result, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, badf("the transcript is empty: paste one, or choose a file")
	}
	done, err := s.queue.work(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	calls, errs := corpus.ParseBytes(name, data, opts)
	if len(errs) > 0 {
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, e.Error())
		}
		return nil, &badRequest{msg: strings.Join(msgs, "\n")}
	}
	switch len(calls) {
	case 0:
		return nil, badf("%s: no call in the transcript", name)
	case 1:
	default:
		return nil, badf("%s: the transcript holds %d calls; send one at a time", name, len(calls))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := s.cfg.Analyzer.Analyze(calls[0])
	if !s.cfg.NoRedact {
		res = res.Redacted()
	}
	return res, nil
}

type analyzePage struct {
	base
	Text    string
	Format  string
	Roles   string
	Formats []option
	Error   string
	Call    *callView
}

func (s *Server) handleAnalyze(w http.ResponseWriter, r *http.Request) {
	page := analyzePage{base: s.base(r, "analyze", "Analyze 试分析")}
	fill := func() {
		page.Formats = nil
		for _, f := range corpus.FormatNames() {
			label := f
			if f == "auto" {
				label = "auto (by content) 自动识别"
			}
			page.Formats = append(page.Formats, option{Value: f, Label: label, Selected: f == page.Format || f == "auto" && page.Format == ""})
		}
	}
	if r.Method == http.MethodGet {
		fill()
		s.render(w, r, http.StatusOK, "analyze", &page)
		return
	}
	fail := func(status int, msg string) {
		page.Error = msg
		fill()
		s.render(w, r, status, "analyze", &page)
	}
	if s.queue.admit() != nil {
		s.busy(w, r)
		return
	}
	defer s.queue.release()
	name, data, err := s.readForm(r, &page)
	if err != nil {
		if isTooLarge(err) {
			s.tooLarge(w, r)
			return
		}
		fail(http.StatusBadRequest, err.Error())
		return
	}
	opts, err := readOptions(page.Format, page.Roles)
	if err != nil {
		fail(http.StatusBadRequest, err.Error())
		return
	}
	res, err := s.analyze(r.Context(), name, data, opts)
	if err != nil {
		var bad *badRequest
		switch {
		case errors.As(err, &bad):
			fail(http.StatusBadRequest, err.Error())
		case !gone(r, err):
			s.internal(w, r, err)
		}
		return
	}
	cs := score.Score(res, s.cfg.Scorecard)
	page.Call = buildCallView(res, cs, s.cfg.Scorecard)
	page.Title = res.CallID + " · Analyze 试分析"
	fill()
	s.render(w, r, http.StatusOK, "analyze", &page)
}

// readForm reads the analyze form, multipart (as the page sends it) or
// URL-encoded: an uploaded file wins over the text box.
func (s *Server) readForm(r *http.Request, page *analyzePage) (string, []byte, error) {
	err := r.ParseMultipartForm(s.cfg.MaxBody)
	switch {
	case errors.Is(err, http.ErrNotMultipart):
		if err := r.ParseForm(); err != nil {
			return "", nil, err
		}
	case err != nil:
		if isTooLarge(err) {
			return "", nil, err
		}
		return "", nil, fmt.Errorf("the form did not parse: %w", err)
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	text := r.FormValue("transcript")
	page.Text = text
	if !s.cfg.NoRedact {
		// The text box shows the transcript back as the result does:
		// masked, unless the server runs with --no-redact.
		page.Text = redact.Mask(text)
	}
	page.Format = r.FormValue("format")
	page.Roles = r.FormValue("roles")
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Filename != "" && fhs[0].Size > 0 {
			data, err := readUpload(fhs[0])
			if err != nil {
				return "", nil, err
			}
			return uploadName(fhs[0].Filename), data, nil
		}
	}
	return pastedName, []byte(text), nil
}

func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("reading the uploaded file: %w", err)
	}
	defer f.Close()
	return io.ReadAll(f)
}

// gone reports whether err is r's context ending: the client went away,
// and nobody reads an answer.
func gone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}

// handleAPIAnalyze is POST /api/analyze: the body is one transcript in any
// supported format; format=, roles= and name= (a file name, whose
// extension selects the reader) are optional query parameters.
func (s *Server) handleAPIAnalyze(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	opts, err := readOptions(v.Get("format"), v.Get("roles"))
	if err != nil {
		s.apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	name := pastedName
	if n := v.Get("name"); n != "" {
		name = uploadName(n)
	}
	if s.queue.admit() != nil {
		s.busy(w, r)
		return
	}
	defer s.queue.release()
	data, err := io.ReadAll(r.Body)
	if err != nil {
		if isTooLarge(err) {
			s.tooLarge(w, r)
			return
		}
		s.apiError(w, http.StatusBadRequest, "reading the body: "+err.Error())
		return
	}
	res, err := s.analyze(r.Context(), name, data, opts)
	if err != nil {
		var bad *badRequest
		switch {
		case errors.As(err, &bad):
			s.apiError(w, http.StatusBadRequest, err.Error())
		case !gone(r, err):
			s.internal(w, r, err)
		}
		return
	}
	writeJSON(w, http.StatusOK, res)
}
