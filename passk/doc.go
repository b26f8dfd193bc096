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
//  3. Render the report with package passk/plot, print it (passk/cmd/passk),
//     or send it to the page (wasm).
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
