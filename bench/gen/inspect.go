package gen

import (
	"archive/zip"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// InspectEval writes an Inspect .eval log (a zip archive, members deflated
// as inspect_ai writes them) of samples × epochs samples whose
// completions average completion bytes: _journal/start.json,
// samples/<id>_epoch_<e>.json, then header.json. Each sample is shaped like
// inspect_ai's: input, target, messages, output (the completion given in
// its message and as output.completion), scores, metadata, store, events
// (a model event that repeats the exchange) and usage. It returns the
// tallies (a sample is correct when its score is "C") and the bytes of
// the sample members before compression.
func InspectEval(w io.Writer, samples, epochs, completion int, seed uint64) ([]Tally, int64, error) {
	r := rand.New(rand.NewPCG(seed, 3))
	zw := zip.NewWriter(w)
	header := fmt.Sprintf(`{"version": 2, "status": "success", "eval": {"run_id": "bench", "created": "2025-01-01T00:00:00+00:00", "task": "bench", "task_version": 0, "model": "mockllm/model", "config": {"epochs": %d}, "dataset": {"name": "bench", "samples": %d}}, "plan": {"steps": [{"solver": "generate", "params": {}}]}}`, epochs, samples)
	add := func(name string, body []byte) error {
		f, err := zw.Create(name)
		if err != nil {
			return err
		}
		_, err = f.Write(body)
		return err
	}
	if err := add("_journal/start.json", []byte(header)); err != nil {
		return nil, 0, err
	}
	var total int64
	tallies := make([]Tally, samples)
	var b, text []byte
	for id := 1; id <= samples; id++ {
		rate := difficulty(r)
		tallies[id-1] = Tally{ID: strconv.Itoa(id), N: epochs}
		for e := 1; e <= epochs; e++ {
			text = text[:0]
			size := int(float64(completion) * (0.25 + 1.5*r.Float64()))
			if r.IntN(2) == 0 {
				text = appendCode(text, r, size)
			} else {
				text = appendMath(text, r, size)
			}
			value := "I"
			if r.Float64() < rate {
				value = "C"
				tallies[id-1].C++
			}
			prompt := appendMath(nil, r, 600)
			b = fmt.Appendf(b[:0], `{"id": %d, "epoch": %d, "input": "%s", "target": "42", `, id, e, prompt)
			b = fmt.Appendf(b, `"messages": [{"id": "m%d-%d-1", "content": "%s", "source": "input", "role": "user"}, `, id, e, prompt)
			b = fmt.Appendf(b, `{"id": "m%d-%d-2", "content": "%s", "source": "generate", "role": "assistant", "model": "mockllm/model"}], `, id, e, text)
			b = fmt.Appendf(b, `"output": {"model": "mockllm/model", "choices": [{"message": {"id": "m%d-%d-2", "content": "%s", "source": "generate", "role": "assistant"}, "stop_reason": "stop"}], `, id, e, text)
			b = fmt.Appendf(b, `"completion": "%s", "usage": {"input_tokens": 180, "output_tokens": %d, "total_tokens": %d}, "time": 1.25}, `, text, len(text)/4, 180+len(text)/4)
			b = fmt.Appendf(b, `"scores": {"match": {"value": "%s", "answer": "%d", "explanation": "%s", "history": []}}, "metadata": {}, "store": {}, `, value, r.IntN(100), appendMath(nil, r, 120))
			b = fmt.Appendf(b, `"events": [{"timestamp": "2025-01-01T00:00:01+00:00", "event": "sample_init", "sample": {"input": "%s", "target": "42", "id": %d}}, `, prompt, id)
			b = fmt.Appendf(b, `{"timestamp": "2025-01-01T00:00:02+00:00", "event": "model", "model": "mockllm/model", "input": [{"content": "%s", "role": "user"}], "output": {"completion": "%s"}}], `, prompt, text)
			b = fmt.Appendf(b, `"model_usage": {"mockllm/model": {"input_tokens": 180, "output_tokens": %d}}, "total_time": 1.5, "working_time": 1.4, "uuid": "s%d-%d", "attachments": {}}`, len(text)/4, id, e)
			total += int64(len(b))
			if err := add(fmt.Sprintf("samples/%d_epoch_%d.json", id, e), b); err != nil {
				return nil, total, err
			}
		}
	}
	if err := add("header.json", []byte(header)); err != nil {
		return nil, total, err
	}
	return tallies, total, zw.Close()
}
