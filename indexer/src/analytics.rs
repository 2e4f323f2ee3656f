//! Process analytics of a definition (spec 5.17), computed from the indexed events by replaying
//! the tokens of each instance.
//!
//! Times are block timestamps (seconds): an event happened when its block was authored.
//! * **Cycle time**: from an instance's `InstanceStarted` to its `InstanceCompleted`.
//! * **Time per task**: from the moment a token reached the task (the event that *produced* the
//!   place it consumed, in its scope) to its completion (its `ElementFired`). Tasks on AlstraNet
//!   are atomic (no claim or start step), so this is the time the work waited for and took
//!   with its role: the **waiting time per role** sums it over the role's tasks.
//! * **Bottlenecks**: the tasks ranked by their share of all task time, with the tokens waiting
//!   at each right now (running instances whose marking holds a place of the task's pre-set).
//!
//! Statistics are over whole seconds: mean, median and 90th percentile (nearest rank).

use crate::source::DefinitionMeta;
use crate::store::EventRow;
use alloy::primitives::U256;
use alstra_bpm_core::ElementKind;
use serde::Serialize;
use std::collections::BTreeMap;

/// Summary statistics of durations in seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
	/// Number of durations.
	pub count: u64,
	/// Mean (seconds).
	pub mean: f64,
	/// Median (seconds; the lower middle for an even count).
	pub median: u64,
	/// 90th percentile, nearest rank (seconds).
	pub p90: u64,
	/// Shortest (seconds).
	pub min: u64,
	/// Longest (seconds).
	pub max: u64,
	/// Sum (seconds).
	pub total: u64,
}

impl Stats {
	/// The statistics of `values` (seconds); `None` when empty.
	pub fn of(mut values: Vec<u64>) -> Option<Stats> {
		if values.is_empty() {
			return None;
		}
		values.sort_unstable();
		let n = values.len();
		let total: u64 = values.iter().sum();
		let rank = |p: usize| values[(p * n).div_ceil(100).max(1) - 1];
		Some(Stats {
			count: n as u64,
			mean: total as f64 / n as f64,
			median: values[(n - 1) / 2],
			p90: rank(90),
			min: values[0],
			max: values[n - 1],
			total,
		})
	}
}

/// Instances of a definition by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ByStatus {
	/// Running.
	pub running: u64,
	/// Completed.
	pub completed: u64,
	/// Killed by a terminate end event of a parent instance.
	pub terminated: u64,
}

/// One task of the definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskStats {
	/// Element index.
	pub element: u16,
	/// BPMN id.
	pub bpmn_id: String,
	/// Name.
	pub name: String,
	/// The role that completes it.
	pub role: String,
	/// Time from the token's arrival to the completion, over its completions.
	pub duration: Option<Stats>,
	/// Tokens waiting at it now.
	pub waiting_now: u64,
	/// Arrival time of the oldest waiting token (block timestamp), if any.
	pub oldest_waiting_since: Option<u64>,
	/// Its share of all task time, 0..=1.
	pub share: f64,
}

/// One role of the definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleStats {
	/// Role name.
	pub role: String,
	/// Time its tasks waited for and took, over their completions.
	pub waiting: Option<Stats>,
	/// Tokens waiting at its tasks now.
	pub waiting_now: u64,
}

/// The analytics of one definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Analytics {
	/// Definition id.
	pub definition: u64,
	/// Model name.
	pub name: String,
	/// Version.
	pub version: u32,
	/// Instances by status.
	pub instances: ByStatus,
	/// Cycle time of the completed instances.
	pub cycle_time: Option<Stats>,
	/// Every person task, in element order.
	pub tasks: Vec<TaskStats>,
	/// Every role with a task, by name.
	pub roles: Vec<RoleStats>,
	/// Element indexes of the tasks with a share of the task time, the largest first (at most 3).
	pub bottlenecks: Vec<u16>,
}

fn bits(v: &U256) -> impl Iterator<Item = u8> + '_ {
	(0..256usize).filter(move |b| v.bit(*b)).map(|b| b as u8)
}

fn parse(v: &Option<String>) -> U256 {
	v.as_deref().and_then(|s| s.parse().ok()).unwrap_or_default()
}

/// Analytics of `def` from `events`: the events of its instances in chain order
/// ([`crate::store::Store::definition_events`]).
pub fn analyse(def: &DefinitionMeta, events: &[EventRow]) -> Analytics {
	let is_task = |e: u16| {
		def.elements
			.get(e as usize)
			.and_then(|m| ElementKind::from_ordinal(m.kind))
			.is_some_and(|k| k.is_role_task())
	};
	let mut per_instance: BTreeMap<u64, Vec<&EventRow>> = BTreeMap::new();
	for e in events {
		per_instance.entry(e.instance).or_default().push(e);
	}
	let mut status = ByStatus::default();
	let mut cycles = Vec::new();
	let mut runs: BTreeMap<u16, Vec<u64>> = BTreeMap::new();
	let mut waiting: BTreeMap<u16, Vec<u64>> = BTreeMap::new();
	for evs in per_instance.values() {
		let mut started = None;
		let mut ended = None;
		let mut terminated = false;
		// (scope, place) -> when the token arrived
		let mut tokens: BTreeMap<(u8, u8), u64> = BTreeMap::new();
		for e in evs {
			match e.event.as_str() {
				"InstanceStarted" => started = Some(e.timestamp),
				"InstanceCompleted" => ended = Some(e.timestamp),
				"InstanceTerminated" => terminated = true,
				"ElementFired" => {
					let element = e.element.unwrap_or_default() as u16;
					let Some(meta) = def.elements.get(element as usize) else { continue };
					let mut arrived = None;
					for b in bits(&parse(&e.consumed)) {
						arrived = arrived.or(tokens.remove(&(meta.scope, b)));
					}
					if is_task(element) {
						if let Some(t) = arrived {
							runs.entry(element).or_default().push(e.timestamp.saturating_sub(t));
						}
					}
					if meta.kind == ElementKind::TerminateEndEvent as u8 {
						tokens.retain(|(s, _), _| *s != meta.scope);
					}
					for b in bits(&parse(&e.produced)) {
						tokens.insert((meta.scope, b), e.timestamp);
					}
				},
				// a completed sub-process or call activity produces its post-set (the event does
				// not repeat it); the sub-process's scope holds nothing any more
				"SubProcessCompleted" | "CallActivityCompleted" => {
					let Some(meta) = e.element.and_then(|el| def.elements.get(el as usize)) else { continue };
					if let Some(scope) = e.data.get("scope").and_then(|s| s.as_u64()) {
						tokens.retain(|(s, _), _| *s as u64 != scope);
					}
					for b in bits(&meta.postset) {
						tokens.insert((meta.scope, b), e.timestamp);
					}
				},
				_ => {},
			}
		}
		match (started, ended, terminated) {
			(_, _, true) => status.terminated += 1,
			(Some(s), Some(t), _) => {
				status.completed += 1;
				cycles.push(t.saturating_sub(s));
			},
			_ => {
				status.running += 1;
				for ((scope, place), since) in &tokens {
					for (i, m) in def.elements.iter().enumerate() {
						if m.scope == *scope && m.preset.bit(*place as usize) && is_task(i as u16) {
							waiting.entry(i as u16).or_default().push(*since);
						}
					}
				}
			},
		}
	}
	let all_time: u64 = runs.values().flatten().sum();
	let tasks: Vec<TaskStats> = (0..def.elements.len() as u16)
		.filter(|e| is_task(*e))
		.map(|e| {
			let m = &def.elements[e as usize];
			let duration = Stats::of(runs.get(&e).cloned().unwrap_or_default());
			let w = waiting.get(&e);
			TaskStats {
				element: e,
				bpmn_id: m.bpmn_id.clone(),
				name: m.name.clone(),
				role: m.role.clone(),
				share: match (&duration, all_time) {
					(Some(d), t) if t > 0 => d.total as f64 / t as f64,
					_ => 0.0,
				},
				duration,
				waiting_now: w.map(|v| v.len() as u64).unwrap_or(0),
				oldest_waiting_since: w.and_then(|v| v.iter().min().copied()),
			}
		})
		.collect();
	let mut by_role: BTreeMap<String, (Vec<u64>, u64)> = BTreeMap::new();
	for t in &tasks {
		let r = by_role.entry(t.role.clone()).or_default();
		r.0.extend(runs.get(&t.element).cloned().unwrap_or_default());
		r.1 += t.waiting_now;
	}
	let roles = by_role.into_iter().map(|(role, (v, now))| RoleStats { role, waiting: Stats::of(v), waiting_now: now }).collect();
	let mut ranked: Vec<&TaskStats> = tasks.iter().filter(|t| t.share > 0.0).collect();
	ranked.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.element.cmp(&b.element)));
	Analytics {
		definition: def.id,
		name: def.name.clone(),
		version: def.version,
		instances: status,
		cycle_time: Stats::of(cycles),
		bottlenecks: ranked.iter().take(3).map(|t| t.element).collect(),
		tasks,
		roles,
	}
}
