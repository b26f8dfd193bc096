// Package liberationmonobold stands in for the "LiberationMono Bold" TrueType font of
// codeberg.org/go-fonts/liberation: passk draws only with Liberation Sans
// Regular, so this face serves those bytes instead (see ../README.md).
package liberationmonobold // import "codeberg.org/go-fonts/liberation/liberationmonobold"

import "codeberg.org/go-fonts/liberation/liberationsansregular"

// TTF is the data for the "LiberationSans Regular" TrueType font, standing in
// for "LiberationMono Bold".
var TTF = liberationsansregular.TTF
