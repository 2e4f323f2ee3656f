//! A fixed-depth Poseidon sparse Merkle tree (`no_std`).
//!
//! * Leaves are field elements; an absent leaf is `0`.
//! * `node = Poseidon(left, right)` (circomlib `Poseidon(2)`), empty subtrees hash to the
//!   precomputed `zero[level]` (`zero[0] = 0`, `zero[l+1] = Poseidon(zero[l], zero[l])`).
//! * Leaf index `i` (`0 <= i < 2^depth`): bit `l` (LSB first) of `i` says whether the node on
//!   the path at level `l` is a right child (1) or a left child (0).
//! * A path is the `depth` sibling hashes from the leaf level up.

use super::poseidon::hash2;
use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;
use ark_bn254::Fr;
use ark_ff::Zero;

/// Sparse Merkle tree of fixed `depth` (1..=32) over BN254 `Fr` leaves.
#[derive(Clone, Debug)]
pub struct SparseMerkleTree {
    depth: usize,
    zero: Vec<Fr>,
    /// `(level, index) -> hash` of every non-empty node; level 0 = leaves.
    nodes: BTreeMap<(usize, u64), Fr>,
}

impl SparseMerkleTree {
    /// An empty tree of `depth` levels (`2^depth` leaves). Panics unless `1 <= depth <= 32`.
    pub fn new(depth: usize) -> Self {
        assert!((1..=32).contains(&depth), "tree depth {depth}");
        let mut zero = vec![Fr::zero()];
        for l in 0..depth {
            zero.push(hash2(zero[l], zero[l]));
        }
        SparseMerkleTree { depth, zero, nodes: BTreeMap::new() }
    }

    /// Number of levels.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Number of leaf positions (`2^depth`).
    pub fn capacity(&self) -> u64 {
        1u64 << self.depth
    }

    fn node(&self, level: usize, index: u64) -> Fr {
        self.nodes.get(&(level, index)).copied().unwrap_or(self.zero[level])
    }

    /// The root hash.
    pub fn root(&self) -> Fr {
        self.node(self.depth, 0)
    }

    /// The leaf at `index` (0 if absent).
    pub fn leaf(&self, index: u64) -> Fr {
        self.node(0, index)
    }

    /// The `depth` sibling hashes of leaf `index`, leaf level first.
    pub fn path(&self, index: u64) -> Vec<Fr> {
        (0..self.depth).map(|l| self.node(l, (index >> l) ^ 1)).collect()
    }

    /// Sets leaf `index` to `value` and rehashes its path. Panics if `index >= capacity()`.
    pub fn set(&mut self, index: u64, value: Fr) {
        assert!(index < self.capacity(), "leaf index {index} out of range");
        self.nodes.insert((0, index), value);
        let mut cur = value;
        for l in 0..self.depth {
            let i = index >> l;
            let sib = self.node(l, i ^ 1);
            cur = if i & 1 == 0 { hash2(cur, sib) } else { hash2(sib, cur) };
            self.nodes.insert((l + 1, i >> 1), cur);
        }
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
    fn paths_recompute_root() {
        let mut t = SparseMerkleTree::new(8);
        let empty = t.root();
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
