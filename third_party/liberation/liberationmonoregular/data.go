// Package liberationmonoregular stands in for the "LiberationMono Regular" TrueType font of
// codeberg.org/go-fonts/liberation: passk draws only with Liberation Sans
// Regular, so this face serves those bytes instead (see ../README.md).
package liberationmonoregular // import "codeberg.org/go-fonts/liberation/liberationmonoregular"

import "codeberg.org/go-fonts/liberation/liberationsansregular"

// TTF is the data for the "LiberationSans Regular" TrueType font, standing in
// for "LiberationMono Regular".
var TTF = liberationsansregular.TTF
