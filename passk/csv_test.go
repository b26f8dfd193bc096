package passk

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteCSV(t *testing.T) {
	r := &Report{Metric: PassAtK, Models: []ModelCurve{
		{Label: "=HYPERLINK(\"http://x\")", Curve: []Point{{K: 1, Value: 0.5, Lo: 0.25, Hi: 0.75}}},
		{Label: "rl", Curve: []Point{{K: 1, Value: 0.125, Lo: math.NaN(), Hi: math.NaN()}, {K: 64, Value: 0.9, Lo: 0.8, Hi: 0.95, Predicted: true}}},
	}}
	var buf bytes.Buffer
	require.NoError(t, r.WriteCSV(&buf, nil))
	assert.Equal(t, `label,metric,k,value,lo,hi,predicted
"'=HYPERLINK(""http://x"")",pass@k,1,0.5,0.25,0.75,false
rl,pass@k,1,0.125,,,false
rl,pass@k,64,0.9,0.8,0.95,true
`, buf.String())

	buf.Reset()
	require.NoError(t, r.WriteCSV(&buf, []string{"rl"}))
	assert.Equal(t, "label,metric,k,value,lo,hi,predicted\nrl,pass@k,1,0.125,,,false\nrl,pass@k,64,0.9,0.8,0.95,true\n", buf.String())
}
