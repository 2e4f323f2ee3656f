//! Proving a sealed batch from chain data: the rollup pallet's runtime API
//! (`pallet_rollup::runtime_api::RollupApi`), called with the node's `state_call` JSON-RPC method.
//!
//! To prove batch `N` the prover needs the state before it. It rebuilds it the way any rollup
//! full node does: it reads the first `header_N.rules` rules of the definitions tree and replays
//! the transition records of batches `1..N` from the empty state, checking each batch's old and
//! new root and commitment against its sealed header on the way; then it builds batch `N`'s
//! witness from its records (the circuit's slots) and checks the witness's roots and commitment
//! against header `N` before proving. Records of a batch finalized on L1 are pruned on chain
//! ([`ChainError`] says so): proving after that needs a state snapshot or the records from L1's
//! `DataAvailability`, which this client does not read yet.
//!
//! The SCALE types here mirror `pallet_rollup`'s (`RollupStatus`, `BatchHeader<u32>`,
//! `RuleRecord`) field for field; the runtime API is their contract, and the e2e test proves a
//! batch of a dev node through them.

use alstra_bpm_core::proof::{
    encoding::{Marking, Partner, RuleStep, TransitionRule},
    replay::Replay,
    state::{fr_from_bytes, Batch, BatchBuilder, Definitions, MemoryState, Params, Registry, State},
    Fr,
};
use anyhow::{anyhow, bail, Context, Result};
use codec::{Decode, Encode};

/// `pallet_rollup::RollupStatus`.
#[derive(Clone, Debug, Decode)]
pub struct RollupStatus {
    /// Current state root (field element, little-endian).
    pub state_root: [u8; 32],
    /// Current definitions root.
    pub defs_root: [u8; 32],
    /// Rules in the definitions tree.
    pub rules: u64,
    /// Registered definitions.
    pub definitions: u32,
    /// The id the next instance gets.
    pub next_instance: u64,
    /// The number the next sealed batch gets.
    pub next_batch: u64,
    /// Transitions in the open batch.
    pub open_transitions: u32,
}

/// `pallet_rollup::BatchStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Decode)]
pub enum BatchStatus {
    /// Sealed, not proven.
    Sealed,
    /// Proven.
    Proven,
    /// Sent to L1.
    Submitted,
    /// Final on L1 (records pruned).
    Finalized,
}

/// `pallet_rollup::BatchHeader<u32>` (AlstraNet's block numbers are `u32`).
#[derive(Clone, Debug, Decode)]
pub struct BatchHeader {
    /// Batch number.
    pub number: u64,
    /// State root before.
    pub old_root: [u8; 32],
    /// State root after.
    pub new_root: [u8; 32],
    /// Definitions root at the seal.
    pub defs_root: [u8; 32],
    /// Rules in the definitions tree at the seal.
    pub rules: u64,
    /// Commitment of the records.
    pub commitment: [u8; 32],
    /// Transitions.
    pub transitions: u32,
    /// Block of the first transition.
    pub first_block: u32,
    /// Block of the seal.
    pub sealed_at: u32,
    /// Status.
    pub status: BatchStatus,
    /// L1 transaction, once submitted.
    pub l1_transaction: Option<[u8; 32]>,
}

/// `pallet_rollup::RuleRecord`.
#[derive(Clone, Copy, Debug, Decode)]
pub struct RuleRecord {
    definition: u32,
    element: u16,
    kind: u8,
    scope: u8,
    pre: [u64; 5],
    post: [u64; 5],
    clear: u8,
    empty: u8,
    create: bool,
    partner: u8,
    step: u8,
    flow: u16,
}

impl RuleRecord {
    /// The rule it stores (codes as the core's [`RuleStep::code`] and [`Partner::code`]).
    pub fn rule(&self) -> Result<TransitionRule> {
        Ok(TransitionRule {
            def_id: self.definition,
            element: self.element,
            kind: self.kind,
            scope: self.scope,
            pre: Marking(self.pre),
            post: Marking(self.post),
            clear: self.clear,
            empty: self.empty,
            create: self.create,
            partner: Partner::from_code(self.partner).ok_or_else(|| anyhow!("rule with partner code {}", self.partner))?,
            step: RuleStep::from_code(self.step, self.flow).ok_or_else(|| anyhow!("rule with step code {}", self.step))?,
            label: String::new(),
        })
    }
}

/// A node's Substrate JSON-RPC endpoint over HTTP (`http://127.0.0.1:9944`).
pub struct Node {
    url: String,
}

fn field(bytes: &[u8; 32], what: &str) -> Result<Fr> {
    fr_from_bytes(bytes).ok_or_else(|| anyhow!("{what} is not a field element"))
}

impl Node {
    /// The endpoint at `url` (`ws://` is read as `http://`: the same port serves both).
    pub fn new(url: &str) -> Self {
        let url = url.replacen("ws://", "http://", 1).replacen("wss://", "https://", 1);
        Node { url }
    }

    /// The endpoint's HTTP URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Calls runtime API function `method` (`RollupApi_batch`...) with SCALE `args` at the
    /// block `at` (hex hash; the best block when `None`) and decodes the SCALE answer.
    pub fn call_at<T: Decode>(&self, method: &str, args: impl Encode, at: Option<&str>) -> Result<T> {
        let mut params = vec![serde_json::json!(method), serde_json::json!(format!("0x{}", hex(&args.encode())))];
        if let Some(at) = at {
            params.push(serde_json::json!(at));
        }
        let hex_answer: String = self.rpc("state_call", serde_json::Value::Array(params))?;
        let bytes = unhex(&hex_answer)?;
        T::decode(&mut &bytes[..]).with_context(|| format!("{method}: cannot decode the answer (is the node an AlstraNet node with the rollup pallet?)"))
    }

    fn call<T: Decode>(&self, method: &str, args: impl Encode) -> Result<T> {
        self.call_at(method, args, None)
    }

    /// Calls JSON-RPC `method` with `params` and deserializes its result.
    pub fn rpc<T: serde::de::DeserializeOwned>(&self, method: &str, params: serde_json::Value) -> Result<T> {
        let body = serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let resp: serde_json::Value = attohttpc::post(&self.url)
            .json(&body)?
            .send()
            .with_context(|| format!("cannot reach the node at {}", self.url))?
            .json()
            .context("the node's answer is not JSON")?;
        if let Some(e) = resp.get("error") {
            bail!("{method} at {}: {e}", self.url);
        }
        serde_json::from_value(resp["result"].clone()).with_context(|| format!("{method}: unexpected result {}", resp["result"]))
    }

    /// The hash (hex) of the last GRANDPA-finalized block.
    pub fn finalized_head(&self) -> Result<String> {
        self.rpc("chain_getFinalizedHead", serde_json::json!([]))
    }

    /// The rollup at a glance.
    pub fn status(&self) -> Result<RollupStatus> {
        self.call("RollupApi_status", ())
    }

    /// Batch `number`'s header.
    pub fn batch(&self, number: u64) -> Result<Option<BatchHeader>> {
        self.call("RollupApi_batch", number)
    }

    /// Batch `number`'s records (none once finalized).
    pub fn batch_records(&self, number: u64) -> Result<Option<Vec<u128>>> {
        self.call("RollupApi_batch_records", number)
    }

    /// Rules `0..count` of the definitions tree.
    pub fn rules(&self, count: u64) -> Result<Vec<TransitionRule>> {
        let mut out = Vec::new();
        while (out.len() as u64) < count {
            let page: Vec<RuleRecord> = self.call("RollupApi_rules", (out.len() as u64, (count - out.len() as u64).min(4096) as u32))?;
            if page.is_empty() {
                bail!("the node has {} rules, the batch needs {count}", out.len());
            }
            for r in page {
                out.push(r.rule()?);
            }
        }
        Ok(out)
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Result<Vec<u8>> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2).unwrap_or("x"), 16).map_err(|_| anyhow!("bad hex from the node")))
        .collect()
}

/// Why a batch cannot be built from chain data.
#[derive(Debug)]
pub enum ChainError {
    /// The batch is not sealed (yet).
    NotSealed(u64),
    /// An earlier (or this) batch's records were pruned after its finalization.
    Pruned(u64),
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainError::NotSealed(n) => write!(f, "batch {n} is not sealed"),
            ChainError::Pruned(n) => write!(
                f,
                "the records of batch {n} were pruned (it is finalized on L1): rebuilding the state needs them; \
                 this client reads no state snapshot or L1 DataAvailability yet"
            ),
        }
    }
}

impl std::error::Error for ChainError {}

/// Replays `records` (one batch) on `state` through `builder` when given, else directly,
/// checking that each firing gives back the recorded transition.
fn replay_records(
    state: &mut State<MemoryState>,
    registry: &Registry,
    records: &[u128],
    mut builder: Option<&mut BatchBuilder>,
    batch: u64,
) -> Result<()> {
    for (k, &record) in records.iter().enumerate() {
        let instance = (record & 0xffff_ffff) as u64;
        let rule = (record >> 32 & 0xffff_ffff) as usize;
        let partner = (record >> 64) as u64;
        let child = (partner != 0).then_some(partner);
        let at = || format!("batch {batch} record {k} (instance {instance}, rule {rule}, partner {partner})");
        match builder.as_deref_mut() {
            Some(b) => {
                b.fire_with(state, registry, instance, rule, child).map_err(|e| anyhow!("{}: {e:?}", at()))?;
            }
            None => {
                let step = state.fire_with(registry, instance, rule, child).map_err(|e| anyhow!("{}: {e:?}", at()))?;
                if step.record() != record {
                    bail!("{}: the firing records {:#x}", at(), step.record());
                }
            }
        }
    }
    Ok(())
}

/// Builds batch `number`'s witness from the chain at `node` for circuit shape `params`, after
/// replaying every earlier batch (see the module docs). Returns the witness and its header.
///
/// Errors: the batch is not sealed or a needed batch was pruned ([`ChainError`]); the node's data
/// disagree with themselves (a replayed root, commitment or the definitions root differs from
/// a header; the circuit shape differs from the chain's), naming the batch and field.
pub fn batch_from_chain(node: &Node, params: Params, number: u64) -> Result<(Batch, BatchHeader)> {
    batch_from_chain_with(node, params, number, &mut |k| node.batch_records(k))
}

/// [`batch_from_chain`], with the transition records of each batch `k` from `records(k)`
/// (a relayer's cache holds those of batches finalized and pruned on chain).
pub fn batch_from_chain_with(
    node: &Node,
    params: Params,
    number: u64,
    records: &mut dyn FnMut(u64) -> Result<Option<Vec<u128>>>,
) -> Result<(Batch, BatchHeader)> {
    let header = node.batch(number)?.ok_or(ChainError::NotSealed(number))?;
    if header.transitions as usize > params.batch_size {
        bail!("batch {number} has {} transitions, the keys {} slots", header.transitions, params.batch_size);
    }
    let mut registry = Registry::new(params.defs_depth);
    for rule in node.rules(header.rules)? {
        registry.push_rule(rule).map_err(|e| anyhow!("definitions tree of depth {}: {e:?}", params.defs_depth))?;
    }
    if registry.defs_root() != field(&header.defs_root, "defs_root")? {
        bail!("batch {number}: the {} rules read give another definitions root than the header's (tree depth {} right?)", header.rules, params.defs_depth);
    }
    let mut replay = Replay { registry, state: State::new(params.state_depth) };
    for k in 1..number {
        let h = node.batch(k)?.ok_or(ChainError::NotSealed(k))?;
        let records = records(k)?.ok_or(ChainError::Pruned(k))?;
        if replay.state.root() != field(&h.old_root, "old_root")? {
            bail!("batch {k}: the replayed state root differs from the header's old root");
        }
        replay_records(&mut replay.state, &replay.registry, &records, None, k)?;
        if replay.state.root() != field(&h.new_root, "new_root")? {
            bail!("batch {k}: the replayed state root differs from the header's new root");
        }
    }
    let records = records(number)?.ok_or(ChainError::Pruned(number))?;
    let mut builder = BatchBuilder::new(params, &replay.state, number);
    replay_records(&mut replay.state, &replay.registry, &records, Some(&mut builder), number)?;
    let batch = builder.finish(&replay.state, &replay.registry);
    for (what, ours, theirs) in [
        ("old root", batch.old_root, &header.old_root),
        ("new root", batch.new_root, &header.new_root),
        ("commitment", batch.commitment, &header.commitment),
    ] {
        if ours != field(theirs, what)? {
            bail!("batch {number}: the witness's {what} differs from the sealed header's");
        }
    }
    Ok((batch, header))
}
