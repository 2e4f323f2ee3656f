#!/usr/bin/env bash
# The rollup's cost side by side per batch size (not a test; prints one table):
# for each batch size N (default `1 16 64`, or $SIZES): INSECURE seeded Groth16 keys of the
# batch circuit (depths 16/16, the runtime's trees), two consecutive demo batches walked on real
# BPMN models and proven (`alstra prover fixtures`: the first batch is full, N transitions),
# then the L1 contracts with that size's generated Verifier.sol and fixtures in a scratch copy
# of contracts/l1 (`forge test --match-test test_gas_report`, one EVM, cancun).
#
# Columns: constraints of the circuit; setup s; prove s per batch (the fixtures command's wall
# time / 2, key loading included) and per transition; L1 gas of verifyProof; of the whole
# submitBatch transaction (21000 + EIP-2028 calldata + execution) in rollup mode (batch data in
# calldata, DataAvailability hashes it) and in validium mode; rollup gas per transition.
# Size 64 needs ~8 GB of memory and several minutes; run nothing else heavy meanwhile.
# Needs the release CLI (scripts/build.sh) and `npm ci` in contracts/.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$ROOT"
[ -x "$ALSTRA_BIN" ] || die "no alstra binary at $ALSTRA_BIN: build it first (scripts/build.sh)"
work=$(mktemp -d)
scratch="$ROOT/contracts/.bench-l1-$$" # inside contracts/: the project's ../node_modules and ../tools
trap 'rm -rf "$work" "$scratch"' EXIT
now() { date +%s.%N; }
die() { log "$*"; exit 1; }

echo "| batch size | constraints | constraints / transition | setup (s) | prove (s) | prove / transition (s) | verifyProof gas | submitBatch tx gas, rollup | rollup gas / transition | submitBatch tx gas, validium |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in ${SIZES:-1 16 64}; do
  keys="$work/keys-$n"
  t0=$(now)
  "$ALSTRA_BIN" prover setup --out "$keys" --batch-size "$n" --state-depth 16 --defs-depth 16 --seed 7 \
    2>"$work/setup-$n.err" >/dev/null || { cat "$work/setup-$n.err"; die "setup of batch size $n failed"; }
  t1=$(now)
  constraints=$(sed -n 's/^circuit: \([0-9]*\) constraints.*/\1/p' "$work/setup-$n.err")
  rm -rf "$scratch" && cp -r contracts/l1 "$scratch" && rm -rf "$scratch/out" "$scratch/cache"
  "$ALSTRA_BIN" prover fixtures --keys "$keys" --verifier-out "$scratch/src" \
    --fixtures-out "$scratch/test/fixtures" --batches 2 --seed 7 >/dev/null 2>"$work/fixtures-$n.err" \
    || { cat "$work/fixtures-$n.err"; die "proving batches of size $n failed"; }
  t2=$(now)
  (cd "$scratch" && ../tools/forge test --match-test test_gas_report -vv >"$work/forge-$n.log" 2>&1) \
    || { cat "$work/forge-$n.log"; die "the L1 gas report of batch size $n failed"; }
  N="$n" C="$constraints" T0="$t0" T1="$t1" T2="$t2" node -e '
const log = require("fs").readFileSync(process.argv[1], "utf8");
const get = (label) => {
  const m = log.match(new RegExp("^\\s*" + label.replace(/[()]/g, "\\$&") + ": (\\d+)$", "m"));
  if (!m) throw new Error(`no "${label}" in the forge log:\n${log}`);
  return Number(m[1]);
};
const { N, C, T0, T1, T2 } = process.env;
const n = Number(N), c = Number(C), setup = T1 - T0, prove = (T2 - T1) / 2;
const transitions = get("transitions in batch");
if (transitions !== n) throw new Error(`the first fixture batch has ${transitions} transitions, expected ${n}`);
const rollup = get("submitBatch transaction gas (rollup)");
console.log(`| ${n} | ${c} | ${Math.round(c / n)} | ${setup.toFixed(1)} | ${prove.toFixed(1)} | ${(prove / n).toFixed(2)} | ${get("verifyProof gas")} | ${rollup} | ${Math.round(rollup / n)} | ${get("submitBatch transaction gas (validium)")} |`);
' "$work/forge-$n.log"
done
