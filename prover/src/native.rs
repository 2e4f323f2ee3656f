//! The native (plain Rust) BPM state-transition function, the definitions registry and the
//! batch witness the circuit consumes. The circuit ([`crate::circuit`]) enforces exactly the
//! rules of [`State::fire`].
//!
//! Hashes (circomlib Poseidon, [`crate::poseidon`]):
//! * instance leaf = `Poseidon(instance_id, def_id, w0, w1, w2, w3, w4, status)` (8 inputs); an
//!   absent instance is the leaf value `0`; the leaf index **is** the instance id;
//! * definitions leaf = `Poseidon(def_id, element, kind, scope, pre_0, pre_1, pre_2, post_0,
//!   post_1, post_2, flags)` (11 inputs, limbs `x_0 = w0 + 2^64 w1`, `x_1 = w2 + 2^64 w3`,
//!   `x_2 = w4`, flags as in [`TransitionRule::flags`]); the leaf index is the rule's position
//!   in the registry;
//! * transition record = `instance_id + 2^32 * rule_index` (both `< 2^32`);
//! * batch commitment: `c_0 = 0`, `c_k = Poseidon(c_{k-1}, record_k)` for the `k`-th
//!   transition of the batch, commitment = `c_n` (`n` = number of transitions).

use crate::encoding::{compile_rules, status, EncodeError, Marking, TransitionRule, SCOPE_WORDS};
use crate::poseidon::{hash, hash2};
use crate::smt::SparseMerkleTree;
use alstra_bpmn::CompiledModel;
use ark_bn254::Fr;
use ark_ff::{PrimeField, Zero};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Circuit shape: tree depths and number of transition slots per batch. A verifying key is
/// bound to one `Params`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Depth of the instance (state) tree: `2^state_depth` instances. 1..=32.
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

/// Hash of an instance leaf (see the module docs).
pub fn instance_leaf(id: u64, def_id: u32, m: &Marking, st: u64) -> Fr {
    let mut v = vec![Fr::from(id), Fr::from(def_id as u64)];
    v.extend(m.0.iter().map(|w| Fr::from(*w)));
    v.push(Fr::from(st));
    hash(&v)
}

/// Hash of a definitions leaf (see the module docs).
pub fn rule_leaf(r: &TransitionRule) -> Fr {
    let mut v = vec![
        Fr::from(r.def_id as u64),
        Fr::from(r.element as u64),
        Fr::from(r.kind as u64),
        Fr::from(r.scope as u64),
    ];
    v.extend(r.pre.limbs().iter().map(|l| Fr::from(*l)));
    v.extend(r.post.limbs().iter().map(|l| Fr::from(*l)));
    v.push(Fr::from(r.flags()));
    hash(&v)
}

/// Transition record `instance_id + 2^32 * rule_index`.
pub fn record(instance_id: u64, rule_index: u64) -> Fr {
    Fr::from(instance_id) + Fr::from(rule_index) * Fr::from(1u64 << 32)
}

/// One step of the commitment chain: `Poseidon(prev, record)`.
pub fn commit_step(prev: Fr, record: Fr) -> Fr {
    hash2(prev, record)
}

/// The firing rule applied to a marking (no enabledness check): `((m ∖ pre) with clear words
/// zeroed) ∪ post`.
pub fn apply_rule(m: &Marking, r: &TransitionRule) -> Marking {
    Marking(std::array::from_fn(|w| {
        let mut x = m.0[w] & !r.pre.0[w];
        if w < SCOPE_WORDS && r.clear >> w & 1 == 1 {
            x = 0;
        }
        x | r.post.0[w]
    }))
}

/// The registered process definitions and their rules (the definitions tree).
#[derive(Clone, Debug)]
pub struct Registry {
    /// Every rule, in leaf order.
    pub rules: Vec<TransitionRule>,
    /// Definition names by id - 1.
    pub names: Vec<String>,
    tree: SparseMerkleTree,
}

impl Registry {
    /// An empty registry with a definitions tree of `defs_depth` levels.
    pub fn new(defs_depth: usize) -> Self {
        Registry { rules: vec![], names: vec![], tree: SparseMerkleTree::new(defs_depth) }
    }

    /// Registers `model` as the next definition; returns its id (1-based).
    ///
    /// Errors: the model exceeds the prover's encoding limits, or the tree is full.
    pub fn register(&mut self, model: &CompiledModel) -> Result<u32, anyhow::Error> {
        let id = self.names.len() as u32 + 1;
        let rules = compile_rules(id, model).map_err(|e: EncodeError| anyhow::anyhow!("{}: {e}", model.name))?;
        if (self.rules.len() + rules.len()) as u64 > self.tree.capacity() {
            anyhow::bail!("definitions tree full ({} leaves)", self.tree.capacity());
        }
        for r in rules {
            self.tree.set(self.rules.len() as u64, rule_leaf(&r));
            self.rules.push(r);
        }
        self.names.push(model.name.clone());
        Ok(id)
    }

    /// The definitions root (public input).
    pub fn root(&self) -> Fr {
        self.tree.root()
    }

    /// Merkle path of rule `index`.
    pub fn path(&self, index: usize) -> Vec<Fr> {
        self.tree.path(index as u64)
    }

    /// Index of the rule of definition `def_id` whose label starts with `prefix` (e.g. an
    /// element's BPMN id). Convenience for scenarios and tests.
    pub fn find(&self, def_id: u32, prefix: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.def_id == def_id && r.label.starts_with(prefix))
    }

    /// Depth of the definitions tree.
    pub fn depth(&self) -> usize {
        self.tree.depth()
    }
}

/// A process instance as stored in the state tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// Definition id.
    pub def_id: u32,
    /// Marking (4 scope words + messages).
    pub marking: Marking,
    /// [`status`] constant.
    pub status: u64,
}

/// Why a firing is refused by [`State::fire`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FireError {
    /// No such rule index.
    UnknownRule(usize),
    /// Instance id outside the tree.
    BadInstance(u64),
    /// A `create` rule on an existing instance.
    InstanceExists(u64),
    /// A non-create rule on a missing or completed instance.
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
}

impl std::fmt::Display for FireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}
impl std::error::Error for FireError {}

/// Witness of one transition (one circuit slot).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Instance id (= state leaf index).
    pub instance_id: u64,
    /// Instance before the firing (for a create: def id of the rule, zero marking, status 0).
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
}

/// A batch: public inputs plus the witness of each transition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// Circuit shape the batch is for (`steps.len() <= params.batch_size`).
    pub params: Params,
    /// State root before the batch.
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
    /// The transitions, in order.
    pub steps: Vec<Step>,
}

impl Batch {
    /// Public inputs in circuit order: `[old_root, new_root, defs_root, commitment]`.
    pub fn public_inputs(&self) -> Vec<Fr> {
        vec![self.old_root, self.new_root, self.defs_root, self.commitment]
    }

    /// Transition records (`instance_id + 2^32 * rule_index`) as `u64`, in order: the batch
    /// data published on L1 (rollup mode).
    pub fn records(&self) -> Vec<u64> {
        self.steps.iter().map(|s| s.instance_id | s.rule_index << 32).collect()
    }
}

/// The BPM state: the instance tree and its instances.
#[derive(Clone, Debug)]
pub struct State {
    tree: SparseMerkleTree,
    instances: HashMap<u64, Instance>,
}

impl State {
    /// An empty state with `2^state_depth` instance slots.
    pub fn new(state_depth: usize) -> Self {
        State { tree: SparseMerkleTree::new(state_depth), instances: HashMap::new() }
    }

    /// The state root.
    pub fn root(&self) -> Fr {
        self.tree.root()
    }

    /// The instance `id`, if any.
    pub fn instance(&self, id: u64) -> Option<&Instance> {
        self.instances.get(&id)
    }

    /// Fires rule `rule_index` of `reg` on instance `id` and returns the step witness.
    ///
    /// Checks (the same as the circuit): the instance leaf is in the current root (by
    /// construction here), the rule is in the definitions tree, a `create` rule needs an absent
    /// instance and any other rule a running instance of the same definition, `pre ⊆ m`, the
    /// `empty` scope words are zero. Then `m' = apply_rule(m)`, status = completed when every
    /// scope word of `m'` is zero, running otherwise, and the leaf is rewritten.
    pub fn fire(&mut self, reg: &Registry, id: u64, rule_index: usize) -> Result<Step, FireError> {
        let rule = reg.rules.get(rule_index).ok_or(FireError::UnknownRule(rule_index))?.clone();
        if id >= self.tree.capacity() || id >= 1 << 32 {
            return Err(FireError::BadInstance(id));
        }
        let before = match (self.instances.get(&id), rule.create) {
            (Some(_), true) => return Err(FireError::InstanceExists(id)),
            (None, true) => Instance { def_id: rule.def_id, marking: Marking::default(), status: status::NONE },
            (Some(i), false) if i.status == status::RUNNING => *i,
            _ => return Err(FireError::NotRunning(id)),
        };
        if before.def_id != rule.def_id {
            return Err(FireError::WrongDefinition { instance: before.def_id, rule: rule.def_id });
        }
        let m = before.marking;
        let empties_ok = (0..SCOPE_WORDS).all(|w| rule.empty >> w & 1 == 0 || m.0[w] == 0);
        if !rule.pre.subset_of(&m) || !empties_ok {
            return Err(FireError::NotEnabled);
        }
        let m2 = apply_rule(&m, &rule);
        let st = if m2.scopes_empty() { status::COMPLETED } else { status::RUNNING };
        let step = Step {
            instance_id: id,
            before,
            state_path: self.tree.path(id),
            rule_index: rule_index as u64,
            defs_path: reg.path(rule_index),
            rule,
        };
        let after = Instance { def_id: before.def_id, marking: m2, status: st };
        self.tree.set(id, instance_leaf(id, after.def_id, &m2, st));
        self.instances.insert(id, after);
        Ok(step)
    }
}

/// Builds batches: records the root before the first firing and chains the commitment.
#[derive(Clone, Debug)]
pub struct BatchBuilder {
    params: Params,
    old_root: Fr,
    commitment: Fr,
    steps: Vec<Step>,
}

impl BatchBuilder {
    /// Starts a batch on `state`'s current root.
    pub fn new(params: Params, state: &State) -> Self {
        BatchBuilder { params, old_root: state.root(), commitment: Fr::zero(), steps: vec![] }
    }

    /// Fires and appends one transition. Errors: the firing is refused, or the batch is full.
    pub fn fire(&mut self, state: &mut State, reg: &Registry, id: u64, rule_index: usize) -> anyhow::Result<()> {
        anyhow::ensure!(self.steps.len() < self.params.batch_size, "batch full ({} slots)", self.params.batch_size);
        let step = state.fire(reg, id, rule_index).map_err(|e| anyhow::anyhow!("{e}"))?;
        self.commitment = commit_step(self.commitment, record(id, rule_index as u64));
        self.steps.push(step);
        Ok(())
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
    pub fn finish(self, state: &State, reg: &Registry) -> Batch {
        Batch {
            params: self.params,
            old_root: self.old_root,
            new_root: state.root(),
            defs_root: reg.root(),
            commitment: self.commitment,
            steps: self.steps,
        }
    }
}

/// The commitment of a list of records (what `DataAvailability` recomputes on L1).
pub fn commitment_of(records: &[u64]) -> Fr {
    records.iter().fold(Fr::zero(), |c, r| commit_step(c, Fr::from(*r)))
}

/// Decimal string of a field element (snarkjs convention).
pub fn fr_to_dec(x: &Fr) -> String {
    x.into_bigint().to_string()
}

/// Parses a decimal string into a field element (must be `< r`).
pub fn fr_from_dec(s: &str) -> anyhow::Result<Fr> {
    let n: num_bigint::BigUint = s.parse()?;
    let f = Fr::from(n.clone());
    anyhow::ensure!(num_bigint::BigUint::from(f.into_bigint()) == n, "{s} is not below the field modulus");
    Ok(f)
}

mod fr_one {
    use super::*;
    pub fn serialize<S: serde::Serializer>(x: &Fr, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&fr_to_dec(x))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Fr, D::Error> {
        let s = String::deserialize(d)?;
        fr_from_dec(&s).map_err(serde::de::Error::custom)
    }
}

mod fr_vec {
    use super::*;
    pub fn serialize<S: serde::Serializer>(x: &[Fr], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(x.iter().map(fr_to_dec))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Fr>, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        v.iter().map(|s| fr_from_dec(s).map_err(serde::de::Error::custom)).collect()
    }
}
