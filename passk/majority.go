package passk

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Majority vote. A problem's n samples carry extracted answers: answer a
// was given by m_a samples (Problem.Answers), and u = n − Σ m_a samples
// have none. maj@k is the expected accuracy of a majority vote over k
// samples drawn without replacement from the n:
//
//	maj@k = E[ Σ_{a correct} [a ∈ W] / |W| ],
//
// where x_a is how many of the k drawn samples gave answer a (the x are
// multivariate hypergeometric) and W = argmax_a x_a is the set of answers
// with the most votes, over the answers drawn at least once. Rules:
//
//   - ties are split evenly: a tie of s + 1 answers that includes a correct
//     one counts 1/(s + 1) for it (the expected accuracy of breaking the tie
//     uniformly at random);
//   - samples without an extracted answer abstain: they take up draws but
//     cast no vote, so they never win; if none of the k draws has an answer
//     the vote fails (counts 0);
//   - an answer is correct as its Answer.Correct says (readers mark an
//     answer text correct when any sample giving it was graded correct);
//     several correct answers (equivalent forms) each count their share.
//
// Exact computation. For a correct answer j and each t = 1..min(m_j, k),
// condition on x_j = t: the other answers must have x_a ≤ t, and those at
// exactly t tie. Answers with m_a < t cannot reach t: with the abstaining
// samples they form a free pool of size F whose draws are unconstrained.
// The answers with m_a ≥ t (at most (n − m_j)/t of them) go through a
// dynamic programme over answers whose state is (d, s): d draws among the
// answers processed so far, s of them tied at t. Its values are the
// conditional probabilities of the constraint given d draws from their pool
// (a merge of pools weights by the hypergeometric split of d' draws
// between them), so nothing overflows at any n and every value is a
// probability. Collapsing s with weight 1/(1 + s) gives Q_t(d). The t that
// share the set of answers able to tie (pool M, free pool F = n − m_j − M)
// are gathered over e = t + d draws from answer j and that pool, and merged
// with the free pool once per set:
//
//	v(e) = Σ_t Q_t(e − t) · C(m_j, t)·C(M, e − t) / C(m_j + M, e),
//	maj@k = Σ_j Σ_sets Σ_e v(e) · C(m_j + M, e)·C(F, k − e) / C(n, k),
//
// plus, for the t beyond every other answer's count, the hypergeometric
// tail P(x_j > max_a m_a). Hypergeometric probabilities come from
// log-binomials at the mode of a row and ratio recurrences outwards.
//
// Cost, per correct answer: the programme for t is O(b_t³ · t² / 3) with
// b_t = #{a ≠ j : m_a ≥ t} ≤ (n − m_j)/t (a single answer is closed-form,
// O(t)); each set's merge is O(|ks| · (m_j + M)) for the k of the grid, and
// there are at most as many sets as distinct answer counts (< √(2n)), so a
// whole curve (|ks| = n) costs O(n^2.5) in merges. The programmes cost most
// at small t, where many rare answers can still tie: a typical distribution
// (a few frequent answers and a tail of answers given once or twice) takes
// 0.3 ms at n = 64, 2 ms at n = 256 and 20 ms at n = 1024 with 108 distinct
// answers for the whole curve (BenchmarkMajority); the worst case, many
// answers with large equal counts, is O(n³ log n). Problems with the same
// answer profile (the multiset of counts and correctness) are computed once.

// MajAtK is the majority-vote metric (needs extracted answers).
const MajAtK Metric = "maj@k"

// ErrNoAnswers is returned for maj@k of a model whose problems carry no
// extracted answers.
var ErrNoAnswers = errors.New("no extracted answers")

// answerFormats names the formats whose readers keep answers, for errors.
const answerFormats = `qwen-math ("pred"), inspect ("answer" of a score), jsonl ("pred" or "answer") and samples-csv (an answer column)`

// majProfile is a problem's answers as the vote sees them: counts in
// decreasing order (correct first among equal counts), zero counts dropped.
type majProfile struct {
	n       int
	counts  []int
	correct []bool
}

func newMajProfile(p *Problem) majProfile {
	type ans struct {
		m int
		c bool
	}
	var as []ans
	for _, a := range p.Answers {
		if a.Count > 0 {
			as = append(as, ans{a.Count, a.Correct})
		}
	}
	slices.SortFunc(as, func(x, y ans) int {
		if x.m != y.m {
			return cmp.Compare(y.m, x.m)
		}
		switch {
		case x.c && !y.c:
			return -1
		case !x.c && y.c:
			return 1
		}
		return 0
	})
	pr := majProfile{n: p.N}
	for _, a := range as {
		pr.counts = append(pr.counts, a.m)
		pr.correct = append(pr.correct, a.c)
	}
	return pr
}

// key encodes the profile as a string (for grouping problems).
func (pr majProfile) key() string {
	var b strings.Builder
	for i, m := range pr.counts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(m))
		if pr.correct[i] {
			b.WriteByte('+')
		}
	}
	return b.String()
}

// parseMajProfile decodes key (see key) for a problem with n samples.
func parseMajProfile(n int, key string) majProfile {
	pr := majProfile{n: n}
	if key == "" {
		return pr
	}
	for _, f := range strings.Split(key, ",") {
		c := strings.HasSuffix(f, "+")
		m, _ := strconv.Atoi(strings.TrimSuffix(f, "+"))
		pr.counts = append(pr.counts, m)
		pr.correct = append(pr.correct, c)
	}
	return pr
}

// MajorityValues returns maj@k of problem p at each k of ks (ascending
// order is not required; 1 ≤ k ≤ p.N). A problem without answers has
// maj@k = 0 (no draw votes).
func MajorityValues(p Problem, ks []int) ([]float64, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	for _, k := range ks {
		if k < 1 || k > p.N {
			return nil, fmt.Errorf("k = %d with n = %d: expected 1 ≤ k ≤ n: %w", k, p.N, ErrKOutOfRange)
		}
	}
	sorted := slices.Clone(ks)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	vals, err := newMajProfile(&p).values(sorted, newLogFactorials(p.N))
	if err != nil {
		return nil, fmt.Errorf("problem %q: %w", p.ID, err)
	}
	out := make([]float64, len(ks))
	for i, k := range ks {
		j, _ := slices.BinarySearch(sorted, k)
		out[i] = vals[j]
	}
	return out, nil
}

// maxMajSteps bounds the inner steps of one answer profile's curve (2.7·10⁸,
// about 2 s natively): the tie programme's worst case grows as n³ log n, so
// counts made for it (many answers with large equal counts at a large n:
// 32 answers of 64 at n = 2048 take 9.5·10⁸ steps, 6 s; at n = 65,536 they
// would take days) get ErrTooLarge instead. Real profiles stay far below it
// (a typical one at n = 1024 takes 20 ms; 32 answers of 32 at n = 1024,
// 1.2·10⁸ steps).
const maxMajSteps = 1 << 28

// values returns maj@k at each k of ks (ascending, each in 1..n); lf holds
// ln i! up to at least n. It gives up with ErrTooLarge after maxMajSteps.
func (pr majProfile) values(ks []int, lf logFactorials) ([]float64, error) {
	out := make([]float64, len(ks))
	if len(ks) == 0 {
		return out, nil
	}
	n, kmax := pr.n, ks[len(ks)-1]
	var dp tieDP
	tooLarge := func() error {
		return fmt.Errorf("maj@k of a problem with n = %d and %d answers (the largest given %d times) needs more than %d steps: %w", n, len(pr.counts), pr.counts[0], maxMajSteps, ErrTooLarge)
	}
	row := make([]float64, n+1)
	done := map[int]bool{} // correct answers' counts already done
	for j, mj := range pr.counts {
		if !pr.correct[j] || done[mj] {
			continue
		}
		done[mj] = true
		// Correct answers with the same count contribute equally.
		mult := 0
		for i, m := range pr.counts {
			if m == mj && pr.correct[i] {
				mult++
			}
		}
		others := make([]int, 0, len(pr.counts)-1)
		for i, m := range pr.counts {
			if i != j {
				others = append(others, m) // still decreasing
			}
		}
		rest := n - mj // samples that are not answer j
		top := 0       // the largest other count
		if len(others) > 0 {
			top = others[0]
		}
		// t ≤ top: some other answer can reach t. The t with the same set
		// of answers that can tie (the b_t largest others, pool M) share a
		// free pool, so their terms are gathered over e = t + d draws from
		// answer j and the tied pool, in v[e], and merged with the free
		// pool once per set:
		//
		//	v[e] += Q_t(d) · C(m_j, t)·C(M, d)/C(m_j + M, e),
		//	maj@k += Σ_e v[e] · C(m_j + M, e)·C(F, k − e)/C(n, k).
		nb, pool := -1, 0
		var v []float64
		flush := func() {
			if nb <= 0 {
				return
			}
			tied, free := mj+pool, n-mj-pool
			for i, k := range ks {
				lo, hi := max(1, k-free), min(k, len(v)-1)
				if lo > hi {
					continue
				}
				lf.hyperRow(tied, free, k, lo, hi, row)
				dp.steps += 2 * (hi - lo + 1)
				var r float64
				for e := lo; e <= hi; e++ {
					r += v[e] * row[e-lo]
				}
				out[i] += float64(mult) * r
			}
		}
		b := len(others)
		for t := 1; t <= min(mj, kmax, top); t++ {
			for b > 0 && others[b-1] < t {
				b--
			}
			if b != nb {
				flush()
				nb, pool = b, 0
				for _, m := range others[:nb] {
					pool += m
				}
				v = make([]float64, mj+pool+1)
			}
			if dp.steps > maxMajSteps {
				return nil, tooLarge()
			}
			q, _ := dp.run(others[:nb], t, lf)
			// w(d) = C(m_j, t)·C(M, d)/C(m_j + M, t + d), from w(0) by
			// w(d)/w(d−1) = (M − d + 1)(t + d) / (d·(m_j + M − t − d + 1)),
			// or one by one where w(0) is too small to start from.
			w := lf.hyperPMF(mj, pool, t, t)
			direct := w < 1e-200
			for d, qd := range q {
				switch {
				case direct:
					w = lf.hyperPMF(mj, pool, t+d, t)
				case d > 0:
					w *= float64(pool-d+1) * float64(t+d) / (float64(d) * float64(mj+pool-t-d+1))
				}
				if qd != 0 {
					v[t+d] += qd * w
				}
			}
		}
		flush()
		if dp.steps > maxMajSteps {
			return nil, tooLarge()
		}
		// t > top: answer j wins alone whenever x_j = t.
		if mj > top {
			for i, k := range ks {
				lo, hi := top+1, min(mj, k)
				if lo > hi {
					continue
				}
				lf.hyperRow(mj, rest, k, lo, hi, row)
				var r float64
				for x := lo; x <= hi; x++ {
					r += row[x-lo]
				}
				out[i] += float64(mult) * r
			}
		}
	}
	for i := range out {
		out[i] = min(out[i], 1)
	}
	return out, nil
}

// tieDP is the scratch of the programme over the answers that can tie.
type tieDP struct {
	cur, next [][]float64
	row       []float64
	steps     int // inner steps so far (see maxMajSteps)
}

// run returns Q(d), d = 0..b·t (b = len(counts)): for d draws from the
// pool of these answers (each count ≥ t), the probability that none has
// more than t votes, each outcome weighted by 1/(1 + s) for s answers at
// exactly t; and the pool's size.
func (dp *tieDP) run(counts []int, t int, lf logFactorials) ([]float64, int) {
	b := len(counts)
	grow := func(m [][]float64, rows, cols int) [][]float64 {
		for len(m) < rows {
			m = append(m, nil)
		}
		for i := 0; i < rows; i++ {
			if cap(m[i]) < cols {
				m[i] = make([]float64, cols)
			}
			m[i] = m[i][:cols]
			clear(m[i])
		}
		return m
	}
	dp.cur = grow(dp.cur, b+1, b*t+1)
	dp.next = grow(dp.next, b+1, b*t+1)
	if cap(dp.row) < t+1 {
		dp.row = make([]float64, t+1)
	}
	cur, next := dp.cur, dp.next
	// The first answer alone: given d of its own samples drawn, it has d
	// votes: below t, or tied at t.
	for d := 0; d < t; d++ {
		cur[0][d] = 1
	}
	cur[1][t] = 1
	pool, deg := counts[0], t
	for l := 1; l < b; l++ {
		m := counts[l]
		ndeg := deg + t
		for s := 0; s <= l+1; s++ {
			clear(next[s][:ndeg+1])
		}
		for dn := 0; dn <= ndeg; dn++ {
			// d from the old pool, dn − d from answer l (0..t).
			lo, hi := max(0, dn-t), min(deg, dn)
			if lo > hi {
				continue
			}
			row := dp.row[:hi-lo+1]
			lf.hyperRow(pool, m, dn, lo, hi, row)
			dp.steps += (l + 2) * (hi - lo + 1)
			for s := 0; s <= l; s++ {
				c := cur[s]
				var below float64 // answer l below t
				for d := max(lo, dn-t+1); d <= hi; d++ {
					below += row[d-lo] * c[d]
				}
				next[s][dn] += below
				if d := dn - t; d >= lo && d <= hi {
					next[s+1][dn] += row[d-lo] * c[d] // answer l ties at t
				}
			}
		}
		cur, next = next, cur
		pool += m
		deg = ndeg
	}
	q := make([]float64, deg+1)
	for s := 0; s <= b; s++ {
		w := 1 / float64(s+1)
		for d, v := range cur[s][:deg+1] {
			q[d] += w * v
		}
	}
	dp.cur, dp.next = cur, next
	return q, pool
}
