#!/usr/bin/env bash
# The live feed's timed soak: the throughput case of server/__tests__/streams.test.ts held for
# STREAM_TEST_SECONDS (default 120) at 100 tx/min, with a dropped and resumed connection, every
# event once and in commit order, each within 2 s, and heartbeats seen. `npm test` runs the same
# case for 6 s (correctness only); this is the timed version.   npm run bench:stream-soak
set -euo pipefail
cd "$(dirname "$0")/../.."
export STREAM_TEST_SECONDS="${STREAM_TEST_SECONDS:-120}"
exec node_modules/.bin/node scripts/test.ts --no-typecheck --no-pgtap -- server/__tests__/streams.test.ts -t throughput
