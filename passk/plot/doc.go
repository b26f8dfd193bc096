// Package plot draws a passk.Report as a figure, SVG or PNG, with
// gonum.org/v1/plot, so that the CLI (`passk -o cross.svg`) and the page
// show the same picture.
//
// The figure of a report:
//
//   - x axis: k on a log2 scale, ticks at powers of two labelled as
//     integers (every power while they fit, every second, third, … power
//     beyond), from 1 to the largest k of the models shown;
//   - y axis: the report's metric (pass@k or pass^k), 0 to 1;
//   - one line per model in the Okabe–Ito palette (safe for colour-blind
//     readers), coloured by the model's position in the report so that a
//     model keeps its colour when others are hidden; points marked when a
//     curve has few of them; predicted points (Point.Predicted) dashed;
//   - the bootstrap band [Lo, Hi] of each curve shaded where it exists;
//   - for each pair of models shown, the headline crossover k* as a grey
//     vertical line through the crossing, its interval as a grey span, and
//     a label "k* = 37 [21, 60]"; where the predicted curves cross
//     beyond the sampled range (Crossover.Prediction), a dashed line, a
//     lighter span and a label "predicted k* = 99 [75, 166]";
//   - a legend and the crossover labels placed where they cover the least
//     of the curves.
//
// SVG and PNG write the figure; Write picks the format by name and FormatOf
// finds it from an output file's extension. Histogram draws per-problem
// pass-rate histograms (RateBins counts a model's problems into bins).
//
// Text that comes from files (model labels) is data: it is drawn as plain
// text, never interpreted (no LaTeX, no markup), stripped of control
// characters, and escaped in SVG output.
//
// All text uses the Liberation Sans face; an SVG names it with the fallbacks
// Arial, Helvetica, sans-serif (Liberation Sans has Arial's metrics, so the
// layout holds where Liberation is not installed). Output is deterministic:
// the same report and options give the same bytes.
package plot
