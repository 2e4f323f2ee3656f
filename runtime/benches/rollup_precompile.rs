//! Benchmark (not a test): the rollup precompile per engine report, natively on the runtime
//! (`Revive::bare_call` into the precompile, as the engine's call reaches it), on walks of real
//! BPMN models driven by the BPM core's engine: wall time and weight charged per report, and
//! how many reports one block can absorb. Prints a table.
//!
//!   scripts/env.sh functions: workspace_cargo bench --locked -p alstranet-runtime --bench rollup_precompile
//!   (or bench/rollup.sh, which also times the prover on a batch of the runtime's shape)
//!
//! Wall time is native code on in-memory storage (`TestExternalities`): it leaves out the
//! database, which the weight prices with the runtime's `DbWeight` (ParityDb) per read and
//! write. The weight is what the precompile charges (the pallet's `WeightInfo`), plus revive's
//! cost of the call frame.

use alstra_bpm_core::engine::{Engine, RuntimeDefinition};
use alstra_bpm_core::proof::ROLLUP_PRECOMPILE_ADDRESS;
use alstranet_runtime::{
	genesis_config_presets::{get_preset, DEV_RUNTIME_PRESET},
	rollup_precompile::{abi_model, report_of, IRollup},
	Revive, Rollup, Runtime, RuntimeGenesisConfig, RuntimeOrigin,
};
use alloy_core::{primitives::U256, sol_types::SolCall};
use pallet_revive::{AddressMapper, ExecConfig, TransactionLimits};
use polkadot_sdk::{
	frame_support::{self, dispatch::DispatchClass, weights::Weight},
	frame_system, pallet_revive, sp_genesis_builder::PresetId, sp_io, sp_keyring::Sr25519Keyring,
};
use std::time::Instant;

fn json_merge(a: &mut serde_json::Value, b: serde_json::Value) {
	match (a, b) {
		(serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
			for (k, v) in b {
				if v.is_null() {
					a.remove(&k);
				} else {
					json_merge(a.entry(k).or_insert(serde_json::Value::Null), v);
				}
			}
		},
		(a, b) => *a = b,
	}
}

fn dev_ext() -> sp_io::TestExternalities {
	let mut ext = sp_io::TestExternalities::default();
	ext.execute_with(|| {
		let patch = get_preset(&PresetId::from(DEV_RUNTIME_PRESET)).expect("dev preset");
		let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
		json_merge(&mut config, serde_json::from_slice(&patch).unwrap());
		frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(serde_json::to_vec(&config).unwrap())
			.expect("dev genesis");
	});
	ext
}

/// One call into the precompile: (wall time, weight consumed).
fn call(who: &polkadot_sdk::sp_runtime::AccountId32, data: Vec<u8>) -> (f64, Weight) {
	let t = Instant::now();
	let r = Revive::bare_call(
		RuntimeOrigin::signed(who.clone()),
		ROLLUP_PRECOMPILE_ADDRESS.into(),
		0u32.into(),
		TransactionLimits::WeightAndDeposit { weight_limit: Weight::from_parts(1_000_000_000_000, 10 << 20), deposit_limit: u128::MAX },
		data,
		&ExecConfig::new_substrate_tx(),
	);
	let us = t.elapsed().as_secs_f64() * 1e6;
	let ok = matches!(&r.result, Ok(v) if !v.did_revert());
	assert!(ok, "the precompile refused: {:?}", r.result);
	(us, r.weight_consumed)
}

struct Row {
	what: String,
	n: usize,
	us: Vec<f64>,
	ref_time: Vec<u64>,
	proof: Vec<u64>,
}

fn main() {
	let models = ["caterpillar/invoicing.bpmn", "caterpillar/running_example.bpmn", "miwg-reference/C.1.1.bpmn"];
	let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../bpmn-compiler/tests/data/");
	let mut rows = Vec::new();
	dev_ext().execute_with(|| {
		frame_system::Pallet::<Runtime>::set_block_number(1);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let me = <Runtime as pallet_revive::Config>::AddressMapper::to_address(&alice).0;
		let mut engine = Engine::new();
		let mut register = Row { what: "registerDefinition".into(), n: 0, us: vec![], ref_time: vec![], proof: vec![] };
		let mut report = Row { what: "engine report (start, firing, ...)".into(), n: 0, us: vec![], ref_time: vec![], proof: vec![] };
		for round in 0..4 {
			for file in models {
				let model = alstra_bpmn::compile_file(&format!("{dir}{file}")).expect("model compiles");
				let def = engine.publish(RuntimeDefinition::new(&model));
				Rollup::authorize_contract(RuntimeOrigin::root(), me, pallet_rollup::ContractRole::Registry).unwrap();
				let data = IRollup::registerDefinitionCall { definitionId: U256::from(def), model: abi_model(&model) }.abi_encode();
				let (us, w) = call(&alice, data);
				register.n += 1;
				register.us.push(us);
				register.ref_time.push(w.ref_time());
				register.proof.push(w.proof_size());
				Rollup::authorize_contract(RuntimeOrigin::root(), me, pallet_rollup::ContractRole::Engine).unwrap();
				let roles: Vec<[u8; 32]> = model.pools.iter().map(|p| p.role).chain(model.swimlanes.iter().map(|s| s.role)).collect();
				let account = |r: &[u8; 32]| -> [u8; 20] { r[12..].try_into().unwrap() };
				for r in &roles {
					engine.register_participant(account(r), [*r]);
				}
				let start_role = engine.definition(def).unwrap().start_role;
				let bindings: Vec<_> = roles.iter().filter(|r| **r != start_role).map(|r| (*r, account(r))).collect();
				let (id, events) = engine.start_instance(account(&start_role), def, &bindings, &[]).unwrap();
				let mut actions = vec![events];
				// the first enabled task each time, until the instance ends (or 40 actions)
				for _ in 0..40 {
					let Some(&task) = engine.enabled_tasks(id).first() else { break };
					let role = engine.definition(def).unwrap().elements[task as usize].role;
					match engine.complete_task(account(&role), id, task, &[]) {
						Ok(ev) => actions.push(ev),
						Err(_) => break,
					}
				}
				for ev in actions.iter().flatten() {
					if let Some(data) = report_of(ev) {
						let (us, w) = call(&alice, data);
						report.n += 1;
						report.us.push(us);
						report.ref_time.push(w.ref_time());
						report.proof.push(w.proof_size());
					}
				}
				let _ = round;
			}
		}
		rows.push(register);
		rows.push(report);
	});
	let block = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = block.get(DispatchClass::Normal).max_total.unwrap_or(block.max_block);
	println!("| call | calls | wall µs mean | wall µs max | weight ref_time mean (ps) | proof size mean (bytes) | per block (normal class, by ref_time / proof size) |");
	println!("|---|---:|---:|---:|---:|---:|---:|");
	for r in rows {
		let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
		let meanu = |v: &[u64]| v.iter().sum::<u64>() / v.len() as u64;
		let rt = meanu(&r.ref_time);
		let ps = meanu(&r.proof).max(1);
		println!(
			"| {} | {} | {:.0} | {:.0} | {} | {} | {} / {} |",
			r.what,
			r.n,
			mean(&r.us),
			r.us.iter().cloned().fold(0.0, f64::max),
			rt,
			ps,
			normal.ref_time() / rt.max(1),
			normal.proof_size() / ps
		);
	}
	println!("(wall: native, in-memory storage; weight: charged, the benchmarked WeightInfo of pallets/rollup/src/weights.rs)");
}
