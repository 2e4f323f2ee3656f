// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IGroth16Verifier} from "./IGroth16Verifier.sol";
import {DataAvailability} from "./DataAvailability.sol";
import {ValidatorCommittee} from "./ValidatorCommittee.sol";
import {L1Messages} from "./generated/L1Messages.sol";

/// @title AlstraNet L1 rollup manager
/// @notice Accepts AlstraNet BPM batches in order, each only with (1) the signatures of a
/// supermajority of the consortium's validators over the batch header (`BatchHeader`, EIP-712),
/// which attest that AlstraNet finalized that batch, and (2) a Groth16 proof that the new state
/// root follows from the old one by valid BPM firings of the definitions committed in the
/// header's definitions root, bound to the batch commitment. Batch n is accepted only on top of
/// batch n-1's new root; accepted batches are final. Anyone may submit (the relayers race; the
/// loser gets `BatchAlreadyAccepted`): the signatures and the proof carry the trust, not the
/// sender.
/// @dev Roles (OpenZeppelin AccessControl): DEFAULT_ADMIN_ROLE pauses and resumes submission;
/// it cannot accept, replace or alter batches, nor change the validators (only a handover
/// signed by the current validators does, see `ValidatorCommittee`). What the proof does not
/// cover (who fired a transition, gateway conditions) is what the validators' signatures attest;
/// see docs/prover.md.
contract RollupManager is AccessControl, Pausable, ValidatorCommittee {
    /// @notice EIP-712 type of a batch header.
    /// (The type string is generated from bpm-core/src/proof/l1.rs, which the runtime and the
    /// relayer hash too.)
    bytes32 public constant BATCH_HEADER_TYPEHASH = L1Messages.BATCH_HEADER_TYPEHASH;

    /// @notice A sealed batch as AlstraNet's rollup pallet recorded it (`pallet_rollup::BatchHeader`);
    /// the roots and commitment are BN254 scalars, the proof's public inputs.
    struct BatchHeader {
        /// batch number (from 1)
        uint64 number;
        /// state root before the batch
        uint256 oldRoot;
        /// state root after it
        uint256 newRoot;
        /// definitions root at the seal
        uint256 definitionsRoot;
        /// commitment of the batch's transition records
        uint256 commitment;
        /// AlstraNet block that sealed the batch
        uint32 sealedAt;
        /// hash of that block (the validators sign only finalized blocks)
        bytes32 sealedAtHash;
    }

    /// @notice A Groth16 proof (snarkjs calldata layout; b with Fq2 imaginary part first).
    struct Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice What L1 knows of an accepted batch. Only its hash is stored
    /// (`batchRecordHash`, one slot instead of seven: ~130k gas less per batch, see
    /// docs/prover.md §7); the record itself is in the batch's `BatchAccepted` log (`l1BlockNumber`
    /// and `timestamp` are that log's block's), and `hashBatchRecord` checks a record read from it.
    struct BatchRecord {
        uint256 oldRoot;
        uint256 newRoot;
        uint256 definitionsRoot;
        uint256 commitment;
        bytes32 sealedAtHash;
        uint32 sealedAt;
        uint64 validatorSetId;
        address relayer;
        uint64 l1BlockNumber;
        uint64 timestamp;
    }

    /// @notice The Groth16 verifier of the batch circuit.
    IGroth16Verifier public immutable verifier;
    /// @notice Data availability (deployed by this contract).
    DataAvailability public immutable dataAvailability;
    /// @notice State root before any batch.
    uint256 public immutable genesisRoot;

    /// @notice Number of the last accepted batch (0: none yet; batches are numbered from 1).
    uint256 public lastBatch;
    /// @notice Current state root (new root of `lastBatch`, or the genesis root).
    uint256 public stateRoot;
    /// @notice Batch number => `hashBatchRecord` of its record (zero: not accepted).
    mapping(uint256 => bytes32) public batchRecordHash;

    /// @notice A batch was accepted: every field of its `BatchRecord` but the block number and
    /// timestamp, which are the log's block's.
    event BatchAccepted(
        uint256 indexed batchNumber,
        uint256 oldRoot,
        uint256 newRoot,
        uint256 definitionsRoot,
        uint256 commitment,
        uint32 sealedAt,
        bytes32 sealedAtHash,
        uint64 validatorSetId,
        address indexed relayer
    );

    /// @notice `batchNumber` was already accepted (replay); accepted batches are never replaced.
    error BatchAlreadyAccepted(uint256 batchNumber);
    /// @notice `batchNumber` is not `lastBatch + 1`.
    error BatchOutOfOrder(uint256 expected, uint256 batchNumber);
    /// @notice The batch does not start from the current state root.
    error WrongOldRoot(uint256 expected, uint256 oldRoot);
    /// @notice The Groth16 proof does not verify for the public inputs.
    error InvalidProof();
    /// @notice A zero address was given.
    error ZeroAddress();

    /// @param admin may pause and resume submission (DEFAULT_ADMIN_ROLE)
    /// @param verifier_ Groth16 verifier generated from the circuit's keys
    /// @param mode data-availability mode of the DataAvailability contract deployed here
    /// @param genesisRoot_ state root of the empty state (alstra-prover's empty tree root)
    /// @param validatorSetId_ the id of AlstraNet's current validator committee
    /// (`pallet_attestation::CurrentCommittee`; 0 on a new chain)
    /// @param validators_ that committee's attestation addresses
    constructor(
        address admin,
        IGroth16Verifier verifier_,
        DataAvailability.Mode mode,
        uint256 genesisRoot_,
        uint64 validatorSetId_,
        address[] memory validators_
    )
        EIP712(L1Messages.DOMAIN_NAME, L1Messages.DOMAIN_VERSION)
        ValidatorCommittee(validatorSetId_, validators_)
    {
        if (admin == address(0) || address(verifier_) == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        verifier = verifier_;
        dataAvailability = new DataAvailability(mode);
        genesisRoot = genesisRoot_;
        stateRoot = genesisRoot_;
    }

    /// @notice EIP-712 digest of `header` that the validators sign.
    function hashBatchHeader(BatchHeader calldata header) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    BATCH_HEADER_TYPEHASH,
                    header.number,
                    header.oldRoot,
                    header.newRoot,
                    header.definitionsRoot,
                    header.commitment,
                    header.sealedAt,
                    header.sealedAtHash
                )
            )
        );
    }

    /// @notice Submits the next batch with the validators' signatures, its proof and (Rollup
    /// mode) its data.
    /// @dev Checks in order: not paused, not a replay, in order, old root equals the current
    /// root, a supermajority of the current validators signed the header, the proof is valid,
    /// the data matches the commitment.
    /// @param header the batch header as sealed on AlstraNet; `header.number` must be `lastBatch + 1`
    /// @param proof Groth16 proof for `[oldRoot, newRoot, definitionsRoot, commitment, number]`
    /// @param signatures of current validators over `hashBatchHeader(header)`, sorted by signer
    /// @param data packed transition records (Rollup mode) or empty (Validium)
    function submitBatch(
        BatchHeader calldata header,
        Proof calldata proof,
        bytes[] calldata signatures,
        bytes calldata data
    ) external whenNotPaused {
        uint256 n = header.number;
        uint256 last = lastBatch;
        if (n <= last) revert BatchAlreadyAccepted(n);
        if (n != last + 1) revert BatchOutOfOrder(last + 1, n);
        if (header.oldRoot != stateRoot) revert WrongOldRoot(stateRoot, header.oldRoot);
        requireSupermajority(hashBatchHeader(header), signatures);
        if (!verifier.verifyProof(
                proof.a, proof.b, proof.c, [header.oldRoot, header.newRoot, header.definitionsRoot, header.commitment, n]
            )) {
            revert InvalidProof();
        }
        lastBatch = n;
        stateRoot = header.newRoot;
        batchRecordHash[n] = hashBatchRecord(
            BatchRecord({
                oldRoot: header.oldRoot,
                newRoot: header.newRoot,
                definitionsRoot: header.definitionsRoot,
                commitment: header.commitment,
                sealedAtHash: header.sealedAtHash,
                sealedAt: header.sealedAt,
                validatorSetId: validatorSetId,
                relayer: msg.sender,
                l1BlockNumber: uint64(block.number),
                timestamp: uint64(block.timestamp)
            })
        );
        dataAvailability.record(n, header.commitment, data);
        emit BatchAccepted(
            n,
            header.oldRoot,
            header.newRoot,
            header.definitionsRoot,
            header.commitment,
            header.sealedAt,
            header.sealedAtHash,
            validatorSetId,
            msg.sender
        );
    }

    /// @notice The hash stored for a batch record: `keccak256(abi.encode(record))`. A record
    /// rebuilt from a `BatchAccepted` log is the accepted one iff its hash equals
    /// `batchRecordHash[batchNumber]`.
    /// @param record the record, all fields
    /// @return its hash
    function hashBatchRecord(BatchRecord memory record) public pure returns (bytes32) {
        return keccak256(abi.encode(record));
    }

    /// @notice Stops batch submission (admin).
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @notice Resumes batch submission (admin).
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }
}
