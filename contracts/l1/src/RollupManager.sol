// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IGroth16Verifier} from "./IGroth16Verifier.sol";
import {DataAvailability} from "./DataAvailability.sol";

/// @title AlstraNet L1 rollup manager
/// @notice Accepts AlstraNet BPM batches in order: batch n only on top of batch n-1's new state
/// root, with a valid Groth16 proof that the new root follows from the old one by valid BPM
/// firings of the process definitions committed in a registered definitions root, bound to the
/// batch commitment. Accepted batches are final: there is no way to replace one.
/// @dev Roles (OpenZeppelin AccessControl): DEFAULT_ADMIN_ROLE (owner: roles, pause),
/// RELAYER_ROLE (submits batches), DEFINITIONS_ROLE (registers definitions roots).
/// What the proof does not cover (who fired a transition, gateway conditions) is attested by
/// AlstraNet's GRANDPA finality; see docs/prover.md.
contract RollupManager is AccessControl, Pausable {
    /// @notice May submit batches.
    bytes32 public constant RELAYER_ROLE = keccak256("RELAYER_ROLE");
    /// @notice May register definitions roots.
    bytes32 public constant DEFINITIONS_ROLE = keccak256("DEFINITIONS_ROLE");

    /// @notice Public inputs of a batch proof (BN254 scalars).
    struct BatchPublic {
        uint256 oldRoot;
        uint256 newRoot;
        uint256 definitionsRoot;
        uint256 commitment;
    }

    /// @notice A Groth16 proof (snarkjs calldata layout; b with Fq2 imaginary part first).
    struct Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice What is stored per accepted batch.
    struct BatchRecord {
        uint256 oldRoot;
        uint256 newRoot;
        uint256 definitionsRoot;
        uint256 commitment;
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
    /// @notice Registered definitions roots.
    mapping(uint256 => bool) public isDefinitionsRoot;
    mapping(uint256 => BatchRecord) private _batches;

    /// @notice A batch was accepted.
    event BatchAccepted(
        uint256 indexed batchNumber, uint256 oldRoot, uint256 newRoot, uint256 definitionsRoot, uint256 commitment, address indexed relayer
    );
    /// @notice A definitions root was registered.
    event DefinitionsRootRegistered(uint256 indexed root);

    /// @notice `batchNumber` was already accepted (replay); accepted batches are never replaced.
    error BatchAlreadyAccepted(uint256 batchNumber);
    /// @notice `batchNumber` is not `lastBatch + 1`.
    error BatchOutOfOrder(uint256 expected, uint256 batchNumber);
    /// @notice The batch does not start from the current state root.
    error WrongOldRoot(uint256 expected, uint256 oldRoot);
    /// @notice The definitions root was not registered.
    error UnknownDefinitionsRoot(uint256 root);
    /// @notice The Groth16 proof does not verify for the public inputs.
    error InvalidProof();
    /// @notice A zero address was given.
    error ZeroAddress();
    /// @notice No batch with that number.
    error NoSuchBatch(uint256 batchNumber);

    /// @param admin owner (DEFAULT_ADMIN_ROLE and DEFINITIONS_ROLE)
    /// @param verifier_ generated Groth16 verifier
    /// @param mode data-availability mode of the DataAvailability contract deployed here
    /// @param genesisRoot_ state root of the empty state (alstra-prover's empty tree root)
    /// @param definitionsRoot first definitions root (0: none)
    constructor(address admin, IGroth16Verifier verifier_, DataAvailability.Mode mode, uint256 genesisRoot_, uint256 definitionsRoot) {
        if (admin == address(0) || address(verifier_) == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(DEFINITIONS_ROLE, admin);
        verifier = verifier_;
        dataAvailability = new DataAvailability(mode);
        genesisRoot = genesisRoot_;
        stateRoot = genesisRoot_;
        if (definitionsRoot != 0) _registerDefinitionsRoot(definitionsRoot);
    }

    /// @notice Submits batch `batchNumber` with its proof and (Rollup mode) its data.
    /// @dev Checks in order: relayer role, not paused, not a replay, in order, old root equals
    /// the current root, known definitions root, proof valid, data matches the commitment.
    /// @param batchNumber must be `lastBatch + 1`
    /// @param pub public inputs of the proof
    /// @param proof Groth16 proof
    /// @param data packed transition records (Rollup mode) or empty (Validium)
    function submitBatch(uint256 batchNumber, BatchPublic calldata pub, Proof calldata proof, bytes calldata data)
        external
        onlyRole(RELAYER_ROLE)
        whenNotPaused
    {
        uint256 last = lastBatch;
        if (batchNumber <= last) revert BatchAlreadyAccepted(batchNumber);
        if (batchNumber != last + 1) revert BatchOutOfOrder(last + 1, batchNumber);
        if (pub.oldRoot != stateRoot) revert WrongOldRoot(stateRoot, pub.oldRoot);
        if (!isDefinitionsRoot[pub.definitionsRoot]) revert UnknownDefinitionsRoot(pub.definitionsRoot);
        if (!verifier.verifyProof(
                proof.a, proof.b, proof.c, [pub.oldRoot, pub.newRoot, pub.definitionsRoot, pub.commitment, batchNumber]
            )) {
            revert InvalidProof();
        }
        lastBatch = batchNumber;
        stateRoot = pub.newRoot;
        _batches[batchNumber] = BatchRecord({
            oldRoot: pub.oldRoot,
            newRoot: pub.newRoot,
            definitionsRoot: pub.definitionsRoot,
            commitment: pub.commitment,
            relayer: msg.sender,
            l1BlockNumber: uint64(block.number),
            timestamp: uint64(block.timestamp)
        });
        dataAvailability.record(batchNumber, pub.commitment, data);
        emit BatchAccepted(batchNumber, pub.oldRoot, pub.newRoot, pub.definitionsRoot, pub.commitment, msg.sender);
    }

    /// @notice The record of accepted batch `batchNumber`.
    /// @param batchNumber 1..lastBatch
    /// @return the stored record
    function batch(uint256 batchNumber) external view returns (BatchRecord memory) {
        if (batchNumber == 0 || batchNumber > lastBatch) revert NoSuchBatch(batchNumber);
        return _batches[batchNumber];
    }

    /// @notice Registers a definitions root (after process definitions were registered on L2).
    /// @param root the definitions tree root
    function registerDefinitionsRoot(uint256 root) external onlyRole(DEFINITIONS_ROLE) {
        _registerDefinitionsRoot(root);
    }

    /// @notice Stops batch submission (owner).
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @notice Resumes batch submission (owner).
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    function _registerDefinitionsRoot(uint256 root) private {
        isDefinitionsRoot[root] = true;
        emit DefinitionsRootRegistered(root);
    }
}
