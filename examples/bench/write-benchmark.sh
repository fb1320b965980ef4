#!/usr/bin/env bash
# The write-path figures of the README: a sandbox in one JVM, a real MCP client queueing writes,
# and the sandbox phone approving each push as soon as it appears (see WriteBenchmark.java).
#
# Usage: examples/bench/write-benchmark.sh [seconds for the rate runs]
#   burst: 50 writes over 3 connections, 50 ms provider delay, at max-batch-size 9 and 50
#   rate:  approved writes per minute for one user at max-batch-size 9 and 20
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RATE=${1:-60}

CP_FILE=$(mktemp)
# the reactor resolves the sibling modules to their target/classes
./mvnw -q -B -pl examples -am test-compile dependency:build-classpath -DskipTests \
	-Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="examples/target/test-classes:examples/target/classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"

run() { java -Xmx1g -cp "$CP" dev.countersign.examples.sandbox.WriteBenchmark "$@" 2>/dev/null | grep -E '^(burst|rate) '; }
run burst 9
run burst 50
run rate 9 "$SECONDS_PER_RATE"
run rate 20 "$SECONDS_PER_RATE"
