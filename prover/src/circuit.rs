//! The batch circuit: `batch_size` transition slots chained from `old_root` to `new_root`.
//!
//! Public inputs (in this order): `old_root`, `new_root`, `defs_root`, `commitment`.
//!
//! Per slot `k` (witness: `active_k`, instance index bits, old marking bits, old status, state
//! path, rule fields with pre/post bits and flag bits, rule index bits, definitions path):
//! 1. `active_k ⇒ active_{k-1}` (padding slots are trailing);
//! 2. `Poseidon(rule fields)` is in the definitions tree at the rule index (if active);
//! 3. old leaf value = `create ? 0 : Poseidon(id, def_id, w0..w4, status)` is in the state
//!    tree at `id` under the running root `r_{k-1}` (if active); `create ⇒ w = 0`;
//!    `active ∧ ¬create ⇒ status = 1` (running); the instance's def id is the rule's;
//! 4. `pre ⊆ m`, `empty` scope words are zero, `m' = ((m ∖ pre), clear words zeroed) ∪ post`;
//! 5. new status = `2` if scope words of `m'` are all zero else `1`; new leaf hashed with the
//!    same path gives `r_k` (`r_k = r_{k-1}` for padding);
//! 6. `c_k = Poseidon(c_{k-1}, id + 2^32 * rule_index)` (`c_k = c_{k-1}` for padding), `c_0 = 0`.
//!
//! Finally `r_K = new_root` and `c_K = commitment`. These are exactly the checks of
//! [`crate::native::State::fire`] and [`crate::native::BatchBuilder`].

use crate::encoding::{Marking, FLAG_BITS, LIMBS, SCOPE_WORDS, WORDS, WORD_BITS};
use crate::gadgets::*;
use crate::native::{Batch, Params, Step};
use ark_bn254::Fr;
use ark_ff::Zero;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

/// The Groth16 relation for one [`Params`] shape. Built from a [`Batch`] (proving) or
/// [`BatchCircuit::blank`] (setup; any witness values work there).
#[derive(Clone, Debug)]
pub struct BatchCircuit {
    /// The batch (its `steps` may be shorter than `params.batch_size`: padding).
    pub batch: Batch,
}

impl BatchCircuit {
    /// The circuit of a batch. Panics if the batch has more steps than slots or paths of the
    /// wrong length (a programming error: `BatchBuilder` produces consistent batches).
    pub fn new(batch: Batch) -> Self {
        let p = batch.params;
        assert!(p.state_depth <= 32 && p.defs_depth <= 32, "depth above 32");
        assert!(batch.steps.len() <= p.batch_size, "too many steps");
        for s in &batch.steps {
            assert_eq!(s.state_path.len(), p.state_depth);
            assert_eq!(s.defs_path.len(), p.defs_depth);
        }
        BatchCircuit { batch }
    }

    /// An empty batch of shape `params` (for key generation).
    pub fn blank(params: Params) -> Self {
        BatchCircuit::new(Batch {
            params,
            old_root: Fr::zero(),
            new_root: Fr::zero(),
            defs_root: Fr::zero(),
            commitment: Fr::zero(),
            steps: vec![],
        })
    }
}

fn alloc_fr(cs: &ConstraintSystemRef<Fr>, v: Fr) -> Result<FpVar<Fr>, SynthesisError> {
    FpVar::new_witness(cs.clone(), || Ok(v))
}

fn alloc_marking(cs: &ConstraintSystemRef<Fr>, m: &Marking) -> Result<(Vec<Boolean<Fr>>, [FpVar<Fr>; WORDS]), SynthesisError> {
    let mut bits = Vec::with_capacity(WORDS * WORD_BITS);
    let mut words: [FpVar<Fr>; WORDS] = std::array::from_fn(|_| FpVar::zero());
    for w in 0..WORDS {
        let (b, fp) = alloc_bits(cs.clone(), Some(m.0[w] as u128), WORD_BITS)?;
        bits.extend(b);
        words[w] = fp;
    }
    Ok((bits, words))
}

impl ConstraintSynthesizer<Fr> for BatchCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let b = &self.batch;
        let p = b.params;
        let old_root = FpVar::new_input(cs.clone(), || Ok(b.old_root))?;
        let new_root = FpVar::new_input(cs.clone(), || Ok(b.new_root))?;
        let defs_root = FpVar::new_input(cs.clone(), || Ok(b.defs_root))?;
        let commitment = FpVar::new_input(cs.clone(), || Ok(b.commitment))?;

        let mut root = old_root;
        let mut chain = FpVar::<Fr>::zero();
        let mut prev_active = Boolean::TRUE;
        let zero = FpVar::<Fr>::zero();
        for k in 0..p.batch_size {
            let step: Option<&Step> = b.steps.get(k);
            let active = Boolean::new_witness(cs.clone(), || Ok(step.is_some()))?;
            // 1. padding is trailing
            FpVar::from(active.clone()).mul_equals(&FpVar::from(!prev_active.clone()), &zero)?;
            prev_active = active.clone();

            let dflt_rule = crate::encoding::TransitionRule {
                def_id: 0, element: 0, kind: 0, scope: 0, pre: Marking::default(),
                post: Marking::default(), clear: 0, empty: 0, create: false, label: String::new(),
            };
            let rule = step.map(|s| &s.rule).unwrap_or(&dflt_rule);
            let id_v = step.map(|s| s.instance_id).unwrap_or(0);
            let ri_v = step.map(|s| s.rule_index).unwrap_or(0);

            // 2. rule membership
            let def_id = alloc_fr(&cs, Fr::from(rule.def_id as u64))?;
            let element = alloc_fr(&cs, Fr::from(rule.element as u64))?;
            let kind = alloc_fr(&cs, Fr::from(rule.kind as u64))?;
            let scope = alloc_fr(&cs, Fr::from(rule.scope as u64))?;
            let (pre_bits, pre_w) = alloc_marking(&cs, &rule.pre)?;
            let (post_bits, post_w) = alloc_marking(&cs, &rule.post)?;
            let (flag_bits, flags) = alloc_bits(cs.clone(), Some(rule.flags() as u128), FLAG_BITS)?;
            let two64 = Fr::from(1u128 << 64);
            let limbs = |w: &[FpVar<Fr>; WORDS]| -> [FpVar<Fr>; LIMBS] {
                std::array::from_fn(|l| match w.get(2 * l + 1) {
                    Some(hi) => &w[2 * l] + hi * two64,
                    None => w[2 * l].clone(),
                })
            };
            let [p0, p1, p2] = limbs(&pre_w);
            let [q0, q1, q2] = limbs(&post_w);
            let rule_hash = rule_leaf_var(&[
                def_id.clone(), element, kind, scope, p0, p1, p2, q0, q1, q2, flags,
            ])?;
            let (ri_bits, ri) = alloc_bits(cs.clone(), Some(ri_v as u128), p.defs_depth)?;
            let defs_path = (0..p.defs_depth)
                .map(|l| alloc_fr(&cs, step.map(|s| s.defs_path[l]).unwrap_or_default()))
                .collect::<Result<Vec<_>, _>>()?;
            merkle_root_var(&rule_hash, &ri_bits, &defs_path)?
                .conditional_enforce_equal(&defs_root, &active)?;

            // 3. old instance leaf
            let create = flag_bits[0].clone();
            let clear = flag_bits[1..1 + SCOPE_WORDS].to_vec();
            let empty = flag_bits[1 + SCOPE_WORDS..1 + 2 * SCOPE_WORDS].to_vec();
            let (id_bits, id) = alloc_bits(cs.clone(), Some(id_v as u128), p.state_depth)?;
            let before = step.map(|s| s.before.marking).unwrap_or_default();
            let (m_bits, m_w) = alloc_marking(&cs, &before)?;
            let status_old = alloc_fr(&cs, Fr::from(step.map(|s| s.before.status).unwrap_or(0)))?;
            let state_path = (0..p.state_depth)
                .map(|l| alloc_fr(&cs, step.map(|s| s.state_path[l]).unwrap_or_default()))
                .collect::<Result<Vec<_>, _>>()?;
            let old_hash = instance_leaf_var(&id, &def_id, &m_w, &status_old)?;
            let old_value = FpVar::from(!create.clone()) * &old_hash;
            merkle_root_var(&old_value, &id_bits, &state_path)?
                .conditional_enforce_equal(&root, &active)?;
            let create_fp = FpVar::from(create.clone());
            for w in &m_w {
                create_fp.mul_equals(w, &zero)?;
            }
            let must_run = active.clone() & !create.clone();
            status_old.conditional_enforce_equal(&FpVar::one(), &must_run)?;

            // 4. enabledness and update
            for w in 0..SCOPE_WORDS {
                FpVar::from(empty[w].clone()).mul_equals(&m_w[w], &zero)?;
            }
            let new_w = fire_bits(&m_bits, &pre_bits, &post_bits, &clear)?;

            // 5. new leaf and root
            let mut all_empty = Boolean::TRUE;
            for w in new_w.iter().take(SCOPE_WORDS) {
                all_empty = all_empty & w.is_zero()?;
            }
            let status_new = FpVar::one() + FpVar::from(all_empty);
            let new_hash = instance_leaf_var(&id, &def_id, &new_w, &status_new)?;
            let next_root = merkle_root_var(&new_hash, &id_bits, &state_path)?;
            root = active.select(&next_root, &root)?;

            // 6. commitment chain
            let rec = &id + &ri * Fr::from(1u64 << 32);
            let next_chain = poseidon_var(&[chain.clone(), rec])?;
            chain = active.select(&next_chain, &chain)?;
        }
        root.enforce_equal(&new_root)?;
        chain.enforce_equal(&commitment)?;
        Ok(())
    }
}
