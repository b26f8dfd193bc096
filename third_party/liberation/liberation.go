// Copyright ©2020 The go-fonts Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package liberation holds TTF data of the Liberation fonts.
//
// This is passk's trimmed copy of codeberg.org/go-fonts/liberation v0.5.0:
// it embeds only Liberation Sans Regular, and every face package serves
// those bytes (see README.md).
package liberation // import "codeberg.org/go-fonts/liberation"
