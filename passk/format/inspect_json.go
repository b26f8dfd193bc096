package format

// Inspect .json logs, streamed: the top-level object is walked key by key,
// "eval" gives the model's name, and "samples" is read one sample at a
// time, keeping only its id, epoch and scores; everything else (messages,
// events, "plan", "results", "stats", "reductions", ...) is skipped by the
// tokenizer without being held, so a log of gigabytes is read in bounded
// memory.

import "encoding/json"

type inspectJSONScanner struct {
	d         *jwDec
	st        *inspectState
	inSamples bool // between the "[" and "]" of "samples"
	done      bool
}

func openInspectJSON(src *Source, opt *Options) (scanner, error) {
	d := newJWDec(src.R, src.Name, "")
	t, off, err := d.token("an Inspect log (a JSON object)")
	if err != nil {
		return nil, err
	}
	if t != json.Delim('{') {
		return nil, d.errorf(off, "found %s, expected an Inspect log (a JSON object with keys version, status, eval, samples)", jwDescribe(t))
	}
	return &inspectJSONScanner{d: d, st: newInspectState(src.Name, opt)}, nil
}

func (s *inspectJSONScanner) next(rec *Record) (bool, error) {
	d := s.d
	for {
		if s.st.pop(rec) {
			return true, nil
		}
		if s.done {
			return false, nil
		}
		if s.inSamples {
			if d.more() {
				off := d.next()
				smp, err := readInspectSample(d, off)
				if err != nil {
					return false, err
				}
				if err := s.st.add(smp); err != nil {
					return false, err
				}
				continue
			}
			if _, _, err := d.token(`"]" closing samples`); err != nil {
				return false, err
			}
			s.inSamples = false
			continue
		}
		if !d.more() {
			if _, _, err := d.token(`"}" closing the log`); err != nil {
				return false, err
			}
			if err := d.end(); err != nil {
				return false, err
			}
			s.done = true
			if !s.st.hasSample {
				return false, errorf(Pos{File: d.file}, "the log has no samples, expected a \"samples\" array (was it written with log_samples=False?)")
			}
			continue
		}
		t, _, err := d.token("a key of the log")
		if err != nil {
			return false, err
		}
		switch key, _ := t.(string); key {
		case "eval":
			model, err := readInspectEvalModel(d)
			if err != nil {
				return false, err
			}
			if s.st.scorers == nil {
				s.st.model = model
			}
		case "samples":
			t, off, err := d.token("the samples (an array)")
			if err != nil {
				return false, err
			}
			switch t {
			case json.Delim('['):
				s.inSamples = true
			case nil:
			default:
				return false, d.mismatch(t, off, "samples", "an array of samples")
			}
		default:
			if err := d.skip(); err != nil {
				return false, err
			}
		}
	}
}
