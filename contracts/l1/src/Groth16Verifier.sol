// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IGroth16Verifier} from "./IGroth16Verifier.sol";

/// @title Groth16 verifier of the AlstraNet BPM batch circuit (BN254), verifying key given at deployment
/// @notice The same check as the `Verifier.sol` that `alstra prover export` generates for one
/// key (snarkjs's `verifier_groth16.sol` structure), compiled once: the verifying key is a
/// constructor argument kept in immutables (as cheap to read as constants), so `alstra l1
/// deploy` deploys it for any key (seeded test keys or a ceremony's) without a Solidity
/// compiler. Public signals: [oldRoot, newRoot, definitionsRoot, commitment, batchNumber].
/// @dev G2 coordinates are (imaginary, real) as the EIP-197 pairing precompile expects; checks
/// `e(-A, B) · e(α, β) · e(vk_x, γ) · e(C, δ) = 1` with `vk_x = IC0 + Σ s_i · IC_{i+1}` (EIP-196).
contract Groth16Verifier is IGroth16Verifier {
    /// @dev BN254 scalar field modulus r.
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev BN254 base field modulus q.
    uint256 internal constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    /// @notice Number of public signals.
    uint256 public constant N_PUBLIC = 5;

    /// @notice A verifying key in Solidity calldata order (G2: [[x.c1, x.c0], [y.c1, y.c0]]).
    struct VerifyingKey {
        uint256[2] alpha;
        uint256[2][2] beta;
        uint256[2][2] gamma;
        uint256[2][2] delta;
        /// IC0 .. IC5 (one more than the public signals)
        uint256[2][6] ic;
    }

    /// @notice A coordinate of the verifying key is not below q (at index `index` of the
    /// flattened key: alpha 0-1, beta 2-5, gamma 6-9, delta 10-13, IC 14-25).
    error CoordinateOutOfField(uint256 index);

    uint256 internal immutable ALPHA_X;
    uint256 internal immutable ALPHA_Y;
    uint256 internal immutable BETA_X1;
    uint256 internal immutable BETA_X0;
    uint256 internal immutable BETA_Y1;
    uint256 internal immutable BETA_Y0;
    uint256 internal immutable GAMMA_X1;
    uint256 internal immutable GAMMA_X0;
    uint256 internal immutable GAMMA_Y1;
    uint256 internal immutable GAMMA_Y0;
    uint256 internal immutable DELTA_X1;
    uint256 internal immutable DELTA_X0;
    uint256 internal immutable DELTA_Y1;
    uint256 internal immutable DELTA_Y0;
    uint256 internal immutable IC0_X;
    uint256 internal immutable IC0_Y;
    uint256 internal immutable IC1_X;
    uint256 internal immutable IC1_Y;
    uint256 internal immutable IC2_X;
    uint256 internal immutable IC2_Y;
    uint256 internal immutable IC3_X;
    uint256 internal immutable IC3_Y;
    uint256 internal immutable IC4_X;
    uint256 internal immutable IC4_Y;
    uint256 internal immutable IC5_X;
    uint256 internal immutable IC5_Y;
    /// @notice keccak256 of the ABI-encoded verifying key: compare it with the ceremony's
    /// published key (`alstra l1 deploy` prints it).
    bytes32 public immutable verifyingKeyHash;

    /// @param vk the verifying key (every coordinate < q; points are checked on use by the
    /// precompiles, which fail for points off the curve)
    constructor(VerifyingKey memory vk) {
        uint256[26] memory flat = [
            vk.alpha[0], vk.alpha[1],
            vk.beta[0][0], vk.beta[0][1], vk.beta[1][0], vk.beta[1][1],
            vk.gamma[0][0], vk.gamma[0][1], vk.gamma[1][0], vk.gamma[1][1],
            vk.delta[0][0], vk.delta[0][1], vk.delta[1][0], vk.delta[1][1],
            vk.ic[0][0], vk.ic[0][1], vk.ic[1][0], vk.ic[1][1], vk.ic[2][0], vk.ic[2][1],
            vk.ic[3][0], vk.ic[3][1], vk.ic[4][0], vk.ic[4][1], vk.ic[5][0], vk.ic[5][1]
        ];
        for (uint256 i = 0; i < 26; ++i) {
            if (flat[i] >= Q) revert CoordinateOutOfField(i);
        }
        (ALPHA_X, ALPHA_Y) = (flat[0], flat[1]);
        (BETA_X1, BETA_X0, BETA_Y1, BETA_Y0) = (flat[2], flat[3], flat[4], flat[5]);
        (GAMMA_X1, GAMMA_X0, GAMMA_Y1, GAMMA_Y0) = (flat[6], flat[7], flat[8], flat[9]);
        (DELTA_X1, DELTA_X0, DELTA_Y1, DELTA_Y0) = (flat[10], flat[11], flat[12], flat[13]);
        (IC0_X, IC0_Y, IC1_X, IC1_Y) = (flat[14], flat[15], flat[16], flat[17]);
        (IC2_X, IC2_Y, IC3_X, IC3_Y) = (flat[18], flat[19], flat[20], flat[21]);
        (IC4_X, IC4_Y, IC5_X, IC5_Y) = (flat[22], flat[23], flat[24], flat[25]);
        verifyingKeyHash = keccak256(abi.encode(vk));
    }

    /// @notice The verifying key this verifier was deployed with.
    function verifyingKey() external view returns (VerifyingKey memory vk) {
        vk.alpha = [ALPHA_X, ALPHA_Y];
        vk.beta = [[BETA_X1, BETA_X0], [BETA_Y1, BETA_Y0]];
        vk.gamma = [[GAMMA_X1, GAMMA_X0], [GAMMA_Y1, GAMMA_Y0]];
        vk.delta = [[DELTA_X1, DELTA_X0], [DELTA_Y1, DELTA_Y0]];
        vk.ic = [[IC0_X, IC0_Y], [IC1_X, IC1_Y], [IC2_X, IC2_Y], [IC3_X, IC3_Y], [IC4_X, IC4_Y], [IC5_X, IC5_Y]];
    }

    /// @inheritdoc IGroth16Verifier
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[5] calldata pubSignals
    ) external view returns (bool) {
        if (pA[0] >= Q || pA[1] >= Q || pC[0] >= Q || pC[1] >= Q) return false;
        if (pB[0][0] >= Q || pB[0][1] >= Q || pB[1][0] >= Q || pB[1][1] >= Q) return false;
        for (uint256 i = 0; i < 5; ++i) {
            if (pubSignals[i] >= R) return false;
        }
        uint256[2] memory acc = [uint256(IC0_X), IC0_Y];
        if (!_mulAcc(acc, IC1_X, IC1_Y, pubSignals[0])) return false;
        if (!_mulAcc(acc, IC2_X, IC2_Y, pubSignals[1])) return false;
        if (!_mulAcc(acc, IC3_X, IC3_Y, pubSignals[2])) return false;
        if (!_mulAcc(acc, IC4_X, IC4_Y, pubSignals[3])) return false;
        if (!_mulAcc(acc, IC5_X, IC5_Y, pubSignals[4])) return false;

        uint256[24] memory p;
        // e(-A, B)
        p[0] = pA[0];
        p[1] = (Q - pA[1]) % Q;
        p[2] = pB[0][0];
        p[3] = pB[0][1];
        p[4] = pB[1][0];
        p[5] = pB[1][1];
        // e(alpha, beta)
        p[6] = ALPHA_X;
        p[7] = ALPHA_Y;
        p[8] = BETA_X1;
        p[9] = BETA_X0;
        p[10] = BETA_Y1;
        p[11] = BETA_Y0;
        // e(vk_x, gamma)
        p[12] = acc[0];
        p[13] = acc[1];
        p[14] = GAMMA_X1;
        p[15] = GAMMA_X0;
        p[16] = GAMMA_Y1;
        p[17] = GAMMA_Y0;
        // e(C, delta)
        p[18] = pC[0];
        p[19] = pC[1];
        p[20] = DELTA_X1;
        p[21] = DELTA_X0;
        p[22] = DELTA_Y1;
        p[23] = DELTA_Y0;
        uint256[1] memory out;
        bool ok;
        assembly {
            ok := staticcall(gas(), 0x08, p, 768, out, 0x20)
        }
        return ok && out[0] == 1;
    }

    /// @dev acc += s * (x, y) with the EIP-196 precompiles; false if one fails.
    function _mulAcc(uint256[2] memory acc, uint256 x, uint256 y, uint256 s) private view returns (bool ok) {
        uint256[4] memory buf;
        buf[0] = x;
        buf[1] = y;
        buf[2] = s;
        assembly {
            ok := staticcall(gas(), 0x07, buf, 0x60, buf, 0x40)
        }
        if (!ok) return false;
        buf[2] = acc[0];
        buf[3] = acc[1];
        assembly {
            ok := staticcall(gas(), 0x06, buf, 0x80, acc, 0x40)
        }
    }
}
