#!/bin/sh
# The fuzzing campaign of issue 8 (see bench/fuzz/main.go): every fuzz target, one at a time
# with one worker, each until 3 minutes pass without a new interesting input (at least 4 and
# at most 10 minutes); writes bench/fuzz/RESULTS.md. Not part of make test.
# Arguments go to the driver, e.g.: bench/fuzz/run.sh -run 'FuzzCSV|FuzzGzip' -logs /tmp/fuzzlogs -v
set -eu
cd "$(dirname "$0")/../.."
export GOTOOLCHAIN=go1.27.3
exec go run ./bench/fuzz "$@"
