// Package liberationserifbold stands in for the "LiberationSerif Bold" TrueType font of
// codeberg.org/go-fonts/liberation: passk draws only with Liberation Sans
// Regular, so this face serves those bytes instead (see ../README.md).
package liberationserifbold // import "codeberg.org/go-fonts/liberation/liberationserifbold"

import "codeberg.org/go-fonts/liberation/liberationsansregular"

// TTF is the data for the "LiberationSans Regular" TrueType font, standing in
// for "LiberationSerif Bold".
var TTF = liberationsansregular.TTF
