#!/usr/bin/env bash
# README run command: builds AlstraNet and runs the main job. Installs what a fresh Debian
# machine lacks. It starts a dev chain with its MetaMask endpoint, deploys the BPM contracts,
# registers three participants, deploys a real BPMN model (OMG MIWG C.1.1, invoice approval,
# exported by Signavio), runs an instance to completion as the three participants with the
# `alstra` CLI, and prints the audit trail. The registry and the engine report every firing to
# the rollup precompile (authorized by sudo), so the run ends with the instance's firings in
# sealed batches of the rollup pallet, signed by the validator's node, and on Ethereum L1: anvil
# (or L1_RPC) gets the L1 contracts (`alstra l1 deploy`, with the chain's validator committee),
# and `alstra relayer` proves each batch from chain data (INSECURE seeded test keys, made once
# and cached), submits it and reports it finalized on AlstraNet; the run prints L1's accepted
# batches and state root next to the chain's. The analytics indexer (`alstra-indexer`, SQLite in
# the base path) follows the engine's events from the deployment on, and the run prints the
# instance's cycle time and time per task from its API. The web app (webapp/) is served for the
# same chain and its URL printed. The chain, anvil, the indexer and the web app keep running
# until Ctrl-C.
#   scripts/run.sh [extra alstranet-node flags]
# Environment: CARGO_TARGET_DIR (default ~/.cache/alstranet/target),
#   ALSTRANET_BASE_PATH (default: a new temp dir), RPC_PORT (9944), ETH_RPC_PORT (8545), WEB_PORT (8080),
#   INDEXER_PORT (8090), INDEX_DB (sqlite in the base path, or postgres://...),
#   L1_PORT (anvil's, 8546), or L1_RPC and ALSTRA_L1_KEY for another Ethereum network.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
setup_all
build_node

RPC_PORT="${RPC_PORT:-9944}"
ETH_RPC_PORT="${ETH_RPC_PORT:-8545}"
BASE_PATH="${ALSTRANET_BASE_PATH:-$(mktemp -d -t alstranet-dev-XXXXXX)}"
LOG="$BASE_PATH/node.log"
mkdir -p "$BASE_PATH"

log "starting the dev chain (base path $BASE_PATH, log $LOG)"
"$NODE_BIN" --dev --eth-rpc --base-path "$BASE_PATH" --rpc-port "$RPC_PORT" \
	--eth-rpc-port "$ETH_RPC_PORT" "$@" >"$LOG" 2>&1 &
NODE_PID=$!
trap 'kill -INT $NODE_PID 2>/dev/null; wait $NODE_PID 2>/dev/null' EXIT INT TERM

rpc() { curl -sf -H 'content-type: application/json' -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":${3:-[]}}" "$1"; }

for _ in $(seq 1 240); do
	kill -0 $NODE_PID 2>/dev/null || { tail -40 "$LOG"; echo "the node exited" >&2; exit 1; }
	if FIN=$(rpc "http://127.0.0.1:$RPC_PORT" chain_getFinalizedHead) &&
		NUM=$(rpc "http://127.0.0.1:$RPC_PORT" chain_getHeader "[$(echo "$FIN" | sed 's/.*"result":\("[^"]*"\).*/\1/')]" | sed 's/.*"number":"\([^"]*\)".*/\1/') &&
		[ "$((NUM))" -gt 0 ] && CHAIN_ID=$(rpc "http://127.0.0.1:$ETH_RPC_PORT" eth_chainId); then
		break
	fi
	sleep 1
done
[ -n "${CHAIN_ID:-}" ] || { tail -40 "$LOG"; echo "the chain did not come up" >&2; exit 1; }
CHAIN_ID=$(echo "$CHAIN_ID" | sed 's/.*"result":"\([^"]*\)".*/\1/')

cat <<INFO

AlstraNet dev chain is running (finalized block #$((NUM))).
  Substrate JSON-RPC (polkadot.js):  ws://127.0.0.1:$RPC_PORT
  Ethereum JSON-RPC (MetaMask):      http://127.0.0.1:$ETH_RPC_PORT
  EVM chain id:                      $((CHAIN_ID)) ($CHAIN_ID)
  Funded dev account (Ethereum):     Alith 0xf24FF3a9CF04c71Dbc94D0b566f7A27B94566cac
      private key (public dev key!): 0x5fb92d6e98884f76de468fa3f6278f8807c48bebc13595d45af5bdc4da702133
  Funded dev account (Substrate):    Alice //Alice 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY
  Node log:                          $LOG
INFO

# ---- The main job: a real BPMN model executed on-chain by three participants -------------
ALITH=0xf24FF3a9CF04c71Dbc94D0b566f7A27B94566cac
BALTATHAR=0x3Cd0A705a2DC65e5b1E1205896BaA2be8A07c6e0
CHARLETH=0x798d4Ba9baf0064Ec19eB4F0a1a45785ae9D6DFc
MODEL="$ROOT/bpmn-compiler/tests/data/miwg-reference/C.1.1.bpmn"
export ALSTRA_RPC_URL="http://127.0.0.1:$ETH_RPC_PORT" ALSTRA_DEPLOYMENT="$BASE_PATH/alstra-deployment.json"
alstra() { local who=$1; shift; printf '\033[1;32m$ alstra --account %s %s\033[0m\n' "$who" "$*"; "$ALSTRA_BIN" --account "$who" "$@"; }

alstra alith engine deploy
INDEXER_PORT="${INDEXER_PORT:-8090}"
INDEX_DB="${INDEX_DB:-sqlite://$BASE_PATH/index.db}"
log "starting the analytics indexer (API http://127.0.0.1:$INDEXER_PORT/api/status, index $INDEX_DB, log $BASE_PATH/indexer.log)"
"$INDEXER_BIN" --rpc-url "$ALSTRA_RPC_URL" --deployment "$ALSTRA_DEPLOYMENT" --db "$INDEX_DB" \
	--listen "127.0.0.1:$INDEXER_PORT" >"$BASE_PATH/indexer.log" 2>&1 &
INDEXER_PID=$!
trap 'kill $INDEXER_PID 2>/dev/null; kill -INT $NODE_PID 2>/dev/null; wait $NODE_PID 2>/dev/null' EXIT INT TERM
printf '\033[1;32m$ node tests/e2e/bin/authorize-rollup.mjs  # governance (sudo on dev) authorizes the registry and the engine\033[0m\n'
node "$ROOT/tests/e2e/bin/authorize-rollup.mjs" "ws://127.0.0.1:$RPC_PORT" "$ALSTRA_DEPLOYMENT"
alstra alith participant register $ALITH --name "Acme Ltd" --role "Invoice Handling (OMG BPMN MIWG Demo)" --role "Team Assistant"
alstra alith participant register $BALTATHAR --name "Globex Corp" --role Approver
alstra alith participant register $CHARLETH --name "Initech" --role Accountant
alstra alith bpmn check "$MODEL"
alstra alith bpmn deploy "$MODEL"
INSTANCE=$("$ALSTRA_BIN" --account alith --json instance start key:handle-invoice \
	--bind "Team Assistant=$ALITH" --bind "Approver=$BALTATHAR" --bind "Accountant=$CHARLETH" |
	sed 's/.*"instanceId":\([0-9]*\).*/\1/')
echo "started instance $INSTANCE"
alstra alith task complete "$INSTANCE" assignApprover
alstra baltathar task complete "$INSTANCE" approveInvoice --var approved=false
alstra alith task complete "$INSTANCE" reviewInvoice --var clarified=yes
alstra baltathar task complete "$INSTANCE" approveInvoice --var approved=true
alstra charleth task complete "$INSTANCE" prepareBankTransfer
alstra alith task complete "$INSTANCE" archiveInvoice
alstra alith instance show "$INSTANCE"
alstra alith trail "$INSTANCE"
DEFINITION=$("$ALSTRA_BIN" --json instance show "$INSTANCE" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).definitionId))')
printf '\033[1;32m$ curl http://127.0.0.1:%s/api/definitions/%s/analytics\033[0m\n' "$INDEXER_PORT" "$DEFINITION"
for _ in $(seq 60); do # the indexer follows the best block: wait until it has read the completion
	ANALYTICS=$(curl -sf "http://127.0.0.1:$INDEXER_PORT/api/definitions/$DEFINITION/analytics" || true)
	case "$ANALYTICS" in *'"completed":1'*) break ;; esac
	sleep 1
done
echo "$ANALYTICS" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const a=JSON.parse(s);
  console.log(`cycle time ${a.cycleTime.total} s; time per task: ${a.tasks.map(t=>`${t.name||t.bpmnId} ${t.duration?.mean ?? "-"} s`).join(", ")}`)})'

# ---- The web app for business users (webapp/): worklist, process explorer, audit trail ------
WEB_PORT="${WEB_PORT:-8080}"
(cd "$ROOT/webapp" && node build.mjs)
node "$ROOT/webapp/server.mjs" --deployment "$ALSTRA_DEPLOYMENT" --eth-rpc "http://127.0.0.1:$ETH_RPC_PORT" \
	--indexer "http://127.0.0.1:$INDEXER_PORT" --port "$WEB_PORT" >"$BASE_PATH/webapp.log" 2>&1 &
WEB_PID=$!
trap 'kill $WEB_PID $INDEXER_PID 2>/dev/null; kill -INT $NODE_PID 2>/dev/null; wait $NODE_PID 2>/dev/null' EXIT INT TERM

# ---- The rollup: the firings above, sealed into batches and proven from chain data ----------
state_call() { rpc "http://127.0.0.1:$RPC_PORT" state_call "[\"$1\", \"0x\"]" | sed 's/.*"result":"0x\([^"]*\)".*/\1/'; }
# RollupApi_status (SCALE): state root, defs root (32 bytes each), rules (u64), definitions (u32),
# next instance (u64), next batch (u64), open transitions (u32)
le_hex() { local h=$1 out=""; while [ -n "$h" ]; do out="${h:0:2}$out"; h="${h:2}"; done; echo $((16#${out:-0})); }
log "waiting for the rollup pallet to seal the open batch (at most 10 blocks)"
for _ in $(seq 1 120); do
	STATUS=$(state_call RollupApi_status)
	OPEN=$(le_hex "${STATUS:184:8}")
	[ "$OPEN" -eq 0 ] && break
	sleep 2
done
NEXT_BATCH=$(le_hex "${STATUS:168:16}")
[ "$OPEN" -eq 0 ] && [ "$NEXT_BATCH" -gt 1 ] || { echo "no sealed batch (open: $OPEN, next batch: $NEXT_BATCH)" >&2; exit 1; }
KEYS="$CARGO_TARGET_DIR/prover-keys-16-16-16-seed42"
[ -f "$KEYS/params.json" ] || "$ALSTRA_BIN" prover setup --out "$KEYS" --batch-size 16 --state-depth 16 --defs-depth 16 --seed 42

# ---- Ethereum L1: the contracts, the validators' signatures, the relayer -------------------------
# anvil (npm @foundry-rs/anvil) by default; L1_RPC=<url> ALSTRA_L1_KEY=<funded key> for a real
# network (the key pays for the deployment and the relayer's submissions).
if [ -z "${L1_RPC:-}" ]; then
	L1_PORT="${L1_PORT:-8546}"
	ANVIL_BIN=$(cd "$ROOT/tests/e2e" && node bin/anvil-path.mjs)
	log "starting anvil as the L1 (http://127.0.0.1:$L1_PORT, a block per second; log $BASE_PATH/anvil.log)"
	"$ANVIL_BIN" --host 127.0.0.1 --port "$L1_PORT" --block-time 1 >"$BASE_PATH/anvil.log" 2>&1 &
	ANVIL_PID=$!
	trap 'kill $ANVIL_PID $WEB_PID 2>/dev/null; kill -INT $NODE_PID 2>/dev/null; wait $NODE_PID 2>/dev/null' EXIT INT TERM
	L1_RPC="http://127.0.0.1:$L1_PORT"
	# anvil's dev accounts 0 (deployer) and 1 (relayer): its public test mnemonic
	DEPLOYER_L1_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
	RELAYER_L1_KEY=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
	CONFIRMATIONS=2 # anvil finalizes nothing: two blocks on top count as final
	for _ in $(seq 1 60); do rpc "$L1_RPC" eth_chainId >/dev/null && break; sleep 0.5; done
else
	[ -n "${ALSTRA_L1_KEY:-}" ] || { echo "L1_RPC is set: set ALSTRA_L1_KEY too (a funded key on that network)" >&2; exit 1; }
	DEPLOYER_L1_KEY=$ALSTRA_L1_KEY RELAYER_L1_KEY=$ALSTRA_L1_KEY CONFIRMATIONS=0 # the `finalized` tag
fi
L1_FILE="$BASE_PATH/alstra-l1.json"
printf '\033[1;32m$ alstra l1 deploy --l1-rpc %s --keys %s --node ws://127.0.0.1:%s\033[0m\n' "$L1_RPC" "$KEYS" "$RPC_PORT"
ALSTRA_L1_KEY=$DEPLOYER_L1_KEY "$ALSTRA_BIN" l1 deploy --l1-rpc "$L1_RPC" --keys "$KEYS" --node "ws://127.0.0.1:$RPC_PORT" --out "$L1_FILE"
printf '\033[1;32m$ node tests/e2e/bin/setup-l1.mjs  # governance (sudo on dev): the validators sign for it, Ferdie relays\033[0m\n'
(cd "$ROOT/tests/e2e" && node bin/setup-l1.mjs "ws://127.0.0.1:$RPC_PORT" "$L1_FILE" 5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL)
LAST=$((NEXT_BATCH - 1))
printf '\033[1;32m$ alstra relayer --node ws://127.0.0.1:%s --l1-rpc %s --relayer-suri //Ferdie --until-batch %s\033[0m\n' "$RPC_PORT" "$L1_RPC" "$LAST"
ALSTRA_L1_KEY=$RELAYER_L1_KEY "$ALSTRA_BIN" relayer --node "ws://127.0.0.1:$RPC_PORT" --l1-rpc "$L1_RPC" --deployment "$L1_FILE" \
	--keys "$KEYS" --relayer-suri //Ferdie --confirmations "$CONFIRMATIONS" --poll-seconds 3 \
	--data-dir "$BASE_PATH/relayer" --until-batch "$LAST"
(cd "$ROOT/tests/e2e" && node bin/l1-status.mjs "http://127.0.0.1:$RPC_PORT" "$L1_FILE" "$L1_RPC")

echo
log "main job done; the chain keeps running (Substrate ws://127.0.0.1:$RPC_PORT, Ethereum http://127.0.0.1:$ETH_RPC_PORT, L1 $L1_RPC)."
log "analytics indexer: http://127.0.0.1:$INDEXER_PORT/api/status (index $INDEX_DB)"
log "web app: http://127.0.0.1:$WEB_PORT/ (MetaMask: import a dev key above; the page adds the network). Press Ctrl-C to stop."
wait $NODE_PID
