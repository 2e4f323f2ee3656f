//! The rollup precompile: the EVM door of `pallet_rollup` (`Rollup`), at
//! `alstra_bpm_core::proof::ROLLUP_PRECOMPILE_ADDRESS` (`0x…0b000000`, pallet-revive's fixed
//! precompile index `0x0b00`), with the Solidity interface `contracts/bpm/src/IRollup.sol` (read
//! here by `sol!`, so the ABI has one source).
//!
//! | function | caller | does |
//! |---|---|---|
//! | `registerDefinition(id, model)` | an authorized registry | [`pallet_rollup::Pallet::register_definition`] on the model (its references checked first) |
//! | `instanceStarted`, `elementFired`, `subProcessCompleted`, `callActivityCompleted`, `messageCorrelated` | an authorized engine | [`pallet_rollup::Pallet::record_action_explained`] with the one engine event |
//! | `stateRoot()`, `definitionsRoot()` | anyone | the current roots (field elements as `uint256`) |
//!
//! The caller is the contract calling the precompile (`env.caller()`), checked against
//! `Rollup::AuthorizedContracts` and the role the function needs. State changes run inside the
//! calling frame's storage transaction, so an EVM revert anywhere in the transaction undoes
//! them; a refusal here reverts with `Error(string)`: `rollup: <pallet error>: <why>`.
//!
//! Weight: each call charges the pallet's benchmarked weight before it works: a report
//! `record_action(1)` plus a possible seal (`seal_by_time`, the seal of a full batch costs the
//! same), a registration `register_definition(r)` for an upper bound of its rules, `r = 2 ·
//! (elements + sequence flows + message flows) + 1` (a rule per incoming place of an element, an
//! extra one for a sub-process or call activity, one per message flow, the start), refunded
//! down to the real count afterwards (pallet-revive only refunds, so the bound must hold; it is
//! topped up if it ever did not), a view two storage reads and a hash.

use crate::Runtime;
use polkadot_sdk::pallet_revive;
use alloc::{format, string::String, vec::Vec};
use alstra_bpm_core::{
	engine::EngineEvent, model, Bitmap256, CompiledModel, ElementKind, VariableType,
};
use core::{marker::PhantomData, num::NonZero};
use pallet_revive::precompiles::{
	alloy::{primitives::U256 as AU256, sol_types::SolValue},
	AddressMapper, AddressMatcher, Error, Ext, Precompile,
};
use pallet_rollup::{weights::WeightInfo as _, ContractRole};
use polkadot_sdk::frame_support::weights::Weight;

alloy_core::sol!("../contracts/bpm/src/IRollup.sol");

use IRollup::IRollupCalls;

/// The rollup precompile (see the module docs).
pub struct RollupPrecompile<T>(PhantomData<T>);

type RollupWeights = <Runtime as pallet_rollup::Config>::WeightInfo;

fn revert(message: String) -> Error {
	Error::Revert(message.into())
}

/// `rollup: <pallet error>: <detail>` for a pallet refusal.
fn refused(error: polkadot_sdk::sp_runtime::DispatchError, detail: &str) -> Error {
	let name = match error {
		polkadot_sdk::sp_runtime::DispatchError::Module(m) => m.message.unwrap_or("module error"),
		_ => "dispatch error",
	};
	if detail.is_empty() {
		revert(format!("rollup: {name}"))
	} else {
		revert(format!("rollup: {name}: {detail}"))
	}
}

fn u64_of(value: &AU256, what: &str) -> Result<u64, Error> {
	u64::try_from(*value).map_err(|_| revert(format!("rollup: {what} {value} does not fit 64 bits")))
}

fn bitmap(value: &AU256) -> Bitmap256 {
	Bitmap256(value.to_be_bytes::<32>())
}

/// A field element stored little-endian as the `uint256` it is.
fn field(le: [u8; 32]) -> Vec<u8> {
	AU256::from_le_bytes(le).abi_encode()
}

/// The ABI model as the core's [`CompiledModel`] (names and ids kept; the process key and
/// name are not part of the proof and not sent).
fn compiled_model(m: &IRollup::Model) -> Result<CompiledModel, Error> {
	let kind = |k: u8, i: usize| {
		ElementKind::from_ordinal(k).ok_or_else(|| revert(format!("rollup: element {i} has no kind {k}")))
	};
	let var_type = |t: u8, i: usize| {
		VariableType::ALL
			.get(t as usize)
			.copied()
			.ok_or_else(|| revert(format!("rollup: variable {i} has no type {t}")))
	};
	let model = CompiledModel {
		process_key: [0; 32],
		name: String::new(),
		pools: m
			.pools
			.iter()
			.map(|p| model::Pool {
				bpmn_id: p.bpmnId.clone(),
				name: p.name.clone(),
				role: p.role.0,
				executable: p.executable,
			})
			.collect(),
		swimlanes: m
			.swimlanes
			.iter()
			.map(|l| model::Swimlane {
				bpmn_id: l.bpmnId.clone(),
				name: l.name.clone(),
				pool: l.pool,
				role: l.role.0,
			})
			.collect(),
		scopes: m
			.subprocesses
			.iter()
			.map(|s| model::Subprocess {
				bpmn_id: s.bpmnId.clone(),
				parent_element: s.parentElement,
				pool: s.pool,
			})
			.collect(),
		elements: m
			.elements
			.iter()
			.enumerate()
			.map(|(i, e)| {
				Ok(model::Element {
					bpmn_id: e.bpmnId.clone(),
					name: e.name.clone(),
					kind: kind(e.kind, i)?,
					scope: e.scope,
					lane: e.lane,
					message_in: e.messageIn,
					message_out: bitmap(&e.messageOut),
					child_scope: e.childScope,
					called_process: e.calledProcess.0,
				})
			})
			.collect::<Result<_, Error>>()?,
		activity_flows: m
			.activityFlows
			.iter()
			.map(|f| model::ActivitySequenceFlow {
				bpmn_id: f.bpmnId.clone(),
				source: f.source,
				target: f.target,
				place: f.place,
			})
			.collect(),
		gateway_flows: m
			.gatewayFlows
			.iter()
			.map(|f| model::GatewaySequenceFlow {
				bpmn_id: f.bpmnId.clone(),
				gateway: f.gateway,
				target: f.target,
				place: f.place,
				condition: f.condition.to_vec(),
				is_default: f.isDefault,
			})
			.collect(),
		triggers: m
			.triggers
			.iter()
			.map(|t| model::EventTrigger {
				bpmn_id: t.bpmnId.clone(),
				name: t.name.clone(),
				source_element: t.sourceElement,
				source_pool: t.sourcePool,
				target: t.target,
			})
			.collect(),
		variables: m
			.variables
			.iter()
			.enumerate()
			.map(|(i, v)| Ok(model::Variable { name: v.name.clone(), var_type: var_type(v.varType, i)? }))
			.collect::<Result<_, Error>>()?,
		// task verification is the engine's (who may complete a task), a certificate the
		// InstanceCertificates contract's: neither is a firing rule
		verifications: Vec::new(),
		certificate: false,
	};
	model.check_references().map_err(|e| revert(format!("rollup: malformed model: {e}")))?;
	Ok(model)
}

/// The ABI form of a compiled model, as the registry sends it (for tests, benchmarks and tools).
pub fn abi_model(m: &CompiledModel) -> IRollup::Model {
	use alloy_core::primitives::{Bytes, FixedBytes};
	IRollup::Model {
		pools: m
			.pools
			.iter()
			.map(|p| IRollup::Pool { bpmnId: p.bpmn_id.clone(), name: p.name.clone(), role: FixedBytes(p.role), executable: p.executable })
			.collect(),
		swimlanes: m
			.swimlanes
			.iter()
			.map(|l| IRollup::Swimlane { bpmnId: l.bpmn_id.clone(), name: l.name.clone(), pool: l.pool, role: FixedBytes(l.role) })
			.collect(),
		subprocesses: m
			.scopes
			.iter()
			.map(|s| IRollup::Subprocess { bpmnId: s.bpmn_id.clone(), parentElement: s.parent_element, pool: s.pool })
			.collect(),
		elements: m
			.elements
			.iter()
			.map(|e| IRollup::Element {
				bpmnId: e.bpmn_id.clone(),
				name: e.name.clone(),
				kind: e.kind as u8,
				scope: e.scope,
				lane: e.lane,
				messageIn: e.message_in,
				messageOut: AU256::from_be_bytes(e.message_out.0),
				childScope: e.child_scope,
				calledProcess: FixedBytes(e.called_process),
			})
			.collect(),
		activityFlows: m
			.activity_flows
			.iter()
			.map(|f| IRollup::ActivitySequenceFlow { bpmnId: f.bpmn_id.clone(), source: f.source, target: f.target, place: f.place })
			.collect(),
		gatewayFlows: m
			.gateway_flows
			.iter()
			.map(|f| IRollup::GatewaySequenceFlow {
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
			.map(|t| IRollup::EventTrigger {
				bpmnId: t.bpmn_id.clone(),
				name: t.name.clone(),
				sourceElement: t.source_element,
				sourcePool: t.source_pool,
				target: t.target,
			})
			.collect(),
		variables: m.variables.iter().map(|v| IRollup::Variable { name: v.name.clone(), varType: v.var_type as u8 }).collect(),
	}
}

/// The report `ProcessExecution` sends for an engine event (`None`: an event it does not
/// report), as call data of the precompile.
pub fn report_of(ev: &EngineEvent) -> Option<Vec<u8>> {
	use alloy_core::sol_types::SolCall;
	let u = |x: u64| AU256::from(x);
	let bits = |b: &Bitmap256| AU256::from_be_bytes(b.0);
	Some(match *ev {
		EngineEvent::InstanceStarted { instance, definition, parent, .. } => {
			IRollup::instanceStartedCall { instanceId: u(instance), definitionId: u(definition), parentInstance: u(parent) }
				.abi_encode()
		},
		EngineEvent::ElementFired { instance, element, kind, consumed, produced, .. } => IRollup::elementFiredCall {
			instanceId: u(instance),
			element,
			kind: kind as u8,
			consumed: bits(&consumed),
			produced: bits(&produced),
		}
		.abi_encode(),
		EngineEvent::SubProcessCompleted { instance, element, .. } => {
			IRollup::subProcessCompletedCall { instanceId: u(instance), element }.abi_encode()
		},
		EngineEvent::CallActivityCompleted { instance, element, child } => {
			IRollup::callActivityCompletedCall { instanceId: u(instance), element, childInstanceId: u(child) }.abi_encode()
		},
		EngineEvent::MessageCorrelated { instance, flow, .. } => {
			IRollup::messageCorrelatedCall { instanceId: u(instance), messageFlow: flow }.abi_encode()
		},
		_ => return None,
	})
}

impl<T> RollupPrecompile<T> {
	/// The engine event a report stands for (the actor is not part of the proof).
	fn event(input: &IRollupCalls) -> Result<Option<EngineEvent>, Error> {
		Ok(Some(match input {
			IRollupCalls::instanceStarted(c) => EngineEvent::InstanceStarted {
				instance: u64_of(&c.instanceId, "instance")?,
				definition: u64_of(&c.definitionId, "definition")?,
				starter: [0; 20],
				parent: u64_of(&c.parentInstance, "parent instance")?,
			},
			IRollupCalls::elementFired(c) => EngineEvent::ElementFired {
				instance: u64_of(&c.instanceId, "instance")?,
				element: c.element,
				kind: ElementKind::from_ordinal(c.kind)
					.ok_or_else(|| revert(format!("rollup: no element kind {}", c.kind)))?,
				actor: [0; 20],
				consumed: bitmap(&c.consumed),
				produced: bitmap(&c.produced),
			},
			IRollupCalls::subProcessCompleted(c) => EngineEvent::SubProcessCompleted {
				instance: u64_of(&c.instanceId, "instance")?,
				element: c.element,
				scope: 0,
			},
			IRollupCalls::callActivityCompleted(c) => EngineEvent::CallActivityCompleted {
				instance: u64_of(&c.instanceId, "instance")?,
				element: c.element,
				child: u64_of(&c.childInstanceId, "child instance")?,
			},
			IRollupCalls::messageCorrelated(c) => EngineEvent::MessageCorrelated {
				instance: u64_of(&c.instanceId, "instance")?,
				flow: c.messageFlow,
				actor: [0; 20],
			},
			_ => return Ok(None),
		}))
	}
}

impl Precompile for RollupPrecompile<Runtime> {
	type T = Runtime;
	type Interface = IRollupCalls;
	const MATCHER: AddressMatcher = AddressMatcher::Fixed(
		match NonZero::new(alstra_bpm_core::proof::ROLLUP_PRECOMPILE_INDEX) {
			Some(index) => index,
			None => panic!("the rollup precompile index is not zero"),
		},
	);
	const HAS_CONTRACT_INFO: bool = false;

	fn call(_address: &[u8; 20], input: &IRollupCalls, env: &mut impl Ext<T = Runtime>) -> Result<Vec<u8>, Error> {
		let views = <Runtime as polkadot_sdk::frame_system::Config>::DbWeight::get().reads(2);
		match input {
			IRollupCalls::stateRoot(_) => {
				env.charge(views.saturating_add(Weight::from_parts(2_000_000, 0)))?;
				return Ok(field(pallet_rollup::Pallet::<Runtime>::state_root()));
			},
			IRollupCalls::definitionsRoot(_) => {
				env.charge(views.saturating_add(Weight::from_parts(2_000_000, 0)))?;
				return Ok(field(pallet_rollup::Pallet::<Runtime>::defs_root()));
			},
			_ => {},
		}
		if env.is_read_only() {
			return Err(revert("rollup: state change in a static call".into()));
		}
		let caller: [u8; 20] = match env.caller() {
			pallet_revive::ExecOrigin::Signed(account) => {
				<Runtime as pallet_revive::Config>::AddressMapper::to_address(&account).0
			},
			pallet_revive::ExecOrigin::Root => return Err(revert("rollup: root is not a contract".into())),
		};
		let needed = match input {
			IRollupCalls::registerDefinition(_) => ContractRole::Registry,
			_ => ContractRole::Engine,
		};
		if pallet_rollup::Pallet::<Runtime>::ensure_contract(&caller, needed).is_err() {
			let role = match needed {
				ContractRole::Registry => "registry",
				ContractRole::Engine => "engine",
			};
			return Err(revert(format!(
				"rollup: caller 0x{} is not an authorized {role}",
				polkadot_sdk::sp_core::hexdisplay::HexDisplay::from(&caller)
			)));
		}
		if let IRollupCalls::registerDefinition(c) = input {
			let m = &c.model;
			let records = m.elements.len() + m.activityFlows.len() + m.gatewayFlows.len() + m.triggers.len();
			let bound = u32::try_from(2 * records + 1).unwrap_or(u32::MAX);
			let charged = env.charge(RollupWeights::register_definition(bound))?;
			let id = u32::try_from(c.definitionId)
				.map_err(|_| revert(format!("rollup: definition id {} does not fit 32 bits", c.definitionId)))?;
			let model = compiled_model(&c.model)?;
			let rules = pallet_rollup::Pallet::<Runtime>::register_definition(id, &model)
				.map_err(|e| refused(e, &format!("definition {id}")))?;
			if rules > bound {
				env.charge(RollupWeights::register_definition(rules).saturating_sub(RollupWeights::register_definition(bound)))?;
			} else {
				env.adjust_gas(charged, RollupWeights::register_definition(rules));
			}
			return Ok(rules.abi_encode());
		}
		env.charge(RollupWeights::record_action(1).saturating_add(RollupWeights::seal_by_time()))?;
		let Some(event) = Self::event(input)? else { return Ok(Vec::new()) };
		pallet_rollup::Pallet::<Runtime>::record_action_explained(&[event])
			.map_err(|r| refused(r.error, &r.reason))?;
		Ok(Vec::new())
	}
}
