//! A fixed-depth Poseidon sparse Merkle tree (`no_std`), over any node store.
//!
//! * Leaves are field elements; an absent leaf is `0`.
//! * `node = Poseidon(left, right)` (circomlib `Poseidon(2)`), empty subtrees hash to
//!   `zero[level]` (`zero[0] = 0`, `zero[l+1] = Poseidon(zero[l], zero[l])`, [`zero_hash`]).
//! * Leaf index `i` (`0 <= i < 2^depth`): bit `l` (LSB first) of `i` says whether the node on
//!   the path at level `l` is a right child (1) or a left child (0).
//! * A path is the `depth` sibling hashes from the leaf level up.
//!
//! The tree functions ([`root`], [`path`], [`set`]) work on a [`NodeStore`]: the in-memory
//! [`SparseMerkleTree`] of the prover, or the runtime's storage (the rollup pallet), so that both
//! compute the same roots with the same code. A store holds only non-empty nodes.

use super::poseidon::hash2;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use ark_bn254::Fr;
use ark_ff::Zero;

/// Largest supported depth.
pub const MAX_DEPTH: usize = 32;

/// The nodes of one tree: `(level, index) -> hash` of every non-empty node (level 0 = leaves).
pub trait NodeStore {
    /// The node, if non-empty.
    fn node(&self, level: usize, index: u64) -> Option<Fr>;
    /// Stores a node (the tree functions never store an empty subtree's hash on purpose, but a
    /// store may receive one after a leaf is cleared).
    fn set_node(&mut self, level: usize, index: u64, value: Fr);
}

impl NodeStore for BTreeMap<(usize, u64), Fr> {
    fn node(&self, level: usize, index: u64) -> Option<Fr> {
        self.get(&(level, index)).copied()
    }
    fn set_node(&mut self, level: usize, index: u64, value: Fr) {
        self.insert((level, index), value);
    }
}

/// The hash of an empty subtree of height `level` (0..=[`MAX_DEPTH`]), from the generated
/// table (`poseidon_constants::ZERO_HASHES`, checked against the hash in the tests).
pub fn zero_hash(level: usize) -> Fr {
    assert!(level <= MAX_DEPTH, "tree level {level}");
    super::poseidon_constants::ZERO_HASHES[level]
}

/// The empty-subtree hashes of levels `0..=depth`.
pub fn zero_hashes(depth: usize) -> Vec<Fr> {
    assert!(depth <= MAX_DEPTH, "tree depth {depth}");
    super::poseidon_constants::ZERO_HASHES[..=depth].to_vec()
}

fn node_or_zero(s: &impl NodeStore, zero: &[Fr], level: usize, index: u64) -> Fr {
    s.node(level, index).unwrap_or(zero[level])
}

/// The root of a tree of `depth` levels (`zero` = [`zero_hashes`]`(depth)`).
pub fn root(s: &impl NodeStore, zero: &[Fr]) -> Fr {
    let depth = zero.len() - 1;
    node_or_zero(s, zero, depth, 0)
}

/// The `depth` sibling hashes of leaf `index`, leaf level first.
pub fn path(s: &impl NodeStore, zero: &[Fr], index: u64) -> Vec<Fr> {
    let depth = zero.len() - 1;
    (0..depth).map(|l| node_or_zero(s, zero, l, (index >> l) ^ 1)).collect()
}

/// Sets leaf `index` to `value` and rehashes its path (`depth` Poseidon hashes). Panics if
/// `index >= 2^depth`.
pub fn set(s: &mut impl NodeStore, zero: &[Fr], index: u64, value: Fr) {
    let depth = zero.len() - 1;
    assert!(index < 1u64 << depth, "leaf index {index} out of range");
    s.set_node(0, index, value);
    let mut cur = value;
    for l in 0..depth {
        let i = index >> l;
        let sib = node_or_zero(s, zero, l, i ^ 1);
        cur = if i & 1 == 0 { hash2(cur, sib) } else { hash2(sib, cur) };
        s.set_node(l + 1, i >> 1, cur);
    }
}

/// An in-memory sparse Merkle tree of fixed `depth` over BN254 `Fr` leaves.
#[derive(Clone, Debug)]
pub struct SparseMerkleTree {
    zero: Vec<Fr>,
    nodes: BTreeMap<(usize, u64), Fr>,
}

impl SparseMerkleTree {
    /// An empty tree of `depth` levels (`2^depth` leaves). Panics unless `1 <= depth <= 32`.
    pub fn new(depth: usize) -> Self {
        assert!((1..=MAX_DEPTH).contains(&depth), "tree depth {depth}");
        SparseMerkleTree { zero: zero_hashes(depth), nodes: BTreeMap::new() }
    }

    /// Number of levels.
    pub fn depth(&self) -> usize {
        self.zero.len() - 1
    }

    /// Number of leaf positions (`2^depth`).
    pub fn capacity(&self) -> u64 {
        1u64 << self.depth()
    }

    /// The root hash.
    pub fn root(&self) -> Fr {
        root(&self.nodes, &self.zero)
    }

    /// The leaf at `index` (0 if absent).
    pub fn leaf(&self, index: u64) -> Fr {
        self.nodes.node(0, index).unwrap_or(Fr::zero())
    }

    /// The `depth` sibling hashes of leaf `index`, leaf level first.
    pub fn path(&self, index: u64) -> Vec<Fr> {
        path(&self.nodes, &self.zero, index)
    }

    /// Sets leaf `index` to `value` and rehashes its path. Panics if `index >= capacity()`.
    pub fn set(&mut self, index: u64, value: Fr) {
        set(&mut self.nodes, &self.zero, index, value)
    }
}

/// Recomputes a root from a leaf value, its index and its path (see the module docs).
pub fn root_from_path(leaf: Fr, index: u64, path: &[Fr]) -> Fr {
    let mut cur = leaf;
    for (l, sib) in path.iter().enumerate() {
        cur = if (index >> l) & 1 == 0 { hash2(cur, *sib) } else { hash2(*sib, cur) };
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_zero_hashes_are_the_hash_chain() {
        let mut z = Fr::zero();
        for l in 0..=MAX_DEPTH {
            assert_eq!(zero_hash(l), z, "level {l}");
            z = hash2(z, z);
        }
    }

    #[test]
    fn paths_recompute_root() {
        let mut t = SparseMerkleTree::new(8);
        let empty = t.root();
        assert_eq!(empty, zero_hash(8));
        t.set(5, Fr::from(42u64));
        t.set(200, Fr::from(7u64));
        assert_ne!(t.root(), empty);
        for i in [0u64, 5, 200, 255] {
            assert_eq!(root_from_path(t.leaf(i), i, &t.path(i)), t.root());
        }
        t.set(5, Fr::zero());
        t.set(200, Fr::zero());
        assert_eq!(t.root(), empty);
    }
}
