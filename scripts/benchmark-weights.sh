#!/usr/bin/env bash
# Measures the weights of AlstraNet's pallets in the runtime and writes each pallet's
# `src/weights.rs` (pallet-validator-set, pallet-issuance, pallet-council-account, pallet-rollup,
# pallet-attestation).
#   scripts/benchmark-weights.sh                 # all five, STEPS=50 REPEAT=20
#   STEPS=2 REPEAT=1 scripts/benchmark-weights.sh pallet_rollup   # a quick run of one pallet
#
# It builds the node with the `runtime-benchmarks` feature (its `benchmark pallet` sub-command
# and the runtime's `Benchmark` API; a first build takes about an hour on a 2-core machine),
# keeps that runtime blob apart, runs the benchmarks of `runtime/src/benchmarks.rs` on the
# `development` genesis in compiled wasm, and renders `scripts/weights/pallet-weight-template.hbs`.
# Run it on an idle machine (timings are wall-clock), ideally the consortium's validator
# hardware, then rebuild the node (`scripts/run.sh` or `scripts/test.sh` do) and regenerate
# the chain specs (`scripts/regenerate-chain-specs.sh`): the weights are part of the runtime.
#
# The normal and the benchmarking builds share the target dir (most crates do not depend on the
# feature), and so the `wbuild` directory of the runtime blob: the next normal build notices the
# blob changed and rebuilds it without the feature.
# Environment: CARGO_TARGET_DIR (default ~/.cache/alstranet/target), STEPS, REPEAT.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
install_system_packages
install_rust_targets
cd "$ROOT"

STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"
declare -A CRATE_DIR=(
	[pallet_validator_set]=pallets/validator-set
	[pallet_issuance]=pallets/issuance
	[pallet_council_account]=pallets/council-account
	[pallet_rollup]=pallets/rollup
	[pallet_attestation]=pallets/attestation
)
PALLETS=("$@")
[ ${#PALLETS[@]} -gt 0 ] || PALLETS=(pallet_validator_set pallet_issuance pallet_council_account pallet_rollup pallet_attestation)
for p in "${PALLETS[@]}"; do
	[ -n "${CRATE_DIR[$p]:-}" ] || { echo "unknown pallet '$p' (known: ${!CRATE_DIR[*]})" >&2; exit 2; }
done

log "building alstranet-node with runtime-benchmarks (target dir $CARGO_TARGET_DIR)"
# pallet-revive's benchmarks want its contract fixtures compiled by a native solc and the PolkaVM
# toolchain; this runtime does not benchmark pallet-revive (it uses its published weights). The
# CLI's test runtime of `benchmark storage` cannot be built from outside polkadot-sdk's
# workspace (substrate-wasm-builder finds no entry for it) and is not used here.
SKIP_PALLET_REVIVE_FIXTURES=1 SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1 workspace_cargo build --release --locked -p alstranet-node --features runtime-benchmarks
BENCH_DIR="$CARGO_TARGET_DIR/benchmark"
mkdir -p "$BENCH_DIR"
cp "$CARGO_TARGET_DIR/release/alstranet-node" "$BENCH_DIR/alstranet-node"
cp "$CARGO_TARGET_DIR/release/wbuild/alstranet-runtime/alstranet_runtime.compact.compressed.wasm" \
	"$BENCH_DIR/alstranet_runtime.compact.compressed.wasm"

for pallet in "${PALLETS[@]}"; do
	out="${CRATE_DIR[$pallet]}/src/weights.rs"
	log "benchmarking $pallet (steps $STEPS, repeat $REPEAT) -> $out"
	"$BENCH_DIR/alstranet-node" benchmark pallet \
		--runtime "$BENCH_DIR/alstranet_runtime.compact.compressed.wasm" \
		--genesis-builder runtime --genesis-builder-preset development \
		--pallet "$pallet" --extrinsic '*' \
		--steps "$STEPS" --repeat "$REPEAT" \
		--wasm-execution compiled --heap-pages 4096 \
		--template scripts/weights/pallet-weight-template.hbs \
		--output "$out"
done
log "weights written; rebuild the node and regenerate the chain specs (see the header of this script)"
