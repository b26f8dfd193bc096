// Package liberationsansitalic stands in for the "LiberationSans Italic" TrueType font of
// codeberg.org/go-fonts/liberation: passk draws only with Liberation Sans
// Regular, so this face serves those bytes instead (see ../README.md).
package liberationsansitalic // import "codeberg.org/go-fonts/liberation/liberationsansitalic"

import "codeberg.org/go-fonts/liberation/liberationsansregular"

// TTF is the data for the "LiberationSans Regular" TrueType font, standing in
// for "LiberationSans Italic".
var TTF = liberationsansregular.TTF
