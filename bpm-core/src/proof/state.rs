//! The proven state and its transition function: the instance tree, the definitions registry
//! and the batch witness the circuit consumes. The circuit (`prover/src/circuit.rs`) enforces
//! exactly the rules of [`State::fire`].
//!
//! Hashes (circomlib Poseidon, [`super::poseidon`]):
//! * instance leaf = `Poseidon(instance_id, def_id, w0, w1, w2, w3, w4, status, parent,
//!   parent_element)` ([`INSTANCE_LEAF_INPUTS`] inputs; `parent = 0` for an instance started on
//!   its own, otherwise the instance whose call activity `parent_element` created it); an
//!   absent instance is the leaf value `0`; the leaf index **is** the instance id;
//! * state root = `Poseidon(tree_root, next_instance_id)`: instance ids are sequential from 1,
//!   as the engine numbers them, and the counter is part of the proven state;
//! * definitions leaf = `Poseidon(def_id, element, kind, scope, pre_0, pre_1, pre_2, post_0,
//!   post_1, post_2, flags)` ([`RULE_LEAF_INPUTS`] inputs, limbs `x_0 = w0 + 2^64 w1`,
//!   `x_1 = w2 + 2^64 w3`, `x_2 = w4`, flags as in [`TransitionRule::flags`]); the leaf index
//!   is the rule's position in the registry;
//! * transition record = `instance_id + 2^32 * rule_index + 2^64 * partner_id` (each `< 2^32`;
//!   `partner_id = 0` when the rule has no [`Partner`]);
//! * batch commitment: `c_0 = batch_number`, `c_k = Poseidon(c_{k-1}, record_k)` for the
//!   `k`-th transition of the batch, commitment = `c_n` (`n` = number of transitions). The batch
//!   number is also a public input (the circuit starts the chain with it), so a proof of one
//!   batch, even an all-padding one, verifies for no other batch number.

use super::encoding::{status, Marking, Partner, TransitionRule, SCOPE_WORDS};
pub use super::definitions::{compile_definition, rule_leaf, Definitions, RegisterError, Registry};
pub use super::field::{fr_from_bytes, fr_from_dec, fr_to_bytes, fr_to_dec};
use super::field::{fr_one, fr_vec};
use super::poseidon::{hash, hash2};
use super::smt::{self, NodeStore};
use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;
use ark_bn254::Fr;
use ark_ff::Zero;
use serde::{Deserialize, Serialize};

/// Inputs of the instance leaf hash.
pub const INSTANCE_LEAF_INPUTS: usize = 10;
/// Inputs of the definitions (rule) leaf hash.
pub const RULE_LEAF_INPUTS: usize = 11;

/// Circuit shape: tree depths and number of transition slots per batch. A verifying key is
/// bound to one `Params`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Depth of the instance (state) tree: instance ids `1..2^state_depth`. 1..=32.
    pub state_depth: usize,
    /// Depth of the definitions tree: `2^defs_depth` rules. 1..=32.
    pub defs_depth: usize,
    /// Transition slots per batch (unused trailing slots are padding).
    pub batch_size: usize,
}

impl Params {
    /// Production shape: 2^16 instances, 2^16 rules, `batch_size` transitions.
    pub fn production(batch_size: usize) -> Self {
        Params { state_depth: 16, defs_depth: 16, batch_size }
    }
}

/// A process instance as stored in the state tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// Definition id (0 while [`status::CALLED`]).
    pub def_id: u32,
    /// Marking (4 scope words + messages).
    pub marking: Marking,
    /// [`status`] constant.
    pub status: u64,
    /// The instance whose call activity created this one, 0 for an instance started on its own.
    pub parent: u64,
    /// That call activity's element index in the parent's definition (0 without a parent).
    pub parent_element: u16,
}

impl Instance {
    /// The absent instance (leaf value 0).
    pub const NONE: Instance =
        Instance { def_id: 0, marking: Marking([0; 5]), status: status::NONE, parent: 0, parent_element: 0 };
}

/// Hash of an instance leaf (see the module docs); `0` for an absent instance.
pub fn instance_leaf(id: u64, i: &Instance) -> Fr {
    if i.status == status::NONE {
        return Fr::zero();
    }
    let mut v = [Fr::zero(); INSTANCE_LEAF_INPUTS];
    v[0] = Fr::from(id);
    v[1] = Fr::from(i.def_id as u64);
    for (w, x) in i.marking.0.iter().enumerate() {
        v[2 + w] = Fr::from(*x);
    }
    v[7] = Fr::from(i.status);
    v[8] = Fr::from(i.parent);
    v[9] = Fr::from(i.parent_element as u64);
    hash(&v)
}

/// The public state root: `Poseidon(tree_root, next_instance_id)`.
pub fn state_root(tree_root: Fr, next_id: u64) -> Fr {
    hash2(tree_root, Fr::from(next_id))
}

/// Transition record `instance_id + 2^32 * rule_index + 2^64 * partner_id`.
pub fn record(instance_id: u64, rule_index: u64, partner_id: u64) -> u128 {
    instance_id as u128 | (rule_index as u128) << 32 | (partner_id as u128) << 64
}

/// One step of the commitment chain: `Poseidon(prev, record)`.
pub fn commit_step(prev: Fr, record: u128) -> Fr {
    hash2(prev, Fr::from(record))
}

/// The firing rule applied to a marking (no enabledness check): `((m ∖ pre) with clear words
/// zeroed) ∪ post`.
pub fn apply_rule(m: &Marking, r: &TransitionRule) -> Marking {
    Marking(core::array::from_fn(|w| {
        let mut x = m.0[w] & !r.pre.0[w];
        if w < SCOPE_WORDS && r.clear >> w & 1 == 1 {
            x = 0;
        }
        x | r.post.0[w]
    }))
}

/// Why a firing is refused by [`State::fire`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FireError {
    /// No such rule index.
    UnknownRule(usize),
    /// Instance id 0 or outside the tree.
    BadInstance(u64),
    /// A `create` rule on an instance id that is neither the next sequential id nor a called
    /// child waiting for its start.
    NotNextInstance {
        /// The id given.
        id: u64,
        /// The next sequential id.
        next: u64,
    },
    /// A non-create rule on a missing, called or finished instance.
    NotRunning(u64),
    /// The rule belongs to another definition than the instance's.
    WrongDefinition {
        /// The instance's definition.
        instance: u32,
        /// The rule's definition.
        rule: u32,
    },
    /// `pre ⊄ marking` or a required-empty scope is not empty.
    NotEnabled,
    /// The state tree has no free leaf for a new instance.
    StateFull,
    /// A call activity's return with no completed, not yet returned child of that call
    /// activity (or not the child named).
    NoCompletedChild {
        /// The parent instance.
        instance: u64,
        /// The call activity's element index.
        element: u16,
    },
}

impl core::fmt::Display for FireError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{self:?}")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FireError {}

/// Witness of one transition (one circuit slot).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Instance id (= state leaf index).
    pub instance_id: u64,
    /// Next sequential instance id before the firing.
    pub next_id: u64,
    /// Instance before the firing ([`Instance::NONE`] for a start, the called leaf for a
    /// call-activity child's start).
    pub before: Instance,
    /// Sibling hashes of the instance leaf (decimal strings), leaf level first.
    #[serde(with = "fr_vec")]
    pub state_path: Vec<Fr>,
    /// Rule index (= definitions leaf index).
    pub rule_index: u64,
    /// The rule.
    pub rule: TransitionRule,
    /// Sibling hashes of the rule leaf.
    #[serde(with = "fr_vec")]
    pub defs_path: Vec<Fr>,
    /// The partner instance (0 when the rule has no [`Partner`]).
    pub partner_id: u64,
    /// The partner before the firing ([`Instance::NONE`] for a call).
    pub partner_before: Instance,
    /// Sibling hashes of the partner leaf in the tree *after* the instance's own update.
    #[serde(with = "fr_vec")]
    pub partner_path: Vec<Fr>,
    /// The state root after the firing (`Poseidon(tree_root, next_id)`).
    #[serde(with = "fr_one")]
    pub new_root: Fr,
}

impl Step {
    /// The transition record of this step.
    pub fn record(&self) -> u128 {
        record(self.instance_id, self.rule_index, self.partner_id)
    }
}

/// A batch: public inputs plus the witness of each transition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// Circuit shape the batch is for (`steps.len() <= params.batch_size`).
    pub params: Params,
    /// State root before the batch (`Poseidon(old_tree_root, old_next_id)`).
    #[serde(with = "fr_one")]
    pub old_root: Fr,
    /// State root after the batch.
    #[serde(with = "fr_one")]
    pub new_root: Fr,
    /// Definitions root.
    #[serde(with = "fr_one")]
    pub defs_root: Fr,
    /// Batch commitment.
    #[serde(with = "fr_one")]
    pub commitment: Fr,
    /// Batch number (the rollup pallet's, from 1): `c_0` of the commitment chain and the fifth
    /// public input.
    pub number: u64,
    /// Instance tree root before the batch.
    #[serde(with = "fr_one")]
    pub old_tree_root: Fr,
    /// Next instance id before the batch.
    pub old_next_id: u64,
    /// The transitions, in order.
    pub steps: Vec<Step>,
}

impl Batch {
    /// Public inputs in circuit order: `[old_root, new_root, defs_root, commitment,
    /// batch_number]`.
    pub fn public_inputs(&self) -> Vec<Fr> {
        vec![self.old_root, self.new_root, self.defs_root, self.commitment, Fr::from(self.number)]
    }

    /// Transition records in order: the batch data published on L1 (rollup mode).
    pub fn records(&self) -> Vec<u128> {
        self.steps.iter().map(Step::record).collect()
    }
}

/// Where the proven state lives: the instance tree's nodes, the instances and the next
/// instance id. [`MemoryState`] for the prover; the rollup pallet keeps them in storage.
pub trait StateStore: NodeStore {
    /// Instance `id`, if any.
    fn instance(&self, id: u64) -> Option<Instance>;
    /// Stores instance `id`.
    fn set_instance(&mut self, id: u64, instance: Instance);
    /// The id the next started instance gets (1 in an empty state).
    fn next_id(&self) -> u64;
    /// Stores the next instance id.
    fn set_next_id(&mut self, next: u64);
    /// The lowest-numbered completed child of call activity `element` of `parent`, if this store
    /// can search for it (the in-memory one); a store that cannot returns `None` and the caller
    /// names the child (the engine's `CallActivityCompleted.childInstanceId`).
    fn completed_child(&self, _parent: u64, _element: u16) -> Option<u64> {
        None
    }
}

/// The proven state in memory.
#[derive(Clone, Debug)]
pub struct MemoryState {
    nodes: BTreeMap<(usize, u64), Fr>,
    instances: BTreeMap<u64, Instance>,
    next_id: u64,
}

impl Default for MemoryState {
    fn default() -> Self {
        MemoryState { nodes: BTreeMap::new(), instances: BTreeMap::new(), next_id: 1 }
    }
}

impl NodeStore for MemoryState {
    fn node(&self, level: usize, index: u64) -> Option<Fr> {
        self.nodes.node(level, index)
    }
    fn set_node(&mut self, level: usize, index: u64, value: Fr) {
        self.nodes.set_node(level, index, value)
    }
}

impl StateStore for MemoryState {
    fn instance(&self, id: u64) -> Option<Instance> {
        self.instances.get(&id).copied()
    }
    fn set_instance(&mut self, id: u64, instance: Instance) {
        self.instances.insert(id, instance);
    }
    fn next_id(&self) -> u64 {
        self.next_id
    }
    fn set_next_id(&mut self, next: u64) {
        self.next_id = next;
    }
    fn completed_child(&self, parent: u64, element: u16) -> Option<u64> {
        self.instances
            .iter()
            .find(|(_, c)| c.status == status::COMPLETED && c.parent == parent && c.parent_element == element)
            .map(|(k, _)| *k)
    }
}

/// The BPM state: the instance tree, its instances and the next instance id, over a
/// [`StateStore`].
#[derive(Clone, Debug)]
pub struct State<S: StateStore = MemoryState> {
    zero: Vec<Fr>,
    store: S,
}

impl State<MemoryState> {
    /// An empty in-memory state with instance ids `1..2^state_depth`.
    pub fn new(state_depth: usize) -> Self {
        State::with_store(state_depth, MemoryState::default())
    }

    /// Every instance, by id.
    pub fn instances(&self) -> impl Iterator<Item = (u64, &Instance)> {
        self.store.instances.iter().map(|(k, v)| (*k, v))
    }
}

impl<S: StateStore> State<S> {
    /// The state held by `store`, with instance ids `1..2^state_depth`. Panics unless
    /// `1 <= state_depth <= 32`.
    pub fn with_store(state_depth: usize, store: S) -> Self {
        assert!((1..=smt::MAX_DEPTH).contains(&state_depth), "state depth {state_depth}");
        State { zero: smt::zero_hashes(state_depth), store }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Depth of the instance tree.
    pub fn depth(&self) -> usize {
        self.zero.len() - 1
    }

    fn capacity(&self) -> u64 {
        1u64 << self.depth()
    }

    /// The public state root `Poseidon(tree_root, next_id)`.
    pub fn root(&self) -> Fr {
        state_root(self.tree_root(), self.store.next_id())
    }

    /// The instance tree root.
    pub fn tree_root(&self) -> Fr {
        smt::root(&self.store, &self.zero)
    }

    /// The id the next started instance gets.
    pub fn next_id(&self) -> u64 {
        self.store.next_id()
    }

    /// The instance `id`, if any.
    pub fn instance(&self, id: u64) -> Option<Instance> {
        self.store.instance(id)
    }

    /// Fires rule `rule_index` of `defs` on instance `id` and returns the step witness; a call
    /// activity's return resumes from the lowest-numbered completed child of that call activity
    /// (in-memory state only; see [`StateStore::completed_child`]).
    pub fn fire(&mut self, defs: &impl Definitions, id: u64, rule_index: usize) -> Result<Step, FireError> {
        self.fire_with(defs, id, rule_index, None)
    }

    /// [`State::fire`], naming the child a call activity's return resumes from (`child`; the
    /// engine's `CallActivityCompleted.childInstanceId`).
    ///
    /// Checks (the same as the circuit): the rule is in the definitions tree; a `create` rule
    /// needs either an absent instance whose id is the next sequential one (the counter then
    /// increments) or a [`status::CALLED`] child; any other rule needs a running instance of the
    /// rule's definition; `pre ⊆ m`; the `empty` scope words are zero. Then
    /// `m' = apply_rule(m)`, status completed when every scope word of `m'` is zero, running
    /// otherwise. A [`Partner::Call`] rule then creates the next instance id as a called child
    /// linked to `(id, element)`; a [`Partner::Return`] rule marks a completed child linked to
    /// `(id, element)` returned. On an error nothing is changed.
    pub fn fire_with(&mut self, defs: &impl Definitions, id: u64, rule_index: usize, child: Option<u64>) -> Result<Step, FireError> {
        let rule = defs.rule(rule_index as u64).ok_or(FireError::UnknownRule(rule_index))?;
        if id == 0 || id >= self.capacity() || id >= 1 << 32 {
            return Err(FireError::BadInstance(id));
        }
        let current = self.store.instance(id);
        let next_before = self.store.next_id();
        let mut next = next_before;
        let before = match (current, rule.create) {
            (None, true) if id == next => {
                next += 1;
                Instance::NONE
            }
            (Some(i), true) if i.status == status::CALLED => i,
            (_, true) => return Err(FireError::NotNextInstance { id, next }),
            (Some(i), false) if i.status == status::RUNNING => i,
            _ => return Err(FireError::NotRunning(id)),
        };
        if !rule.create && before.def_id != rule.def_id {
            return Err(FireError::WrongDefinition { instance: before.def_id, rule: rule.def_id });
        }
        let m = before.marking;
        let empties_ok = (0..SCOPE_WORDS).all(|w| rule.empty >> w & 1 == 0 || m.0[w] == 0);
        if !rule.pre.subset_of(&m) || !empties_ok {
            return Err(FireError::NotEnabled);
        }
        // the partner, checked before anything changes
        let (partner_id, partner_before, partner_after) = match rule.partner {
            Partner::None => (0, Instance::NONE, None),
            Partner::Call => {
                if next >= self.capacity() || next >= 1 << 32 {
                    return Err(FireError::StateFull);
                }
                let called = Instance {
                    def_id: 0,
                    marking: Marking::default(),
                    status: status::CALLED,
                    parent: id,
                    parent_element: rule.element,
                };
                (next, Instance::NONE, Some(called))
            }
            Partner::Return => {
                let no_child = FireError::NoCompletedChild { instance: id, element: rule.element };
                let k = child.or_else(|| self.store.completed_child(id, rule.element)).ok_or(no_child.clone())?;
                let c = self.store.instance(k).ok_or(no_child.clone())?;
                if c.status != status::COMPLETED || c.parent != id || c.parent_element != rule.element {
                    return Err(no_child);
                }
                (k, c, Some(Instance { status: status::RETURNED, ..c }))
            }
        };
        let m2 = apply_rule(&m, &rule);
        let st = if m2.scopes_empty() { status::COMPLETED } else { status::RUNNING };
        let after = Instance { def_id: rule.def_id, marking: m2, status: st, ..before };
        let state_path = smt::path(&self.store, &self.zero, id);
        smt::set(&mut self.store, &self.zero, id, instance_leaf(id, &after));
        self.store.set_instance(id, after);
        let mut partner_path = vec![Fr::zero(); self.depth()];
        if let Some(p) = partner_after {
            partner_path = smt::path(&self.store, &self.zero, partner_id);
            smt::set(&mut self.store, &self.zero, partner_id, instance_leaf(partner_id, &p));
            self.store.set_instance(partner_id, p);
            if rule.partner == Partner::Call {
                next += 1;
            }
        }
        self.store.set_next_id(next);
        let new_root = self.root();
        Ok(Step {
            instance_id: id,
            next_id: next_before,
            before,
            state_path,
            rule_index: rule_index as u64,
            defs_path: defs.rule_path(rule_index as u64),
            rule,
            partner_id,
            partner_before,
            partner_path,
            new_root,
        })
    }
}

/// Builds batches: records the root before the first firing and chains the commitment.
#[derive(Clone, Debug)]
pub struct BatchBuilder {
    params: Params,
    old_root: Fr,
    old_tree_root: Fr,
    old_next_id: u64,
    commitment: Fr,
    number: u64,
    steps: Vec<Step>,
}

/// Why [`BatchBuilder::fire`] refused a firing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchError {
    /// Every slot is used.
    Full(usize),
    /// The firing itself is refused.
    Fire(FireError),
}

impl core::fmt::Display for BatchError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            BatchError::Full(n) => write!(f, "batch full ({n} slots)"),
            BatchError::Fire(e) => write!(f, "{e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BatchError {}

impl BatchBuilder {
    /// Starts batch `number` on `state`'s current root.
    pub fn new<S: StateStore>(params: Params, state: &State<S>, number: u64) -> Self {
        BatchBuilder {
            params,
            old_root: state.root(),
            old_tree_root: state.tree_root(),
            old_next_id: state.next_id(),
            commitment: Fr::from(number),
            number,
            steps: vec![],
        }
    }

    /// Fires and appends one transition (see [`State::fire_with`]).
    pub fn fire_with<S: StateStore>(&mut self, state: &mut State<S>, defs: &impl Definitions, id: u64, rule_index: usize, child: Option<u64>) -> Result<(), BatchError> {
        if self.steps.len() >= self.params.batch_size {
            return Err(BatchError::Full(self.params.batch_size));
        }
        let step = state.fire_with(defs, id, rule_index, child).map_err(BatchError::Fire)?;
        self.commitment = commit_step(self.commitment, step.record());
        self.steps.push(step);
        Ok(())
    }

    /// Fires and appends one transition (see [`State::fire`]).
    pub fn fire<S: StateStore>(&mut self, state: &mut State<S>, defs: &impl Definitions, id: u64, rule_index: usize) -> Result<(), BatchError> {
        self.fire_with(state, defs, id, rule_index, None)
    }

    /// Number of transitions so far.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// True when no transition was added.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Seals the batch at `state`'s current root.
    pub fn finish<S: StateStore>(self, state: &State<S>, defs: &impl Definitions) -> Batch {
        Batch {
            params: self.params,
            old_root: self.old_root,
            new_root: state.root(),
            defs_root: defs.defs_root(),
            commitment: self.commitment,
            number: self.number,
            old_tree_root: self.old_tree_root,
            old_next_id: self.old_next_id,
            steps: self.steps,
        }
    }
}

/// The commitment of batch `number`'s records (what `DataAvailability` recomputes on L1).
pub fn commitment_of(number: u64, records: &[u128]) -> Fr {
    records.iter().fold(Fr::from(number), |c, r| commit_step(c, *r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_pack_three_ids() {
        assert_eq!(record(5, 7, 9), 5 | 7 << 32 | 9 << 64);
        assert_eq!(commitment_of(3, &[record(1, 2, 0)]), commit_step(Fr::from(3u64), 1 | 2 << 32));
        assert_ne!(commitment_of(3, &[]), commitment_of(4, &[]), "the batch number is bound");
    }
}
