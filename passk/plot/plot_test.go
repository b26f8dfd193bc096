package plot

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/passk/passk/passk"
)

var (
	update = flag.Bool("update", false, "rewrite the golden files in testdata")
	pngDir = flag.String("png", "", "also write each golden figure as a PNG to this directory, to look at")
)

var nan = math.NaN()

// pts turns rows {k, value, lo, hi} into points.
func pts(rows ...[4]float64) []passk.Point {
	out := make([]passk.Point, len(rows))
	for i, r := range rows {
		out[i] = passk.Point{K: int(r[0]), Value: r[1], Lo: r[2], Hi: r[3]}
	}
	return out
}

// goldenReport is a two-model pass@k report written out by hand. Its
// numbers are the exact pass@k of the made-up rates baseRates and rlRates
// (report_test.go) rounded to 3 decimals, bands ±0.12·sqrt(v(1−v)); the
// curves cross at k ≈ 14.2 (crossAt).
func goldenReport() *passk.Report {
	return &passk.Report{
		Metric: passk.PassAtK, Boot: 1000, Seed: 1, Level: 0.95,
		Models: []passk.ModelCurve{
			{Label: "base", Problems: 20, NMin: 16, NMax: 16, Curve: pts(
				[4]float64{1, 0.290, 0.235, 0.344}, [4]float64{2, 0.390, 0.332, 0.449},
				[4]float64{3, 0.446, 0.386, 0.506}, [4]float64{4, 0.484, 0.424, 0.544},
				[4]float64{5, 0.512, 0.452, 0.572}, [4]float64{6, 0.534, 0.474, 0.594},
				[4]float64{7, 0.553, 0.493, 0.612}, [4]float64{8, 0.568, 0.509, 0.628},
				[4]float64{9, 0.582, 0.523, 0.641}, [4]float64{10, 0.594, 0.535, 0.653},
				[4]float64{11, 0.605, 0.546, 0.664}, [4]float64{12, 0.615, 0.556, 0.673},
				[4]float64{13, 0.624, 0.565, 0.682}, [4]float64{14, 0.632, 0.574, 0.689},
				[4]float64{15, 0.639, 0.581, 0.697}, [4]float64{16, 0.646, 0.588, 0.703},
			)},
			{Label: "RL", Problems: 20, NMin: 16, NMax: 16, Curve: pts(
				[4]float64{1, 0.497, 0.437, 0.557}, [4]float64{2, 0.560, 0.501, 0.620},
				[4]float64{3, 0.583, 0.524, 0.643}, [4]float64{4, 0.596, 0.537, 0.655},
				[4]float64{5, 0.604, 0.545, 0.663}, [4]float64{6, 0.610, 0.551, 0.668},
				[4]float64{7, 0.614, 0.556, 0.673}, [4]float64{8, 0.618, 0.560, 0.676},
				[4]float64{9, 0.621, 0.563, 0.679}, [4]float64{10, 0.624, 0.566, 0.682},
				[4]float64{11, 0.626, 0.568, 0.684}, [4]float64{12, 0.629, 0.571, 0.687},
				[4]float64{13, 0.631, 0.573, 0.689}, [4]float64{14, 0.633, 0.575, 0.690},
				[4]float64{15, 0.634, 0.577, 0.692}, [4]float64{16, 0.636, 0.578, 0.694},
			)},
		},
		Crossovers: []passk.Crossover{{
			A: "base", B: "RL", K: 14.2, Lo: 8.3, Hi: 16, Share: 0.71,
			Leader: "base", KMax: 16, Shared: 20, All: []float64{14.2},
		}},
	}
}

// plainReport is one model without bands, for k = 1 … 8.
func plainReport() *passk.Report {
	return &passk.Report{
		Metric: passk.PassAtK,
		Models: []passk.ModelCurve{{Label: "gpt-4o-mini", Problems: 164, NMin: 8, NMax: 8, Curve: pts(
			[4]float64{1, 0.81, nan, nan}, [4]float64{2, 0.86, nan, nan}, [4]float64{3, 0.88, nan, nan},
			[4]float64{4, 0.895, nan, nan}, [4]float64{5, 0.905, nan, nan}, [4]float64{6, 0.912, nan, nan},
			[4]float64{7, 0.918, nan, nan}, [4]float64{8, 0.921, nan, nan},
		)}},
	}
}

func svgOf(t *testing.T, r *passk.Report, opt Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, SVG(&buf, r, opt))
	return buf.Bytes()
}

func pngOf(t *testing.T, r *passk.Report, opt Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, PNG(&buf, r, opt))
	return buf.Bytes()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (%d bytes, want %d); if the change is intended, run go test -update and look at the file", path, len(got), len(want))
	}
}

// lookAt writes a PNG under -png, for a person to look at.
func lookAt(t *testing.T, name string, png []byte) {
	t.Helper()
	if *pngDir == "" {
		return
	}
	require.NoError(t, os.MkdirAll(*pngDir, 0o755))
	name = strings.TrimSuffix(name, filepath.Ext(name)) + ".png"
	require.NoError(t, os.WriteFile(filepath.Join(*pngDir, name), png, 0o644))
}

// wellFormed parses an SVG document and returns the text of its <text>
// elements.
func wellFormed(t *testing.T, svg []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	var texts []string
	in := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "SVG is not well-formed XML")
		switch tok := tok.(type) {
		case xml.StartElement:
			require.NotEqual(t, "script", strings.ToLower(tok.Name.Local), "SVG has a script element")
			in = tok.Name.Local == "text"
			if in {
				texts = append(texts, "")
			}
		case xml.CharData:
			if in {
				texts[len(texts)-1] += string(tok)
			}
		case xml.EndElement:
			in = false
		}
	}
	return texts
}

func TestSVGGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		r    *passk.Report
		opt  Options
	}{
		{"cross.svg", goldenReport(), Options{Title: "MATH-500, n = 16"}},
		{"plain.svg", plainReport(), Options{}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got := svgOf(t, tc.r, tc.opt)
			wellFormed(t, got)
			golden(t, tc.file, got)
			lookAt(t, tc.file, pngOf(t, tc.r, tc.opt))
		})
	}
	t.Run("hist.svg", func(t *testing.T) {
		bins := []Bins{
			{Label: "base", Counts: []int{120, 40, 30, 25, 22, 20, 25, 30, 45, 90}},
			{Label: "RL", Counts: []int{160, 10, 8, 9, 10, 12, 15, 25, 60, 140}},
		}
		var buf bytes.Buffer
		require.NoError(t, Histogram(&buf, bins, Options{}, "svg"))
		wellFormed(t, buf.Bytes())
		golden(t, "hist.svg", buf.Bytes())
		buf.Reset()
		require.NoError(t, Histogram(&buf, bins, Options{}, "png"))
		lookAt(t, "hist.svg", buf.Bytes())
	})
}

func TestSVGContent(t *testing.T) {
	texts := wellFormed(t, svgOf(t, goldenReport(), Options{Title: "MATH-500"}))
	for _, want := range []string{"MATH-500", "pass@k", "k", "1", "2", "4", "8", "16", "0.0", "1.0", "base", "RL", "k* = 14 [8.3, 16]"} {
		assert.Contains(t, texts, want)
	}
	// Fonts fall back to Arial's metrics where Liberation is missing.
	svg := string(svgOf(t, goldenReport(), Options{}))
	assert.NotContains(t, svg, svgFamily)
	assert.Contains(t, svg, svgFallback)

	hat := goldenReport()
	hat.Metric = passk.PassHatK
	assert.Contains(t, wellFormed(t, svgOf(t, hat, Options{})), "pass^k")
}

func TestDeterministic(t *testing.T) {
	for name, r := range map[string]func() *passk.Report{"golden": goldenReport, "plain": plainReport} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, svgOf(t, r(), Options{}), svgOf(t, r(), Options{}))
			assert.Equal(t, pngOf(t, r(), Options{}), pngOf(t, r(), Options{}))
		})
	}
}

func TestPNGSize(t *testing.T) {
	for _, tc := range []struct {
		opt  Options
		w, h int
	}{
		{Options{}, 800, 500},
		{Options{Width: Pixels(1200, 0), Height: Pixels(750, 0)}, 1200, 750},
		{Options{DPI: 254}, 1600, 1000},
		{Options{Width: Pixels(640, 96), Height: Pixels(480, 96), DPI: 96}, 640, 480},
	} {
		img, err := png.Decode(bytes.NewReader(pngOf(t, goldenReport(), tc.opt)))
		require.NoError(t, err)
		assert.Equal(t, tc.w, img.Bounds().Dx(), "%+v", tc.opt)
		assert.Equal(t, tc.h, img.Bounds().Dy(), "%+v", tc.opt)
	}
}

// TestEscaping: labels are text from files; in SVG they must stay text.
func TestEscaping(t *testing.T) {
	labels := []string{
		"<script>alert(1)</script>",
		"</text><script>alert(2)</script><text>",
		`"quoted" & 'single' ]]> <!-- -->`,
	}
	r := goldenReport()
	r.Models = append(r.Models, passk.ModelCurve{Label: labels[2], Curve: r.Models[0].Curve})
	r.Models[0].Label, r.Crossovers[0].A = labels[0], labels[0]
	r.Models[1].Label, r.Crossovers[0].B = labels[1], labels[1]
	r.Crossovers[0].Leader = labels[0]
	svg := svgOf(t, r, Options{Title: "<b>title</b>"})

	assert.NotContains(t, string(svg), "<script")
	assert.NotContains(t, string(svg), "</text><script")
	assert.NotContains(t, string(svg), "<b>")
	assert.Contains(t, string(svg), "&lt;script&gt;alert(1)&lt;/script&gt;")
	texts := wellFormed(t, svg)
	for _, l := range labels {
		assert.Contains(t, texts, l, "label drawn as its text")
	}
	assert.Contains(t, texts, "<b>title</b>")
}

func TestLabelsArePlainText(t *testing.T) {
	r := plainReport()
	r.Models[0].Label = `$\frac{1}{2}$ a\x01b` + "\x02\n\tc\xff"
	texts := wellFormed(t, svgOf(t, r, Options{}))
	assert.Contains(t, texts, `$\frac{1}{2}$ a\x01b`+"\uFFFD c\uFFFD")
}

func TestNoBandsNoCrossover(t *testing.T) {
	r := plainReport()
	r.Models = append(r.Models, passk.ModelCurve{Label: "other", Curve: pts(
		[4]float64{1, 0.5, nan, nan}, [4]float64{2, 0.6, nan, nan}, [4]float64{4, 0.7, nan, nan}, [4]float64{8, 0.75, nan, nan},
	)})
	r.Crossovers = []passk.Crossover{{A: "gpt-4o-mini", B: "other", K: nan, Lo: nan, Hi: nan, Share: nan, Leader: "gpt-4o-mini", KMax: 8}}
	texts := wellFormed(t, svgOf(t, r, Options{}))
	for _, s := range texts {
		assert.NotContains(t, s, "k*")
	}
	_, err := png.Decode(bytes.NewReader(pngOf(t, r, Options{})))
	require.NoError(t, err)

	// Options turn bands and crossovers off.
	g := goldenReport()
	const band = `;fill-opacity:0.2"` // bands are the only fills at 20%
	assert.Equal(t, 2, strings.Count(string(svgOf(t, g, Options{})), band))
	off := svgOf(t, g, Options{NoBands: true, NoCrossovers: true})
	assert.NotContains(t, string(off), band)
	for _, s := range wellFormed(t, off) {
		assert.NotContains(t, s, "k*")
	}
}

func TestLargeK(t *testing.T) {
	// Every k up to 100,000 (what n = 100,000 samples gives): the SVG
	// stays small because points closer than a fraction of a point are
	// dropped.
	const n = 100_000
	r := &passk.Report{Metric: passk.PassAtK, Models: []passk.ModelCurve{
		{Label: "base", Curve: curve(passk.PassAtK, baseRates, upTo(n), 0.1)},
		{Label: "RL", Curve: curve(passk.PassAtK, rlRates, powers(n), 0.1)},
	}, Crossovers: []passk.Crossover{{A: "base", B: "RL", K: 14.2, Lo: 8, Hi: 23}}}
	svg := svgOf(t, r, Options{})
	assert.Less(t, len(svg), 150_000, "SVG size")
	texts := wellFormed(t, svg)
	for _, want := range []string{"1", "65536", "k* = 14 [8.0, 23]"} {
		assert.Contains(t, texts, want)
	}
	_, err := png.Decode(bytes.NewReader(pngOf(t, r, Options{})))
	require.NoError(t, err)
}

func TestSingleModel(t *testing.T) {
	r := goldenReport()
	r.Models = r.Models[1:]
	texts := wellFormed(t, svgOf(t, r, Options{}))
	assert.Contains(t, texts, "RL")
	assert.NotContains(t, texts, "base")
	for _, s := range texts {
		assert.NotContains(t, s, "k*", "a crossover needs both models")
	}

	// A model with a single point (n = 1) and one with none.
	r = &passk.Report{Models: []passk.ModelCurve{
		{Label: "one", Curve: pts([4]float64{1, 0.4, 0.3, 0.5})},
		{Label: "none"},
	}}
	texts = wellFormed(t, svgOf(t, r, Options{}))
	assert.Contains(t, texts, "pass@k", `"" is pass@k`)
	assert.Contains(t, texts, "one")
}

func TestOddInput(t *testing.T) {
	// Points a curve should not have are skipped, not drawn or fatal.
	r := goldenReport()
	c := r.Models[0].Curve
	c = append(c, passk.Point{K: 0, Value: 0.1, Lo: nan, Hi: nan}, passk.Point{K: 17, Value: nan, Lo: nan, Hi: nan},
		passk.Point{K: 18, Value: math.Inf(1)}, passk.Point{K: -3, Value: 0.5})
	c[3].Lo, c[3].Hi = nan, nan // a gap in the band
	c[5], c[6] = c[6], c[5]     // out of order
	r.Models[0].Curve = c
	r.Crossovers[0].Lo, r.Crossovers[0].Hi = 100, 3 // an inverted interval
	r.Crossovers = append(r.Crossovers, passk.Crossover{A: "base", B: "gone", K: 3})
	wellFormed(t, svgOf(t, r, Options{}))

	empty := &passk.Report{}
	wellFormed(t, svgOf(t, empty, Options{}))

	require.Error(t, SVG(io.Discard, nil, Options{}))
}

func TestModelsOption(t *testing.T) {
	r := goldenReport()
	texts := wellFormed(t, svgOf(t, r, Options{Models: []string{"RL"}}))
	assert.Contains(t, texts, "RL")
	assert.NotContains(t, texts, "base")

	// A hidden model's neighbour keeps its colour.
	svg := string(svgOf(t, r, Options{Models: []string{"RL"}}))
	assert.Contains(t, svg, "stroke:#D55E00")
	assert.NotContains(t, svg, "stroke:#0072B2")

	err := SVG(io.Discard, r, Options{Models: []string{"RL", "nope"}})
	require.ErrorIs(t, err, ErrNoModel)
	assert.Contains(t, err.Error(), `"nope"`)
}

func TestWriteAndFormatOf(t *testing.T) {
	for name, want := range map[string]string{"cross.svg": "svg", "out/CROSS.PNG": "png", "a.b.Svg": "svg"} {
		got, err := FormatOf(name)
		require.NoError(t, err)
		assert.Equal(t, want, got, name)
	}
	for _, name := range []string{"cross.pdf", "cross", ""} {
		_, err := FormatOf(name)
		assert.ErrorIs(t, err, ErrFormat, name)
	}

	r := goldenReport()
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, r, Options{}, "png"))
	_, err := png.Decode(&buf)
	require.NoError(t, err)
	buf.Reset()
	require.NoError(t, Write(&buf, r, Options{}, "SVG"))
	assert.Equal(t, svgOf(t, r, Options{}), buf.Bytes())
	assert.ErrorIs(t, Write(io.Discard, r, Options{}, "pdf"), ErrFormat)

	// A writer that fails passes its error on.
	boom := errors.New("disk full")
	assert.ErrorIs(t, Write(failWriter{boom}, r, Options{}, "svg"), boom)
	assert.ErrorIs(t, Write(failWriter{boom}, r, Options{}, "png"), boom)
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

func TestHistogram(t *testing.T) {
	m := &passk.Model{Label: "m", Problems: []passk.Problem{
		{ID: "a", N: 10, C: 0}, {ID: "b", N: 10, C: 1}, {ID: "c", N: 10, C: 5},
		{ID: "d", N: 4, C: 4}, {ID: "e", N: 3, C: 2}, {ID: "f", N: 100, C: 99},
	}}
	// Rates 0, 0.1, 0.5, 1, 0.667, 0.99 in 5 bins of 0.2.
	assert.Equal(t, Bins{Label: "m", Counts: []int{2, 0, 1, 1, 2}}, RateBins(m, 5))
	// Rates on an edge go up: 3/10 is in [0.3, 0.4) of 10 bins.
	edge := &passk.Model{Label: "e", Problems: []passk.Problem{{ID: "a", N: 10, C: 3}, {ID: "b", N: 10, C: 7}}}
	assert.Equal(t, []int{0, 0, 0, 1, 0, 0, 0, 1, 0, 0}, RateBins(edge, 10).Counts)

	bins := []Bins{RateBins(m, 5), {Label: "x<y>", Counts: []int{0, 0, 3, 0, 0}}}
	var buf bytes.Buffer
	require.NoError(t, Histogram(&buf, bins, Options{}, "svg"))
	texts := wellFormed(t, buf.Bytes())
	assert.Contains(t, texts, "x<y>")
	assert.Contains(t, texts, "problems")

	buf.Reset()
	require.NoError(t, Histogram(&buf, bins, Options{Models: []string{"x<y>"}}, "png"))
	img, err := png.Decode(&buf)
	require.NoError(t, err)
	assert.Equal(t, 800, img.Bounds().Dx())

	assert.Error(t, Histogram(io.Discard, []Bins{{Counts: []int{1}}, {Counts: []int{1, 2}}}, Options{}, "svg"))
	assert.ErrorIs(t, Histogram(io.Discard, bins, Options{Models: []string{"zz"}}, "svg"), ErrNoModel)
	assert.ErrorIs(t, Histogram(io.Discard, bins, Options{}, "gif"), ErrFormat)
	require.NoError(t, Histogram(io.Discard, nil, Options{}, "svg"))
}

// TestPredictedCrossover: where the predicted curves cross beyond the
// sampled range, the figure marks it with a dashed line and a label
// "predicted k* = …"; without a prediction, or with one that does not
// cross, it marks nothing more.
func TestPredictedCrossover(t *testing.T) {
	r := goldenReport()
	for i := range r.Models {
		last := r.Models[i].Curve[len(r.Models[i].Curve)-1]
		for _, k := range []int{32, 64} {
			v := last.Value + float64(k)/640*float64(1-2*i) // base rises, RL falls
			r.Models[i].Curve = append(r.Models[i].Curve, passk.Point{K: k, Value: v, Lo: v - 0.05, Hi: v + 0.05, Predicted: true})
		}
	}
	r.Extrapolate = 64
	r.Crossovers[0].Prediction = &passk.PredictedCrossover{K: 40.4, Lo: 30.2, Hi: 55.7, Share: 0.9, Leader: "base", KLimit: 1_000_000}
	svg := svgOf(t, r, Options{})
	texts := wellFormed(t, svg)
	assert.Contains(t, texts, "predicted k* = 40 [30, 56]")
	assert.Contains(t, texts, "predicted")
	assert.Contains(t, texts, "k* = 14 [8.3, 16]")

	r.Crossovers[0].Prediction.K = nan
	assert.NotContains(t, wellFormed(t, svgOf(t, r, Options{})), "predicted k* = 40 [30, 56]")
	r.Crossovers[0].Prediction.K = 40.4
	assert.NotContains(t, wellFormed(t, svgOf(t, r, Options{NoCrossovers: true})), "predicted k* = 40 [30, 56]")
}
