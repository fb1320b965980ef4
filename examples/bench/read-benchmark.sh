#!/usr/bin/env bash
# The read benchmark of the README: github_get_issue for 50 sandbox users, three ways side by side
# (the emulated GitHub API directly, a bare Spring AI MCP server, Countersign), at fixed open-loop
# rates. Each server runs in its own JVM so its CPU time per call can be read from /proc.
#
# Usage: examples/bench/read-benchmark.sh [rates] [seconds per phase] [users]
#   e.g. examples/bench/read-benchmark.sh 100,300,600 20 50
set -euo pipefail
cd "$(dirname "$0")/../.."

RATES=${1:-100,300,600}
SECONDS_PER_PHASE=${2:-20}
USERS=${3:-50}
EMU=${EMU_PORT:-19101}
CS=${COUNTERSIGN_PORT:-19102}
BARE=${BARE_PORT:-19103}
HEAP=${HEAP:-512m}
LOGS=$(mktemp -d)
SECRET=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
CIBA_SECRET=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
AUDIENCE=urn:countersign:bench

[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -q -B -pl examples -am package -DskipTests
SANDBOX_JAR=examples/target/countersign-sandbox.jar
SERVER_JAR=$(ls mcp-server/target/countersign-mcp-server-*-exec.jar)
LAUNCHER=org.springframework.boot.loader.launch.PropertiesLauncher

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_for() { # url
	for _ in $(seq 1 120); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.5
	done
	echo "timed out waiting for $1 (logs in $LOGS)" >&2
	exit 1
}

java -Xms$HEAP -Xmx$HEAP -jar "$SANDBOX_JAR" --countersign.sandbox.emulations-only=true --server.port=$EMU \
	--countersign.auth.audience=$AUDIENCE --countersign.vault.client-secret="$SECRET" \
	--countersign.ciba.client-secret="$CIBA_SECRET" >"$LOGS/emulations.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$EMU/auth0/.well-known/jwks.json"

java -Xms$HEAP -Xmx$HEAP ${SERVER_JVM_OPTS:-} ${COUNTERSIGN_JVM_OPTS:-} -jar "$SERVER_JAR" --server.address=127.0.0.1 --server.port=$CS \
	--countersign.auth.issuer="http://127.0.0.1:$EMU/auth0/" --countersign.auth.audience=$AUDIENCE \
	--countersign.vault.client-id=countersign-vault --countersign.vault.client-secret="$SECRET" \
	--countersign.ciba.client-id=countersign-ciba --countersign.ciba.client-secret="$CIBA_SECRET" \
	--countersign.providers.github-url="http://127.0.0.1:$EMU/sandbox/github" >"$LOGS/countersign.log" 2>&1 &
COUNTERSIGN_PID=$!
pids+=($COUNTERSIGN_PID)

# The bare server forwards with one fixed provider token, obtained the way Countersign obtains one.
AGENT_TOKEN=$(curl -sf "http://127.0.0.1:$EMU/sandbox/token?agent=bench-agent&user=bench-bare" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
GITHUB_TOKEN=$(curl -sf "http://127.0.0.1:$EMU/auth0/oauth/token" \
	--data-urlencode "grant_type=urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token" \
	--data-urlencode "subject_token=$AGENT_TOKEN" \
	--data-urlencode "subject_token_type=urn:ietf:params:oauth:token-type:access_token" \
	--data-urlencode "requested_token_type=http://auth0.com/oauth/token-type/federated-connection-access-token" \
	--data-urlencode "connection=github" --data-urlencode "client_id=countersign-vault" \
	--data-urlencode "client_secret=$SECRET" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
java -Xms$HEAP -Xmx$HEAP ${SERVER_JVM_OPTS:-} -cp "$SANDBOX_JAR" -Dloader.main=dev.countersign.examples.bench.BareMcpServerApplication $LAUNCHER \
	--server.address=127.0.0.1 --server.port=$BARE --bench.github-url="http://127.0.0.1:$EMU/sandbox/github" \
	--bench.github-token="$GITHUB_TOKEN" >"$LOGS/bare.log" 2>&1 &
BARE_PID=$!
pids+=($BARE_PID)

wait_for "http://127.0.0.1:$CS/.well-known/oauth-protected-resource"
for _ in $(seq 1 120); do
	code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$BARE/mcp" || true)
	[ "$code" != "000" ] && break
	sleep 0.5
done

echo "# $(nproc) cores, $(java -version 2>&1 | head -1), heap $HEAP per server; rates $RATES, ${SECONDS_PER_PHASE}s per phase, $USERS users"
java -cp "$SANDBOX_JAR" -Dloader.main=dev.countersign.examples.bench.ReadBenchmark $LAUNCHER \
	emulations="http://127.0.0.1:$EMU" countersign="http://127.0.0.1:$CS" countersign.pid=$COUNTERSIGN_PID \
	bare="http://127.0.0.1:$BARE" bare.pid=$BARE_PID vault.secret="$SECRET" users=$USERS rates=$RATES \
	seconds=$SECONDS_PER_PHASE
