// Package liberationmonobolditalic stands in for the "LiberationMono BoldItalic" TrueType font of
// codeberg.org/go-fonts/liberation: passk draws only with Liberation Sans
// Regular, so this face serves those bytes instead (see ../README.md).
package liberationmonobolditalic // import "codeberg.org/go-fonts/liberation/liberationmonobolditalic"

import "codeberg.org/go-fonts/liberation/liberationsansregular"

// TTF is the data for the "LiberationSans Regular" TrueType font, standing in
// for "LiberationMono BoldItalic".
var TTF = liberationsansregular.TTF
