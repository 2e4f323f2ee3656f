//! Firing traces: the BPM core's engine ([`alstra_bpm_core::engine`]) walked along several paths
//! of every model under `bpmn-compiler/tests/data` that compiles, written as conformance vectors
//! that `forge` replays against `ProcessExecution` (`contracts/bpm/test/Conformance.t.sol`), so
//! that the Solidity engine is held to the core event for event and marking for marking.
//!
//! Here, not in the core, because a trace carries the model exactly as `alstra bpmn deploy`
//! sends it (the registry's ABI records of [`crate::encode::records`]) and the expected events
//! and errors ABI-encoded with the contracts' own types: both need alloy and the artifacts.
//!
//! ## Files (`contracts/bpm/test/vectors/traces/`)
//! `index.json`: `{"count": n, "files": ["<name>.json", ...]}`. Each `<name>.json`:
//! * `model`: the BPMN file;
//! * `definitions`: the definitions to publish, in order (ids 1, 2, ...): first the models its
//!   call activities call (found among the traced models by process key), then the model
//!   itself, whose instances the walks start (`startDefinition`, the last id). Each has
//!   `processKey`, `name` (`createDefinition`'s arguments) and `records`: the registry's record
//!   tables, each `abi.encode(BpmnModel.<Record>[])`;
//! * `participants`: `abi.encode(address[] accounts, bytes32[][] roles)`: one account per role of
//!   the definitions (`keccak256("alstra-conformance:" ++ role)`'s last 20 bytes), registered with it;
//! * `walks`: `{"name", "summary": [text per step], "steps": abi.encode(Step[])}` (see
//!   [`Step`]): each action with its sender and input, and the expected revert data, or the
//!   expected engine logs in order and the state of every instance of the walk after it.
//!
//! Walks: a seeded (splitmix64) choice among the actions a user could take — complete an
//! enabled task with random outputs (and a random choice at each decision gateway its advance
//! reaches: `completeTaskWithDecisions`); for a verified task, submit it (outputs, decisions,
//! an evidence hash, sometimes a missing one), then approve or reject the submission as its
//! verifier, or try `completeTask` (refused); deliver an external message, and now and then an
//! action the engine must refuse (a task that is not enabled, a sender without the role, a
//! decision left out, naming a branch the gateway lacks, or naming a gateway not reached) —
//! until the instance ends or [`MAX_STEPS`] actions.
//!
//! `cargo test -p alstra-cli conformance` fails when the committed files differ from what the
//! core gives; `ALSTRA_WRITE_VECTORS=1 cargo test -p alstra-cli conformance` rewrites them.

use crate::encode::records;
use abi::{log_of, revert_of};
use alloy::primitives::{keccak256, Address, FixedBytes, I256, U256};
use alloy::sol_types::{SolError, SolEvent, SolValue};
use alstra_bpm_core::engine::{
	Account, Assignment, Decision, Engine, EngineError, EngineEvent, InstanceStatus, Role, RuntimeDefinition,
};
use alstra_bpm_core::vectors::SplitMix;
use alstra_bpm_core::{CompiledModel, ElementKind, Int256, VariableType};
use anyhow::{Context, Result};
use serde_json::json;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Actions per walk at most.
pub const MAX_STEPS: usize = 25;
/// Walks per model.
pub const WALKS: u64 = 6;
/// Folder of the traces, relative to the repository root.
pub const TRACES_DIR: &str = "contracts/bpm/test/vectors/traces";

mod abi;

alloy::sol! {
	/// `BpmRuntime.RoleBinding`.
	struct RoleBinding { bytes32 role; address account; }
	/// `BpmRuntime.VariableAssignment`.
	struct VariableAssignment { uint8 index; int256 value; }
	/// `BpmRuntime.Decision`.
	struct DecisionAbi { uint16 gateway; uint8 branch; }
	/// One expected log of the engine.
	struct ExpectedLog { bytes32[] topics; bytes data; }
	/// An instance after a step: status, marking per scope, pending messages.
	struct InstanceView { uint256 id; uint8 status; uint256[] marking; uint256 messages; }
	/// One action of a walk. `action`: 0 startInstance, 1 completeTask, 2 correlateMessage,
	/// 3 completeTaskWithDecisions, 4 submitTask, 5 approveTask, 6 rejectTask. `input`: start:
	/// `abi.encode(RoleBinding[], VariableAssignment[])`; 3: `abi.encode(VariableAssignment[],
	/// Decision[])`; 4: `abi.encode(VariableAssignment[], Decision[], bytes32 evidence)`; 5:
	/// empty; 6: `abi.encode(string reason)`; else `abi.encode(VariableAssignment[])`.
	/// `revertData` empty when the action must succeed.
	struct Step {
		uint8 action;
		address sender;
		uint256 instance;
		uint16 element;
		uint16 flow;
		bytes input;
		bytes revertData;
		ExpectedLog[] logs;
		InstanceView[] state;
	}
}

/// The core's seeded sequence, with `usize` bounds.
struct Rng(SplitMix);

impl Rng {
	fn below(&mut self, n: usize) -> usize {
		self.0.below(n as u64) as usize
	}
}

/// The account that plays `role` in the traces.
pub fn account_of(role: &Role) -> Account {
	let h = keccak256([b"alstra-conformance:".as_slice(), role.as_slice()].concat());
	h[12..].try_into().expect("20 bytes")
}

fn addr(a: &Account) -> Address {
	Address::from(*a)
}

fn u(x: u64) -> U256 {
	U256::from(x)
}

fn i256(v: &Int256) -> I256 {
	I256::from_be_bytes(v.0)
}

fn bitmap(b: &alstra_bpm_core::Bitmap256) -> U256 {
	U256::from_be_bytes(b.0)
}

/// The decisions a completion of `element` in instance `id` needs: a random choice (a decision
/// flow or the default) at each decision gateway its advance reaches in that instance, found by
/// trying the completion on a copy of the engine until it stops asking for one.
fn decide(engine: &Engine, rng: &mut Rng, sender: Account, id: u64, element: u16, outputs: &[Assignment]) -> Vec<Decision> {
	let mut decisions = Vec::new();
	let def = engine.definition(engine.instance(id).expect("active").definition).expect("published");
	let verifier = def.elements[element as usize].verifier_role;
	let attempt = |decisions: &[Decision]| {
		let mut e = engine.clone();
		if verifier == [0; 32] {
			return e.complete_task_with_decisions(sender, id, element, outputs, decisions);
		}
		e.submit_task(sender, id, element, outputs, decisions, [1; 32])?;
		e.approve_task(account_of(&verifier), id, element)
	};
	for _ in 0..16 {
		match attempt(&decisions) {
			Err(EngineError::DecisionRequired { instance, gateway }) if instance == id => {
				let branches = &def.branches[gateway as usize];
				let choices: Vec<u8> = (0..branches.len() as u8)
					.filter(|b| branches[*b as usize].is_default || branches[*b as usize].condition.is_empty())
					.collect();
				decisions.push(Decision { gateway, branch: choices[rng.below(choices.len())] });
			}
			_ => break,
		}
	}
	decisions
}

fn decision_abi(list: &[Decision]) -> Vec<DecisionAbi> {
	list.iter().map(|d| DecisionAbi { gateway: d.gateway, branch: d.branch }).collect()
}

fn assignments(list: &[Assignment]) -> Vec<VariableAssignment> {
	list.iter().map(|a| VariableAssignment { index: a.index, value: i256(&a.value) }).collect()
}

/// A random value of a variable of type `t`.
fn random_value(rng: &mut Rng, t: VariableType) -> Int256 {
	match t {
		VariableType::Bool => Int256::from(rng.below(2) == 1),
		VariableType::Int => Int256::from([-1i128, 0, 1, 2, 5, 10, 100, 1000, 5000, 20_000, 50_000][rng.below(11)]),
		VariableType::String => Int256::from_string(["yes", "no", "approved", "rejected", "ok"][rng.below(5)]),
	}
}

/// Random writes to a random subset of the variables (`types` by index): each variable with
/// probability 3/4.
fn random_assignments(rng: &mut Rng, types: &[VariableType]) -> Vec<Assignment> {
	let mut out = Vec::new();
	for (i, t) in types.iter().enumerate() {
		if rng.below(4) != 0 {
			out.push(Assignment { index: i as u8, value: random_value(rng, *t) });
		}
	}
	out
}

/// The state of the walk's instances after a step.
fn state_of(engine: &Engine, ids: &BTreeSet<u64>) -> Vec<InstanceView> {
	ids.iter()
		.filter_map(|&id| {
			let i = engine.instance(id)?;
			Some(InstanceView {
				id: u(id),
				status: i.status as u8,
				marking: i.marking.iter().map(bitmap).collect(),
				messages: bitmap(&i.messages),
			})
		})
		.collect()
}

/// Every role of `models` (pools and swimlanes).
fn roles_of(models: &[&CompiledModel]) -> BTreeSet<Role> {
	let mut roles = BTreeSet::new();
	for m in models {
		roles.extend(m.pools.iter().map(|p| p.role));
		roles.extend(m.swimlanes.iter().map(|s| s.role));
		roles.extend(m.verifications.iter().map(|v| v.verifier_role));
	}
	roles
}

/// One walk on `engine`: instances of definition `start` (published, like the definitions its
/// call activities call; participants registered), every role of `roles` bound at start.
/// `models`: the published models by definition id - 1 (for the element ids in the summary).
fn walk(
	engine: &mut Engine,
	models: &[&CompiledModel],
	start: u64,
	roles: &BTreeSet<Role>,
	seed: u64,
	hook: &mut dyn FnMut(&Engine, &[EngineEvent]),
) -> (Vec<Step>, Vec<String>) {
	let def = engine.definition(start).expect("published").clone();
	let types = def.variables.clone();
	let mut rng = Rng(SplitMix(seed));
	let mut steps = Vec::new();
	let mut summary = Vec::new();
	let mut ids = BTreeSet::new();
	let outsider: Account = account_of(&keccak256("no role").0);
	let record = |engine: &Engine, ids: &mut BTreeSet<u64>, result: &Result<Vec<EngineEvent>, EngineError>| {
		match result {
			Ok(events) => {
				for e in events {
					if let EngineEvent::InstanceStarted { instance, .. } = e {
						ids.insert(*instance);
					}
				}
				(Vec::new(), events.iter().map(log_of).collect::<Vec<_>>(), state_of(engine, ids))
			}
			Err(e) => (revert_of(e), Vec::new(), state_of(engine, ids)),
		}
	};
	// start: the start role's account, every other role bound to its account
	let starter = account_of(&def.start_role);
	let bindings: Vec<(Role, Account)> =
		roles.iter().filter(|r| **r != def.start_role).map(|r| (*r, account_of(r))).collect();
	let vars = random_assignments(&mut rng, &types);
	let result = engine.start_instance(starter, start, &bindings, &vars).map(|(id, ev)| {
		ids.insert(id);
		ev
	});
	let root = engine.instance_count();
	if let Ok(events) = &result {
		hook(engine, events);
	}
	let (revert_data, logs, state) = record(engine, &mut ids, &result);
	summary.push(format!(
		"start by {} -> {}",
		Address::from(starter),
		match &result {
			Ok(_) => format!("instance {root}"),
			Err(e) => refusal(e),
		}
	));
	steps.push(Step {
		action: 0,
		sender: addr(&starter),
		instance: U256::ZERO,
		element: 0,
		flow: 0,
		input: (
			bindings.iter().map(|(r, a)| RoleBinding { role: FixedBytes(*r), account: addr(a) }).collect::<Vec<_>>(),
			assignments(&vars),
		)
			.abi_encode_params()
			.into(),
		revertData: revert_data.into(),
		logs,
		state,
	});
	if result.is_err() {
		return (steps, summary);
	}
	for _ in 1..MAX_STEPS {
		// the instances of this walk that are still active, and what a user could do in them
		let active: Vec<u64> = ids
			.iter()
			.copied()
			.filter(|id| engine.instance(*id).is_some_and(|i| i.status == InstanceStatus::Active))
			.collect();
		if active.is_empty() {
			break;
		}
		let mut tasks = Vec::new();
		let mut messages = Vec::new();
		for &id in &active {
			let d = engine.definition(engine.instance(id).expect("active").definition).expect("published");
			tasks.extend(engine.enabled_tasks(id).into_iter().map(|e| (id, e)));
			for (f, t) in d.triggers.iter().enumerate() {
				let waits = d.waiting_target(f as u16).is_some();
				if t.source_element == 0 && waits && !engine.instance(id).expect("active").messages.is_set(f as u8) {
					messages.push((id, f as u16, t.source_role));
				}
			}
		}
		if tasks.is_empty() && messages.is_empty() {
			summary.push("nothing enabled: the walk ends".into());
			break;
		}
		let refuse = rng.below(8) == 0;
		let mut decisions: Vec<Decision> = Vec::new();
		let mut evidence = [0u8; 32];
		let mut reason = String::new();
		let verified = |id: u64, element: u16| {
			let d = engine.definition(engine.instance(id).expect("active").definition).expect("published");
			let rt = &d.elements[element as usize];
			(rt.verifier_role != [0; 32]).then_some((rt.role, rt.verifier_role, rt.evidence_required))
		};
		let pick = (!refuse && !tasks.is_empty() && (messages.is_empty() || rng.below(4) != 0)).then(|| tasks[rng.below(tasks.len())]);
		let (action, sender, id, element, flow, outputs, what) = if let Some((id, element, (role, verifier, needs))) =
			pick.and_then(|(id, e)| verified(id, e).map(|v| (id, e, v)))
		{
			let name = model_id(models, engine.instance(id).expect("active").definition, element);
			if let Some(s) = engine.submission(id, element) {
				let performer = Address::from(s.performer);
				if rng.below(3) == 0 {
					reason = ["incomplete", "wrong amount", "no signature"][rng.below(3)].to_string();
					(6, account_of(&verifier), id, element, 0, Vec::new(), format!("reject {element} ({name}) of {performer} in {id}: {reason}"))
				} else {
					(5, account_of(&verifier), id, element, 0, Vec::new(), format!("approve {element} ({name}) of {performer} in {id}"))
				}
			} else if rng.below(6) == 0 {
				(1, account_of(&role), id, element, 0, Vec::new(), format!("refused? complete verified {element} ({name}) in {id}"))
			} else {
				let t = engine.definition(engine.instance(id).expect("active").definition).expect("published").variables.clone();
				let outputs = random_assignments(&mut rng, &t);
				let sender = account_of(&role);
				decisions = decide(engine, &mut rng, sender, id, element, &outputs);
				if !(needs && rng.below(3) == 0) {
					evidence = keccak256(format!("evidence {}", rng.below(1000))).0;
				}
				(4, sender, id, element, 0, outputs, format!("submit {element} ({name}) in {id} deciding {decisions:?} evidence {}", evidence != [0; 32]))
			}
		} else if refuse {
			// an action the engine must refuse: a task that is not enabled, or a sender without the role
			let id = active[rng.below(active.len())];
			let d = engine.definition(engine.instance(id).expect("active").definition).expect("published");
			let element = d.elements[rng.below(d.elements.len())].clone();
			let sender = if rng.below(2) == 0 { outsider } else { account_of(&element.role) };
			(1u8, sender, id, element.index, 0u16, Vec::new(), format!("refused? complete {} by {}", element.index, Address::from(sender)))
		} else if let Some((id, element)) = pick {
			let d = engine.definition(engine.instance(id).expect("active").definition).expect("published");
			let role = d.elements[element as usize].role;
			let t = d.variables.clone();
			let outputs = random_assignments(&mut rng, &t);
			let sender = account_of(&role);
			decisions = decide(engine, &mut rng, sender, id, element, &outputs);
			let mut what =
				format!("complete {} ({}) in {id}", element, model_id(models, engine.instance(id).expect("active").definition, element));
			if !decisions.is_empty() && rng.below(4) == 0 {
				// a decision the engine must refuse: left out, a branch the gateway lacks, or
				// for an element the advance does not reach (the task itself)
				match rng.below(3) {
					0 => decisions.clear(),
					1 => decisions[0].branch = d.branches[decisions[0].gateway as usize].len() as u8,
					_ => decisions.push(Decision { gateway: element, branch: 0 }),
				}
				what = format!("refused? {what} with decisions {decisions:?}");
			} else if !decisions.is_empty() {
				what = format!("{what} deciding {decisions:?}");
			}
			(if decisions.is_empty() { 1 } else { 3 }, sender, id, element, 0, outputs, what)
		} else {
			let (id, flow, role) = messages[rng.below(messages.len())];
			let t = engine.definition(engine.instance(id).expect("active").definition).expect("published").variables.clone();
			let payload = random_assignments(&mut rng, &t);
			(2, account_of(&role), id, 0, flow, payload, format!("correlate message flow {flow} in {id}"))
		};
		let result = match action {
			1 | 3 => engine.complete_task_with_decisions(sender, id, element, &outputs, &decisions),
			4 => engine.submit_task(sender, id, element, &outputs, &decisions, evidence),
			5 => engine.approve_task(sender, id, element),
			6 => engine.reject_task(sender, id, element, &reason),
			_ => engine.correlate_message(sender, id, flow, &outputs),
		};
		if let Ok(events) = &result {
			hook(engine, events);
		}
		let (revert_data, logs, state) = record(engine, &mut ids, &result);
		summary.push(format!(
			"{what} -> {}",
			match &result {
				Ok(ev) => format!("{} events", ev.len()),
				Err(e) => refusal(e),
			}
		));
		steps.push(Step {
			action,
			sender: addr(&sender),
			instance: u(id),
			element,
			flow,
			input: match action {
				3 => (assignments(&outputs), decision_abi(&decisions)).abi_encode_params().into(),
				4 => (assignments(&outputs), decision_abi(&decisions), FixedBytes(evidence)).abi_encode_params().into(),
				5 => Default::default(),
				6 => (reason.clone(),).abi_encode_params().into(),
				_ => assignments(&outputs).abi_encode().into(),
			},
			revertData: revert_data.into(),
			logs,
			state,
		});
	}
	(steps, summary)
}

/// The error's name (its fields are in the revert data).
fn refusal(e: &EngineError) -> String {
	let text = format!("{e:?}");
	format!("refused: {}", text.split([' ', '{']).next().unwrap_or_default())
}

fn model_id<'m>(models: &[&'m CompiledModel], definition: u64, element: u16) -> &'m str {
	let model = models[definition as usize - 1];
	model.elements.get(element as usize).map(|e| e.bpmn_id.as_str()).unwrap_or("?")
}

/// The registry's records of `model` as the trace carries them.
fn definition_json(model: &CompiledModel) -> Result<serde_json::Value> {
	let r = records(model)?;
	let hex = |b: Vec<u8>| alstra_bpm_core::to_hex(&b);
	Ok(json!({
		"processKey": alstra_bpm_core::to_hex(&model.process_key),
		"name": model.name,
		"records": {
			"pools": hex(r.pools.abi_encode()),
			"swimlanes": hex(r.swimlanes.abi_encode()),
			"subprocesses": hex(r.scopes.abi_encode()),
			"activities": hex(r.activities.abi_encode()),
			"events": hex(r.events.abi_encode()),
			"gateways": hex(r.gateways.abi_encode()),
			"activityFlows": hex(r.activity_flows.abi_encode()),
			"gatewayFlows": hex(r.gateway_flows.abi_encode()),
			"triggers": hex(r.triggers.abi_encode()),
			"variables": hex(r.variables.abi_encode()),
			"taskVerifications": hex(r.verifications.abi_encode()),
		},
	}))
}

/// The trace file of one model (see the module docs); `called`: the models its call
/// activities call, published first.
pub fn trace_of(file: &str, model: &CompiledModel, called: &[&CompiledModel]) -> Result<String> {
	trace_with(file, model, called, &mut |_, _| {})
}

/// [`trace_of`], calling `hook` with the engine and the events after every successful action.
fn trace_with(file: &str, model: &CompiledModel, called: &[&CompiledModel], hook: &mut dyn FnMut(&Engine, &[EngineEvent])) -> Result<String> {
	let mut engine = Engine::new();
	let mut definitions = Vec::new();
	for m in called.iter().copied().chain([model]) {
		engine.publish(RuntimeDefinition::new(m));
		definitions.push(definition_json(m)?);
	}
	let start = definitions.len() as u64;
	let published: Vec<&CompiledModel> = called.iter().copied().chain([model]).collect();
	let roles = roles_of(&published);
	let accounts: Vec<Address> = roles.iter().map(|r| addr(&account_of(r))).collect();
	let role_lists: Vec<Vec<FixedBytes<32>>> = roles.iter().map(|r| vec![FixedBytes(*r)]).collect();
	for r in &roles {
		engine.register_participant(account_of(r), [*r]);
	}
	let hex = |b: Vec<u8>| alstra_bpm_core::to_hex(&b);
	let mut walks = Vec::new();
	for w in 0..WALKS {
		let seed = u64::from_be_bytes(keccak256(format!("{file}#{w}"))[..8].try_into().expect("8 bytes"));
		let (steps, summary) = walk(&mut engine, &published, start, &roles, seed, hook);
		walks.push(json!({ "name": format!("walk {w}"), "summary": summary, "steps": hex(steps.abi_encode()) }));
	}
	let mut kinds: BTreeSet<&str> = BTreeSet::new();
	for m in called.iter().copied().chain([model]) {
		kinds.extend(m.elements.iter().map(|e| e.kind.name()));
	}
	let doc = json!({
		"model": file,
		"elementKinds": kinds,
		"definitionCount": definitions.len(),
		"definitions": definitions,
		"startDefinition": start,
		"participants": hex((accounts, role_lists).abi_encode_params()),
		"walkCount": walks.len(),
		"walks": walks,
	});
	let mut text = serde_json::to_string_pretty(&doc)?;
	text.push('\n');
	Ok(text)
}

/// Every trace file and the index: `(path relative to the repository root, text)`, for the
/// models under `data` (`bpmn-compiler/tests/data`) that compile, in path order.
pub fn trace_files(data: &Path) -> Result<Vec<(String, String)>> {
	let mut out = Vec::new();
	let mut names = Vec::new();
	for (rel, model, called) in traced_models(data)? {
		let called: Vec<&CompiledModel> = called.iter().collect();
		let name = rel.trim_end_matches(".bpmn").replace('/', "-") + ".json";
		out.push((format!("{TRACES_DIR}/{name}"), trace_of(&rel, &model, &called)?));
		names.push(name);
	}
	let mut index = serde_json::to_string_pretty(&json!({ "count": names.len(), "files": names }))?;
	index.push('\n');
	out.push((format!("{TRACES_DIR}/index.json"), index));
	Ok(out)
}

/// The models under `data` that compile and whose called processes are all among them, in path
/// order: `(path relative to data, model, the models its call activities call)`.
fn traced_models(data: &Path) -> Result<Vec<(String, CompiledModel, Vec<CompiledModel>)>> {
	let mut models: Vec<PathBuf> = Vec::new();
	for dir in std::fs::read_dir(data).with_context(|| format!("reading {}", data.display()))? {
		let dir = dir?.path();
		if dir.is_dir() {
			for f in std::fs::read_dir(&dir)? {
				let f = f?.path();
				if f.extension().is_some_and(|e| e == "bpmn") {
					models.push(f);
				}
			}
		}
	}
	models.sort();
	let compiled: Vec<(String, CompiledModel)> = models
		.iter()
		.filter_map(|path| {
			let rel = path.strip_prefix(data).ok()?.to_string_lossy().replace('\\', "/");
			Some((rel, alstra_bpmn::compile_file(path).ok()?))
		})
		.collect();
	let mut out = Vec::new();
	for (rel, model) in &compiled {
		// the models its call activities call, by process key (each once, in element order)
		let mut called: Vec<CompiledModel> = Vec::new();
		let mut complete = true;
		for e in model.elements.iter().filter(|e| e.kind == ElementKind::CallActivity) {
			match compiled.iter().find(|(_, m)| m.process_key == e.called_process) {
				Some((_, m)) if !called.iter().any(|c| c.process_key == m.process_key) => called.push(m.clone()),
				Some(_) => {}
				None => complete = false,
			}
		}
		if complete {
			// (otherwise a called process is not among the models: nothing to trace it with)
			out.push((rel.clone(), model.clone(), called));
		}
	}
	Ok(out)
}

/// Folder of the BPMN models of the engine's forge tests (`contracts/bpm/test/Models.sol`).
pub const TEST_MODELS_DIR: &str = "contracts/bpm/test/models";
/// Folder of their compiled records.
pub const TEST_MODEL_VECTORS_DIR: &str = "contracts/bpm/test/vectors/models";

/// The compiled records of every model of [`TEST_MODELS_DIR`] (under `root`, the repository),
/// `(path relative to the repository, text)`: the registry's records as [`trace_of`] carries
/// them, and the index of every element, scope, message flow and variable by BPMN id (name for
/// a variable), so that the forge tests load the compiler's output instead of hand-encoding
/// the models.
pub fn test_model_files(root: &Path) -> Result<Vec<(String, String)>> {
	let dir = root.join(TEST_MODELS_DIR);
	let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
		.with_context(|| format!("reading {}", dir.display()))?
		.map(|f| f.map(|f| f.path()))
		.collect::<std::io::Result<_>>()?;
	files.retain(|f| f.extension().is_some_and(|e| e == "bpmn"));
	files.sort();
	let mut out = Vec::new();
	for f in files {
		let model = alstra_bpmn::compile_file(&f).map_err(|e| anyhow::anyhow!("{}: {e}", f.display()))?;
		let index = |ids: Vec<&str>| -> serde_json::Value {
			ids.into_iter().enumerate().map(|(i, id)| (id.to_string(), json!(i))).collect::<serde_json::Map<_, _>>().into()
		};
		let mut doc = definition_json(&model)?;
		doc["elements"] = index(model.elements.iter().map(|e| e.bpmn_id.as_str()).collect());
		doc["scopes"] = index(model.scopes.iter().map(|s| s.bpmn_id.as_str()).collect());
		doc["messageFlows"] = index(model.triggers.iter().map(|t| t.bpmn_id.as_str()).collect());
		doc["variables"] = index(model.variables.iter().map(|v| v.name.as_str()).collect());
		let stem = f.file_stem().expect("a .bpmn file").to_string_lossy().to_string();
		let mut text = serde_json::to_string_pretty(&doc)?;
		text.push('\n');
		out.push((format!("{TEST_MODEL_VECTORS_DIR}/{stem}.json"), text));
	}
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::contracts::execution::ProcessExecution as Pe;

	#[test]
	fn committed_conformance_traces_match_the_core() {
		let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
		let mut files = trace_files(&root.join("bpmn-compiler/tests/data")).unwrap();
		assert!(files.len() > 6, "{} trace files", files.len());
		let models = test_model_files(&root).unwrap();
		assert!(models.len() >= 7, "{} engine test models", models.len());
		files.extend(models);
		let write = std::env::var_os("ALSTRA_WRITE_VECTORS").is_some();
		let mut drifted = Vec::new();
		for (path, text) in &files {
			let file = root.join(path);
			if write {
				std::fs::create_dir_all(file.parent().unwrap()).unwrap();
				std::fs::write(&file, text).unwrap();
			} else if std::fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
				drifted.push(path.clone());
			}
		}
		assert!(
			drifted.is_empty(),
			"conformance traces or engine test models drifted from the core and the compiler: {drifted:?}; run `ALSTRA_WRITE_VECTORS=1 cargo test -p alstra-cli conformance` and commit"
		);
	}

	/// The traces reach every kind of element the traced models have, every action (task
	/// verification's too), and refusals among them the verification rules': a rule of the core
	/// that no trace exercises would go unchecked.
	#[test]
	fn the_traces_fire_every_kind_their_models_have() {
		let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
		let files = trace_files(&root.join("bpmn-compiler/tests/data")).unwrap();
		let mut fired = BTreeSet::new();
		let mut present = BTreeSet::new();
		let mut actions = BTreeSet::new();
		let mut refusals = 0;
		let mut refused_errors = BTreeSet::new();
		for (path, text) in files.iter().filter(|(p, _)| !p.ends_with("index.json")) {
			let doc: serde_json::Value = serde_json::from_str(text).unwrap();
			for k in doc["elementKinds"].as_array().unwrap() {
				present.insert(k.as_str().unwrap().to_string());
			}
			for w in doc["walks"].as_array().unwrap() {
				let blob = alloy::primitives::hex::decode(w["steps"].as_str().unwrap()).unwrap();
				for step in Vec::<Step>::abi_decode(&blob).unwrap() {
					actions.insert(step.action);
					refusals += usize::from(!step.revertData.is_empty());
					if step.revertData.len() >= 4 {
						refused_errors.insert(step.revertData[..4].to_vec());
					}
					for log in &step.logs {
						if log.topics[0] == Pe::ElementFired::SIGNATURE_HASH {
							let kind = ElementKind::from_ordinal(log.data[31]).unwrap();
							fired.insert(kind.name().to_string());
						}
					}
				}
			}
			assert!(!doc["walks"].as_array().unwrap().is_empty(), "{path}");
		}
		let missed: Vec<_> = present.difference(&fired).collect();
		assert!(missed.is_empty(), "kinds of the traced models that no walk fires: {missed:?}");
		assert_eq!(
			actions,
			BTreeSet::from([0, 1, 2, 3, 4, 5, 6]),
			"start, complete, correlate, complete with decisions, submit, approve and reject are all traced"
		);
		assert!(refusals >= 5, "{refusals} refused actions");
		for selector in [Pe::VerificationRequired::SELECTOR, Pe::EvidenceRequired::SELECTOR] {
			assert!(refused_errors.contains(&selector.to_vec()), "no trace is refused with {selector:?}");
		}
	}

	#[test]
	fn every_walk_does_something_and_some_refusals_are_traced() {
		let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
		let model = alstra_bpmn::compile_file(root.join("bpmn-compiler/tests/data/caterpillar/invoicing.bpmn")).unwrap();
		let text = trace_of("caterpillar/invoicing.bpmn", &model, &[]).unwrap();
		let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
		for w in doc["walks"].as_array().unwrap() {
			let summary = w["summary"].as_array().unwrap();
			assert!(summary.len() >= 2, "{w}");
			assert!(summary[0].as_str().unwrap().contains("instance"), "the start succeeds: {w}");
		}
	}

	/// The proven state machine follows the engine: every successful action of every walk, its
	/// events mapped to rules of the definitions tree ([`Replay`]) and fired on the proven state,
	/// leaves every instance with the engine's marking, pending messages and status. A rule of
	/// the engine or of the prover changed on one side only fails here.
	#[test]
	fn the_proven_state_machine_follows_every_walk() {
		use alstra_bpm_core::proof::encoding::{status, MSG_WORD, WORD_BITS};
		use alstra_bpm_core::proof::replay::Replay;
		use alstra_bpm_core::proof::state::Params;
		let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
		let bits = |word: u64, places: usize| {
			let mut b = alstra_bpm_core::Bitmap256::ZERO;
			for p in 0..places.min(WORD_BITS) {
				if word >> p & 1 == 1 {
					b.set(p as u8);
				}
			}
			b
		};
		let (mut followed, mut skipped, mut actions, mut transitions) = (Vec::new(), Vec::new(), 0usize, 0usize);
		for (rel, model, called) in traced_models(&root.join("bpmn-compiler/tests/data")).unwrap() {
			let published: Vec<&CompiledModel> = called.iter().chain([&model]).collect();
			let mut replay = Replay::new(Params::production(1));
			if let Some(e) = published.iter().find_map(|m| replay.publish(m).err()) {
				skipped.push(format!("{rel}: {e}"));
				continue;
			}
			let summaries: Vec<_> = published.iter().map(|m| m.summary()).collect();
			let mut hook = |engine: &Engine, events: &[EngineEvent]| {
				let steps = replay.apply(events).unwrap_or_else(|e| panic!("{rel}: the proof refuses {events:?}: {e}"));
				actions += 1;
				transitions += steps.len();
				for (id, proven) in replay.state.instances() {
					let i = engine.instance(id).unwrap_or_else(|| panic!("{rel}: instance {id} only in the proof"));
					let places = &summaries[proven.def_id.max(1) as usize - 1].places_per_scope;
					match i.status {
						InstanceStatus::Terminated => continue, // not proven (docs/bpm-engine.md)
						InstanceStatus::Active => assert_eq!(proven.status, status::RUNNING, "{rel}: instance {id}"),
						InstanceStatus::Completed => assert!(
							proven.status == status::COMPLETED || proven.status == status::RETURNED,
							"{rel}: instance {id} completed, proven status {}",
							proven.status
						),
						InstanceStatus::None => panic!("{rel}: instance {id}"),
					}
					assert_eq!(proven.def_id as u64, i.definition, "{rel}: instance {id}");
					for (s, m) in i.marking.iter().enumerate() {
						assert_eq!(*m, bits(proven.marking.0[s], places[s]), "{rel}: instance {id} scope {s} after {events:?}");
					}
					assert_eq!(i.messages, bits(proven.marking.0[MSG_WORD], WORD_BITS), "{rel}: instance {id} messages");
				}
			};
			trace_with(&rel, &model, &called.iter().collect::<Vec<_>>(), &mut hook).unwrap();
			followed.push(rel);
		}
		println!("followed {followed:?}; beyond the prover's limits: {skipped:?}; {actions} actions, {transitions} transitions");
		assert!(followed.len() >= 9 && skipped.is_empty(), "{} models followed, {skipped:?} beyond the limits", followed.len());
		assert!(followed.iter().any(|m| m.contains("claim-intake")), "a call activity is followed");
		assert!(transitions > 500, "{transitions} transitions");
	}
}
