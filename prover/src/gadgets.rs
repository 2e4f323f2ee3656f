//! R1CS gadgets (ark-r1cs-std) used by the batch circuit, each mirroring a native function:
//!
//! | gadget | native |
//! |---|---|
//! | [`poseidon_var`] | [`crate::poseidon::hash`] |
//! | [`merkle_root_var`] | [`crate::smt::root_from_path`] |
//! | [`instance_leaf_var`] | [`crate::state::instance_leaf`] |
//! | [`rule_leaf_var`] | [`crate::state::rule_leaf`] |
//! | [`fire_bits`] | [`crate::state::apply_rule`] + the enabledness check of [`crate::state::State::fire`] |
//! | [`alloc_bits`] / [`bits_to_fp`] | bit decomposition with range check |

use crate::encoding::{SCOPE_WORDS, WORDS, WORD_BITS};
use ark_bn254::Fr;
use ark_ff::One;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::r1cs::{ConstraintSystemRef, SynthesisError};

/// circomlib `Poseidon(n)` in R1CS: `state = [0, inputs..]`, RF/2 full rounds, RP partial
/// rounds, RF/2 full rounds (add round constants, x^5 S-box: 3 constraints each, MDS as linear
/// combinations), output `state[0]`. Same parameters as [`crate::poseidon::params`].
pub fn poseidon_var(inputs: &[FpVar<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    let p = crate::poseidon::params(inputs.len())
        .unwrap_or_else(|| panic!("poseidon arity {} not compiled in", inputs.len()));
    let mut state: Vec<FpVar<Fr>> = Vec::with_capacity(p.width);
    state.push(FpVar::zero());
    state.extend(inputs.iter().cloned());
    let half = p.full_rounds / 2;
    let sbox = |x: &FpVar<Fr>| -> Result<FpVar<Fr>, SynthesisError> {
        let x2 = x.square()?;
        let x4 = x2.square()?;
        Ok(x4 * x)
    };
    for round in 0..p.full_rounds + p.partial_rounds {
        for (i, s) in state.iter_mut().enumerate() {
            *s += FpVar::constant(p.ark[round * p.width + i]);
        }
        let full = round < half || round >= half + p.partial_rounds;
        if full {
            for s in state.iter_mut() {
                *s = sbox(s)?;
            }
        } else {
            state[0] = sbox(&state[0])?;
        }
        state = (0..p.width)
            .map(|i| {
                state
                    .iter()
                    .zip(&p.mds[i * p.width..(i + 1) * p.width])
                    .fold(FpVar::zero(), |acc, (s, m)| acc + s * *m)
            })
            .collect();
    }
    Ok(state.swap_remove(0))
}

/// Allocates `n` witness bits (LSB first) of `value` (taken mod 2^n; missing in setup mode)
/// as Booleans and returns them with their recomposition `Σ b_i 2^i` (a linear combination).
/// Booleanity is enforced (1 constraint per bit), so the recomposition is `< 2^n`.
pub fn alloc_bits(
    cs: ConstraintSystemRef<Fr>,
    value: Option<u128>,
    n: usize,
) -> Result<(Vec<Boolean<Fr>>, FpVar<Fr>), SynthesisError> {
    assert!(n <= 128);
    let bits = (0..n)
        .map(|i| {
            Boolean::new_witness(cs.clone(), || {
                value.map(|v| v >> i & 1 == 1).ok_or(SynthesisError::AssignmentMissing)
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let fp = bits_to_fp(&bits)?;
    Ok((bits, fp))
}

/// `Σ b_i 2^i` (LSB first) as a linear combination (no constraint).
pub fn bits_to_fp(bits: &[Boolean<Fr>]) -> Result<FpVar<Fr>, SynthesisError> {
    let mut acc = FpVar::zero();
    let mut pow = Fr::one();
    for b in bits {
        acc += FpVar::from(b.clone()) * pow;
        pow = pow + pow;
    }
    Ok(acc)
}

/// Root of the path from `leaf` at the position given by `index_bits` (LSB = leaf level) with
/// siblings `path` (leaf level first): per level one selection constraint and one
/// `Poseidon(left, right)`.
pub fn merkle_root_var(
    leaf: &FpVar<Fr>,
    index_bits: &[Boolean<Fr>],
    path: &[FpVar<Fr>],
) -> Result<FpVar<Fr>, SynthesisError> {
    assert_eq!(index_bits.len(), path.len());
    let mut cur = leaf.clone();
    for (bit, sib) in index_bits.iter().zip(path) {
        // left = bit ? sib : cur ; right = cur + sib - left
        let left = FpVar::from(bit.clone()) * (sib - &cur) + &cur;
        let right = &cur + sib - &left;
        cur = poseidon_var(&[left, right])?;
    }
    Ok(cur)
}

/// The fields of an instance leaf besides its marking words.
pub struct LeafVars<'a> {
    /// Instance id.
    pub id: &'a FpVar<Fr>,
    /// Definition id.
    pub def_id: &'a FpVar<Fr>,
    /// Status.
    pub status: &'a FpVar<Fr>,
    /// Parent instance id.
    pub parent: &'a FpVar<Fr>,
    /// Parent's call activity element.
    pub parent_element: &'a FpVar<Fr>,
}

/// `Poseidon(id, def_id, w0, .., w4, status, parent, parent_element)`.
pub fn instance_leaf_var(l: &LeafVars<'_>, words: &[FpVar<Fr>; WORDS]) -> Result<FpVar<Fr>, SynthesisError> {
    let mut v = vec![l.id.clone(), l.def_id.clone()];
    v.extend(words.iter().cloned());
    v.extend([l.status.clone(), l.parent.clone(), l.parent_element.clone()]);
    poseidon_var(&v)
}

/// `Poseidon(def_id, element, kind, scope, pre_0, pre_1, pre_2, post_0, post_1, post_2, flags)`.
pub fn rule_leaf_var(fields: &[FpVar<Fr>; 11]) -> Result<FpVar<Fr>, SynthesisError> {
    poseidon_var(fields)
}

/// Firing on bit vectors (320 bits each, global bit `i` = word `i / 64`, bit `i % 64`):
/// enforces `pre ⊆ m` (1 constraint per bit: `pre_i * (1 - m_i) = 0`) and returns the new
/// marking words `((m ∖ pre) with the scope words flagged in clear zeroed) ∪ post`
/// (2 constraints per scope bit, 1 per message bit). `clear` has one Boolean per scope word.
pub fn fire_bits(
    m: &[Boolean<Fr>],
    pre: &[Boolean<Fr>],
    post: &[Boolean<Fr>],
    clear: &[Boolean<Fr>],
) -> Result<[FpVar<Fr>; WORDS], SynthesisError> {
    let n = WORDS * WORD_BITS;
    assert!(m.len() == n && pre.len() == n && post.len() == n && clear.len() == SCOPE_WORDS);
    let zero = FpVar::<Fr>::zero();
    let mut words: [FpVar<Fr>; WORDS] = std::array::from_fn(|_| FpVar::zero());
    for w in 0..WORDS {
        let keep = (w < SCOPE_WORDS).then(|| FpVar::from(!clear[w].clone()));
        let mut acc = FpVar::zero();
        let mut pow = Fr::one();
        for j in 0..WORD_BITS {
            let i = w * WORD_BITS + j;
            let mi = FpVar::from(m[i].clone());
            let pi = FpVar::from(pre[i].clone());
            let qi = FpVar::from(post[i].clone());
            // enabled: pre_i => m_i
            pi.mul_equals(&(FpVar::one() - &mi), &zero)?;
            // a = m - pre is boolean now; b = a * keep; n = b OR post = b + q - b*q
            let a = &mi - &pi;
            let b = match &keep {
                Some(k) => a * k,
                None => a,
            };
            let ni = &b + &qi - &b * &qi;
            acc += ni * pow;
            pow = pow + pow;
        }
        words[w] = acc;
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::{Marking, TransitionRule};
    use ark_r1cs_std::R1CSVar;
    use ark_relations::r1cs::ConstraintSystem;

    #[test]
    fn poseidon_gadget_matches_native() {
        for n in crate::poseidon::ARITIES {
            let cs = ConstraintSystem::<Fr>::new_ref();
            let xs: Vec<Fr> = (0..n as u64).map(|i| Fr::from(i * 7919 + 3)).collect();
            let vars: Vec<_> = xs
                .iter()
                .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap())
                .collect();
            let h = poseidon_var(&vars).unwrap();
            assert_eq!(h.value().unwrap(), crate::poseidon::hash(&xs));
            assert!(cs.is_satisfied().unwrap());
        }
    }

    #[test]
    fn merkle_gadget_matches_native() {
        let mut t = crate::smt::SparseMerkleTree::new(6);
        t.set(13, Fr::from(99u64));
        t.set(40, Fr::from(5u64));
        let cs = ConstraintSystem::<Fr>::new_ref();
        let (bits, _) = alloc_bits(cs.clone(), Some(13), 6).unwrap();
        let path: Vec<_> = t
            .path(13)
            .iter()
            .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap())
            .collect();
        let leaf = FpVar::new_witness(cs.clone(), || Ok(Fr::from(99u64))).unwrap();
        assert_eq!(merkle_root_var(&leaf, &bits, &path).unwrap().value().unwrap(), t.root());
        assert!(cs.is_satisfied().unwrap());
    }

    fn marking_bits(cs: &ConstraintSystemRef<Fr>, m: &Marking) -> Vec<Boolean<Fr>> {
        (0..WORDS * WORD_BITS)
            .map(|i| Boolean::new_witness(cs.clone(), || Ok(m.has(i))).unwrap())
            .collect()
    }

    #[test]
    fn fire_bits_matches_native() {
        let mut m = Marking::default();
        for b in [0, 3, 64, 130, 192, 255, 256, 319] {
            m.set(b);
        }
        let mut pre = Marking::default();
        pre.set(3);
        pre.set(192);
        pre.set(256);
        let mut post = Marking::default();
        post.set(5);
        post.set(200);
        post.set(300);
        for clear in [0u8, 0b0010, 0b1111] {
            let r = TransitionRule {
                def_id: 1, element: 0, kind: 0, scope: 0, pre, post, clear, empty: 0,
                create: false, partner: crate::encoding::Partner::None, step: crate::encoding::RuleStep::Fire, label: String::new(),
            };
            let cs = ConstraintSystem::<Fr>::new_ref();
            let cl: Vec<_> = (0..SCOPE_WORDS)
                .map(|w| Boolean::new_witness(cs.clone(), || Ok(clear >> w & 1 == 1)).unwrap())
                .collect();
            let words = fire_bits(&marking_bits(&cs, &m), &marking_bits(&cs, &pre), &marking_bits(&cs, &post), &cl).unwrap();
            let expect = crate::state::apply_rule(&m, &r);
            for w in 0..WORDS {
                assert_eq!(words[w].value().unwrap(), Fr::from(expect.0[w]));
            }
            assert!(cs.is_satisfied().unwrap());
        }
        // not enabled: pre has a bit m lacks
        let mut bad = pre;
        bad.set(7);
        let cs = ConstraintSystem::<Fr>::new_ref();
        let cl: Vec<_> = (0..SCOPE_WORDS).map(|_| Boolean::new_witness(cs.clone(), || Ok(false)).unwrap()).collect();
        let _ = fire_bits(&marking_bits(&cs, &m), &marking_bits(&cs, &bad), &marking_bits(&cs, &post), &cl).unwrap();
        assert!(!cs.is_satisfied().unwrap());
    }
}
