// Package share encodes a passk session for sharing, and decodes and
// validates what others shared.
//
// A shared session carries only the compact dataset: for each model its
// label, whether it is shown, and per problem n (samples) and c (correct
// samples); the plot's settings (metric, bands, predictions); and, only
// when the sender chooses, the problem ids. Never files, completions,
// extracted answers, file names or the session's name.
//
// # The shared problem order
//
// Problems are listed once, in the shared order: every problem id of every
// model, sorted by id (byte order, as package passk sorts them before it
// resamples). Each model says which problems of that order it has, and its
// n and c on each. When the ids are not shared, the receiver names problem i
// of the order "#" followed by i (1-based) zero-padded to a common width, so
// the names sort in the same order as the ids they stand for. Models are
// paired by id, and the bootstrap resamples problems in id order, so the
// receiver computes exactly the sender's curves, bands and crossovers (the
// seed is passk's default): renaming ids in an order-preserving way changes
// nothing the analysis depends on.
//
// # Format, version 1
//
// The text of a share is "v1." followed by the unpadded base64url encoding
// of a zlib stream (with its Adler-32 checksum, so a truncated or altered
// link is detected) of these bytes, where uvarint is encoding/binary's
// unsigned varint:
//
//	byte     1 (the version again)
//	byte     flags: 1 bands shown, 2 problem ids included; the other bits 0
//	uvarint  length, then the metric's name ("pass@k", "g-pass@k:0.5", …)
//	uvarint  predict beyond n up to this k (0: off)
//	uvarint  P, the problems of the shared order (1 ≤ P ≤ MaxProblems)
//	uvarint  M, the models (1 ≤ M ≤ MaxModels, P·M ≤ MaxCells)
//	if ids:  P × (uvarint length, bytes): the ids, strictly increasing
//	M × model:
//	  uvarint  length, then the label's bytes
//	  byte     flags: 1 hidden, 2 has every problem, 4 the same n on every
//	           problem; the other bits are 0
//	  unless it has every problem: ⌈P/8⌉ bytes, bit i%8 of byte i/8 set when
//	           the model has problem i (padding bits 0)
//	  the same n: one uvarint n; else one uvarint n per problem it has
//	  one uvarint c per problem it has
//
// and nothing after. Counts are integers, so NaN or infinities cannot be
// expressed; each n is 1 … MaxN and each c 0 … n. The metric's name is 1
// to MaxMetricLen bytes of [a-z0-9@^:._-]. Labels are 1 to
// MaxLabelLen bytes of UTF-8 without control characters or surrounding
// spaces, distinct; ids are 1 to MaxIDLen bytes of UTF-8. Every problem
// belongs to at least one model, and every model has at least one problem.
// Decode checks all of it, and refuses a share that fails any check whole.
//
// A reader refuses other versions ("v2." …) with ErrVersion rather than
// guess; a new format gets a new version.
package share
