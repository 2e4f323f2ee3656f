#!/usr/bin/env bash
# README test command: every test of AlstraNet. Installs what a fresh Debian machine lacks.
#   scripts/test.sh
# Environment: CARGO_TARGET_DIR (default ~/.cache/alstranet/target).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
setup_all
cd "$ROOT"

log "harness self-test: a failing test fails forge, cargo, node's test runner and npm test"
bash scripts/harness-selftest.sh forge cargo node npm

log "Rust tests (runtime, pallets, BPM core, BPMN compiler, prover circuits + snarkjs, CLI)"
# Two cargo calls: each dependency graph keeps its own features. `-p alstranet-node` (which has
# no unit tests) makes the runtime's and pallets' tests reuse the node's build of FRAME.
workspace_cargo test --release --locked -p alstranet-node -p alstranet-runtime -p pallet-evm-chain-id
# The validator-set (mock runtime with pallet-session) and issuance pallets, with their
# benchmark tests, the rollup pallet (mock runtime driven by the BPM core's engine) and the
# attestation pallet (secp256k1 signatures of dev keys).
workspace_cargo test --release --locked -p pallet-validator-set -p pallet-issuance -p pallet-council-account -p pallet-rollup -p pallet-attestation \
	--features pallet-validator-set/runtime-benchmarks,pallet-issuance/runtime-benchmarks,pallet-council-account/runtime-benchmarks,pallet-rollup/runtime-benchmarks,pallet-attestation/runtime-benchmarks
workspace_cargo test --release --locked -p alstra-bpm-core -p alstra-bpmn -p alstra-prover -p alstra-cli -p alstra-indexer
log "the BPM core builds without std for wasm32v1-none (the runtime's target)"
workspace_cargo build --release --locked -p alstra-bpm-core --no-default-features --target wasm32v1-none

log "Solidity tests (Foundry): BPM engine (contracts/bpm) and L1 rollup contracts (contracts/l1)"
# contracts/tools/forge, not `npx forge`: the npm launcher exits 0 when forge fails.
# FORGE_SNAPSHOT_CHECK: the engine's gas per operation must equal the committed
# contracts/bpm/snapshots/bpm-engine-gas.json (test/Gas.t.sol), so a gas regression fails.
(cd contracts/bpm && FORGE_SNAPSHOT_CHECK=true ../tools/forge test)
(cd contracts/l1 && ../tools/forge test)
log "the committed contract artifacts match the sources"
bash contracts/scripts/export-artifacts.sh >/dev/null
git add -N contracts/bpm/artifacts contracts/l1/artifacts # new files count as drift too
git diff --exit-code --stat -- contracts/bpm/artifacts contracts/l1/artifacts || {
	echo "contracts/{bpm,l1}/artifacts drifted from the sources: run contracts/scripts/export-artifacts.sh and commit" >&2
	exit 1
}

log "alert rules (monitoring/prometheus): promtool checks them and runs their unit tests"
promtool check config monitoring/prometheus/prometheus.yml # with the rules it loads
(cd monitoring/prometheus && promtool test rules alerts.test.yml)

log "the predeployed canonical contracts match their published init code (runtime/src/predeploys.json)"
(cd tests/e2e && node bin/generate-predeploys.mjs --check)

build_node

log "the runtime wasm is reproducible: no path of this checkout or machine in it"
wasm="$CARGO_TARGET_DIR/release/wbuild/alstranet-runtime/alstranet_runtime.wasm"
for p in "$ROOT/" "$BUILD_ROOT/" "${CARGO_HOME:-$HOME/.cargo}/" "$HOME/.rustup/"; do
	if grep -qaF "$p" "$wasm"; then
		echo "$wasm embeds the path $p: the committed chain specs would only match this checkout (see WASM_BUILD_RUSTFLAGS in scripts/env.sh)" >&2
		exit 1
	fi
done

# After the check above: its wasm project folder is the runtime's (only the blob names differ).
log "building the next runtime release (spec_version + 1) for the runtime-upgrade test"
workspace_cargo build --release --locked -p alstranet-runtime-next
export ALSTRANET_NEXT_RUNTIME="$CARGO_TARGET_DIR/release/wbuild/alstranet-runtime/alstranet_runtime_next.compact.compressed.wasm"

log "end-to-end tests (node + Ethereum endpoint, ethers, @polkadot/api, alstra CLI)"
(cd tests/e2e && ALSTRANET_NODE="$NODE_BIN" ALSTRA="$ALSTRA_BIN" ALSTRA_INDEXER="$INDEXER_BIN" npm test --silent)

log "harness self-test: a failing zombienet assertion fails zombienet test"
bash scripts/harness-selftest.sh zombienet

log "network test (zombienet): node permissioning, council-governed validators, BFT finality"
bash "$ROOT/scripts/network-test.sh"
