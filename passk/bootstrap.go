package passk

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// The percentile bootstrap over problems. A replicate draws N problems with
// replacement from the N problems of a comparison (so problem i is drawn
// w_i times, (w_1..w_N) multinomial) and recomputes every curve with those
// weights:
//
//	curve*(k) = (1/N) Σ_i w_i metric(n_i, c_i, k) = (1/N) Σ_g W_g row_g(k),
//
// where W_g sums the weights of the problems in group g = distinct (n, c).
// Nothing is copied: a replicate is a vector of group weights applied to the
// precomputed per-group table (curve.go), O(N + Σ_g L_g) per model, where
// L_g ≤ K is the row's length before it saturates.
//
// The band at k is the percentile interval of curve*(k) over the B
// replicates; the interval of a crossover is the percentile interval of the
// last crossing k* of the replicates that cross. Percentiles interpolate
// linearly between order statistics (R's type 7, NumPy's default): the
// p-quantile of x_(0) ≤ … ≤ x_(B−1) is x_(i) + f·(x_(i+1) − x_(i)) with
// i + f = p·(B−1).
//
// Reproducibility: replicate b draws from its own PCG generator seeded from
// (seed, b) through SplitMix64, with its own bounded-integer algorithm, so
// output depends only on the seed and the data (problems are ordered by id
// first), not on the platform (GOOS=js included), the problem order, or how
// many goroutines share the replicates.

// view is one model's problems as seen by a bootstrap: item i (of the run's
// items) is a problem of group gr.of[i], whose curve on the grid is row g of t.
type view struct {
	gr grouping
	t  *table
}

// newView builds the view of ps[items] on the grid ks.
func newView(m Metric, ps []Problem, items []int, ks []int, budget *tableBudget) (*view, error) {
	gr := groupFor(m, ps, items)
	t, err := newTable(m, gr.keys, ks, budget)
	if err != nil {
		return nil, err
	}
	return &view{gr: gr, t: t}, nil
}

// mean is the curve of the view's problems, each with weight 1.
func (v *view) mean() []float64 {
	nk := len(v.t.ks)
	dst := make([]float64, nk)
	v.t.sum(v.gr.counts(), float64(len(v.gr.of)), dst, make([]float64, nk), make([]float64, nk))
	return dst
}

// bandSpec asks for the band of a view at grid positions pos.
type bandSpec struct {
	view int
	pos  []int
}

// pairSpec asks for the last crossing of D = view a − view b over grid
// positions 0..K−1 (both grids start 1, 2, …, K).
type pairSpec struct {
	a, b, K int
}

// bootSpec is one bootstrap: views that share items, the bands and
// crossings wanted from them.
type bootSpec struct {
	items int
	views []*view
	bands []bandSpec
	pairs []pairSpec
	boot  int
	seed  uint64
	level float64
	// cl, when set, are the items' classes, few enough that replicates
	// draw class counts rather than items (resample.go).
	cl     *classes
	chosen bool // chooseSampler has run
}

// maxBootWork bounds the work of an analysis's bootstraps (replicates ×
// the steps of one, see work): about 10 s natively. B = 1000 for 2 models
// × 5,000 problems × every k up to 1,024 is 2.6·10⁸ (0.25 s); 16 models
// that share all but one of 10,000 problems each (136 bootstraps) 4·10⁹;
// 64 models like them with 30,000 problems (2,080 bootstraps) would be
// about 10¹¹, and get no bootstrap, with a warning.
const maxBootWork = 4e9

// work is the steps of the bootstrap: per replicate, drawing the items (or
// the classes), summing the views' tables and scanning the pairs.
func (s *bootSpec) work() float64 {
	if s.boot == 0 {
		return 0
	}
	s.chooseSampler()
	per := float64(s.items) * float64(1+len(s.views))
	if s.cl != nil {
		per = s.cl.cost() + float64(len(s.cl.size)*len(s.views))
	}
	for _, v := range s.views {
		per += float64(len(v.t.vals))
	}
	for _, p := range s.pairs {
		per += float64(p.K)
	}
	return float64(s.boot) * per
}

func (s *bootSpec) addView(v *view) int {
	s.views = append(s.views, v)
	return len(s.views) - 1
}

// addBand asks for view v's band at positions pos, if there is a bootstrap;
// it returns the band's index or -1.
func (s *bootSpec) addBand(v int, pos []int) int {
	if s.boot == 0 || len(pos) == 0 {
		return -1
	}
	s.bands = append(s.bands, bandSpec{view: v, pos: pos})
	return len(s.bands) - 1
}

func (s *bootSpec) addPair(a, b, K int) int {
	s.pairs = append(s.pairs, pairSpec{a: a, b: b, K: K})
	return len(s.pairs) - 1
}

// bootOut holds a bootstrap's results: per band the interval at each
// position; per pair the last crossing of each replicate (NaN: none).
type bootOut struct {
	lo, hi [][]float64
	last   [][]float64
}

// worker is the scratch of one goroutine.
type worker struct {
	counts []int32
	class  []int64     // draws per class, when s.cl is set
	binom  []float64   // the binomial sampler's scratch
	w      [][]float64 // per view, group weights
	curve  [][]float64 // per view, replicate curve
	acc    []float64
	ones   []float64
	cross  []float64
	tails  []*tails // per band
}

func (s *bootSpec) newWorker() *worker {
	wk := &worker{}
	if s.cl != nil {
		wk.class = make([]int64, len(s.cl.size))
	} else {
		wk.counts = make([]int32, s.items)
	}
	nk := 0
	for _, v := range s.views {
		wk.w = append(wk.w, make([]float64, len(v.gr.keys)))
		wk.curve = append(wk.curve, make([]float64, len(v.t.ks)))
		nk = max(nk, len(v.t.ks))
	}
	wk.acc, wk.ones = make([]float64, nk), make([]float64, nk)
	for _, b := range s.bands {
		wk.tails = append(wk.tails, newTails(len(b.pos), tailSize(s.boot, s.level)))
	}
	return wk
}

// replicate computes replicate b and hands its curves to the collectors.
func (s *bootSpec) replicate(wk *worker, b int, out *bootOut) {
	rng := replicateRNG(s.seed, b)
	if s.cl != nil {
		s.cl.draw(rng, int64(s.items), wk.class, &wk.binom)
	} else {
		clear(wk.counts)
		n := uint64(s.items)
		for i := 0; i < s.items; i++ {
			wk.counts[bounded(rng, n)]++
		}
	}
	total := float64(s.items)
	for vi, v := range s.views {
		w := wk.w[vi]
		clear(w)
		if s.cl != nil {
			for j, g := range s.cl.group[vi] {
				w[g] += float64(wk.class[j])
			}
		} else {
			for i, g := range v.gr.of {
				w[g] += float64(wk.counts[i])
			}
		}
		nk := len(v.t.ks)
		v.t.sum(w, total, wk.curve[vi], wk.acc[:nk], wk.ones[:nk])
	}
	for bi, band := range s.bands {
		curve := wk.curve[band.view]
		for j, p := range band.pos {
			wk.tails[bi].add(j, curve[p])
		}
	}
	for pi, p := range s.pairs {
		wk.cross = appendCrossings(wk.cross[:0], wk.curve[p.a][:p.K], wk.curve[p.b][:p.K])
		last := math.NaN()
		if len(wk.cross) > 0 {
			last = wk.cross[len(wk.cross)-1]
		}
		out.last[pi][b] = last
	}
}

// run performs the bootstrap, spreading replicates over the available
// threads.
func (s *bootSpec) run() bootOut {
	out := bootOut{}
	for range s.pairs {
		out.last = append(out.last, make([]float64, s.boot))
	}
	if s.boot == 0 {
		return out
	}
	s.chooseSampler()
	nw := min(runtime.GOMAXPROCS(0), max(s.boot/16, 1))
	workers := make([]*worker, nw)
	var wg sync.WaitGroup
	for wi := range workers {
		workers[wi] = s.newWorker()
		wk, lo, hi := workers[wi], wi*s.boot/nw, (wi+1)*s.boot/nw
		wg.Go(func() {
			for b := lo; b < hi; b++ {
				s.replicate(wk, b, &out)
			}
		})
	}
	wg.Wait()
	for bi := range s.bands {
		t := workers[0].tails[bi]
		for _, wk := range workers[1:] {
			t.merge(wk.tails[bi])
		}
		lo, hi := t.interval(s.boot, s.level)
		out.lo, out.hi = append(out.lo, lo), append(out.hi, hi)
	}
	return out
}

// classSampling lets tests compare the two samplers.
var classSampling = true

// chooseSampler draws replicates class by class when that is much cheaper
// than drawing every item: when the classes are few next to the items.
func (s *bootSpec) chooseSampler() {
	if s.chosen {
		return
	}
	s.chosen = true
	if !classSampling || s.items < 4096 {
		return
	}
	perItem := float64(s.items) * float64(1+len(s.views))
	cl := classesOf(s.views, s.items, s.items/16)
	if cl == nil || cl.cost()+float64(len(cl.size)*len(s.views)) > perItem/8 {
		return
	}
	s.cl = cl
}

// crossInterval summarises the last crossings of the replicates: the
// percentile interval over those that cross and the share that cross.
func crossInterval(last []float64, level float64) (lo, hi, share float64) {
	ks := make([]float64, 0, len(last))
	for _, k := range last {
		if !math.IsNaN(k) {
			ks = append(ks, k)
		}
	}
	if len(last) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	share = float64(len(ks)) / float64(len(last))
	if len(ks) == 0 {
		return math.NaN(), math.NaN(), share
	}
	slices.Sort(ks)
	hLo, hHi := quantileRanks(len(ks), level)
	return quantileOf(ks, 0, hLo), quantileOf(ks, 0, hHi), share
}

// quantileRanks returns the fractional ranks h = p·(B−1) of the lower and
// upper bounds of the central interval at level: p = (1 ∓ level)/2. The
// upper one is computed as (B−1) − lower so the two are symmetric.
func quantileRanks(B int, level float64) (lo, hi float64) {
	lo = (1 - level) / 2 * float64(B-1)
	return lo, float64(B-1) - lo
}

// quantileOf interpolates at fractional rank h in sorted values x whose first
// element has rank first.
func quantileOf(x []float64, first int, h float64) float64 {
	i := int(math.Floor(h))
	f := h - float64(i)
	v := x[i-first]
	if f == 0 || i-first+1 >= len(x) {
		return v
	}
	return v + float64(f*(x[i-first+1]-v))
}

// tailSize is how many of the smallest (and of the largest) replicate values
// a band needs: ranks floor(h) and floor(h)+1 of the lower bound.
func tailSize(B int, level float64) int {
	lo, _ := quantileRanks(B, level)
	return min(B, int(math.Floor(lo))+2)
}

// tails keeps, at each of P positions, the t smallest and the t largest
// values seen (as max-heaps of x and of −x): enough for the percentile
// interval, in O(P·t) memory instead of O(P·B).
type tails struct {
	t        int
	nLo, nHi []int     // heap sizes per position
	lo, hi   []float64 // heaps of position p: [p*t, p*t+n[p])
}

func newTails(P, t int) *tails {
	return &tails{t: t, nLo: make([]int, P), nHi: make([]int, P),
		lo: make([]float64, P*t), hi: make([]float64, P*t)}
}

// add records value x at position p.
func (tl *tails) add(p int, x float64) {
	if i, t := p*tl.t, tl.t; tl.nLo[p] == t && tl.nHi[p] == t {
		// Full heaps, the common case: most values fall between the tails.
		if x < tl.lo[i] {
			heapReplaceTop(tl.lo[i:i+t], x)
		}
		if -x < tl.hi[i] {
			heapReplaceTop(tl.hi[i:i+t], -x)
		}
		return
	}
	tl.keep(tl.lo, tl.nLo, p, x)
	tl.keep(tl.hi, tl.nHi, p, -x)
}

// keep offers x to the max-heap of position p in h, which keeps the t
// smallest values offered.
func (tl *tails) keep(h []float64, n []int, p int, x float64) {
	t := tl.t
	heap := h[p*t : (p+1)*t]
	if size := n[p]; size < t {
		heapPush(heap[:size+1], x)
		n[p] = size + 1
	} else if x < heap[0] {
		heapReplaceTop(heap, x)
	}
}

// merge adds the values kept by o, which saw other replicates.
func (tl *tails) merge(o *tails) {
	t := tl.t
	for p := range o.nLo {
		for _, x := range o.lo[p*t : p*t+o.nLo[p]] {
			tl.keep(tl.lo, tl.nLo, p, x)
		}
		for _, y := range o.hi[p*t : p*t+o.nHi[p]] {
			tl.keep(tl.hi, tl.nHi, p, y)
		}
	}
}

// interval returns the percentile interval at every position, from B values
// each.
func (tl *tails) interval(B int, level float64) (lo, hi []float64) {
	t := tl.t
	P := len(tl.nLo)
	hLo, hHi := quantileRanks(B, level)
	lo, hi = make([]float64, P), make([]float64, P)
	x := make([]float64, 0, t)
	for p := 0; p < P; p++ {
		x = append(x[:0], tl.lo[p*t:p*t+tl.nLo[p]]...)
		slices.Sort(x)
		lo[p] = quantileOf(x, 0, hLo)
		x = x[:0]
		for _, y := range tl.hi[p*t : p*t+tl.nHi[p]] {
			x = append(x, -y)
		}
		slices.Sort(x)
		hi[p] = quantileOf(x, B-len(x), hHi)
	}
	return lo, hi
}

// heapPush adds h[len−1] = x to the max-heap h[:len−1].
func heapPush(h []float64, x float64) {
	i := len(h) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if h[parent] >= x {
			break
		}
		h[i] = h[parent]
		i = parent
	}
	h[i] = x
}

// heapReplaceTop replaces the maximum of the max-heap h by x.
func heapReplaceTop(h []float64, x float64) {
	i, n := 0, len(h)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h[c+1] > h[c] {
			c++
		}
		if h[c] <= x {
			break
		}
		h[i] = h[c]
		i = c
	}
	h[i] = x
}

// replicateRNG is replicate b's generator: PCG seeded by SplitMix64 of
// (seed, b), so replicates are independent streams and any subset of them
// can be computed in any order.
func replicateRNG(seed uint64, b int) *rand.PCG {
	const golden = 0x9e3779b97f4a7c15
	x := seed + golden*uint64(2*b+1)
	y := seed + golden*uint64(2*b+2)
	return rand.NewPCG(splitMix(x), splitMix(y^0xd1b54a32d192ed03))
}

func splitMix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// bounded returns a uniform integer in [0, n) (Lemire's multiply-and-reject,
// the same on every platform).
func bounded(r *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}
