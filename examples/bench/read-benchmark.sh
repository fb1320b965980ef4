#!/usr/bin/env bash
# The read benchmark of the README: github_get_issue for 50 sandbox users, three ways side by side
# (the emulated GitHub API directly, a bare Spring AI MCP server, Countersign), at fixed open-loop
# rates. Each server runs in its own JVM so its CPU time per call can be read from /proc.
#
# Usage: examples/bench/read-benchmark.sh [rates] [seconds per phase] [users]
#   e.g. examples/bench/read-benchmark.sh 100,300,600 20 50
#
# Everything on (the full-stack figures): STORE=redis keeps Countersign's state in a redis-server
# this script starts on a free port; STACK=1 then also runs StackBenchmark: the write path
# (deal_create to pending_approval at WRITE_RATE calls/s over WRITE_USERS users, one agent each),
# Redis commands per call, and the approval loop's cost with SCHEDULER_USERS x SCHEDULER_PER_USER
# writes waiting.
#   e.g. STORE=redis STACK=1 examples/bench/read-benchmark.sh 100,300,600 20 50
# READS=0 skips the read phases (with STACK=1, to measure or profile only the write path).
# COUNTERSIGN_JVM_OPTS and BARE_JVM_OPTS go to one server's JVM each (a profiler agent, say);
# SERVER_JVM_OPTS to both. WARMUP is the seconds of warm-up before each part (default 10).
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

STORE=${STORE:-memory}
WRITE_RATE=${WRITE_RATE:-100}
WRITE_USERS=${WRITE_USERS:-100}
SCHEDULER_USERS=${SCHEDULER_USERS:-1000}
SCHEDULER_PER_USER=${SCHEDULER_PER_USER:-10}

[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -q -B -pl examples -am package -DskipTests
SANDBOX_JAR=examples/target/countersign-sandbox.jar
SERVER_JAR=$(ls mcp-server/target/countersign-mcp-server-*-exec.jar)
LAUNCHER=org.springframework.boot.loader.launch.PropertiesLauncher

pids=()
cleanup() { # stop every JVM and wait, so a flight recording is written out whole
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
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

STORE_ARGS=()
if [ "$STORE" = redis ]; then
	command -v redis-server >/dev/null || { echo "STORE=redis needs redis-server (apt-get install -y redis-server)" >&2; exit 1; }
	REDIS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$LOGS/redis.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
	# a benchmark's writes are never approved: let each agent hold more than the default 50
	STORE_ARGS=(--countersign.store=redis --countersign.redis.url="redis://127.0.0.1:$REDIS_PORT"
		--countersign.approval.signing-key="$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 48)")
fi
[ "${STACK:-}" = 1 ] && STORE_ARGS+=(--countersign.approval.max-pending-per-agent=1000)

java -Xms$HEAP -Xmx$HEAP ${SERVER_JVM_OPTS:-} ${COUNTERSIGN_JVM_OPTS:-} -jar "$SERVER_JAR" "${STORE_ARGS[@]}" --server.address=127.0.0.1 --server.port=$CS \
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
java -Xms$HEAP -Xmx$HEAP ${SERVER_JVM_OPTS:-} ${BARE_JVM_OPTS:-} -cp "$SANDBOX_JAR" -Dloader.main=dev.countersign.examples.bench.BareMcpServerApplication $LAUNCHER \
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

echo "# $(nproc) cores, $(java -version 2>&1 | head -1), heap $HEAP per server; rates $RATES, ${SECONDS_PER_PHASE}s per phase, $USERS users, store $STORE"
[ "${READS:-1}" = 0 ] || java -cp "$SANDBOX_JAR" -Dloader.main=dev.countersign.examples.bench.ReadBenchmark $LAUNCHER \
	emulations="http://127.0.0.1:$EMU" countersign="http://127.0.0.1:$CS" countersign.pid=$COUNTERSIGN_PID \
	bare="http://127.0.0.1:$BARE" bare.pid=$BARE_PID vault.secret="$SECRET" users=$USERS rates=$RATES \
	seconds=$SECONDS_PER_PHASE warmup=${WARMUP:-10}

if [ "${STACK:-}" = 1 ]; then
	REDIS_ARG=()
	[ "$STORE" = redis ] && REDIS_ARG=(redis="127.0.0.1:$REDIS_PORT")
	java -cp "$SANDBOX_JAR" -Dloader.main=dev.countersign.examples.bench.StackBenchmark $LAUNCHER \
		emulations="http://127.0.0.1:$EMU" countersign="http://127.0.0.1:$CS" countersign.pid=$COUNTERSIGN_PID \
		bare="http://127.0.0.1:$BARE" bare.pid=$BARE_PID "${REDIS_ARG[@]}" write.rate=$WRITE_RATE \
		write.users=$WRITE_USERS seconds=$SECONDS_PER_PHASE warmup=${WARMUP:-10} scheduler.users=$SCHEDULER_USERS \
		scheduler.per-user=$SCHEDULER_PER_USER
fi
