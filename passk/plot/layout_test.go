package plot

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/passk/passk/passk"
)

func labels(ticks []gplot.Tick) (major []string, minor int) {
	for _, t := range ticks {
		if t.Label == "" {
			minor++
		} else {
			major = append(major, t.Label)
		}
	}
	return major, minor
}

func TestLog2Ticks(t *testing.T) {
	wide := log2Ticks{Width: vg.Points(380), Size: vg.Points(tickSize)}
	for _, tc := range []struct {
		max   float64
		major string
		minor int
	}{
		{1, "1", 0},
		{8, "1 2 4 8", 0},
		{100, "1 2 4 8 16 32 64", 0},
		{256, "1 2 4 8 16 32 64 128 256", 0},
		{100_000, "1 4 16 64 256 1024 4096 16384 65536", 8},
		{1_000_000, "1 8 64 512 4096 32768 262144", 13},
	} {
		major, minor := labels(wide.Ticks(1, tc.max))
		assert.Equal(t, tc.major, strings.Join(major, " "), "max %v", tc.max)
		assert.Equal(t, tc.minor, minor, "max %v", tc.max)
	}
	// Labels never crowd: a narrow axis labels fewer powers.
	narrow := log2Ticks{Width: vg.Points(150), Size: vg.Points(tickSize)}
	major, _ := labels(narrow.Ticks(1, 1024))
	assert.Equal(t, "1 8 64 512", strings.Join(major, " "))
	// Without a width every power is labelled; a range that is not a log
	// range has no ticks.
	major, _ = labels(log2Ticks{}.Ticks(1, 1<<20))
	assert.Len(t, major, 21)
	assert.Empty(t, wide.Ticks(0, 10))
	assert.Empty(t, wide.Ticks(5, 7))
}

func TestUnitAndCountTicks(t *testing.T) {
	major, minor := labels(unitTicks{}.Ticks(0, 1))
	assert.Equal(t, "0.0 0.2 0.4 0.6 0.8 1.0", strings.Join(major, " "))
	assert.Equal(t, 5, minor)

	for _, tc := range []struct {
		max  float64
		want string
	}{
		{1, "0 1"},
		{5.4, "0 1 2 3 4 5"},
		{172.8, "0 50 100 150"},
		{1000, "0 200 400 600 800 1000"},
	} {
		major, _ := labels(countTicks{}.Ticks(0, tc.max))
		assert.Equal(t, tc.want, strings.Join(major, " "), "max %v", tc.max)
	}
}

func TestCleanLabel(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                  "plain",
		"  two\n\tlines \r\n":    "two lines",
		"bell\x07 nul\x00":       "bell\uFFFD nul\uFFFD",
		"bad \xff utf8":          "bad \uFFFD utf8",
		"zero\u200bwidth\u202e":  "zero\uFFFDwidth\uFFFD",
		"":                       "(unnamed)",
		" \n ":                   "(unnamed)",
		"<script>&amp;</script>": "<script>&amp;</script>", // escaping is the SVG writer's job
	} {
		assert.Equal(t, want, cleanLabel(in, maxLabel), "%q", in)
	}
	long := strings.Repeat("a", 30) + strings.Repeat("b", 30)
	got := cleanLabel(long, 11)
	assert.Equal(t, "aaaaa…bbbbb", got)
	assert.Equal(t, 40, utf8.RuneCountInString(cleanLabel(long, maxLabel)))
}

func TestCrossoverText(t *testing.T) {
	assert.Equal(t, "k* = 37 [21, 60]", crossoverText(37.2, 20.6, 60.4))
	assert.Equal(t, "k* = 1.4 [1.1, 2.3]", crossoverText(1.44, 1.06, 2.31))
	assert.Equal(t, "k* = 10 [9.9, 12]", crossoverText(9.96, 9.94, 12.4))
	assert.Equal(t, "k* = 100000", crossoverText(1e5, math.NaN(), math.NaN()))
}

func TestInsideLength(t *testing.T) {
	r := vg.Rectangle{Min: vg.Point{X: 0, Y: 0}, Max: vg.Point{X: 10, Y: 10}}
	for _, tc := range []struct {
		a, b vg.Point
		want float64
	}{
		{vg.Point{X: -5, Y: 5}, vg.Point{X: 15, Y: 5}, 10}, // across
		{vg.Point{X: 2, Y: 2}, vg.Point{X: 5, Y: 6}, 5},    // inside
		{vg.Point{X: -5, Y: -5}, vg.Point{X: 15, Y: 15}, 10 * math.Sqrt2},
		{vg.Point{X: 11, Y: 0}, vg.Point{X: 20, Y: 10}, 0},  // outside
		{vg.Point{X: 5, Y: 20}, vg.Point{X: 5, Y: -20}, 10}, // vertical
		{vg.Point{X: 12, Y: -1}, vg.Point{X: -1, Y: 12}, 9 * math.Sqrt2},
		{vg.Point{X: 25, Y: -3}, vg.Point{X: -3, Y: 25}, 0}, // misses the corner
	} {
		assert.InDelta(t, tc.want, insideLength(tc.a, tc.b, r), 1e-9, "%v–%v", tc.a, tc.b)
	}
}

func TestThin(t *testing.T) {
	ks := upTo(100_000)
	c := curve(passk.PassAtK, baseRates, ks, 0.1)
	c[50_000].Lo, c[50_000].Hi = math.NaN(), math.NaN()
	for i := 90_000; i < len(c); i++ {
		c[i].Predicted = true
	}
	// 1 pt per doubling: below k = 1/0.4·ln 2… dense, beyond thinned.
	tx := func(k float64) vg.Length { return vg.Length(math.Log2(k)) }
	got := thin(c, tx)
	assert.Less(t, len(got), 300)
	assert.Equal(t, 1, got[0].K)
	assert.Equal(t, 100_000, got[len(got)-1].K)
	var have []int
	for _, p := range got {
		have = append(have, p.K)
	}
	// Both sides of the band's gap and of the step into prediction stay.
	for _, k := range []int{50_000, 50_001, 50_002, 90_000, 90_001} {
		assert.Contains(t, have, k)
	}
}
