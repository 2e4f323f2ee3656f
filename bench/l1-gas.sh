#!/usr/bin/env bash
# L1 gas of the AlstraNet rollup contracts with the real generated verifier and real proofs
# (fixtures in contracts/l1/test/fixtures, made by `alstra-prover fixtures`).
# Prints verifyProof gas, submitBatch gas (rollup and validium) and per transition.
# Needs `npm ci` in contracts/.
set -euo pipefail
cd "$(dirname "$0")/../contracts/l1"
../tools/forge test --match-test test_gas_report -vv 2>&1 | grep -E "gas|transitions|slots|bytes" | sed 's/^ *//'
