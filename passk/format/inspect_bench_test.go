package format

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// A generated Inspect run: inspectBenchSamples problems × inspectBenchEpochs epochs, each
// sample with a long completion (about inspectBenchOutput bytes, given three times
// as Inspect does: in messages, in output.choices and in output.completion)
// before its scores.
const (
	inspectBenchSamples = 100
	inspectBenchEpochs  = 4
	inspectBenchOutput  = 32 << 10
)

var inspectBenchLog struct {
	once       sync.Once
	eval, json []byte
	members    int64 // bytes of the sample members, uncompressed
}

// inspectBenchText is seeded pseudo-text like a model's completion: mostly
// ASCII code and prose, a line break every few words, now and then a quote,
// a backslash or a non-ASCII letter.
func inspectBenchText(r *rand.Rand, n int) string {
	words := []string{"def", "return", "the", "answer", "is", "x", "=", "y", "+", "1", "for", "i", "in", "range(n):", "if", "else:", "print(result)", "so", "we", "get", "0.5", "and", "then"}
	rare := []string{`\"quoted\"`, `\\`, `\t`, "für", "数", "λ"}
	var b strings.Builder
	for b.Len() < n {
		switch k := r.IntN(40); {
		case k < 4:
			b.WriteString(`\n    `)
		case k == 4:
			b.WriteString(rare[r.IntN(len(rare))])
		default:
			b.WriteString(words[r.IntN(len(words))])
		}
		b.WriteByte(' ')
	}
	return b.String()
}

func inspectBenchSample(r *rand.Rand, id, epoch int) string {
	out := inspectBenchText(r, inspectBenchOutput)
	value := "I"
	if r.IntN(3) > 0 {
		value = "C"
	}
	return fmt.Sprintf(`{"id": %d, "epoch": %d, "input": "%s", "target": "42", `+
		`"messages": [{"role": "user", "content": "%s"}, {"role": "assistant", "content": "%s", "source": "generate"}], `+
		`"output": {"model": "mock/model", "choices": [{"message": {"role": "assistant", "content": "%s"}, "stop_reason": "stop"}], "completion": "%s", "usage": {"input_tokens": 100, "output_tokens": 2000}}, `+
		`"scores": {"match": {"value": "%s", "answer": "%d", "explanation": "%s"}}, "metadata": {}, "store": {}, `+
		`"events": [{"event": "model", "input": [], "output": {"completion": "%s"}, "timestamp": "2025-01-01T00:00:00"}], "attachments": {}}`,
		id, epoch, inspectBenchText(r, 200), inspectBenchText(r, 200), out, out, out, value, epoch, inspectBenchText(r, 100), inspectBenchText(r, 2000))
}

func inspectBenchSetup(b *testing.B) {
	inspectBenchLog.once.Do(func() {
		r := rand.New(rand.NewPCG(1, 2))
		var zbuf bytes.Buffer
		zw := zip.NewWriter(&zbuf)
		add := func(name, body string) {
			w, err := zw.Create(name)
			if err != nil {
				panic(err)
			}
			_, _ = w.Write([]byte(body))
		}
		header := `{"version": 2, "status": "success", "eval": {"model": "mock/model", "config": {"epochs": ` + strconv.Itoa(inspectBenchEpochs) + `}}}`
		add("_journal/start.json", header)
		var jbuf bytes.Buffer
		jbuf.WriteString(`{"version": 2, "status": "success", "eval": {"model": "mock/model"}, "samples": [`)
		for id := 1; id <= inspectBenchSamples; id++ {
			for e := 1; e <= inspectBenchEpochs; e++ {
				s := inspectBenchSample(r, id, e)
				add(fmt.Sprintf("samples/%d_epoch_%d.json", id, e), s)
				inspectBenchLog.members += int64(len(s))
				if id > 1 || e > 1 {
					jbuf.WriteString(",\n")
				}
				jbuf.WriteString(s)
			}
		}
		add("header.json", header)
		if err := zw.Close(); err != nil {
			panic(err)
		}
		jbuf.WriteString("]}")
		inspectBenchLog.eval, inspectBenchLog.json = zbuf.Bytes(), jbuf.Bytes()
	})
}

// BenchmarkInspectEval reads a generated .eval; its MB/s count the
// uncompressed sample members, file-MB/s the archive itself.
func BenchmarkInspectEval(b *testing.B) {
	inspectBenchSetup(b)
	b.SetBytes(inspectBenchLog.members)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f, err := Read(bytes.NewReader(inspectBenchLog.eval), "bench.eval", nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(f.Models[0].Problems) != inspectBenchSamples {
			b.Fatalf("%d problems", len(f.Models[0].Problems))
		}
	}
	b.ReportMetric(float64(len(inspectBenchLog.eval))*float64(b.N)/b.Elapsed().Seconds()/1e6, "file-MB/s")
}

// BenchmarkInspectJSON reads the same run as one .json log.
func BenchmarkInspectJSON(b *testing.B) {
	inspectBenchSetup(b)
	b.SetBytes(int64(len(inspectBenchLog.json)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f, err := Read(bytes.NewReader(inspectBenchLog.json), "bench.json", nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(f.Models[0].Problems) != inspectBenchSamples {
			b.Fatalf("%d problems", len(f.Models[0].Problems))
		}
	}
}
