//! The definitions tree: the firing rules of every registered definition, their leaves, and
//! read access for the transition function ([`Definitions`]); [`Registry`] keeps it in memory,
//! the rollup pallet in storage, both registering with [`compile_definition`].

use super::encoding::{compile_rules, EncodeError, TransitionRule};
use super::poseidon::hash;
use super::smt::SparseMerkleTree;
use crate::CompiledModel;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use ark_bn254::Fr;

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

/// Why a definition cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterError {
    /// The model exceeds the encoding's limits.
    Encode {
        /// Process name.
        name: String,
        /// The limit exceeded.
        error: EncodeError,
    },
    /// The definitions tree has no room for the definition's rules.
    TreeFull {
        /// Leaves of the tree.
        capacity: u64,
        /// Leaves needed.
        needed: u64,
    },
}

impl core::fmt::Display for RegisterError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RegisterError::Encode { name, error } => write!(f, "{name}: {error}"),
            RegisterError::TreeFull { capacity, needed } => {
                write!(f, "definitions tree full: {needed} rules needed, {capacity} leaves")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RegisterError {}

/// The rules of `model` as definition `id` with their leaf hashes, for the leaf indices
/// `first..` of a definitions tree of `depth` levels: what registering it adds (the in-memory
/// [`Registry`] and the rollup pallet both register with it).
///
/// Errors: the model exceeds the encoding's limits ([`RegisterError::Encode`], naming the
/// limit); the tree has no room ([`RegisterError::TreeFull`]).
pub fn compile_definition(id: u32, model: &CompiledModel, first: u64, depth: usize) -> Result<Vec<(TransitionRule, Fr)>, RegisterError> {
    let rules = compile_rules(id, model).map_err(|error| RegisterError::Encode { name: model.name.clone(), error })?;
    let needed = first + rules.len() as u64;
    let capacity = 1u64 << depth;
    if needed > capacity {
        return Err(RegisterError::TreeFull { capacity, needed });
    }
    Ok(rules.into_iter().map(|r| {
        let leaf = rule_leaf(&r);
        (r, leaf)
    }).collect())
}

/// Read access to the registered definitions: what [`State::fire_with`] and
/// [`super::replay`] need. [`Registry`] keeps them in memory; the rollup pallet in storage.
pub trait Definitions {
    /// Rule `index` (a leaf of the definitions tree).
    fn rule(&self, index: u64) -> Option<TransitionRule>;
    /// Merkle path of rule `index` in the definitions tree.
    fn rule_path(&self, index: u64) -> Vec<Fr>;
    /// The leaf indices of the rules of definition `def` (contiguous: registered together);
    /// empty for an unknown definition.
    fn rules_of(&self, def: u32) -> core::ops::Range<u64>;
    /// The definitions root.
    fn defs_root(&self) -> Fr;
}

impl Definitions for Registry {
    fn rule(&self, index: u64) -> Option<TransitionRule> {
        self.rules.get(index as usize).cloned()
    }
    fn rule_path(&self, index: u64) -> Vec<Fr> {
        self.tree.path(index)
    }
    fn rules_of(&self, def: u32) -> core::ops::Range<u64> {
        let first = self.rules.iter().position(|r| r.def_id == def);
        match first {
            Some(f) => f as u64..(f + self.rules[f..].iter().take_while(|r| r.def_id == def).count()) as u64,
            None => 0..0,
        }
    }
    fn defs_root(&self) -> Fr {
        self.root()
    }
}

/// The registered process definitions and their rules (the definitions tree), in memory.
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

    /// Registers `model` as the next definition; returns its id (1-based, the engine's
    /// numbering when every published definition is registered in publication order).
    pub fn register(&mut self, model: &CompiledModel) -> Result<u32, RegisterError> {
        let id = self.names.len() as u32 + 1;
        let rules = compile_definition(id, model, self.rules.len() as u64, self.tree.depth())?;
        for (r, leaf) in rules {
            self.tree.set(self.rules.len() as u64, leaf);
            self.rules.push(r);
        }
        self.names.push(model.name.clone());
        Ok(id)
    }

    /// Appends `rule` as the next leaf: a rule read back from where definitions were
    /// registered (the rollup pallet's `RuleRecord`s, in leaf order), not compiled here. Its
    /// definition's name stays unknown. Errors: [`RegisterError::TreeFull`].
    pub fn push_rule(&mut self, rule: TransitionRule) -> Result<(), RegisterError> {
        let index = self.rules.len() as u64;
        let capacity = 1u64 << self.tree.depth();
        if index >= capacity {
            return Err(RegisterError::TreeFull { capacity, needed: index + 1 });
        }
        self.tree.set(index, rule_leaf(&rule));
        self.rules.push(rule);
        Ok(())
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
