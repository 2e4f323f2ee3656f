//! From the compiler's [`CompiledModel`] to the ABI records of `ProcessDefinitionRegistry`,
//! and human-readable descriptions.

use crate::contracts::registry::BpmnModel as Abi;
use alloy::primitives::{Bytes, FixedBytes, U256};
use alstra_bpmn::CompiledModel;
use anyhow::Result;

/// Records per `add*` transaction: small enough for any block, few enough transactions.
pub const BATCH: usize = 12;

/// Name of an `ElementKind` ordinal (the ABI carries enums as `uint8`), from the BPM core.
pub fn kind_name(kind: u8) -> &'static str {
	alstra_bpm_core::ElementKind::from_ordinal(kind).map_or("UnknownKind", |k| k.name())
}

/// The model as the registry's record tables, in append order.
pub struct Records {
	pub pools: Vec<Abi::Pool>,
	pub swimlanes: Vec<Abi::Swimlane>,
	pub scopes: Vec<Abi::Subprocess>,
	pub activities: Vec<Abi::Element>,
	pub events: Vec<Abi::Element>,
	pub gateways: Vec<Abi::Element>,
	pub activity_flows: Vec<Abi::ActivitySequenceFlow>,
	pub gateway_flows: Vec<Abi::GatewaySequenceFlow>,
	pub triggers: Vec<Abi::EventTrigger>,
	pub variables: Vec<Abi::Variable>,
	pub verifications: Vec<Abi::TaskVerification>,
	/// `requestCertificates` before publishing (`alstra:certificate="true"`).
	pub certificate: bool,
}

/// Converts a compiled model into ABI records (no chain access).
pub fn records(m: &CompiledModel) -> Result<Records> {
	let mut activities = Vec::new();
	let mut events = Vec::new();
	let mut gateways = Vec::new();
	for e in &m.elements {
		let rec = Abi::Element {
			bpmnId: e.bpmn_id.clone(),
			name: e.name.clone(),
			kind: e.kind as u8,
			scope: e.scope,
			lane: e.lane,
			messageIn: e.message_in,
			messageOut: U256::from_be_bytes(e.message_out.0),
			childScope: e.child_scope,
			calledProcess: FixedBytes(e.called_process),
		};
		if e.kind.is_activity() {
			activities.push(rec);
		} else if e.kind.is_event() {
			events.push(rec);
		} else {
			gateways.push(rec);
		}
	}
	Ok(Records {
		pools: m
			.pools
			.iter()
			.map(|p| Abi::Pool {
				bpmnId: p.bpmn_id.clone(),
				name: p.name.clone(),
				role: FixedBytes(p.role),
				executable: p.executable,
			})
			.collect(),
		swimlanes: m
			.swimlanes
			.iter()
			.map(|s| Abi::Swimlane {
				bpmnId: s.bpmn_id.clone(),
				name: s.name.clone(),
				pool: s.pool,
				role: FixedBytes(s.role),
			})
			.collect(),
		scopes: m
			.scopes
			.iter()
			.map(|s| Abi::Subprocess {
				bpmnId: s.bpmn_id.clone(),
				parentElement: s.parent_element,
				pool: s.pool,
			})
			.collect(),
		activities,
		events,
		gateways,
		activity_flows: m
			.activity_flows
			.iter()
			.map(|f| Abi::ActivitySequenceFlow {
				bpmnId: f.bpmn_id.clone(),
				source: f.source,
				target: f.target,
				place: f.place,
			})
			.collect(),
		gateway_flows: m
			.gateway_flows
			.iter()
			.map(|f| Abi::GatewaySequenceFlow {
				bpmnId: f.bpmn_id.clone(),
				gateway: f.gateway,
				target: f.target,
				place: f.place,
				condition: Bytes::from(f.condition.clone()),
				isDefault: f.is_default,
			})
			.collect(),
		triggers: m
			.triggers
			.iter()
			.map(|t| Abi::EventTrigger {
				bpmnId: t.bpmn_id.clone(),
				name: t.name.clone(),
				sourceElement: t.source_element,
				sourcePool: t.source_pool,
				target: t.target,
			})
			.collect(),
		variables: m
			.variables
			.iter()
			.map(|v| Abi::Variable { name: v.name.clone(), varType: v.var_type as u8 })
			.collect(),
		verifications: m
			.verifications
			.iter()
			.map(|v| Abi::TaskVerification {
				element: v.element,
				verifierName: v.verifier_name.clone(),
				verifierRole: FixedBytes(v.verifier_role),
				evidenceRequired: v.evidence_required,
				reward: v.reward,
			})
			.collect(),
		certificate: m.certificate,
	})
}

/// A readable description of a compiled model: counts, roles, tasks and variables.
pub fn describe(m: &CompiledModel) -> String {
	let mut out = format!("  process key 0x{}  name \"{}\"\n  {}\n", hex(&m.process_key), m.name, m.summary());
	for (i, e) in m.elements.iter().enumerate() {
		let role = if e.lane > 0 {
			m.swimlanes.get(e.lane as usize - 1).map(|l| l.name.clone()).unwrap_or_default()
		} else {
			m.scopes
				.get(e.scope as usize)
				.and_then(|s| m.pools.get(s.pool as usize))
				.map(|p| p.name.clone())
				.unwrap_or_default()
		};
		out += &format!(
			"  [{i:>3}] {:<30} {:<36} role {role}\n",
			e.kind.name(),
			format!("{} \"{}\"", e.bpmn_id, e.name)
		);
	}
	for (i, v) in m.variables.iter().enumerate() {
		out += &format!("  var {i}: {} {}\n", v.name, v.var_type.name());
	}
	out
}

/// Lower-case hex without prefix.
pub fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	const MODEL: &str = include_str!("../../bpmn-compiler/tests/data/caterpillar/invoicing.bpmn");

	#[test]
	fn kind_names_follow_the_solidity_enum() {
		assert_eq!(kind_name(alstra_bpmn::ElementKind::UserTask as u8), "UserTask");
		assert_eq!(kind_name(alstra_bpmn::ElementKind::EventBasedGateway as u8), "EventBasedGateway");
		assert_eq!(kind_name(200), "UnknownKind");
	}

	#[test]
	fn records_keep_the_element_index_space() {
		let m = alstra_bpmn::compile(MODEL).expect("invoicing compiles");
		let r = records(&m).unwrap();
		assert_eq!(r.activities.len() + r.events.len() + r.gateways.len(), m.elements.len());
		// Activities come first, then events, then gateways: the order of the append calls.
		let ordered: Vec<String> = r
			.activities
			.iter()
			.chain(&r.events)
			.chain(&r.gateways)
			.map(|e| e.bpmnId.clone())
			.collect();
		let compiled: Vec<String> = m.elements.iter().map(|e| e.bpmn_id.clone()).collect();
		assert_eq!(ordered, compiled);
		assert_eq!(r.gateway_flows.len(), m.gateway_flows.len());
		assert!(describe(&m).contains("ExclusiveGateway") || describe(&m).contains("exclusive"));
	}
}
