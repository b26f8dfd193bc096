// Package liberationsansbold stands in for the "LiberationSans Bold" TrueType font of
// codeberg.org/go-fonts/liberation: passk draws only with Liberation Sans
// Regular, so this face serves those bytes instead (see ../README.md).
package liberationsansbold // import "codeberg.org/go-fonts/liberation/liberationsansbold"

import "codeberg.org/go-fonts/liberation/liberationsansregular"

// TTF is the data for the "LiberationSans Regular" TrueType font, standing in
// for "LiberationSans Bold".
var TTF = liberationsansregular.TTF
