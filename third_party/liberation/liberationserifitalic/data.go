// Package liberationserifitalic stands in for the "LiberationSerif Italic" TrueType font of
// codeberg.org/go-fonts/liberation: passk draws only with Liberation Sans
// Regular, so this face serves those bytes instead (see ../README.md).
package liberationserifitalic // import "codeberg.org/go-fonts/liberation/liberationserifitalic"

import "codeberg.org/go-fonts/liberation/liberationsansregular"

// TTF is the data for the "LiberationSans Regular" TrueType font, standing in
// for "LiberationSerif Italic".
var TTF = liberationsansregular.TTF
