// Package liberationserifregular stands in for the "LiberationSerif Regular" TrueType font of
// codeberg.org/go-fonts/liberation: passk draws only with Liberation Sans
// Regular, so this face serves those bytes instead (see ../README.md).
package liberationserifregular // import "codeberg.org/go-fonts/liberation/liberationserifregular"

import "codeberg.org/go-fonts/liberation/liberationsansregular"

// TTF is the data for the "LiberationSans Regular" TrueType font, standing in
// for "LiberationSerif Regular".
var TTF = liberationsansregular.TTF
