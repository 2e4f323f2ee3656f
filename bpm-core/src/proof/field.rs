//! Field elements outside the circuit: 32-byte encoding (storage, RPC), decimal strings
//! (snarkjs, JSON witness files) and their serde helpers.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use ark_bn254::Fr;
use ark_ff::{BigInt, PrimeField};
use serde::Deserialize;

/// The 32-byte little-endian canonical encoding of a field element (storage, RPC).
pub fn fr_to_bytes(x: &Fr) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, limb) in x.into_bigint().0.iter().enumerate() {
        out[8 * i..8 * i + 8].copy_from_slice(&limb.to_le_bytes());
    }
    out
}

/// The field element of a 32-byte little-endian canonical encoding; `None` if it is not below
/// the field modulus.
pub fn fr_from_bytes(bytes: &[u8; 32]) -> Option<Fr> {
    let limbs = core::array::from_fn(|i| u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().expect("8 bytes")));
    Fr::from_bigint(BigInt(limbs))
}

/// Decimal string of a field element (snarkjs convention).
pub fn fr_to_dec(x: &Fr) -> String {
    x.into_bigint().to_string()
}

/// Parses a decimal string into a field element; errors unless it is a decimal number below the
/// field modulus.
pub fn fr_from_dec(s: &str) -> Result<Fr, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(alloc::format!("{s:?} is not a decimal number"));
    }
    let mut limbs = [0u64; 4];
    for d in s.bytes() {
        // limbs = limbs * 10 + d, refusing overflow of 256 bits
        let mut carry = (d - b'0') as u128;
        for l in limbs.iter_mut() {
            let v = *l as u128 * 10 + carry;
            *l = v as u64;
            carry = v >> 64;
        }
        if carry != 0 {
            return Err(alloc::format!("{s} is not below the field modulus"));
        }
    }
    Fr::from_bigint(BigInt(limbs)).ok_or_else(|| alloc::format!("{s} is not below the field modulus"))
}

/// Serde of one field element as a decimal string (snarkjs convention).
pub mod fr_one {
    //! `#[serde(with = "fr_one")]`.
    use super::*;
    /// Serializes.
    pub fn serialize<S: serde::Serializer>(x: &Fr, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&fr_to_dec(x))
    }
    /// Deserializes.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Fr, D::Error> {
        let s = String::deserialize(d)?;
        fr_from_dec(&s).map_err(serde::de::Error::custom)
    }
}

/// Serde of field elements as decimal strings.
pub mod fr_vec {
    //! `#[serde(with = "fr_vec")]`.
    use super::*;
    /// Serializes.
    pub fn serialize<S: serde::Serializer>(x: &[Fr], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(x.iter().map(fr_to_dec))
    }
    /// Deserializes.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Fr>, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        v.iter().map(|s| fr_from_dec(s).map_err(serde::de::Error::custom)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::Zero;

    #[test]
    fn decimal_round_trip_and_refusals() {
        let x = Fr::from(123456789u64) * Fr::from(987654321987u64) - Fr::from(5u64);
        assert_eq!(fr_from_dec(&fr_to_dec(&x)).unwrap(), x);
        assert_eq!(fr_from_dec("0").unwrap(), Fr::zero());
        // r itself and 2^256 are refused
        let r = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
        assert!(fr_from_dec(r).is_err());
        assert!(fr_from_dec(&"9".repeat(78)).is_err());
        assert!(fr_from_dec("12a").is_err());
        assert!(fr_from_dec("").is_err());
    }

    #[test]
    fn byte_encoding_round_trip() {
        let x = Fr::from(123456789u64) * Fr::from(987654321987u64) - Fr::from(5u64);
        assert_eq!(fr_from_bytes(&fr_to_bytes(&x)), Some(x));
        assert_eq!(fr_to_bytes(&Fr::from(1u64))[0], 1);
        assert_eq!(fr_from_bytes(&[0xff; 32]), None);
    }
}
