#!/usr/bin/env bash
# The rollup's cost side by side per batch size (not a test; prints one table):
# for each batch size N (default `1 16 64`, or $SIZES), on the batch circuit with the runtime's
# trees (depths 16/16):
#  - `alstra prover bench`: constraints, INSECURE seeded setup, one full batch proven (both
#    cores, arkworks `parallel`), peak memory;
#  - `alstra prover setup` + `fixtures --batches 1`: a batch walked on real BPMN models and
#    proven (N transitions for N = 1, else N - 1 and one padding slot), and the L1 contracts
#    with that size's generated Verifier.sol in a scratch copy of contracts/l1 (`forge test
#    --match-test test_gas_report`, one EVM, cancun).
#
# Columns: constraints; setup and prove s of a full batch, prove s per transition; peak memory;
# transitions in the L1 batch; L1 gas of verifyProof; of the whole submitBatch transaction
# (21000 + EIP-2028 calldata + execution) in rollup mode (batch data in calldata,
# DataAvailability checks it against the commitment) and in validium mode; rollup and validium
# all-in gas per transition.
# Size 64 needs ~8 GB of memory and several minutes; run nothing else heavy meanwhile.
# Needs the release CLI (scripts/build.sh) and `npm ci` in contracts/.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$ROOT"
[ -x "$ALSTRA_BIN" ] || die "no alstra binary at $ALSTRA_BIN: build it first (scripts/build.sh)"
work=$(mktemp -d)
scratch="$ROOT/contracts/.bench-l1-$$" # inside contracts/: the project's ../node_modules and ../tools
trap 'rm -rf "$work" "$scratch"' EXIT
die() { log "$*"; exit 1; }

echo "| batch size | constraints | setup (s) | prove (s) | prove / transition (s) | peak RSS (MiB) | L1 batch transitions | verifyProof gas | submitBatch all-in, rollup | per transition | submitBatch all-in, validium | per transition |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in ${SIZES:-1 16 64}; do
  keys="$work/keys-$n"
  "$ALSTRA_BIN" prover bench --batch-size "$n" --depth 16 >"$work/bench-$n.json" 2>"$work/bench-$n.err" \
    || { cat "$work/bench-$n.err"; die "alstra prover bench of batch size $n failed"; }
  "$ALSTRA_BIN" prover setup --out "$keys" --batch-size "$n" --state-depth 16 --defs-depth 16 --seed 7 \
    2>"$work/setup-$n.err" >/dev/null || { cat "$work/setup-$n.err"; die "setup of batch size $n failed"; }
  rm -rf "$scratch" && cp -r contracts/l1 "$scratch" && rm -rf "$scratch/out" "$scratch/cache"
  "$ALSTRA_BIN" prover fixtures --keys "$keys" --verifier-out "$scratch/src" \
    --fixtures-out "$scratch/test/fixtures" --batches 1 --seed 7 >/dev/null 2>"$work/fixtures-$n.err" \
    || { cat "$work/fixtures-$n.err"; die "proving a batch of size $n failed"; }
  (cd "$scratch" && ../tools/forge test --match-test test_gas_report -vv >"$work/forge-$n.log" 2>&1) \
    || { cat "$work/forge-$n.log"; die "the L1 gas report of batch size $n failed"; }
  node -e '
const log = require("fs").readFileSync(process.argv[1], "utf8");
const get = (label) => {
  const m = log.match(new RegExp("^\\s*" + label.replace(/[()]/g, "\\$&") + ": (\\d+)$", "m"));
  if (!m) throw new Error(`no "${label}" in the forge log:\n${log}`);
  return Number(m[1]);
};
const b = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n").pop());
const n = b.batch_size, t = get("transitions in batch");
const rollup = get("submitBatch transaction gas (rollup)"), validium = get("submitBatch transaction gas (validium)");
console.log(`| ${n} | ${b.constraints} | ${b.setup_s.toFixed(1)} | ${b.prove_s.toFixed(1)} | ${(b.prove_s / n).toFixed(2)} | ${b.peak_rss_mib} | ${t} | ${get("verifyProof gas")} | ${rollup} | ${Math.round(rollup / t)} | ${validium} | ${Math.round(validium / t)} |`);
' "$work/forge-$n.log" "$work/bench-$n.json"
done
