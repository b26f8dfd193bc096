// Package passk computes pass@k curves of sampled LLM evaluations, their
// bootstrap error bands, and the k at which two models' curves cross.
//
// The pipeline:
//
//  1. Read result files with package passk/format: each file gives one or
//     more Models, each a list of Problems with n samples of which c are
//     correct (and, where the format records them, the extracted answers).
//  2. Analyze turns models into a Report: per model a curve (the mean over
//     its problems of a per-problem metric at each k), a percentile
//     bootstrap band over problems, and for every pair of models their
//     crossovers on the problems both have, with a paired-bootstrap interval.
//  3. With Options.Extrapolate, Analyze also predicts each curve beyond the
//     sampled n from a beta-binomial prior fitted to the tallies (plain or
//     zero-inflated, whichever has the lower AIC; betabinom.go), with bands
//     from a bootstrap of the fit, and where two models' predicted curves
//     cross (predict.go). Backtest checks such predictions by fitting on a
//     subsample of each problem's samples (backtest.go).
//  4. Render the report with package passk/plot, print it (passk/cmd/passk),
//     or send it to the page (wasm).
//
// Metrics: pass@k and pass^k below; maj@k, the expected accuracy of a
// majority vote over k samples, computed exactly from the extracted answers
// (majority.go); G-Pass@k_τ, the chance that at least ⌈τk⌉ of k samples are
// correct (gpass.go).
//
// The per-problem estimators are exact at any n:
//
//	pass@k = 1 − C(n−c, k) / C(n, k)    (Chen et al. 2021)
//	pass^k = C(c, k) / C(n, k)          (all k draws correct)
//
// A whole curve k = 1..n is computed in O(n) from the failure ratio
// F_k = Π_{j<k} (n−c−j)/(n−j); single values (PassAtKValue, PassHatKValue)
// sum the logs of the fewer factors of the two product forms, exact to a few
// ulps at any n. For k > n the estimators are undefined and return an error,
// never 1.
package passk
