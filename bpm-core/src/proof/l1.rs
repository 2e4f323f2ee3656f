//! The messages AlstraNet's validators sign for Ethereum L1: EIP-712 typed data of the
//! `RollupManager` domain (`contracts/l1/src`), computed here so that the runtime (which checks
//! each validator's attestation), the node (which signs) and the relayer (which submits) hash
//! exactly what the L1 contracts hash.
//!
//! - A **batch header** ([`BatchHeaderMessage`], EIP-712 type [`BATCH_HEADER_TYPE`]): a sealed
//!   batch as the rollup pallet recorded it, signed by the validator committee of the block that
//!   sealed it; `RollupManager.submitBatch` accepts it with a valid proof and the signatures of
//!   a supermajority ([`supermajority`]) of its current validator set.
//! - A **validator-set change** ([`VALIDATOR_SET_CHANGE_TYPE`]): the committee `set_id - 1`
//!   handing over to committee `set_id` (`ValidatorCommittee.changeValidators`).
//!
//! Digests follow EIP-712 (<https://eips.ethereum.org/EIPS/eip-712>): `keccak256(0x19 0x01 ||
//! domainSeparator || hashStruct(message))`, with the domain `EIP712Domain(string name,string
//! version,uint256 chainId,address verifyingContract)` of OpenZeppelin's `EIP712` (name
//! [`DOMAIN_NAME`], version [`DOMAIN_VERSION`], the L1 chain id, the `RollupManager` address).
//! The type strings and domain name are generated into `contracts/l1/src/generated/L1Messages.sol`
//! ([`generated_solidity`]), which the contracts use for their type hashes.
//!
//! Field elements: the rollup stores roots and commitments as 32-byte **little-endian** BN254
//! scalars (`proof::state::fr_to_bytes`); L1 takes them as `uint256`, big-endian in the ABI
//! encoding. [`BatchHeaderMessage`] holds the stored (little-endian) bytes and converts.

use alloc::format;
use alloc::string::String;
use sha3::{Digest, Keccak256};

/// EIP-712 domain name of `RollupManager`.
pub const DOMAIN_NAME: &str = "AlstraNet Rollup";
/// EIP-712 domain version of `RollupManager`.
pub const DOMAIN_VERSION: &str = "1";
/// The EIP-712 domain type (OpenZeppelin `EIP712`, all four fields).
pub const DOMAIN_TYPE: &str = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
/// EIP-712 type of a sealed batch header (`RollupManager.BatchHeader`).
pub const BATCH_HEADER_TYPE: &str = "BatchHeader(uint64 number,uint256 oldRoot,uint256 newRoot,uint256 definitionsRoot,uint256 commitment,uint32 sealedAt,bytes32 sealedAtHash)";
/// EIP-712 type of a validator-set handover (`ValidatorCommittee.changeValidators`).
pub const VALIDATOR_SET_CHANGE_TYPE: &str = "ValidatorSetChange(uint64 setId,address[] validators)";

/// Path of the generated Solidity file, relative to the repository root.
pub const SOLIDITY_PATH: &str = "contracts/l1/src/generated/L1Messages.sol";

/// A 20-byte Ethereum address.
pub type Address = [u8; 20];

/// `keccak256(data)`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// Where the messages are verified: the L1 chain and the `RollupManager` contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Domain {
    /// EIP-155 chain id of the L1 (1 for Ethereum mainnet, 31337 for anvil).
    pub chain_id: u64,
    /// Address of the `RollupManager` contract.
    pub verifying_contract: Address,
}

impl Domain {
    /// The EIP-712 domain separator `hashStruct(EIP712Domain)`.
    pub fn separator(&self) -> [u8; 32] {
        let mut enc = [0u8; 32 * 5];
        enc[..32].copy_from_slice(&keccak256(DOMAIN_TYPE.as_bytes()));
        enc[32..64].copy_from_slice(&keccak256(DOMAIN_NAME.as_bytes()));
        enc[64..96].copy_from_slice(&keccak256(DOMAIN_VERSION.as_bytes()));
        enc[96..128].copy_from_slice(&uint(self.chain_id));
        enc[128..160].copy_from_slice(&address_word(&self.verifying_contract));
        keccak256(&enc)
    }

    /// The EIP-712 digest of a message whose `hashStruct` is `struct_hash`.
    pub fn digest(&self, struct_hash: &[u8; 32]) -> [u8; 32] {
        let mut enc = [0u8; 66];
        enc[0] = 0x19;
        enc[1] = 0x01;
        enc[2..34].copy_from_slice(&self.separator());
        enc[34..].copy_from_slice(struct_hash);
        keccak256(&enc)
    }
}

/// A sealed batch header as L1 receives it (`RollupManager.BatchHeader`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchHeaderMessage {
    /// Batch number (from 1).
    pub number: u64,
    /// State root before the batch (little-endian field element, as stored on chain).
    pub old_root: [u8; 32],
    /// State root after the batch (little-endian).
    pub new_root: [u8; 32],
    /// Definitions root at the seal (little-endian).
    pub definitions_root: [u8; 32],
    /// Commitment of the batch's transition records (little-endian).
    pub commitment: [u8; 32],
    /// Number of the block that sealed the batch.
    pub sealed_at: u32,
    /// Hash of that block.
    pub sealed_at_hash: [u8; 32],
}

impl BatchHeaderMessage {
    /// `hashStruct(BatchHeader)`.
    pub fn struct_hash(&self) -> [u8; 32] {
        let mut enc = [0u8; 32 * 8];
        enc[..32].copy_from_slice(&keccak256(BATCH_HEADER_TYPE.as_bytes()));
        enc[32..64].copy_from_slice(&uint(self.number));
        enc[64..96].copy_from_slice(&field_word(&self.old_root));
        enc[96..128].copy_from_slice(&field_word(&self.new_root));
        enc[128..160].copy_from_slice(&field_word(&self.definitions_root));
        enc[160..192].copy_from_slice(&field_word(&self.commitment));
        enc[192..224].copy_from_slice(&uint(self.sealed_at as u64));
        enc[224..].copy_from_slice(&self.sealed_at_hash);
        keccak256(&enc)
    }

    /// The digest the validators sign (`RollupManager.hashBatchHeader`).
    pub fn digest(&self, domain: &Domain) -> [u8; 32] {
        domain.digest(&self.struct_hash())
    }
}

/// `hashStruct(ValidatorSetChange)` of the handover to committee `set_id` with `validators`
/// (in the order L1 will store them).
pub fn validator_set_change_struct_hash(set_id: u64, validators: &[Address]) -> [u8; 32] {
    // EIP-712 `address[]`: keccak of the concatenated 32-byte words (= Solidity's
    // `abi.encodePacked(address[])`, which pads array elements).
    let mut hasher = Keccak256::new();
    for v in validators {
        hasher.update(address_word(v));
    }
    let list: [u8; 32] = hasher.finalize().into();
    let mut enc = [0u8; 96];
    enc[..32].copy_from_slice(&keccak256(VALIDATOR_SET_CHANGE_TYPE.as_bytes()));
    enc[32..64].copy_from_slice(&uint(set_id));
    enc[64..].copy_from_slice(&list);
    keccak256(&enc)
}

/// The digest the committee `set_id - 1` signs to hand over to `validators` as committee
/// `set_id` (`ValidatorCommittee.hashValidatorSetChange`).
pub fn validator_set_change_digest(domain: &Domain, set_id: u64, validators: &[Address]) -> [u8; 32] {
    domain.digest(&validator_set_change_struct_hash(set_id, validators))
}

/// Signatures a committee of `n` validators needs on L1: `n - floor((n - 1) / 3)`, GRANDPA's
/// supermajority (more than 2/3; `ValidatorCommittee.threshold`). 0 for an empty committee.
pub const fn supermajority(n: u32) -> u32 {
    if n == 0 {
        0
    } else {
        n - (n - 1) / 3
    }
}

/// The Ethereum address of a secp256k1 public key given as its 64-byte uncompressed form
/// without the `0x04` prefix: the last 20 bytes of its keccak256.
pub fn address_of(uncompressed: &[u8; 64]) -> Address {
    let h = keccak256(uncompressed);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[12..]);
    a
}

fn uint(v: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&v.to_be_bytes());
    w
}

fn address_word(a: &Address) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a);
    w
}

/// A stored little-endian field element as an ABI `uint256` word (big-endian).
fn field_word(le: &[u8; 32]) -> [u8; 32] {
    let mut w = *le;
    w.reverse();
    w
}

/// The text of [`SOLIDITY_PATH`]: the EIP-712 domain and type strings as Solidity constants.
pub fn generated_solidity() -> String {
    format!(
        "// SPDX-License-Identifier: Apache-2.0\n\
         // GENERATED from the Rust BPM core (bpm-core/src/proof/l1.rs) by\n\
         // `cargo run -p alstra-bpm-core --bin alstra-bpm-core-gen`. Do not edit: change the core and\n\
         // regenerate; `cargo test -p alstra-bpm-core` fails when this file drifts from the core.\n\
         pragma solidity ^0.8.24;\n\n\
         /// @title L1Messages\n\
         /// @notice The EIP-712 domain and message types that AlstraNet's validators sign and the L1\n\
         /// contracts verify; the runtime, the node and the relayer hash the same strings\n\
         /// (bpm-core/src/proof/l1.rs).\n\
         library L1Messages {{\n\
         \x20   /// @notice EIP-712 domain name of `RollupManager`.\n\
         \x20   string internal constant DOMAIN_NAME = \"{DOMAIN_NAME}\";\n\
         \x20   /// @notice EIP-712 domain version of `RollupManager`.\n\
         \x20   string internal constant DOMAIN_VERSION = \"{DOMAIN_VERSION}\";\n\
         \x20   /// @notice EIP-712 type of a sealed batch header.\n\
         \x20   bytes32 internal constant BATCH_HEADER_TYPEHASH = keccak256(\n\
         \x20       \"{BATCH_HEADER_TYPE}\"\n\
         \x20   );\n\
         \x20   /// @notice EIP-712 type of a validator-set handover.\n\
         \x20   bytes32 internal constant VALIDATOR_SET_CHANGE_TYPEHASH = keccak256(\"{VALIDATOR_SET_CHANGE_TYPE}\");\n\
         }}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex32(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for i in 0..32 {
            out[i] = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    fn sample() -> (Domain, BatchHeaderMessage) {
        let mut contract = [0u8; 20];
        contract.copy_from_slice(&hex32("000000000000000000000000e7f1725e7734ce288f8367e1bb143e90bb3f0512")[12..]);
        let domain = Domain { chain_id: 31337, verifying_contract: contract };
        let le = |v: u8| {
            let mut b = [0u8; 32];
            b[0] = v; // little-endian: the value v
            b[31] = 0x01; // and 2^248 on top, so that the byte order matters
            b
        };
        let header = BatchHeaderMessage {
            number: 7,
            old_root: le(1),
            new_root: le(2),
            definitions_root: le(3),
            commitment: le(4),
            sealed_at: 1234,
            sealed_at_hash: [0xab; 32],
        };
        (domain, header)
    }

    /// Known answers computed independently with ethers 6 (`TypedDataEncoder.hash`) for the
    /// same domain and messages (uint256 values `2^248 + k`); the e2e test
    /// `tests/e2e/test/l1-rollup.test.js` checks the contracts against the chain's digests too.
    #[test]
    fn digests_match_ethers_typed_data_encoder() {
        let (domain, header) = sample();
        assert_eq!(domain.separator(), hex32(ETHERS_DOMAIN_SEPARATOR));
        assert_eq!(header.digest(&domain), hex32(ETHERS_BATCH_DIGEST));
        let validators = [[0x11u8; 20], [0x22u8; 20], [0x33u8; 20]];
        assert_eq!(validator_set_change_digest(&domain, 3, &validators), hex32(ETHERS_HANDOVER_DIGEST));
    }

    #[test]
    fn every_field_changes_the_batch_digest() {
        let (domain, header) = sample();
        let base = header.digest(&domain);
        let variants = [
            BatchHeaderMessage { number: 8, ..header },
            BatchHeaderMessage { old_root: [0; 32], ..header },
            BatchHeaderMessage { new_root: [0; 32], ..header },
            BatchHeaderMessage { definitions_root: [0; 32], ..header },
            BatchHeaderMessage { commitment: [0; 32], ..header },
            BatchHeaderMessage { sealed_at: 1235, ..header },
            BatchHeaderMessage { sealed_at_hash: [0; 32], ..header },
        ];
        for v in variants {
            assert_ne!(v.digest(&domain), base, "{v:?}");
        }
        assert_ne!(header.digest(&Domain { chain_id: 1, ..domain }), base);
        assert_ne!(header.digest(&Domain { verifying_contract: [1; 20], ..domain }), base);
    }

    #[test]
    fn supermajority_is_grandpas_threshold() {
        let expected = [(0, 0), (1, 1), (2, 2), (3, 3), (4, 3), (5, 4), (6, 5), (7, 5), (10, 7), (100, 67)];
        for (n, t) in expected {
            assert_eq!(supermajority(n), t, "n = {n}");
            if n > 0 {
                // more than 2/3, and not more than needed: t - 1 would be at most 2/3
                assert!(3 * t > 2 * n && 3 * (t - 1) <= 2 * n, "n = {n}");
            }
        }
    }

    const ETHERS_DOMAIN_SEPARATOR: &str = "8142fde43ebf07aa13e0f3068905e59871961c29c8920f381f46de80a8375e63";
    const ETHERS_BATCH_DIGEST: &str = "54cec66cfcd85b54d6cb988cd452f1f2e03cac5c9f7a71023ae83a00545d725c";
    const ETHERS_HANDOVER_DIGEST: &str = "c67d4889b1d1eb124fc58b0d85d61eec9585c825c2cf958f820c90cb686c9b75";
}
