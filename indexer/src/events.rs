//! The engine's events (`contracts/bpm/src/InstanceStore.sol`) decoded from logs into rows.

use crate::source::contracts::execution::ProcessExecution::ProcessExecutionEvents as Ev;
use alloy::primitives::{Address, B256, U256};
use alloy::rpc::types::Log;
use alloy::sol_types::SolEventInterface;
use anyhow::{anyhow, Result};
use serde_json::json;

/// One engine event with its place in the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedEvent {
	/// Block number.
	pub block: u64,
	/// Log index in the block (the order of events in a block).
	pub log_index: u64,
	/// Block hash.
	pub block_hash: B256,
	/// Transaction hash.
	pub tx: B256,
	/// Block timestamp (seconds).
	pub timestamp: u64,
	/// The instance it is about (every engine event's first indexed field).
	pub instance: u64,
	/// The Solidity event name.
	pub event: &'static str,
	/// `InstanceStarted`: the definition.
	pub definition: Option<u64>,
	/// The element (`ElementFired`, `SubProcessCompleted`, `CallActivityCompleted`).
	pub element: Option<u16>,
	/// `ElementFired`: the `BpmCore.ElementKind` ordinal.
	pub kind: Option<u8>,
	/// Who acted: the starter, the firing's actor, the deliverer, the writer, the bound account.
	pub actor: Option<Address>,
	/// `ElementFired`: the places taken from the element's scope.
	pub consumed: Option<U256>,
	/// `ElementFired`: the places put there.
	pub produced: Option<U256>,
	/// Every field of the event, by its Solidity name.
	pub data: serde_json::Value,
}

fn small(v: U256, what: &str) -> Result<u64> {
	u64::try_from(v).map_err(|_| anyhow!("{what} {v} does not fit 64 bits"))
}

/// Decodes an engine log; `Ok(None)` for a log of another event of the contract, an error for a
/// log without block, transaction or index (a pending log, which the indexer never asks for).
pub fn decode(log: &Log, timestamp: u64) -> Result<Option<IndexedEvent>> {
	let Ok(ev) = Ev::decode_log(&log.inner) else { return Ok(None) };
	let (block, log_index, block_hash, tx) = match (log.block_number, log.log_index, log.block_hash, log.transaction_hash) {
		(Some(b), Some(i), Some(h), Some(t)) => (b, i, h, t),
		_ => return Err(anyhow!("a log without its block, index or transaction: {log:?}")),
	};
	let mut e = IndexedEvent {
		block,
		log_index,
		block_hash,
		tx,
		timestamp,
		instance: 0,
		event: "",
		definition: None,
		element: None,
		kind: None,
		actor: None,
		consumed: None,
		produced: None,
		data: serde_json::Value::Null,
	};
	match ev.data {
		Ev::InstanceStarted(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "InstanceStarted";
			e.definition = Some(small(x.definitionId, "definition")?);
			e.actor = Some(x.starter);
			e.data = json!({ "definitionId": e.definition, "starter": x.starter, "parentInstance": x.parentInstance.to_string() });
		},
		Ev::RoleBound(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "RoleBound";
			e.actor = Some(x.account);
			e.data = json!({ "role": x.role, "account": x.account });
		},
		Ev::ElementFired(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "ElementFired";
			e.element = Some(x.element);
			e.kind = Some(x.kind);
			e.actor = Some(x.actor);
			e.consumed = Some(x.consumed);
			e.produced = Some(x.produced);
			e.data = json!({ "element": x.element, "kind": x.kind, "actor": x.actor, "consumed": x.consumed, "produced": x.produced });
		},
		Ev::MessageSent(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "MessageSent";
			e.data = json!({ "messageFlow": x.messageFlow });
		},
		Ev::MessageCorrelated(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "MessageCorrelated";
			e.actor = Some(x.actor);
			e.data = json!({ "messageFlow": x.messageFlow, "actor": x.actor });
		},
		Ev::VariableSet(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "VariableSet";
			e.actor = Some(x.actor);
			e.data = json!({ "index": x.index, "value": x.value.to_string(), "actor": x.actor });
		},
		Ev::SubProcessCompleted(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "SubProcessCompleted";
			e.element = Some(x.element);
			e.data = json!({ "element": x.element, "scope": x.scope });
		},
		Ev::CallActivityCompleted(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "CallActivityCompleted";
			e.element = Some(x.element);
			e.data = json!({ "element": x.element, "childInstanceId": x.childInstanceId.to_string() });
		},
		Ev::InstanceCompleted(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "InstanceCompleted";
			e.data = json!({});
		},
		Ev::InstanceTerminated(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "InstanceTerminated";
			e.data = json!({ "byInstance": x.byInstance.to_string() });
		},
		Ev::TaskSubmitted(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "TaskSubmitted";
			e.element = Some(x.element);
			e.actor = Some(x.performer);
			e.data = json!({ "element": x.element, "performer": x.performer, "evidence": x.evidence });
		},
		Ev::TaskApproved(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "TaskApproved";
			e.element = Some(x.element);
			e.actor = Some(x.verifier);
			e.data = json!({ "element": x.element, "verifier": x.verifier, "performer": x.performer, "reward": x.reward });
		},
		Ev::TaskRejected(x) => {
			e.instance = small(x.instanceId, "instance")?;
			e.event = "TaskRejected";
			e.element = Some(x.element);
			e.actor = Some(x.verifier);
			e.data = json!({ "element": x.element, "verifier": x.verifier, "performer": x.performer, "reason": x.reason });
		},
		#[allow(unreachable_patterns)]
		_ => return Ok(None),
	}
	Ok(Some(e))
}
