// Package gen writes the generated result files that passk's benchmarks
// read: a human-eval per-sample JSONL with long code completions, a
// Qwen2.5-Math / limit-of-RLVR per-problem JSONL, and an Inspect .eval log.
// Each is seeded, so the same arguments give the same bytes on every run,
// and shaped like the tools' own files (the fixtures in shared/fixtures):
// the same keys in the same order, the escapes json.dumps writes (\n, \",
// \\, \t; non-ASCII as \uXXXX), and most of the bytes in the one field a
// reader of correctness skips, the model's completions.
//
// The files are made at benchmark time in a temporary directory and never
// committed.
package gen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// Tally is what a generated file holds per problem: n samples, c correct.
type Tally struct {
	ID   string
	N, C int
}

// difficulty draws a problem's success rate: a fifth of the problems are
// never solved, the rest have a rate skewed towards hard (U²), so pass@k
// keeps growing with k as it does on real benchmarks.
func difficulty(r *rand.Rand) float64 {
	if r.IntN(5) == 0 {
		return 0
	}
	u := r.Float64()
	return u * u
}

// codeWords and mathWords are the vocabulary of the completions, as they
// appear inside a JSON string. human-eval writes its results with
// json.dumps' defaults (non-ASCII as \uXXXX), Qwen2.5-Math with
// ensure_ascii=False (non-ASCII as UTF-8); rareCode and rareMath come once
// in about a thousand words. The math text has an escape every 18 bytes or
// so, most of them the backslashes of LaTeX, about as in the Qwen2.5-Math
// fixture.
var (
	codeWords = []string{"def", "return", "for", "i", "in", "range(len(numbers)):", "if", "abs(a", "-", "b)", "<",
		"threshold:", `\"x\"`, "numbers[j]", "+=", "1", "else:", "result.append(x)", "while", "not", "stack:", "==",
		"0", `'\\n'.join(lines)`, "# check", "len(s)", `\t`, "True", "False", "None", "sorted(xs,", "key=lambda", "t:", "t[1])"}
	mathWords = []string{"we", "have", "the", "so", "is", "of", "and", `\\(x\\)`, `\\frac{1}{2}`, "=", "+", `\\cdot`,
		`\\sqrt{2}`, "therefore", "answer", `\\boxed{42}`, "Let", `\\(n\\)`, "be", "an", "integer.", "Since", "value",
		`\\(a^2 + b^2 = c^2\\)`, "step", "2", "3", "first,", "find", "number", "that", "gives", "us", "this", "means",
		"to", "solve", "equation", "for", "each", "term", "sum", "product", "we", "get", "substitute", "back", "into", "check"}
	rareCode = []string{`\u00e9`, `\u4e2d\u6587`, `\ud83d\ude00`}
	rareMath = []string{"é", "中文", "😀", `\u001b`}
)

// word picks the next word of a completion.
func word(r *rand.Rand, words, rare []string) string {
	if r.IntN(1000) == 0 {
		return rare[r.IntN(len(rare))]
	}
	return words[r.IntN(len(words))]
}

// appendCode appends about size bytes of code-like completion text: lines
// of a few words, indented, separated by \n.
func appendCode(b []byte, r *rand.Rand, size int) []byte {
	start := len(b)
	for len(b)-start < size {
		b = append(b, `\n    `...)
		if r.IntN(4) == 0 {
			b = append(b, `    `...)
		}
		for range 3 + r.IntN(6) {
			b = append(b, word(r, codeWords, rareCode)...)
			b = append(b, ' ')
		}
	}
	return b
}

// appendMath appends about size bytes of a step-by-step solution with
// LaTeX, in paragraphs of 8 to 23 words.
func appendMath(b []byte, r *rand.Rand, size int) []byte {
	start := len(b)
	for words := 8 + r.IntN(16); len(b)-start < size; words-- {
		if words == 0 {
			b = append(b, `.\n\n`...)
			words = 8 + r.IntN(16)
		}
		b = append(b, word(r, mathWords, rareMath)...)
		b = append(b, ' ')
	}
	return b
}

// counter counts the bytes written through it.
type counter struct {
	w *bufio.Writer
	n int64
}

func (c *counter) write(b []byte) error {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return err
}

// HumanEval writes a human-eval `*_results.jsonl` of about size bytes:
// problems × n lines {"task_id", "completion", "result", "passed"},
// grouped by problem, with completions of code-like text whose lengths
// vary from a quarter to 1.75 times their mean.
func HumanEval(w io.Writer, problems, n int, size int64, seed uint64) ([]Tally, int64, error) {
	r := rand.New(rand.NewPCG(seed, 1))
	c := &counter{w: bufio.NewWriterSize(w, 1<<20)}
	const overhead = 90 // the keys and the result around a completion
	mean := max(int(size/int64(problems*n))-overhead, 16)
	tallies := make([]Tally, problems)
	var line []byte
	for p := range problems {
		rate := difficulty(r)
		id := "HumanEval/" + strconv.Itoa(p)
		tallies[p] = Tally{ID: id, N: n}
		for range n {
			line = append(line[:0], `{"task_id": "`...)
			line = append(line, id...)
			line = append(line, `", "completion": "`...)
			line = appendCode(line, r, int(float64(mean)*(0.25+1.5*r.Float64())))
			if r.Float64() < rate {
				line = append(line, `", "result": "passed", "passed": true}`+"\n"...)
				tallies[p].C++
			} else if r.IntN(8) == 0 {
				line = append(line, `", "result": "timed out", "passed": false}`+"\n"...)
			} else {
				line = append(line, `", "result": "failed: AssertionError", "passed": false}`+"\n"...)
			}
			if err := c.write(line); err != nil {
				return nil, c.n, err
			}
		}
	}
	return tallies, c.n, c.w.Flush()
}

// QwenMath writes a Qwen2.5-Math / limit-of-RLVR per-problem JSONL of
// about size bytes: one line per problem with its question and reference
// solution, then lists of n items each: "code" (the completions),
// "pred" (the extracted answers), "report" (null) and "score" (bools).
func QwenMath(w io.Writer, problems, n int, size int64, seed uint64) ([]Tally, int64, error) {
	r := rand.New(rand.NewPCG(seed, 2))
	c := &counter{w: bufio.NewWriterSize(w, 1<<20)}
	const perSample = 30 // the pred, report and score items and the separators
	mean := max(int(size/int64(problems))/n-perSample, 16)
	tallies := make([]Tally, problems)
	var line []byte
	scores := make([]bool, n)
	for p := range problems {
		rate := difficulty(r)
		answer := strconv.Itoa(r.IntN(1000))
		tallies[p] = Tally{ID: strconv.Itoa(p), N: n}
		line = fmt.Appendf(line[:0], `{"idx": %d, "question": "`, p)
		line = appendMath(line, r, 200)
		line = append(line, `", "gt_cot": "`...)
		sol := len(line)
		line = appendMath(line, r, 400)
		solution := string(line[sol:])
		line = fmt.Appendf(line, `", "gt": "%s", "level": "Level %d", "solution": "%s", "answer": "%s", "code": [`, answer, 1+r.IntN(5), solution, answer)
		for j := range n {
			if j > 0 {
				line = append(line, ", "...)
			}
			line = append(line, '"')
			line = appendMath(line, r, int(float64(mean)*(0.25+1.5*r.Float64())))
			line = append(line, '"')
			scores[j] = r.Float64() < rate
		}
		line = append(line, `], "pred": [`...)
		for j := range n {
			if j > 0 {
				line = append(line, ", "...)
			}
			if scores[j] {
				line = strconv.AppendQuote(line, answer)
			} else {
				line = strconv.AppendQuote(line, strconv.Itoa(r.IntN(50)))
			}
		}
		line = append(line, `], "report": [`...)
		for j := range n {
			if j > 0 {
				line = append(line, ", "...)
			}
			line = append(line, "null"...)
		}
		line = append(line, `], "score": [`...)
		for j, ok := range scores {
			if j > 0 {
				line = append(line, ", "...)
			}
			line = strconv.AppendBool(line, ok)
			if ok {
				tallies[p].C++
			}
		}
		line = append(line, "]}\n"...)
		if err := c.write(line); err != nil {
			return nil, c.n, err
		}
	}
	return tallies, c.n, c.w.Flush()
}
