#!/usr/bin/env bash
# The rollup on real BPMN models (not a test; prints tables):
#  1. the rollup precompile per engine report, natively on the runtime (runtime/benches/
#     rollup_precompile.rs): wall time, weight charged, reports one block can absorb;
#  2. the prover on a batch of the runtime's shape (16 slots, trees of depth 16) walked on real
#     models: constraints, setup and prove time, peak memory (`alstra prover bench`).
# The e2e test tests/e2e/test/bpm-engine.test.js prints the time to prove each batch of a dev
# node from chain data (`# measured:` lines).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$ROOT"
log "the rollup precompile per report (release build of the runtime's bench)"
workspace_cargo bench --locked -p alstranet-runtime --bench rollup_precompile 2>/dev/null
log "the prover on one batch of the runtime's shape (16 slots, depths 16)"
[ -x "$ALSTRA_BIN" ] || build_node
echo "| batch size | constraints | setup (s) | prove (s) | verify (ms) | peak RSS (MiB) |"
echo "|---:|---:|---:|---:|---:|---:|"
"$ALSTRA_BIN" prover bench --batch-size 16 --depth 16 | node -e '
let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const r = JSON.parse(s.trim().split("\n").pop());
  console.log(`| ${r.batch_size} | ${r.constraints} | ${r.setup_s.toFixed(1)} | ${r.prove_s.toFixed(1)} | ${r.verify_ms.toFixed(1)} | ${r.peak_rss_mib} |`);
});'
