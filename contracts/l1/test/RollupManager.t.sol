// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "alstra-test/TestBase.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {RollupManager} from "../src/RollupManager.sol";
import {DataAvailability} from "../src/DataAvailability.sol";
import {IGroth16Verifier} from "../src/IGroth16Verifier.sol";
import {Verifier} from "../src/Verifier.sol";
import {BatchFixtures} from "./fixtures/BatchFixtures.sol";

/// @notice RollupManager + generated Verifier + DataAvailability with REAL Groth16 proofs of
/// batches walked on real BPMN models (fixtures exported by `alstra-prover fixtures`).
contract RollupManagerTest is TestBase {
    address internal owner = address(0xA11CE);
    address internal relayer = address(0xBEEF);
    address internal stranger = address(0xBAD);
    Verifier internal verifier;
    RollupManager internal rollup;

    function setUp() public {
        verifier = new Verifier();
        rollup = _deploy(DataAvailability.Mode.Rollup);
    }

    function _deploy(DataAvailability.Mode mode) internal returns (RollupManager r) {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        r = new RollupManager(owner, IGroth16Verifier(address(verifier)), mode, BatchFixtures.GENESIS_ROOT, f.defsRoot);
        bytes32 role = r.RELAYER_ROLE();
        vm.prank(owner);
        r.grantRole(role, relayer);
    }

    function _pub(BatchFixtures.Batch memory f) internal pure returns (RollupManager.BatchPublic memory) {
        return RollupManager.BatchPublic(f.oldRoot, f.newRoot, f.defsRoot, f.commitment);
    }

    function _proof(BatchFixtures.Batch memory f) internal pure returns (RollupManager.Proof memory) {
        return RollupManager.Proof(f.a, f.b, f.c);
    }

    function _submit(RollupManager r, uint256 n, BatchFixtures.Batch memory f) internal {
        vm.prank(relayer);
        r.submitBatch(n, _pub(f), _proof(f), f.data);
    }

    function test_verifierAcceptsRealProofs() public view {
        for (uint256 i = 0; i < BatchFixtures.COUNT; ++i) {
            BatchFixtures.Batch memory f = BatchFixtures.get(i);
            assertTrue(verifier.verifyProof(f.a, f.b, f.c, [f.oldRoot, f.newRoot, f.defsRoot, f.commitment, i + 1]));
        }
    }

    function test_verifierRejectsTamperedInputs() public view {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        assertFalse(verifier.verifyProof(f.a, f.b, f.c, [f.oldRoot, f.newRoot + 1, f.defsRoot, f.commitment, 1]));
        assertFalse(verifier.verifyProof(f.a, f.b, f.c, [f.oldRoot, f.newRoot, f.defsRoot, f.commitment + 1, 1]));
        // the proof of batch 1 presented as batch 2 (its number is a public input)
        assertTrue(verifier.verifyProof(f.a, f.b, f.c, [f.oldRoot, f.newRoot, f.defsRoot, f.commitment, 1]));
        assertFalse(verifier.verifyProof(f.a, f.b, f.c, [f.oldRoot, f.newRoot, f.defsRoot, f.commitment, 2]));
        // a signal >= r is refused (no aliasing)
        uint256 r = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
        assertFalse(verifier.verifyProof(f.a, f.b, f.c, [f.oldRoot + r, f.newRoot, f.defsRoot, f.commitment, 1]));
        // swapped Fq2 order in B (the classic export bug) fails
        uint256[2][2] memory b = [[f.b[0][1], f.b[0][0]], [f.b[1][1], f.b[1][0]]];
        assertFalse(verifier.verifyProof(f.a, b, f.c, [f.oldRoot, f.newRoot, f.defsRoot, f.commitment, 1]));
    }

    function test_validBatchesAcceptedInOrder() public {
        for (uint256 i = 0; i < BatchFixtures.COUNT; ++i) {
            BatchFixtures.Batch memory f = BatchFixtures.get(i);
            vm.expectEmit(true, true, false, true, address(rollup));
            emit RollupManager.BatchAccepted(i + 1, f.oldRoot, f.newRoot, f.defsRoot, f.commitment, relayer);
            _submit(rollup, i + 1, f);
            assertEq(rollup.lastBatch(), i + 1);
            assertEq(rollup.stateRoot(), f.newRoot);
            RollupManager.BatchRecord memory rec = rollup.batch(i + 1);
            assertEq(rec.newRoot, f.newRoot);
            assertEq(rec.relayer, relayer);
            DataAvailability da = rollup.dataAvailability();
            assertEq(da.commitmentOf(i + 1), f.commitment);
            assertEq(da.dataHashOf(i + 1), keccak256(f.data));
        }
    }

    function test_daRecomputesCommitmentFromData() public view {
        DataAvailability da = rollup.dataAvailability();
        for (uint256 i = 0; i < BatchFixtures.COUNT; ++i) {
            BatchFixtures.Batch memory f = BatchFixtures.get(i);
            assertEq(da.commitmentOfData(i + 1, f.data), f.commitment);
            assertEq(f.data.length, da.RECORD_BYTES() * f.transitions);
        }
    }

    function test_invalidProofRejected() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        // proof of batch 2 presented for batch 1's public inputs
        BatchFixtures.Batch memory g = BatchFixtures.get(1);
        f.a = g.a;
        vm.prank(relayer);
        vm.expectRevert(RollupManager.InvalidProof.selector);
        rollup.submitBatch(1, _pub(f), _proof(f), f.data);
        // a claimed new root the proof does not prove
        f = BatchFixtures.get(0);
        f.newRoot = f.newRoot ^ 1;
        vm.prank(relayer);
        vm.expectRevert(RollupManager.InvalidProof.selector);
        rollup.submitBatch(1, _pub(f), _proof(f), f.data);
        assertEq(rollup.lastBatch(), 0);
    }

    function test_replayedBatchRejected() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        _submit(rollup, 1, f);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(RollupManager.BatchAlreadyAccepted.selector, 1));
        rollup.submitBatch(1, _pub(f), _proof(f), f.data);
        // batch 2's valid proof cannot replace batch 1 either
        BatchFixtures.Batch memory g = BatchFixtures.get(1);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(RollupManager.BatchAlreadyAccepted.selector, 1));
        rollup.submitBatch(1, _pub(g), _proof(g), g.data);
        assertEq(rollup.batch(1).newRoot, f.newRoot);
    }

    function test_outOfOrderBatchRejected() public {
        BatchFixtures.Batch memory g = BatchFixtures.get(1);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(RollupManager.BatchOutOfOrder.selector, 1, 2));
        rollup.submitBatch(2, _pub(g), _proof(g), g.data);
    }

    function test_wrongOldRootRejected() public {
        // batch 2 (valid proof) submitted as batch 1: its old root is not the genesis root
        BatchFixtures.Batch memory g = BatchFixtures.get(1);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(RollupManager.WrongOldRoot.selector, BatchFixtures.GENESIS_ROOT, g.oldRoot));
        rollup.submitBatch(1, _pub(g), _proof(g), g.data);
    }

    function test_unknownDefinitionsRootRejected() public {
        RollupManager r = new RollupManager(owner, IGroth16Verifier(address(verifier)), DataAvailability.Mode.Rollup, BatchFixtures.GENESIS_ROOT, 0);
        bytes32 role = r.RELAYER_ROLE();
        vm.prank(owner);
        r.grantRole(role, relayer);
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(RollupManager.UnknownDefinitionsRoot.selector, f.defsRoot));
        r.submitBatch(1, _pub(f), _proof(f), f.data);
        vm.prank(owner);
        r.registerDefinitionsRoot(f.defsRoot);
        _submit(r, 1, f);
    }

    function test_nonRelayerRejected() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        bytes32 role = rollup.RELAYER_ROLE();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role));
        rollup.submitBatch(1, _pub(f), _proof(f), f.data);
        vm.prank(stranger);
        vm.expectRevert();
        rollup.pause();
    }

    function test_pauseBlocksSubmissionUntilUnpaused() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        vm.prank(owner);
        rollup.pause();
        vm.prank(relayer);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        rollup.submitBatch(1, _pub(f), _proof(f), f.data);
        vm.prank(owner);
        rollup.unpause();
        _submit(rollup, 1, f);
        assertEq(rollup.lastBatch(), 1);
    }

    function test_rollupModeRejectsDataNotMatchingCommitment() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        bytes memory data = f.data;
        data[7] = bytes1(uint8(data[7]) ^ 1); // another instance id in the first record
        vm.prank(relayer);
        vm.expectPartialRevert(DataAvailability.DataCommitmentMismatch.selector);
        rollup.submitBatch(1, _pub(f), _proof(f), data);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(DataAvailability.MalformedBatchData.selector, 3));
        rollup.submitBatch(1, _pub(f), _proof(f), hex"010203");
        assertEq(rollup.lastBatch(), 0);
    }

    function test_validiumModeRecordsCommitmentOnly() public {
        RollupManager v = _deploy(DataAvailability.Mode.Validium);
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        vm.prank(relayer);
        vm.expectRevert(DataAvailability.DataNotAccepted.selector);
        v.submitBatch(1, _pub(f), _proof(f), f.data);
        vm.prank(relayer);
        v.submitBatch(1, _pub(f), _proof(f), "");
        assertEq(v.dataAvailability().commitmentOf(1), f.commitment);
        assertEq(v.dataAvailability().dataHashOf(1), bytes32(0));
    }

    function test_onlyManagerRecordsData() public {
        DataAvailability da = rollup.dataAvailability();
        vm.expectRevert(abi.encodeWithSelector(DataAvailability.NotManager.selector, address(this)));
        da.record(1, 0, "");
    }

    /// Gas: verifier alone and full submissions (rollup and validium); see bench/l1-gas.sh.
    function test_gas_report() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        uint256 g0 = gasleft();
        verifier.verifyProof(f.a, f.b, f.c, [f.oldRoot, f.newRoot, f.defsRoot, f.commitment, 1]);
        uint256 verifyGas = g0 - gasleft();
        vm.prank(relayer);
        g0 = gasleft();
        rollup.submitBatch(1, _pub(f), _proof(f), f.data);
        uint256 submitGas = g0 - gasleft();
        RollupManager v = _deploy(DataAvailability.Mode.Validium);
        vm.prank(relayer);
        g0 = gasleft();
        v.submitBatch(1, _pub(f), _proof(f), "");
        uint256 validiumGas = g0 - gasleft();
        emit log_named_uint("batch slots", BatchFixtures.BATCH_SIZE);
        emit log_named_uint("transitions in batch", f.transitions);
        emit log_named_uint("verifyProof gas", verifyGas);
        emit log_named_uint("submitBatch gas (rollup, excl. calldata)", submitGas);
        emit log_named_uint("submitBatch gas per transition (rollup)", submitGas / f.transitions);
        emit log_named_uint("submitBatch gas (validium, excl. calldata)", validiumGas);
        emit log_named_uint("calldata bytes of batch data", f.data.length);
    }
}
