//! Benchmarks of `pallet_rollup` (frame-benchmarking v2). The engine actions are produced by the
//! BPM core's engine on a model built here: a user task followed by a chain of `t - 2` parallel
//! gateways and an end event, so that completing the task is one action of `t` transitions.
//! Each benchmark writes its own state (definitions, instances), so it runs with
//! `--genesis-builder-policy none` as well as on a `dev` genesis.

use super::*;
use alstra_bpm_core::engine::{Engine, EngineEvent, RuntimeDefinition};
use alstra_bpm_core::{
	keccak256, ActivitySequenceFlow, Bitmap256, CompiledModel, Element, ElementKind, GatewaySequenceFlow, Pool,
	Subprocess,
};
use alloc::{format, vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get, Hooks};
use polkadot_sdk::frame_benchmarking;

/// The most transitions one benchmarked action has (within the circuit's 64 places per scope).
const MAX_TRANSITIONS: u32 = 42;

/// Start -> Task (user task of the pool's role) -> `gateways` parallel gateways in a chain -> End.
fn chain_model(gateways: u16) -> CompiledModel {
	let role = keccak256(b"Org");
	let el = |id: &str, kind| Element {
		bpmn_id: id.into(),
		name: id.into(),
		kind,
		scope: 0,
		lane: 0,
		message_in: 0,
		message_out: Bitmap256::ZERO,
		child_scope: 0,
		called_process: [0; 32],
	};
	// element indices: activities, events, gateways (the compiler's order)
	let (task, start, end) = (0u16, 1u16, 2u16);
	let mut elements = vec![el("Task", ElementKind::UserTask), el("Start", ElementKind::StartEvent), el("End", ElementKind::EndEvent)];
	elements.extend((0..gateways).map(|g| el(&format!("G{g}"), ElementKind::ParallelGateway)));
	let gateway = |g: u16| 3 + g;
	let mut activity_flows = vec![ActivitySequenceFlow { bpmn_id: "f0".into(), source: start, target: task, place: 0 }];
	let mut gateway_flows = Vec::new();
	let first_after_task = if gateways == 0 { end } else { gateway(0) };
	activity_flows.push(ActivitySequenceFlow { bpmn_id: "f1".into(), source: task, target: first_after_task, place: 1 });
	for g in 0..gateways {
		let target = if g + 1 == gateways { end } else { gateway(g + 1) };
		gateway_flows.push(GatewaySequenceFlow {
			bpmn_id: format!("g{g}"),
			gateway: gateway(g),
			target,
			place: (g + 2) as u8,
			condition: vec![],
			is_default: false,
		});
	}
	CompiledModel {
		process_key: keccak256(format!("chain-{gateways}").as_bytes()),
		name: format!("chain of {gateways} gateways"),
		pools: vec![Pool { bpmn_id: "Org".into(), name: "Org".into(), role, executable: true }],
		swimlanes: vec![],
		scopes: vec![Subprocess { bpmn_id: "chain".into(), parent_element: 0, pool: 0 }],
		elements,
		activity_flows,
		gateway_flows,
		triggers: vec![],
		variables: vec![],
		verifications: vec![],
		certificate: false,
	}
}

/// Registers the chain model on the pallet and an engine, starts an instance (recorded) and
/// returns the events of completing its task: one action of `gateways + 2` transitions.
fn task_completion<T: Config>(gateways: u16) -> Result<Vec<EngineEvent>, BenchmarkError> {
	let model = chain_model(gateways);
	let account: [u8; 20] = keccak256(b"Org")[12..].try_into().expect("20 bytes");
	let mut engine = Engine::new();
	let def = engine.publish(RuntimeDefinition::new(&model));
	engine.register_participant(account, [keccak256(b"Org")]);
	Pallet::<T>::register_definition(def as u32, &model).map_err(|_| BenchmarkError::Stop("register"))?;
	let (id, started) = engine.start_instance(account, def, &[], &[]).map_err(|_| BenchmarkError::Stop("start"))?;
	Pallet::<T>::record_action(&started).map_err(|_| BenchmarkError::Stop("record start"))?;
	engine.complete_task(account, id, 0, &[]).map_err(|_| BenchmarkError::Stop("complete"))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Records one action of `t` transitions (a task completion and its automatic successors),
	/// sealing the batches it fills.
	#[benchmark]
	fn record_action(t: Linear<2, MAX_TRANSITIONS>) -> Result<(), BenchmarkError> {
		let events = task_completion::<T>((t - 2) as u16)?;
		let before = NextInstanceId::<T>::get();

		#[block]
		{
			Pallet::<T>::record_action(&events).map_err(|_| BenchmarkError::Stop("record"))?;
		}

		assert_eq!(NextInstanceId::<T>::get(), before);
		let instance = InstanceRecords::<T>::get(1).ok_or(BenchmarkError::Stop("instance"))?;
		assert_eq!(instance.status, alstra_bpm_core::proof::encoding::status::COMPLETED as u8);
		Ok(())
	}

	/// Registers a definition of `r` firing rules (the chain model with `r - 3` gateways: one
	/// rule per element but the start event, plus the instance start).
	#[benchmark]
	fn register_definition(r: Linear<3, MAX_TRANSITIONS>) -> Result<(), BenchmarkError> {
		let model = chain_model((r - 3) as u16);

		#[block]
		{
			Pallet::<T>::register_definition(1, &model).map_err(|_| BenchmarkError::Stop("register"))?;
		}

		assert_eq!(RuleCount::<T>::get(), r as u64);
		Ok(())
	}

	/// `on_initialize` sealing an open batch whose time is up.
	#[benchmark]
	fn seal_by_time() -> Result<(), BenchmarkError> {
		task_completion::<T>(0)?;
		let open = OpenBatchState::<T>::get().ok_or(BenchmarkError::Stop("no open batch"))?;
		let now = open.first_block + T::SealPeriod::get();

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert!(OpenBatchState::<T>::get().is_none());
		assert!(Batches::<T>::get(NextBatch::<T>::get() - 1).is_some());
		Ok(())
	}

	/// The costliest life-cycle step: `mark_finalized`, which also prunes the records.
	#[benchmark]
	fn advance_batch() -> Result<(), BenchmarkError> {
		let origin = T::RelayerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		task_completion::<T>(0)?;
		let open = OpenBatchState::<T>::get().ok_or(BenchmarkError::Stop("no open batch"))?;
		Pallet::<T>::on_initialize(open.first_block + T::SealPeriod::get());
		Pallet::<T>::mark_proven(origin.clone(), 1).map_err(|_| BenchmarkError::Stop("proven"))?;
		Pallet::<T>::mark_submitted(origin.clone(), 1, [1; 32]).map_err(|_| BenchmarkError::Stop("submitted"))?;

		#[extrinsic_call]
		mark_finalized(origin as T::RuntimeOrigin, 1);

		assert!(BatchRecords::<T>::get(1).is_none());
		Ok(())
	}

	/// Governance authorizing a contract (revoking costs the same: one entry).
	#[benchmark]
	fn authorize_contract() -> Result<(), BenchmarkError> {
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		authorize_contract(origin as T::RuntimeOrigin, [7; 20], ContractRole::Engine);

		assert_eq!(AuthorizedContracts::<T>::get([7; 20]), Some(ContractRole::Engine));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
