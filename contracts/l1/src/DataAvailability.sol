// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";

/// @title Data availability of AlstraNet BPM batches
/// @notice Publishes each accepted batch's commitment in a log. In `Rollup` mode the batch data
/// (the transition records) must be posted in calldata and must hash to the commitment that the
/// Groth16 proof binds (`BatchDataPublished`, with the data's keccak256: the calldata of that
/// transaction is the data); in `Validium` mode only the commitment is published
/// (`BatchCommitmentRecorded`) and the data stays with the consortium (cheaper, but L1 alone
/// cannot rebuild the state). Nothing is stored: the commitment is also in the manager's
/// batch record hash, and logs and calldata are what a rebuilder reads (~44k gas less per batch).
/// @dev Batch data = n records of 12 bytes each, big-endian
/// `uint96(instanceId | ruleIndex << 32 | partnerId << 64)` (partnerId: the call-activity child a
/// call creates or a return resumes from, 0 otherwise; docs/prover.md).
/// Commitment = c_n with c_0 = batchNumber and c_k = Poseidon(c_{k-1}, record_k) (circomlib Poseidon(2),
/// BN254, x^5, as in the circuit; `PoseidonT3` of the `poseidon-solidity` package).
/// Only the RollupManager that deployed this contract can record batches.
contract DataAvailability {
    /// @notice Data-availability mode.
    enum Mode {
        Rollup,
        Validium
    }

    /// @notice Mode, fixed at deployment.
    Mode public immutable mode;
    /// @notice The RollupManager (deployer) allowed to record.
    address public immutable manager;

    /// @notice Bytes per transition record in the batch data.
    uint256 public constant RECORD_BYTES = 12;

    /// @notice Emitted in Rollup mode with the data's keccak256 and number of transitions.
    event BatchDataPublished(uint256 indexed batchNumber, uint256 commitment, bytes32 dataHash, uint256 transitions);
    /// @notice Emitted in Validium mode.
    event BatchCommitmentRecorded(uint256 indexed batchNumber, uint256 commitment);

    /// @notice Caller is not the RollupManager.
    error NotManager(address caller);
    /// @notice Batch data length is not a multiple of 12 bytes (one record).
    error MalformedBatchData(uint256 length);
    /// @notice Posted data does not hash to the proven commitment.
    error DataCommitmentMismatch(uint256 expected, uint256 computed);
    /// @notice Validium mode takes no batch data.
    error DataNotAccepted();

    /// @param mode_ Rollup (data on L1) or Validium (commitment only).
    constructor(Mode mode_) {
        mode = mode_;
        manager = msg.sender;
    }

    /// @notice Records batch `batchNumber` (called by the RollupManager after the proof check).
    /// @param batchNumber the accepted batch
    /// @param commitment the proven batch commitment
    /// @param data Rollup: the packed records; Validium: must be empty
    function record(uint256 batchNumber, uint256 commitment, bytes calldata data) external {
        if (msg.sender != manager) revert NotManager(msg.sender);
        if (mode == Mode.Validium) {
            if (data.length != 0) revert DataNotAccepted();
            emit BatchCommitmentRecorded(batchNumber, commitment);
            return;
        }
        uint256 computed = commitmentOfData(batchNumber, data);
        if (computed != commitment) revert DataCommitmentMismatch(commitment, computed);
        emit BatchDataPublished(batchNumber, commitment, keccak256(data), data.length / RECORD_BYTES);
    }

    /// @notice The batch commitment of packed records (see the contract docs).
    /// @param batchNumber the batch (the chain's start, `c_0`)
    /// @param data n * 12 bytes
    /// @return c the Poseidon hash chain over the records
    function commitmentOfData(uint256 batchNumber, bytes calldata data) public pure returns (uint256 c) {
        c = batchNumber;
        if (data.length % RECORD_BYTES != 0) revert MalformedBatchData(data.length);
        for (uint256 off = 0; off < data.length; off += RECORD_BYTES) {
            uint256 rec = uint96(bytes12(data[off:off + RECORD_BYTES]));
            c = PoseidonT3.hash([c, rec]);
        }
    }
}
