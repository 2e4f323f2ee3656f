//! Unit tests: the pallet against the BPM core's engine and its in-memory proven state (the
//! prover's), sealing by size and by time, the batch life cycle, and bad input.

use crate::{mock::*, BatchRecords, BatchStatus, Batches, ContractRole, Error, Event, OpenBatch, OpenBatchState};
use alstra_bpm_core::engine::{Engine, EngineEvent, InstanceStatus, RuntimeDefinition};
use alstra_bpm_core::proof::{
	encoding::Partner,
	replay::Replay,
	state::{commitment_of, fr_to_bytes, BatchBuilder, Definitions, Params, Registry, State},
};
use alstra_bpm_core::{CompiledModel, ElementKind};
use frame_support::{assert_noop, assert_ok, traits::Hooks};
use polkadot_sdk::{frame_support, sp_runtime::DispatchError};

const P: Params = Params { state_depth: 8, defs_depth: 8, batch_size: BATCH_SIZE as usize };

fn model(file: &str) -> CompiledModel {
	let path = format!("{}/../../bpmn-compiler/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
	alstra_bpmn::compile_file(&path).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The account that plays `role` (its last 20 bytes).
fn account(role: &[u8; 32]) -> [u8; 20] {
	role[12..].try_into().expect("20 bytes")
}

/// The engine (what `ProcessExecution` does), the pallet, and the prover's in-memory proven
/// state, driven together.
struct Chain {
	engine: Engine,
	replay: Replay,
	models: Vec<CompiledModel>,
}

impl Chain {
	/// Publishes `models` in order on the engine, the pallet and the in-memory replay.
	fn new(models: &[CompiledModel]) -> Chain {
		let mut c = Chain { engine: Engine::new(), replay: Replay::new(P), models: models.to_vec() };
		for m in models {
			let id = c.engine.publish(RuntimeDefinition::new(m));
			let rules = Rollup::register_definition(id as u32, m).unwrap();
			assert_eq!(c.replay.publish(m).unwrap() as u64, id);
			assert_eq!(c.replay.registry.rules_of(id as u32).count() as u32, rules);
			for role in m.pools.iter().map(|p| p.role).chain(m.swimlanes.iter().map(|s| s.role)) {
				c.engine.register_participant(account(&role), [role]);
			}
		}
		assert_eq!(Rollup::defs_root(), fr_to_bytes(&c.replay.registry.root()), "the same definitions root");
		c
	}

	/// Records `events` on the pallet and the replay; both must accept them and agree on the
	/// state root.
	fn record(&mut self, events: &[EngineEvent]) {
		assert_ok!(Rollup::record_action(events));
		self.replay.apply(events).unwrap();
		assert_eq!(Rollup::state_root(), fr_to_bytes(&self.replay.state.root()), "pallet and prover state roots");
	}

	/// Starts an instance of definition `def` (every role bound to its account).
	fn start(&mut self, def: u64) -> u64 {
		let d = self.engine.definition(def).unwrap().clone();
		let roles: Vec<_> = self.models.iter().flat_map(|m| m.pools.iter().map(|p| p.role).chain(m.swimlanes.iter().map(|s| s.role))).collect();
		let bindings: Vec<_> = roles.iter().filter(|r| **r != d.start_role).map(|r| (*r, account(r))).collect();
		let (id, events) = self.engine.start_instance(account(&d.start_role), def, &bindings, &[]).unwrap();
		self.record(&events);
		id
	}

	/// Completes the first enabled task of the active instances until none is active or `max`
	/// actions; returns the number of actions.
	fn run(&mut self, max: usize) -> usize {
		let mut actions = 0;
		while actions < max {
			let active: Vec<u64> = (1..=self.engine.instance_count())
				.filter(|id| self.engine.instance(*id).is_some_and(|i| i.status == InstanceStatus::Active))
				.collect();
			let Some((id, element)) = active.iter().find_map(|id| self.engine.enabled_tasks(*id).first().map(|e| (*id, *e))) else {
				return actions;
			};
			let def = self.engine.definition(self.engine.instance(id).unwrap().definition).unwrap();
			let role = def.elements[element as usize].role;
			let events = self.engine.complete_task(account(&role), id, element, &[]).unwrap();
			self.record(&events);
			actions += 1;
		}
		actions
	}
}

fn claims() -> Vec<CompiledModel> {
	vec![model("alstranet/claim-handling.bpmn"), model("alstranet/claim-intake.bpmn")]
}

fn sealed() -> Vec<u64> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Rollup(Event::BatchSealed { batch, .. }) => Some(batch),
			_ => None,
		})
		.collect()
}

#[test]
fn the_pallet_and_the_prover_compute_the_same_roots_and_batches() {
	new_test_ext().execute_with(|| {
		let mut chain = Chain::new(&claims());
		let intake = chain.start(2);
		assert_eq!(intake, 1);
		let actions = chain.run(64);
		assert!(actions >= 3, "{actions} actions");
		assert_eq!(chain.engine.instance(1).unwrap().status, InstanceStatus::Completed);
		// the call activity's child ran and returned
		assert_eq!(chain.replay.state.instance(2).unwrap().parent, 1);
		// sealed by size: every sealed batch is full, and they chain
		let batches = sealed();
		assert!(batches.len() >= 2, "{} batches sealed", batches.len());
		let mut previous: Option<[u8; 32]> = None;
		for b in &batches {
			let h = Batches::<Test>::get(b).unwrap();
			assert_eq!(h.transitions, BATCH_SIZE);
			assert_eq!(h.status, BatchStatus::Sealed);
			if let Some(p) = previous {
				assert_eq!(h.old_root, p, "batch {b} starts where the previous one ended");
			}
			previous = Some(h.new_root);
			let records = BatchRecords::<Test>::get(b).unwrap();
			assert_eq!(fr_to_bytes(&commitment_of(*b, &records)), h.commitment);
		}
		// the open batch continues from the last seal
		if let Some(open) = OpenBatchState::<Test>::get() {
			assert_eq!(Some(open.old_root), previous);
			assert!(!OpenBatch::<Test>::get().is_empty());
		}
	});
}

/// What the prover does with chain data: replays every sealed batch's records on its own
/// in-memory state (registry built from the same published definitions) and must reach the
/// header's roots and commitment, with a witness for every slot.
#[test]
fn sealed_batches_can_be_proven_from_their_records() {
	new_test_ext().execute_with(|| {
		let models = claims();
		let mut chain = Chain::new(&models);
		chain.start(2);
		chain.run(64);
		chain.start(2);
		chain.run(64);
		let mut reg = Registry::new(P.defs_depth);
		for m in &models {
			reg.register(m).unwrap();
		}
		let mut state = State::new(P.state_depth);
		let batches = sealed();
		assert!(batches.len() >= 3);
		for b in batches {
			let h = Batches::<Test>::get(b).unwrap();
			let mut builder = BatchBuilder::new(P, &state, b);
			for r in BatchRecords::<Test>::get(b).unwrap() {
				let (id, rule, partner) = (r as u64 & 0xffff_ffff, (r >> 32) as u64 & 0xffff_ffff, (r >> 64) as u64);
				let child = (reg.rules[rule as usize].partner == Partner::Return).then_some(partner);
				builder.fire_with(&mut state, &reg, id, rule as usize, child).unwrap();
			}
			let batch = builder.finish(&state, &reg);
			assert_eq!(fr_to_bytes(&batch.old_root), h.old_root, "batch {b}");
			assert_eq!(fr_to_bytes(&batch.new_root), h.new_root, "batch {b}");
			assert_eq!(fr_to_bytes(&batch.defs_root), h.defs_root, "batch {b}");
			assert_eq!(fr_to_bytes(&batch.commitment), h.commitment, "batch {b}");
		}
	});
}

#[test]
fn an_open_batch_is_sealed_by_time_and_an_empty_one_never() {
	new_test_ext().execute_with(|| {
		let mut chain = Chain::new(&[model("caterpillar/invoicing.bpmn")]);
		// nothing recorded: no seal however long
		run_to_block(1 + 2 * SEAL_PERIOD);
		assert!(sealed().is_empty());
		let first = System::block_number();
		chain.start(1);
		let open = OpenBatch::<Test>::get().len() as u32;
		assert!(open > 0 && open < BATCH_SIZE, "{open} transitions open");
		run_to_block(first + SEAL_PERIOD - 1);
		assert!(sealed().is_empty(), "not before SealPeriod blocks");
		run_to_block(first + SEAL_PERIOD);
		assert_eq!(sealed(), vec![1]);
		let h = Batches::<Test>::get(1).unwrap();
		assert_eq!((h.transitions, h.first_block, h.sealed_at), (open, first, first + SEAL_PERIOD));
		assert_eq!(h.new_root, Rollup::state_root());
		assert!(OpenBatchState::<Test>::get().is_none() && OpenBatch::<Test>::get().is_empty());
		// and the next batch starts at that root
		assert_eq!(chain.run(2), 2);
		if let Some(open) = OpenBatchState::<Test>::get() {
			assert_eq!(open.old_root, h.new_root);
		}
	});
}

#[test]
fn an_action_the_proven_state_machine_refuses_changes_nothing() {
	new_test_ext().execute_with(|| {
		let mut chain = Chain::new(&claims());
		chain.start(2);
		let root = Rollup::state_root();
		let open = OpenBatch::<Test>::get();
		let events_before = System::events().len();
		// a firing of an instance that does not exist
		let ghost = EngineEvent::ElementFired {
			instance: 9,
			element: 0,
			kind: ElementKind::UserTask,
			actor: [0; 20],
			consumed: alstra_bpm_core::Bitmap256::bit(0),
			produced: alstra_bpm_core::Bitmap256::ZERO,
		};
		assert_noop!(Rollup::record_action(&[ghost]), Error::<Test>::UnknownInstance);
		// a valid first firing followed by one that is not enabled: the first is undone too
		let task = chain.engine.enabled_tasks(1)[0];
		let def = chain.engine.definition(2).unwrap().clone();
		let el = &def.elements[task as usize];
		let fire = |consumed| EngineEvent::ElementFired {
			instance: 1,
			element: task,
			kind: el.kind,
			actor: [0; 20],
			consumed,
			produced: el.postset,
		};
		assert_noop!(Rollup::record_action(&[fire(el.preset), fire(el.preset)]), Error::<Test>::FiringRefused);
		// a start of an unregistered definition
		let start = EngineEvent::InstanceStarted { instance: 2, definition: 7, starter: [0; 20], parent: 0 };
		assert_noop!(Rollup::record_action(&[start]), Error::<Test>::UnknownDefinition);
		assert_eq!(Rollup::state_root(), root);
		assert_eq!(OpenBatch::<Test>::get(), open);
		assert_eq!(System::events().len(), events_before);
	});
}

#[test]
fn a_definition_beyond_the_circuit_is_refused_at_registration() {
	new_test_ext().execute_with(|| {
		// five scopes: the circuit's encoding has four scope words
		let mut m = model("caterpillar/invoicing.bpmn");
		for k in 0..4 {
			m.scopes.push(alstra_bpm_core::Subprocess { bpmn_id: format!("extra{k}"), parent_element: 0, pool: 0 });
		}
		assert!(Registry::new(8).register(&m).is_err());
		let root = Rollup::defs_root();
		assert_noop!(Rollup::register_definition(1, &m), Error::<Test>::DefinitionBeyondProverLimits);
		assert_eq!(Rollup::defs_root(), root);
		assert_eq!(crate::DefinitionCount::<Test>::get(), 0);
	});
}

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

#[test]
fn batches_go_proven_submitted_finalized_in_order_and_finalized_records_are_pruned() {
	new_test_ext().execute_with(|| {
		let mut chain = Chain::new(&claims());
		chain.start(2);
		chain.run(64);
		let batches = sealed();
		assert!(batches.len() >= 2);
		// only the relayer
		assert_noop!(Rollup::mark_proven(signed(1), 1), DispatchError::BadOrigin);
		// not ahead of the predecessor, one step at a time
		assert_noop!(Rollup::mark_proven(signed(RELAYER), 2), Error::<Test>::PredecessorBehind);
		assert_noop!(Rollup::mark_submitted(signed(RELAYER), 1, [1; 32]), Error::<Test>::WrongBatchStatus);
		assert_noop!(Rollup::mark_proven(signed(RELAYER), 99), Error::<Test>::UnknownBatch);
		assert_ok!(Rollup::mark_proven(signed(RELAYER), 1));
		assert_ok!(Rollup::mark_proven(signed(RELAYER), 2));
		assert_ok!(Rollup::mark_submitted(signed(RELAYER), 1, [0xab; 32]));
		assert_noop!(Rollup::mark_finalized(signed(RELAYER), 2), Error::<Test>::WrongBatchStatus);
		assert_ok!(Rollup::mark_submitted(signed(RELAYER), 2, [0xcd; 32]));
		// an L1 reorg dropped batch 2's transaction and it was sent again: the new one is recorded,
		// the status stays; the recorded one cannot be reported twice
		assert_noop!(Rollup::mark_submitted(signed(RELAYER), 2, [0xcd; 32]), Error::<Test>::WrongBatchStatus);
		assert_noop!(Rollup::mark_submitted(signed(1), 2, [0xce; 32]), DispatchError::BadOrigin);
		assert_ok!(Rollup::mark_submitted(signed(RELAYER), 2, [0xce; 32]));
		let h = Batches::<Test>::get(2).unwrap();
		assert_eq!((h.status, h.l1_transaction), (BatchStatus::Submitted, Some([0xce; 32])));
		System::assert_has_event(RuntimeEvent::Rollup(Event::BatchSubmitted { batch: 2, l1_transaction: [0xce; 32] }));
		assert_noop!(Rollup::mark_finalized(signed(RELAYER), 2), Error::<Test>::PredecessorBehind);
		assert!(BatchRecords::<Test>::get(1).is_some());
		assert_ok!(Rollup::mark_finalized(signed(RELAYER), 1));
		let h = Batches::<Test>::get(1).unwrap();
		assert_eq!((h.status, h.l1_transaction), (BatchStatus::Finalized, Some([0xab; 32])));
		assert!(BatchRecords::<Test>::get(1).is_none(), "records pruned");
		assert!(BatchRecords::<Test>::get(2).is_some(), "not yet final");
		System::assert_has_event(RuntimeEvent::Rollup(Event::BatchFinalized { batch: 1 }));
		System::assert_has_event(RuntimeEvent::Rollup(Event::BatchSubmitted { batch: 2, l1_transaction: [0xcd; 32] }));
		assert_noop!(Rollup::mark_finalized(signed(RELAYER), 1), Error::<Test>::WrongBatchStatus);
	});
}

#[test]
fn seal_hook_weight_is_charged_only_when_sealing() {
	new_test_ext().execute_with(|| {
		let idle = Rollup::on_initialize(2);
		let mut chain = Chain::new(&[model("caterpillar/invoicing.bpmn")]);
		chain.start(1);
		let busy = Rollup::on_initialize(1 + SEAL_PERIOD);
		assert!(busy.ref_time() > idle.ref_time());
		assert_eq!(sealed(), vec![1]);
	});
}

#[test]
fn definition_ids_are_the_registrys_each_once_and_never_zero() {
	new_test_ext().execute_with(|| {
		let m = model("caterpillar/invoicing.bpmn");
		assert_noop!(Rollup::register_definition(0, &m), Error::<Test>::InvalidDefinitionId);
		// the registry's ids need not be contiguous (a draft created and never published)
		let rules = Rollup::register_definition(3, &m).unwrap();
		assert_eq!(crate::DefinitionRules::<Test>::get(3), Some((0, rules as u64)));
		assert!(crate::DefinitionRules::<Test>::get(1).is_none());
		let root = Rollup::defs_root();
		assert_noop!(Rollup::register_definition(3, &m), Error::<Test>::DefinitionAlreadyRegistered);
		assert_eq!(Rollup::defs_root(), root);
		assert_eq!(Rollup::status().definitions, 1);
		assert_eq!(Rollup::rules(0, 1000).len() as u32, rules);
		assert_eq!(Rollup::rules(1, 2).len(), 2);
		// an instance of it starts at id 1 with the definition id 3
		let mut engine = Engine::new();
		let _ = engine.publish(RuntimeDefinition::new(&m));
		let _ = engine.publish(RuntimeDefinition::new(&m));
		let def = engine.publish(RuntimeDefinition::new(&m));
		assert_eq!(def, 3);
		for role in m.pools.iter().map(|p| p.role).chain(m.swimlanes.iter().map(|s| s.role)) {
			engine.register_participant(account(&role), [role]);
		}
		let d = engine.definition(def).unwrap().clone();
		let (id, events) = engine.start_instance(account(&d.start_role), def, &[], &[]).unwrap();
		assert_ok!(Rollup::record_action(&events));
		assert_eq!(crate::InstanceRecords::<Test>::get(id).unwrap().definition, 3);
	});
}

#[test]
fn only_governance_authorizes_contracts_and_roles_are_checked() {
	new_test_ext().execute_with(|| {
		let registry = [0x11; 20];
		let engine = [0x22; 20];
		assert_noop!(Rollup::authorize_contract(signed(1), engine, ContractRole::Engine), DispatchError::BadOrigin);
		assert_noop!(Rollup::ensure_contract(&engine, ContractRole::Engine), Error::<Test>::ContractNotAuthorized);
		assert_ok!(Rollup::authorize_contract(RuntimeOrigin::root(), engine, ContractRole::Engine));
		assert_ok!(Rollup::authorize_contract(RuntimeOrigin::root(), registry, ContractRole::Registry));
		System::assert_has_event(RuntimeEvent::Rollup(Event::ContractAuthorized { contract: engine, role: ContractRole::Engine }));
		assert_ok!(Rollup::ensure_contract(&engine, ContractRole::Engine));
		assert_ok!(Rollup::ensure_contract(&registry, ContractRole::Registry));
		// a role is not another
		assert_noop!(Rollup::ensure_contract(&engine, ContractRole::Registry), Error::<Test>::ContractNotAuthorized);
		assert_noop!(Rollup::ensure_contract(&registry, ContractRole::Engine), Error::<Test>::ContractNotAuthorized);
		assert_noop!(Rollup::revoke_contract(signed(RELAYER), engine), DispatchError::BadOrigin);
		assert_ok!(Rollup::revoke_contract(RuntimeOrigin::root(), engine));
		System::assert_has_event(RuntimeEvent::Rollup(Event::ContractRevoked { contract: engine }));
		assert_noop!(Rollup::ensure_contract(&engine, ContractRole::Engine), Error::<Test>::ContractNotAuthorized);
		assert_noop!(Rollup::revoke_contract(RuntimeOrigin::root(), engine), Error::<Test>::UnknownContract);
	});
}
