//! The batch circuit: `batch_size` transition slots chained from `old_root` to `new_root`.
//!
//! Public inputs (in this order): `old_root`, `new_root`, `defs_root`, `commitment`,
//! `batch_number`. A state root is `Poseidon(tree_root, next_id)`
//! ([`crate::state::state_root`]); the commitment chain starts at `batch_number`, so a proof is
//! bound to its batch number even when every slot is padding.
//!
//! Batch witness: `old_tree_root`, `old_next_id` with `Poseidon(old_tree_root, old_next_id) =
//! old_root`. Per slot `k` (witness: `active_k`, instance id bits, old marking bits, old status,
//! parent link, `called`, state path, rule fields with pre/post and flag bits, rule index bits,
//! definitions path, partner id bits, partner definition and words, partner path):
//! 1. `active_k ⇒ active_{k-1}` (padding slots are trailing);
//! 2. `Poseidon(rule fields)` is in the definitions tree at the rule index (if active);
//! 3. old leaf value = `create ∧ ¬called ? 0 : Poseidon(id, create ? 0 : def_id, w0..w4,
//!    status, parent, parent_element)` is in the state tree at `id` under the running tree root
//!    (if active); `create ⇒ w = 0`; `create ∧ ¬called ⇒ id = next, parent = 0,
//!    parent_element = 0` and the counter increments; `create ∧ called ⇒ status = 3`
//!    (called child); `¬create ⇒ status = 1` (running);
//! 4. `pre ⊆ m`, `empty` scope words are zero, `m' = ((m ∖ pre), clear words zeroed) ∪ post`;
//! 5. new status = `2` if the scope words of `m'` are all zero else `1`; the new leaf (the
//!    rule's def id, same parent link) hashed with the same path gives the next tree root;
//! 6. partner `q` (flag `call` or `return`, never both): for `call`, `q = next`, the leaf at
//!    `q` is absent and becomes `Poseidon(q, 0, 0,0,0,0,0, 3, id, element)`, the counter
//!    increments; for `return`, the leaf at `q` is `Poseidon(q, d, v0..v4, 2, id, element)`
//!    and becomes the same with status `4`; both checked on the path `partner_path` under the
//!    tree root after step 5;
//! 7. `c_k = Poseidon(c_{k-1}, id + 2^32 * rule_index + 2^64 * q)` (`q = 0` without partner;
//!    `c_k = c_{k-1}` for padding), `c_0 = batch_number`.
//!
//! Finally `Poseidon(tree_root_K, next_K) = new_root` and `c_K = commitment`. These are exactly
//! the checks of [`crate::state::State::fire_with`] and [`crate::state::BatchBuilder`].

use crate::encoding::{status, Marking, Partner, TransitionRule, FLAG_BITS, FLAG_CALL, FLAG_RETURN, LIMBS, SCOPE_WORDS, WORDS, WORD_BITS};
use crate::gadgets::*;
use crate::state::{Batch, Instance, Params, Step};
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
            assert_eq!(s.partner_path.len(), p.state_depth);
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
            number: 0,
            old_tree_root: Fr::zero(),
            old_next_id: 0,
            steps: vec![],
        })
    }
}

fn alloc_fr(cs: &ConstraintSystemRef<Fr>, v: Fr) -> Result<FpVar<Fr>, SynthesisError> {
    FpVar::new_witness(cs.clone(), || Ok(v))
}

fn alloc_u64(cs: &ConstraintSystemRef<Fr>, v: u64) -> Result<FpVar<Fr>, SynthesisError> {
    alloc_fr(cs, Fr::from(v))
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

fn path_vars(cs: &ConstraintSystemRef<Fr>, path: Option<&Vec<Fr>>, depth: usize) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
    (0..depth).map(|l| alloc_fr(cs, path.map(|p| p[l]).unwrap_or_default())).collect()
}

impl ConstraintSynthesizer<Fr> for BatchCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let b = &self.batch;
        let p = b.params;
        let old_root = FpVar::new_input(cs.clone(), || Ok(b.old_root))?;
        let new_root = FpVar::new_input(cs.clone(), || Ok(b.new_root))?;
        let defs_root = FpVar::new_input(cs.clone(), || Ok(b.defs_root))?;
        let commitment = FpVar::new_input(cs.clone(), || Ok(b.commitment))?;
        let batch_number = FpVar::new_input(cs.clone(), || Ok(Fr::from(b.number)))?;

        // the state root binds the instance tree and the instance counter
        let mut root = alloc_fr(&cs, b.old_tree_root)?;
        let mut next = alloc_u64(&cs, b.old_next_id)?;
        poseidon_var(&[root.clone(), next.clone()])?.enforce_equal(&old_root)?;

        let mut chain = batch_number;
        let mut prev_active = Boolean::TRUE;
        let zero = FpVar::<Fr>::zero();
        let one = FpVar::<Fr>::one();
        let dflt_rule = TransitionRule {
            def_id: 0, element: 0, kind: 0, scope: 0, pre: Marking::default(), post: Marking::default(),
            clear: 0, empty: 0, create: false, partner: Partner::None, step: crate::encoding::RuleStep::Fire, label: String::new(),
        };
        for k in 0..p.batch_size {
            let step: Option<&Step> = b.steps.get(k);
            let active = Boolean::new_witness(cs.clone(), || Ok(step.is_some()))?;
            // 1. padding is trailing
            FpVar::from(active.clone()).mul_equals(&FpVar::from(!prev_active.clone()), &zero)?;
            prev_active = active.clone();

            let rule = step.map(|s| &s.rule).unwrap_or(&dflt_rule);
            let before = step.map(|s| s.before).unwrap_or(Instance::NONE);

            // 2. rule membership
            let def_id = alloc_u64(&cs, rule.def_id as u64)?;
            let element = alloc_u64(&cs, rule.element as u64)?;
            let kind = alloc_u64(&cs, rule.kind as u64)?;
            let scope = alloc_u64(&cs, rule.scope as u64)?;
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
                def_id.clone(), element.clone(), kind, scope, p0, p1, p2, q0, q1, q2, flags,
            ])?;
            let (ri_bits, ri) = alloc_bits(cs.clone(), Some(step.map(|s| s.rule_index).unwrap_or(0) as u128), p.defs_depth)?;
            let defs_path = path_vars(&cs, step.map(|s| &s.defs_path), p.defs_depth)?;
            merkle_root_var(&rule_hash, &ri_bits, &defs_path)?
                .conditional_enforce_equal(&defs_root, &active)?;

            // 3. old instance leaf
            let create = flag_bits[0].clone();
            let clear = flag_bits[1..1 + SCOPE_WORDS].to_vec();
            let empty = flag_bits[1 + SCOPE_WORDS..1 + 2 * SCOPE_WORDS].to_vec();
            let call = flag_bits[FLAG_CALL].clone();
            let ret = flag_bits[FLAG_RETURN].clone();
            let (id_bits, id) = alloc_bits(cs.clone(), Some(step.map(|s| s.instance_id).unwrap_or(0) as u128), p.state_depth)?;
            let called = Boolean::new_witness(cs.clone(), || Ok(before.status == status::CALLED))?;
            let (m_bits, m_w) = alloc_marking(&cs, &before.marking)?;
            let status_old = alloc_u64(&cs, before.status)?;
            let parent = alloc_u64(&cs, before.parent)?;
            let parent_element = alloc_u64(&cs, before.parent_element as u64)?;
            let state_path = path_vars(&cs, step.map(|s| &s.state_path), p.state_depth)?;
            let create_fp = FpVar::from(create.clone());
            let def_old = &def_id - &create_fp * &def_id;
            let old_hash = instance_leaf_var(
                &LeafVars { id: &id, def_id: &def_old, status: &status_old, parent: &parent, parent_element: &parent_element },
                &m_w,
            )?;
            let fresh = create.clone() & !called.clone();
            let old_value = FpVar::from(!fresh.clone()) * &old_hash;
            merkle_root_var(&old_value, &id_bits, &state_path)?
                .conditional_enforce_equal(&root, &active)?;
            for w in &m_w {
                create_fp.mul_equals(w, &zero)?;
            }
            let fresh_active = active.clone() & fresh.clone();
            id.conditional_enforce_equal(&next, &fresh_active)?;
            parent.conditional_enforce_equal(&zero, &fresh_active)?;
            parent_element.conditional_enforce_equal(&zero, &fresh_active)?;
            let called_start = active.clone() & create.clone() & called.clone();
            status_old.conditional_enforce_equal(&FpVar::constant(Fr::from(status::CALLED)), &called_start)?;
            let must_run = active.clone() & !create.clone();
            status_old.conditional_enforce_equal(&FpVar::constant(Fr::from(status::RUNNING)), &must_run)?;
            let next1 = &next + FpVar::from(fresh);

            // 4. enabledness and update
            for w in 0..SCOPE_WORDS {
                FpVar::from(empty[w].clone()).mul_equals(&m_w[w], &zero)?;
            }
            let new_w = fire_bits(&m_bits, &pre_bits, &post_bits, &clear)?;

            // 5. new leaf and tree root
            let mut all_empty = Boolean::TRUE;
            for w in new_w.iter().take(SCOPE_WORDS) {
                all_empty = all_empty & w.is_zero()?;
            }
            let status_new = &one + FpVar::from(all_empty);
            let new_hash = instance_leaf_var(
                &LeafVars { id: &id, def_id: &def_id, status: &status_new, parent: &parent, parent_element: &parent_element },
                &new_w,
            )?;
            let root1 = merkle_root_var(&new_hash, &id_bits, &state_path)?;

            // 6. partner: the call-activity link
            FpVar::from(call.clone()).mul_equals(&FpVar::from(ret.clone()), &zero)?;
            let has_partner = call.clone() | ret.clone();
            let partner_before = step.map(|s| s.partner_before).unwrap_or(Instance::NONE);
            let (q_bits, q) = alloc_bits(cs.clone(), Some(step.map(|s| s.partner_id).unwrap_or(0) as u128), p.state_depth)?;
            let q_def = alloc_u64(&cs, partner_before.def_id as u64)?;
            let q_words: [FpVar<Fr>; WORDS] = std::array::from_fn(|w| alloc_u64(&cs, partner_before.marking.0[w]).expect("witness allocation"));
            let partner_path = path_vars(&cs, step.map(|s| &s.partner_path), p.state_depth)?;
            let ret_fp = FpVar::from(ret.clone());
            let q_completed = FpVar::constant(Fr::from(status::COMPLETED));
            let q_old_hash = instance_leaf_var(
                &LeafVars { id: &q, def_id: &q_def, status: &q_completed, parent: &id, parent_element: &element },
                &q_words,
            )?;
            let q_old_value = &ret_fp * &q_old_hash;
            let partner_active = active.clone() & has_partner.clone();
            merkle_root_var(&q_old_value, &q_bits, &partner_path)?
                .conditional_enforce_equal(&root1, &partner_active)?;
            // call: empty definition and marking, status CALLED (3); return: same, status RETURNED (4)
            let q_def_new = &ret_fp * &q_def;
            let q_words_new: [FpVar<Fr>; WORDS] = std::array::from_fn(|w| &ret_fp * &q_words[w]);
            let q_status_new = FpVar::constant(Fr::from(status::CALLED)) + &ret_fp;
            let q_new_hash = instance_leaf_var(
                &LeafVars { id: &q, def_id: &q_def_new, status: &q_status_new, parent: &id, parent_element: &element },
                &q_words_new,
            )?;
            let root2 = merkle_root_var(&q_new_hash, &q_bits, &partner_path)?;
            let call_active = active.clone() & call.clone();
            q.conditional_enforce_equal(&next1, &call_active)?;
            let next2 = &next1 + FpVar::from(call);
            let root_k = has_partner.select(&root2, &root1)?;
            root = active.select(&root_k, &root)?;
            next = active.select(&next2, &next)?;

            // 7. commitment chain
            let q_rec = FpVar::from(has_partner) * &q;
            let rec = &id + &ri * Fr::from(1u64 << 32) + q_rec * two64;
            let next_chain = poseidon_var(&[chain.clone(), rec])?;
            chain = active.select(&next_chain, &chain)?;
        }
        poseidon_var(&[root, next])?.enforce_equal(&new_root)?;
        chain.enforce_equal(&commitment)?;
        Ok(())
    }
}
