package passk

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Resampling many problems. A replicate needs, per view, only the summed
// weights of its groups, and items that fall in the same group in every view
// (a "class") are interchangeable: the class counts of N draws with
// replacement are multinomial(N; |class_1|/N, …, |class_J|/N). When the
// classes are few next to the items (a million problems with one sample each
// have two classes), a replicate draws those J counts directly, as
// conditional binomials, in O(Σ_j σ_j) instead of N draws: the same
// distribution, computed from a different use of the replicate's random
// stream. Which way a bootstrap goes depends only on the data, and the
// sampler uses only correctly rounded arithmetic (+ − × ÷, no exp or log,
// whose last bits differ between platforms), so output stays the same on
// every platform.

// classes are the items' classes: items with the same group in every view.
type classes struct {
	size  []int64   // items in class j, classes in order of first item
	group [][]int32 // per view, class j → the view's group
}

// classesOf returns the classes of the views' items, or nil when there are
// more than max of them.
func classesOf(views []*view, items, max int) *classes {
	cl := &classes{group: make([][]int32, len(views))}
	index := map[string]int{}
	key := make([]byte, 4*len(views))
	for i := 0; i < items; i++ {
		for vi, v := range views {
			g := uint32(v.gr.of[i])
			key[4*vi], key[4*vi+1], key[4*vi+2], key[4*vi+3] = byte(g), byte(g>>8), byte(g>>16), byte(g>>24)
		}
		j, ok := index[string(key)]
		if !ok {
			if len(cl.size) == max {
				return nil
			}
			j = len(cl.size)
			index[string(key)] = j
			cl.size = append(cl.size, 0)
			for vi, v := range views {
				cl.group[vi] = append(cl.group[vi], v.gr.of[i])
			}
		}
		cl.size[j]++
	}
	return cl
}

// binomialTail is where the sampler stops walking away from the mode: terms
// below this fraction of the mode's probability are left out, a relative
// error far under float64's resolution of the draw.
const binomialTail = 1e-20

// cost estimates the work of one replicate drawn class by class: the terms
// the binomial sampler walks, about ±9.3σ around each mode.
func (cl *classes) cost() float64 {
	rem := float64(0)
	for _, s := range cl.size {
		rem += float64(s)
	}
	n, cost := rem, 0.0
	for _, s := range cl.size {
		p := float64(s) / rem
		cost += 4 + 2*9.3*math.Sqrt(n*p*(1-p))
		n -= n * p // the expected draws left
		rem -= float64(s)
	}
	return cost
}

// draw sets counts[j] to class j's number of draws among n draws with
// replacement from all items.
func (cl *classes) draw(rng *rand.PCG, n int64, counts []int64, scratch *[]float64) {
	mass := int64(0)
	for _, s := range cl.size {
		mass += s
	}
	for j, s := range cl.size {
		switch {
		case n == 0:
			counts[j] = 0
		case s == mass:
			counts[j] = n
		default:
			counts[j] = binomial(rng, n, float64(s)/float64(mass), scratch)
		}
		n -= counts[j]
		mass -= s
	}
}

// binomial draws from Binomial(n, p), 0 < p < 1, by inversion over
// binomialTerms.
func binomial(rng *rand.PCG, n int64, p float64, scratch *[]float64) int64 {
	lo, terms, sum := binomialTerms(n, p, (*scratch)[:0])
	*scratch = terms
	u := float64(rng.Uint64()>>11) * 0x1p-53 * sum
	acc := 0.0
	for i, x := range terms {
		acc += x
		if u < acc {
			return lo + int64(i)
		}
	}
	// u rounded up to the sum: the last term.
	return lo + int64(len(terms)-1)
}

// binomialTerms returns the probabilities of Binomial(n, p) relative to the
// mode's, r(k) = P(k)/P(mode) for k = lo, lo+1, … (appended to buf), and
// their sum. They are built by their ratios from the mode outwards,
// r(k−1) = r(k)·k·q / ((n−k+1)·p) and r(k+1) = r(k)·(n−k)·p / ((k+1)·q),
// until they fall under binomialTail.
func binomialTerms(n int64, p float64, buf []float64) (lo int64, terms []float64, sum float64) {
	q := 1 - p
	mode := min(max(int64(float64(n+1)*p), 0), n)
	terms = buf
	r := 1.0
	for k := mode; k > 0; k-- {
		r *= float64(k) * q / (float64(n-k+1) * p)
		if r < binomialTail {
			break
		}
		terms = append(terms, r)
	}
	lo = mode - int64(len(terms))
	slices.Reverse(terms)
	r = 1
	terms = append(terms, r)
	for k := mode; k < n; k++ {
		r *= float64(n-k) * p / (float64(k+1) * q)
		if r < binomialTail {
			break
		}
		terms = append(terms, r)
	}
	for _, x := range terms {
		sum += x
	}
	return lo, terms, sum
}
