// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "alstra-test/TestBase.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {RollupManager} from "../src/RollupManager.sol";
import {DataAvailability} from "../src/DataAvailability.sol";
import {IGroth16Verifier} from "../src/IGroth16Verifier.sol";
import {Verifier} from "../src/Verifier.sol";
import {Groth16Verifier} from "../src/Groth16Verifier.sol";
import {ValidatorCommittee} from "../src/ValidatorCommittee.sol";
import {BatchFixtures} from "./fixtures/BatchFixtures.sol";

/// @notice RollupManager + generated Verifier + DataAvailability with REAL Groth16 proofs of
/// batches walked on real BPMN models (fixtures exported by `alstra-prover fixtures`), signed
/// by a committee of four test validators (set 0) or its successor.
contract RollupManagerTest is TestBase {
    address internal owner = address(0xA11CE);
    address internal relayer = address(0xBEEF);
    address internal stranger = address(0xBAD);
    Verifier internal verifier;
    RollupManager internal rollup;
    /// private keys of the validators of set 0 (4: threshold 3) and of an outsider
    uint256[] internal keys;
    uint256 internal outsiderKey = 0x0BAD;

    function setUp() public {
        for (uint256 i = 1; i <= 4; ++i) keys.push(0x1000 + i);
        verifier = new Verifier();
        rollup = _deploy(DataAvailability.Mode.Rollup);
    }

    function _addrs(uint256[] memory ks) internal pure returns (address[] memory a) {
        a = new address[](ks.length);
        for (uint256 i = 0; i < ks.length; ++i) a[i] = vm.addr(ks[i]);
    }

    function _deploy(DataAvailability.Mode mode) internal returns (RollupManager r) {
        r = new RollupManager(owner, IGroth16Verifier(address(verifier)), mode, BatchFixtures.GENESIS_ROOT, 0, _addrs(keys));
    }

    function _header(BatchFixtures.Batch memory f, uint256 n) internal pure returns (RollupManager.BatchHeader memory) {
        return RollupManager.BatchHeader(uint64(n), f.oldRoot, f.newRoot, f.defsRoot, f.commitment, uint32(10 * n), keccak256(abi.encode("block", n)));
    }

    function _proof(BatchFixtures.Batch memory f) internal pure returns (RollupManager.Proof memory) {
        return RollupManager.Proof(f.a, f.b, f.c);
    }

    /// Signatures of `ks` over `digest`, sorted by signer address as the contract requires.
    function _sign(uint256[] memory ks, bytes32 digest) internal pure returns (bytes[] memory sigs) {
        uint256[] memory sorted = _sortByAddress(ks);
        sigs = new bytes[](sorted.length);
        for (uint256 i = 0; i < sorted.length; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(sorted[i], digest);
            sigs[i] = abi.encodePacked(r, s, v);
        }
    }

    function _sortByAddress(uint256[] memory ks) internal pure returns (uint256[] memory out) {
        out = new uint256[](ks.length);
        for (uint256 i = 0; i < ks.length; ++i) out[i] = ks[i];
        for (uint256 i = 1; i < out.length; ++i) {
            for (uint256 j = i; j > 0 && vm.addr(out[j]) < vm.addr(out[j - 1]); --j) {
                (out[j], out[j - 1]) = (out[j - 1], out[j]);
            }
        }
    }

    /// The first `count` validator keys of set 0.
    function _first(uint256 count) internal view returns (uint256[] memory ks) {
        ks = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) ks[i] = keys[i];
    }

    function _submitAs(RollupManager r, uint256[] memory signers, uint256 n, BatchFixtures.Batch memory f, bytes memory data)
        internal
    {
        RollupManager.BatchHeader memory h = _header(f, n);
        bytes[] memory sigs = _sign(signers, r.hashBatchHeader(h));
        vm.prank(relayer);
        r.submitBatch(h, _proof(f), sigs, data);
    }

    /// The record L1 keeps (as its hash) of batch `n` made of `f`, sent by `relayer` in this block
    /// while committee `setId` is L1's.
    function _record(BatchFixtures.Batch memory f, uint256 n, uint64 setId) internal view returns (RollupManager.BatchRecord memory) {
        RollupManager.BatchHeader memory h = _header(f, n);
        return RollupManager.BatchRecord({
            oldRoot: f.oldRoot,
            newRoot: f.newRoot,
            definitionsRoot: f.defsRoot,
            commitment: f.commitment,
            sealedAtHash: h.sealedAtHash,
            sealedAt: h.sealedAt,
            validatorSetId: setId,
            relayer: relayer,
            l1BlockNumber: uint64(block.number),
            timestamp: uint64(block.timestamp)
        });
    }

    function _submit(RollupManager r, uint256 n, BatchFixtures.Batch memory f) internal {
        _submitAs(r, _first(3), n, f, f.data);
    }

    /// Expects the next submission of batch `n` (signed by 3 validators) to revert with `err`.
    function _expectRejected(RollupManager r, uint256 n, BatchFixtures.Batch memory f, bytes memory data, bytes memory err)
        internal
    {
        RollupManager.BatchHeader memory h = _header(f, n);
        bytes[] memory sigs = _sign(_first(3), r.hashBatchHeader(h));
        vm.prank(relayer);
        vm.expectRevert(err);
        r.submitBatch(h, _proof(f), sigs, data);
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

    function test_verifierWithTheKeyAsArgumentIsTheGeneratedOne() public {
        Groth16Verifier.VerifyingKey memory vk = verifier.verifyingKey();
        Groth16Verifier generic = new Groth16Verifier(vk);
        assertEq(generic.verifyingKeyHash(), verifier.verifyingKeyHash());
        assertEq(generic.verifyingKeyHash(), keccak256(abi.encode(vk)));
        for (uint256 i = 0; i < BatchFixtures.COUNT; ++i) {
            BatchFixtures.Batch memory f = BatchFixtures.get(i);
            uint256[5] memory pubs = [f.oldRoot, f.newRoot, f.defsRoot, f.commitment, i + 1];
            assertTrue(generic.verifyProof(f.a, f.b, f.c, pubs));
            pubs[1] ^= 1;
            assertFalse(generic.verifyProof(f.a, f.b, f.c, pubs));
        }
        // another key (gamma and delta swapped) rejects the same proofs
        (vk.gamma, vk.delta) = (vk.delta, vk.gamma);
        Groth16Verifier other = new Groth16Verifier(vk);
        BatchFixtures.Batch memory g = BatchFixtures.get(0);
        assertFalse(other.verifyProof(g.a, g.b, g.c, [g.oldRoot, g.newRoot, g.defsRoot, g.commitment, 1]));
        assertTrue(other.verifyingKeyHash() != verifier.verifyingKeyHash());
    }

    function test_verifierRefusesAKeyOutsideTheField() public {
        uint256 q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
        Groth16Verifier.VerifyingKey memory vk = verifier.verifyingKey();
        vk.delta[1][0] = q; // flattened index 12
        vm.expectRevert(abi.encodeWithSelector(Groth16Verifier.CoordinateOutOfField.selector, 12));
        new Groth16Verifier(vk);
        vk = verifier.verifyingKey();
        vk.ic[5][1] = q + 1; // the last one
        vm.expectRevert(abi.encodeWithSelector(Groth16Verifier.CoordinateOutOfField.selector, 25));
        new Groth16Verifier(vk);
    }

    function test_validBatchesAcceptedInOrder() public {
        for (uint256 i = 0; i < BatchFixtures.COUNT; ++i) {
            BatchFixtures.Batch memory f = BatchFixtures.get(i);
            RollupManager.BatchHeader memory h = _header(f, i + 1);
            DataAvailability da = rollup.dataAvailability();
            vm.expectEmit(true, false, false, true, address(da));
            emit DataAvailability.BatchDataPublished(i + 1, f.commitment, keccak256(f.data), f.transitions);
            vm.expectEmit(true, true, false, true, address(rollup));
            emit RollupManager.BatchAccepted(
                i + 1, f.oldRoot, f.newRoot, f.defsRoot, f.commitment, h.sealedAt, h.sealedAtHash, 0, relayer
            );
            _submit(rollup, i + 1, f);
            assertEq(rollup.lastBatch(), i + 1);
            assertEq(rollup.stateRoot(), f.newRoot);
            // the record (from the log) is the one whose hash L1 keeps; any other field is not
            RollupManager.BatchRecord memory rec = _record(f, i + 1, 0);
            assertEq(rollup.batchRecordHash(i + 1), rollup.hashBatchRecord(rec));
            rec.newRoot ^= 1;
            assertTrue(rollup.batchRecordHash(i + 1) != rollup.hashBatchRecord(rec), "a changed root must not match");
        }
        assertEq(rollup.batchRecordHash(BatchFixtures.COUNT + 1), bytes32(0), "no record for a batch not accepted");
    }

    function test_daRecomputesCommitmentFromData() public view {
        DataAvailability da = rollup.dataAvailability();
        for (uint256 i = 0; i < BatchFixtures.COUNT; ++i) {
            BatchFixtures.Batch memory f = BatchFixtures.get(i);
            assertEq(da.commitmentOfData(i + 1, f.data), f.commitment);
            assertEq(f.data.length, da.RECORD_BYTES() * f.transitions);
        }
    }

    function test_thresholdIsGrandpaSupermajority() public {
        assertEq(rollup.threshold(), 3);
        uint256[7] memory expected = [uint256(1), 2, 3, 3, 4, 5, 5];
        for (uint256 n = 1; n <= 7; ++n) {
            uint256[] memory ks = new uint256[](n);
            for (uint256 i = 0; i < n; ++i) ks[i] = 0x2000 + i;
            RollupManager r = new RollupManager(owner, IGroth16Verifier(address(verifier)), DataAvailability.Mode.Rollup, 1, 0, _addrs(ks));
            assertEq(r.threshold(), expected[n - 1]);
            assertGt(3 * r.threshold(), 2 * n); // more than 2/3
        }
    }

    function test_allSignaturesOrExactlyTheThresholdAccepted() public {
        _submitAs(rollup, keys, 1, BatchFixtures.get(0), BatchFixtures.get(0).data);
        uint256[] memory three = new uint256[](3);
        (three[0], three[1], three[2]) = (keys[1], keys[2], keys[3]);
        _submitAs(rollup, three, 2, BatchFixtures.get(1), BatchFixtures.get(1).data);
        assertEq(rollup.lastBatch(), 2);
    }

    function test_tooFewSignaturesRejected() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        RollupManager.BatchHeader memory h = _header(f, 1);
        bytes[] memory sigs = _sign(_first(2), rollup.hashBatchHeader(h));
        vm.expectRevert(abi.encodeWithSelector(ValidatorCommittee.NotEnoughSignatures.selector, 2, 3));
        rollup.submitBatch(h, _proof(f), sigs, f.data);
        assertEq(rollup.lastBatch(), 0);
    }

    function test_outsiderSignatureRejected() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        RollupManager.BatchHeader memory h = _header(f, 1);
        uint256[] memory signers = _first(3);
        signers[2] = outsiderKey;
        bytes32 digest = rollup.hashBatchHeader(h);
        bytes[] memory sigs = _sign(signers, digest);
        uint256[] memory sorted = _sortByAddress(signers);
        uint256 at;
        for (uint256 i = 0; i < 3; ++i) if (sorted[i] == outsiderKey) at = i;
        vm.expectRevert(abi.encodeWithSelector(ValidatorCommittee.SignerNotValidator.selector, at, vm.addr(outsiderKey)));
        rollup.submitBatch(h, _proof(f), sigs, f.data);
    }

    function test_duplicateOrUnsortedSignaturesRejected() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        RollupManager.BatchHeader memory h = _header(f, 1);
        bytes32 digest = rollup.hashBatchHeader(h);
        // one validator signing three times does not make a supermajority
        uint256[] memory same = new uint256[](1);
        same[0] = keys[0];
        bytes memory one = _sign(same, digest)[0];
        bytes[] memory sigs = new bytes[](3);
        (sigs[0], sigs[1], sigs[2]) = (one, one, one);
        vm.expectRevert(abi.encodeWithSelector(ValidatorCommittee.SignersNotSorted.selector, 1, vm.addr(keys[0])));
        rollup.submitBatch(h, _proof(f), sigs, f.data);
        // three distinct validators in descending order
        sigs = _sign(_first(3), digest);
        (sigs[0], sigs[2]) = (sigs[2], sigs[0]);
        vm.expectPartialRevert(ValidatorCommittee.SignersNotSorted.selector);
        rollup.submitBatch(h, _proof(f), sigs, f.data);
        // a malformed signature
        sigs = _sign(_first(3), digest);
        sigs[1] = hex"0102";
        vm.expectRevert(abi.encodeWithSelector(ValidatorCommittee.InvalidSignature.selector, 1));
        rollup.submitBatch(h, _proof(f), sigs, f.data);
    }

    function test_signaturesBindEveryHeaderField() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        RollupManager.BatchHeader memory signed = _header(f, 1);
        bytes[] memory sigs = _sign(_first(3), rollup.hashBatchHeader(signed));
        // the same signatures over a header the validators did not sign: recovered signers are
        // other addresses, which are not validators
        for (uint256 k = 0; k < 4; ++k) {
            RollupManager.BatchHeader memory h = _header(f, 1);
            if (k == 0) h.newRoot ^= 1;
            if (k == 1) h.definitionsRoot ^= 1;
            if (k == 2) h.sealedAt += 1;
            if (k == 3) h.sealedAtHash = bytes32(0);
            vm.expectPartialRevert(ValidatorCommittee.SignerNotValidator.selector);
            rollup.submitBatch(h, _proof(f), sigs, f.data);
        }
        // signed for another deployment (EIP-712 domain: verifying contract)
        RollupManager other = _deploy(DataAvailability.Mode.Rollup);
        vm.expectPartialRevert(ValidatorCommittee.SignerNotValidator.selector);
        other.submitBatch(signed, _proof(f), sigs, f.data);
        rollup.submitBatch(signed, _proof(f), sigs, f.data);
        assertEq(rollup.lastBatch(), 1);
    }

    function test_signedRootTheProofDoesNotProveRejected() public {
        // a supermajority signs a header whose new root no valid firing reaches: the proof fails
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        f.newRoot ^= 1;
        _expectRejected(rollup, 1, f, f.data, abi.encodeWithSelector(RollupManager.InvalidProof.selector));
        // nor can a real proof of another batch be reused under the signed header
        BatchFixtures.Batch memory g = BatchFixtures.get(0);
        g.a = BatchFixtures.get(1).a;
        _expectRejected(rollup, 1, g, g.data, abi.encodeWithSelector(RollupManager.InvalidProof.selector));
        assertEq(rollup.lastBatch(), 0);
    }

    function test_handoverReplacesTheValidatorSet() public {
        _submit(rollup, 1, BatchFixtures.get(0));
        // the council replaced validators 3 and 4 by two new ones: set 1 = {1, 2, 5, 6}
        uint256[] memory next = new uint256[](4);
        (next[0], next[1], next[2], next[3]) = (keys[0], keys[1], 0x1005, 0x1006);
        address[] memory nextAddrs = _addrs(next);
        bytes32 digest = rollup.hashValidatorSetChange(1, nextAddrs);
        // fewer than 3 of the current set cannot hand over
        vm.expectRevert(abi.encodeWithSelector(ValidatorCommittee.NotEnoughSignatures.selector, 2, 3));
        rollup.changeValidators(1, nextAddrs, _sign(_first(2), digest));
        // the new validators cannot sign their own handover
        vm.expectPartialRevert(ValidatorCommittee.SignerNotValidator.selector);
        rollup.changeValidators(1, nextAddrs, _sign(next, digest));
        // a set id that is not the next one
        bytes[] memory skipping = _sign(_first(3), rollup.hashValidatorSetChange(2, nextAddrs));
        vm.expectRevert(abi.encodeWithSelector(ValidatorCommittee.WrongValidatorSetId.selector, 1, 2));
        rollup.changeValidators(2, nextAddrs, skipping);

        vm.expectEmit(true, false, false, true, address(rollup));
        emit ValidatorCommittee.ValidatorSetChanged(1, nextAddrs);
        vm.prank(stranger); // anyone may carry a signed handover
        rollup.changeValidators(1, nextAddrs, _sign(_first(3), digest));
        assertEq(rollup.validatorSetId(), 1);
        assertEq(rollup.validators(), nextAddrs);
        assertFalse(rollup.isValidator(vm.addr(keys[2])));
        assertTrue(rollup.isValidator(vm.addr(0x1005)));

        // the old set (a supermajority of it: 1, 3, 4) can no longer sign a batch
        uint256[] memory old = new uint256[](3);
        (old[0], old[1], old[2]) = (keys[0], keys[2], keys[3]);
        BatchFixtures.Batch memory g = BatchFixtures.get(1);
        RollupManager.BatchHeader memory h = _header(g, 2);
        bytes[] memory oldSigs = _sign(old, rollup.hashBatchHeader(h));
        vm.expectPartialRevert(ValidatorCommittee.SignerNotValidator.selector);
        rollup.submitBatch(h, _proof(g), oldSigs, g.data);
        // nor replay the handover
        vm.expectRevert(abi.encodeWithSelector(ValidatorCommittee.WrongValidatorSetId.selector, 2, 1));
        rollup.changeValidators(1, nextAddrs, _sign(_first(3), digest));
        // the new set can
        uint256[] memory newSigners = new uint256[](3);
        (newSigners[0], newSigners[1], newSigners[2]) = (keys[1], 0x1005, 0x1006);
        _submitAs(rollup, newSigners, 2, g, g.data);
        assertEq(rollup.batchRecordHash(2), rollup.hashBatchRecord(_record(g, 2, 1)), "batch 2 accepted under set 1");
    }

    function test_deployedWithTheChainsCurrentCommitteeId() public {
        // a RollupManager deployed when AlstraNet's committee 7 is current: handovers go on from 7
        RollupManager later =
            new RollupManager(owner, IGroth16Verifier(address(verifier)), DataAvailability.Mode.Rollup, 1, 7, _addrs(keys));
        assertEq(later.validatorSetId(), 7);
        assertTrue(later.isValidator(vm.addr(keys[0])));
        address[] memory nextAddrs = new address[](1);
        nextAddrs[0] = vm.addr(0x1005);
        bytes[] memory sigs = _sign(_first(3), later.hashValidatorSetChange(1, nextAddrs));
        vm.expectRevert(abi.encodeWithSelector(ValidatorCommittee.WrongValidatorSetId.selector, 8, 1));
        later.changeValidators(1, nextAddrs, sigs);
        later.changeValidators(8, nextAddrs, _sign(_first(3), later.hashValidatorSetChange(8, nextAddrs)));
        assertEq(later.validatorSetId(), 8);
        assertEq(later.validators(), nextAddrs);
    }

    function test_invalidValidatorSetsRejected() public {
        address[] memory none = new address[](0);
        vm.expectRevert(abi.encodeWithSelector(ValidatorCommittee.ValidatorSetSize.selector, 0));
        new RollupManager(owner, IGroth16Verifier(address(verifier)), DataAvailability.Mode.Rollup, 1, 0, none);
        address[] memory dup = new address[](2);
        (dup[0], dup[1]) = (address(1), address(1));
        vm.expectRevert(abi.encodeWithSelector(ValidatorCommittee.InvalidValidator.selector, address(1)));
        new RollupManager(owner, IGroth16Verifier(address(verifier)), DataAvailability.Mode.Rollup, 1, 0, dup);
        address[] memory zero = new address[](1);
        vm.expectRevert(abi.encodeWithSelector(ValidatorCommittee.InvalidValidator.selector, address(0)));
        new RollupManager(owner, IGroth16Verifier(address(verifier)), DataAvailability.Mode.Rollup, 1, 0, zero);
        // a handover to an invalid set fails after the signatures are checked
        address[] memory bad = new address[](2);
        (bad[0], bad[1]) = (vm.addr(keys[0]), vm.addr(keys[0]));
        bytes[] memory sigs = _sign(_first(3), rollup.hashValidatorSetChange(1, bad));
        vm.expectRevert(abi.encodeWithSelector(ValidatorCommittee.InvalidValidator.selector, vm.addr(keys[0])));
        rollup.changeValidators(1, bad, sigs);
        assertEq(rollup.validatorSetId(), 0);
    }

    function test_replayedBatchRejected() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        _submit(rollup, 1, f);
        _expectRejected(rollup, 1, f, f.data, abi.encodeWithSelector(RollupManager.BatchAlreadyAccepted.selector, 1));
        // batch 2's valid, signed proof cannot replace batch 1 either
        BatchFixtures.Batch memory g = BatchFixtures.get(1);
        _expectRejected(rollup, 1, g, g.data, abi.encodeWithSelector(RollupManager.BatchAlreadyAccepted.selector, 1));
        assertEq(rollup.batchRecordHash(1), rollup.hashBatchRecord(_record(f, 1, 0)), "batch 1 unchanged");
    }

    function test_outOfOrderBatchRejected() public {
        BatchFixtures.Batch memory g = BatchFixtures.get(1);
        _expectRejected(rollup, 2, g, g.data, abi.encodeWithSelector(RollupManager.BatchOutOfOrder.selector, 1, 2));
    }

    function test_wrongOldRootRejected() public {
        // batch 2 (valid proof, signed) submitted as batch 1: its old root is not the genesis root
        BatchFixtures.Batch memory g = BatchFixtures.get(1);
        _expectRejected(
            rollup, 1, g, g.data, abi.encodeWithSelector(RollupManager.WrongOldRoot.selector, BatchFixtures.GENESIS_ROOT, g.oldRoot)
        );
    }

    function test_onlyAdminPauses() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, bytes32(0))
        );
        rollup.pause();
    }

    function test_pauseBlocksSubmissionUntilUnpaused() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        vm.prank(owner);
        rollup.pause();
        _expectRejected(rollup, 1, f, f.data, abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        vm.prank(owner);
        rollup.unpause();
        _submit(rollup, 1, f);
        assertEq(rollup.lastBatch(), 1);
    }

    function test_rollupModeRejectsDataNotMatchingCommitment() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        bytes memory data = f.data;
        data[7] = bytes1(uint8(data[7]) ^ 1); // another instance id in the first record
        RollupManager.BatchHeader memory h = _header(f, 1);
        bytes[] memory sigs = _sign(_first(3), rollup.hashBatchHeader(h));
        vm.expectPartialRevert(DataAvailability.DataCommitmentMismatch.selector);
        rollup.submitBatch(h, _proof(f), sigs, data);
        vm.expectRevert(abi.encodeWithSelector(DataAvailability.MalformedBatchData.selector, 3));
        rollup.submitBatch(h, _proof(f), sigs, hex"010203");
        assertEq(rollup.lastBatch(), 0);
    }

    function test_validiumModeRecordsCommitmentOnly() public {
        RollupManager v = _deploy(DataAvailability.Mode.Validium);
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        _expectRejected(v, 1, f, f.data, abi.encodeWithSelector(DataAvailability.DataNotAccepted.selector));
        vm.expectEmit(true, false, false, true, address(v.dataAvailability()));
        emit DataAvailability.BatchCommitmentRecorded(1, f.commitment);
        _submitAs(v, _first(3), 1, f, "");
        assertEq(v.lastBatch(), 1);
    }

    function test_onlyManagerRecordsData() public {
        DataAvailability da = rollup.dataAvailability();
        vm.expectRevert(abi.encodeWithSelector(DataAvailability.NotManager.selector, address(this)));
        da.record(1, 0, "");
    }

    /// Gas: verifier alone and full submissions (rollup and validium, 3 of 4 signatures); see
    /// bench/l1-gas.sh.
    function test_gas_report() public {
        BatchFixtures.Batch memory f = BatchFixtures.get(0);
        uint256 g0 = gasleft();
        verifier.verifyProof(f.a, f.b, f.c, [f.oldRoot, f.newRoot, f.defsRoot, f.commitment, 1]);
        uint256 verifyGas = g0 - gasleft();
        RollupManager.BatchHeader memory h = _header(f, 1);
        bytes[] memory sigs = _sign(_first(3), rollup.hashBatchHeader(h));
        g0 = gasleft();
        rollup.requireSupermajority(rollup.hashBatchHeader(h), sigs);
        uint256 sigGas = g0 - gasleft();
        uint256 rollupCalldataGas = _calldataGas(abi.encodeCall(RollupManager.submitBatch, (h, _proof(f), sigs, f.data)));
        g0 = gasleft();
        rollup.submitBatch(h, _proof(f), sigs, f.data);
        uint256 submitGas = g0 - gasleft();
        RollupManager v = _deploy(DataAvailability.Mode.Validium);
        sigs = _sign(_first(3), v.hashBatchHeader(h));
        uint256 validiumCalldataGas = _calldataGas(abi.encodeCall(RollupManager.submitBatch, (h, _proof(f), sigs, bytes(""))));
        g0 = gasleft();
        v.submitBatch(h, _proof(f), sigs, "");
        uint256 validiumGas = g0 - gasleft();
        emit log_named_uint("batch slots", BatchFixtures.BATCH_SIZE);
        emit log_named_uint("transitions in batch", f.transitions);
        emit log_named_uint("verifyProof gas", verifyGas);
        emit log_named_uint("3 of 4 validator signatures gas", sigGas);
        emit log_named_uint("submitBatch gas (rollup, excl. calldata)", submitGas);
        emit log_named_uint("submitBatch gas per transition (rollup)", submitGas / f.transitions);
        emit log_named_uint("submitBatch gas (validium, excl. calldata)", validiumGas);
        emit log_named_uint("calldata bytes of batch data", f.data.length);
        // What the relayer's transaction pays in all: 21000 + calldata + execution.
        emit log_named_uint("submitBatch transaction gas (rollup)", TX_BASE_GAS + rollupCalldataGas + submitGas);
        emit log_named_uint("submitBatch transaction gas (validium)", TX_BASE_GAS + validiumCalldataGas + validiumGas);
    }

    /// Intrinsic base cost of a transaction (Ethereum yellow paper, G_transaction).
    uint256 internal constant TX_BASE_GAS = 21_000;

    /// Calldata gas of `data` (EIP-2028: 16 per non-zero byte, 4 per zero byte; the EIP-7623
    /// floor of Prague is not reached by a call that executes a pairing check).
    function _calldataGas(bytes memory data) internal pure returns (uint256 gas) {
        for (uint256 i = 0; i < data.length; ++i) gas += data[i] == 0 ? 4 : 16;
    }
}
