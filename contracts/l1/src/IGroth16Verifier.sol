// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Groth16 verifier interface (snarkjs `verifyProof` ABI, 5 public signals)
/// @notice Implemented by the generated `Verifier` (alstra-prover export).
interface IGroth16Verifier {
    /// @notice Checks a Groth16 proof over BN254.
    /// @param pA G1 point A (x, y)
    /// @param pB G2 point B ([[x.c1, x.c0], [y.c1, y.c0]]: imaginary part first, EIP-197 order)
    /// @param pC G1 point C (x, y)
    /// @param pubSignals [oldRoot, newRoot, definitionsRoot, batchCommitment, batchNumber], each < r
    /// @return valid true when the proof is valid
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[5] calldata pubSignals
    ) external view returns (bool valid);
}
