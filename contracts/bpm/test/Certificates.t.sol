// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {Vm} from "alstra-test/Vm.sol";
import {ProcessExecution} from "../src/ProcessExecution.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {IProcessDefinitionRegistry} from "../src/IProcessDefinitionRegistry.sol";
import {IParticipantRegistry} from "../src/IParticipantRegistry.sol";
import {ProcessDefinitionRegistry} from "../src/ProcessDefinitionRegistry.sol";
import {InstanceCertificates, ICertifiedEngine, ICertifyingRegistry} from "../src/InstanceCertificates.sol";

/// @notice Certificates (AlstraNet specification 5.13 Token, ERC-721; docs/bpm-engine.md,
/// "Rewards"): one per completed root instance of a definition that asks for it, to its starter,
/// held only by registered participants.
contract CertificatesTest is Models {
    InstanceCertificates internal certs;
    uint256 internal certified; // the sequence model, asking for certificates
    uint256 internal plain; // the same model, not asking

    function setUp() public override {
        super.setUp();
        certs = new InstanceCertificates(
            ICertifiedEngine(address(engine)), ICertifyingRegistry(address(registry)), IParticipantRegistry(address(participants))
        );
        buildSequence();
        certified = upload("certified");
        vm.expectEmit(address(registry));
        emit ProcessDefinitionRegistry.CertificatesRequested(certified);
        registry.requestCertificates(certified);
        registry.publish(certified);
        plain = deploy("plain");
    }

    function _run(uint256 def) internal returns (uint256 id) {
        id = start(alice, def, bind(MANAGER, bob));
        complete(alice, id, seqReview);
        complete(bob, id, seqApprove);
        assertStatus(id, BpmRuntime.InstanceStatus.Completed);
    }

    function testACompletedInstanceIsCertifiedToItsStarterOnce() public {
        assertTrue(registry.issuesCertificates(certified));
        assertFalse(registry.issuesCertificates(plain));
        uint256 id = start(alice, certified, bind(MANAGER, bob));
        vm.expectRevert(
            abi.encodeWithSelector(InstanceCertificates.InstanceNotCompleted.selector, id, BpmRuntime.InstanceStatus.Active)
        );
        certs.claim(id);
        complete(alice, id, seqReview);
        complete(bob, id, seqApprove);
        // anyone may claim it; it goes to the starter
        vm.expectEmit(address(certs));
        emit InstanceCertificates.CertificateIssued(id, certified, alice);
        vm.prank(mallory);
        assertEq(certs.claim(id), alice);
        assertEq(certs.ownerOf(id), alice);
        assertEq(certs.balanceOf(alice), 1);
        assertEq(certs.definitionOf(id), certified);
        assertEq(
            certs.tokenURI(id),
            string.concat(
                "data:application/json;utf8,{\"name\":\"AlstraNet certificate of instance #1\",\"description\":\"Process instance 1 of definition ",
                vm.toString(certified),
                " completed on AlstraNet.\",\"attributes\":[{\"trait_type\":\"instance\",\"value\":1},{\"trait_type\":\"definition\",\"value\":",
                vm.toString(certified),
                "}]}"
            )
        );
        vm.expectRevert(abi.encodeWithSelector(InstanceCertificates.AlreadyCertified.selector, id));
        certs.claim(id);
    }

    function testOnlyDefinitionsThatAskForItAndRootInstances() public {
        uint256 id = _run(plain);
        vm.expectRevert(abi.encodeWithSelector(InstanceCertificates.NoCertificatesForDefinition.selector, id, plain));
        certs.claim(id);
        vm.expectRevert(
            abi.encodeWithSelector(InstanceCertificates.InstanceNotCompleted.selector, 99, BpmRuntime.InstanceStatus.None)
        );
        certs.claim(99);
        // a called instance: its root is certified, not it
        buildPayment();
        uint256 childDef = upload("payment");
        registry.requestCertificates(childDef);
        registry.publish(childDef);
        buildOrder();
        uint256 parent = start(alice, deploy("order"), noBindings());
        uint256 child = engine.childInstances(parent)[0];
        complete(alice, child, caPay);
        assertStatus(child, BpmRuntime.InstanceStatus.Completed);
        vm.expectRevert(abi.encodeWithSelector(InstanceCertificates.NotARootInstance.selector, child, parent));
        certs.claim(child);
    }

    function testOnlyTheDraftsOwnerAsksAndNotAfterPublishing() public {
        buildSequence();
        uint256 draft = upload("draft");
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.NotDefinitionOwner.selector, draft, mallory));
        registry.requestCertificates(draft);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.DefinitionNotDraft.selector, plain));
        registry.requestCertificates(plain);
    }

    function testACertificateMovesOnlyBetweenParticipants() public {
        uint256 id = _run(certified);
        certs.claim(id);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(InstanceCertificates.NotAParticipant.selector, mallory));
        certs.transferFrom(alice, mallory, id);
        vm.prank(alice);
        certs.transferFrom(alice, bob, id);
        assertEq(certs.ownerOf(id), bob);
        vm.prank(bob);
        vm.expectRevert(); // OpenZeppelin: ERC721InvalidReceiver(0); no burn either
        certs.transferFrom(bob, address(0), id);
        assertEq(certs.ownerOf(id), bob);
    }

    function testConstructorRefusesZeroAddresses() public {
        vm.expectRevert(InstanceCertificates.ZeroAddress.selector);
        new InstanceCertificates(
            ICertifiedEngine(address(0)), ICertifyingRegistry(address(registry)), IParticipantRegistry(address(participants))
        );
    }

    /// Random claims on a few instances in random states: a certificate exists exactly for the
    /// completed instances of the certified definition, each with its starter.
    function testFuzzCertificatesOnlyForCompletedCertifiedInstances(uint256 seed) public {
        uint256[6] memory ids;
        for (uint256 i; i < 6; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            address starter = r % 2 == 0 ? alice : erin; // both Clerks: the starter reviews
            ids[i] = start(starter, r % 3 == 0 ? plain : certified, bind(MANAGER, bob));
            if ((r >> 8) % 3 >= 1) complete(starter, ids[i], seqReview);
            if ((r >> 8) % 3 == 2) complete(bob, ids[i], seqApprove);
        }
        for (uint256 k; k < 12; ++k) {
            uint256 id = ids[uint256(keccak256(abi.encode(seed, "claim", k))) % 6];
            try certs.claim(id) {} catch {}
        }
        for (uint256 i; i < 6; ++i) {
            BpmRuntime.InstanceInfo memory info = engine.instance(ids[i]);
            bool due = info.status == BpmRuntime.InstanceStatus.Completed && info.definitionId == certified;
            try certs.ownerOf(ids[i]) returns (address holder) {
                assertTrue(due, "a certificate for an instance that is not a completed certified one");
                assertEq(holder, info.starter);
            } catch {
                if (due) {
                    // never claimed in the random calls: claiming now issues it
                    assertEq(certs.claim(ids[i]), info.starter);
                }
            }
        }
    }
}

/// @notice Drives instances of a certified and a plain definition through random starts,
/// completions, claims and transfers (to participants and to an outsider).
contract CertificateHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    ProcessExecution public immutable engine;
    InstanceCertificates public immutable certs;
    uint256 public immutable certified;
    uint256 internal immutable plain;
    uint16 internal immutable review;
    uint16 internal immutable approve;
    bytes32 internal immutable manager;
    address[4] public cast; // alice, erin (Clerks), bob (Manager), mallory (no participant)

    uint256[] public instances;
    mapping(uint256 instanceId => bool) public claimed; // ghost: claims that succeeded
    uint256 public claims;
    uint256 public outsiderTransfers; // ghost: transfers to a non-participant that succeeded

    constructor(
        ProcessExecution e,
        InstanceCertificates c,
        uint256[2] memory definitions, // certified, plain
        uint16[2] memory tasks, // review, approve
        bytes32 managerRole,
        address[4] memory accounts
    ) {
        (engine, certs, certified, plain) = (e, c, definitions[0], definitions[1]);
        (review, approve, manager) = (tasks[0], tasks[1], managerRole);
        cast = accounts;
    }

    function instanceCount() external view returns (uint256) {
        return instances.length;
    }

    function start(uint256 seed) external {
        if (instances.length >= 8) return;
        BpmRuntime.RoleBinding[] memory b = new BpmRuntime.RoleBinding[](1);
        b[0] = BpmRuntime.RoleBinding({role: manager, account: cast[2]});
        vm.prank(cast[seed % 2]); // alice or erin: the starter reviews
        instances.push(engine.startInstance(seed % 3 == 0 ? plain : certified, b, new BpmRuntime.VariableAssignment[](0)));
    }

    function advance(uint256 seed) external {
        if (instances.length == 0) return;
        uint256 id = instances[seed % instances.length];
        // the enabled task by its performer half of the time, else a random task by anyone
        uint16 task = engine.isEnabled(id, review) ? review : approve;
        address who = task == review ? engine.instance(id).starter : cast[2];
        if ((seed >> 8) % 2 == 1) {
            task = (seed >> 16) % 2 == 0 ? review : approve;
            who = cast[(seed >> 24) % 4];
        }
        vm.prank(who);
        try engine.completeTask(id, task, new BpmRuntime.VariableAssignment[](0)) {} catch {}
    }

    function claim(uint256 seed) external {
        if (instances.length == 0) return;
        uint256 id = instances[seed % instances.length];
        vm.prank(cast[(seed >> 8) % 4]); // anyone may claim
        try certs.claim(id) {
            claimed[id] = true;
            claims++;
        } catch {}
    }

    function transfer(uint256 seed) external {
        if (instances.length == 0) return;
        uint256 id = instances[seed % instances.length];
        if (!claimed[id]) return;
        address holder = certs.ownerOf(id);
        address to = cast[(seed >> 8) % 4];
        vm.prank(holder);
        try certs.transferFrom(holder, to, id) {
            if (to == cast[3]) outsiderTransfers++;
        } catch {}
    }
}

/// @notice Invariants of InstanceCertificates (spec 5.13, ERC-721) under random runs: a
/// certificate exists exactly for the claimed instances, each a completed root instance of the
/// certified definition, at most one per instance, always held by a registered participant; no
/// transfer to an outsider ever succeeds.
contract CertificateInvariantTest is Models {
    CertificateHandler internal handler;
    InstanceCertificates internal certs;

    function setUp() public override {
        super.setUp();
        certs = newCertificates();
        uint256 certified = deployCertifiedSequence("certified");
        uint256 plain = deploy("plain");
        handler = new CertificateHandler(
            engine, certs, [certified, plain], [seqReview, seqApprove], MANAGER, [alice, erin, bob, mallory]
        );
        targetContract(address(handler));
    }

    function invariant_certificatesExactlyForClaimedCompletedCertifiedInstances() public view {
        uint256 held;
        for (uint256 i; i < handler.instanceCount(); ++i) {
            uint256 id = handler.instances(i);
            BpmRuntime.InstanceInfo memory info = engine.instance(id);
            if (handler.claimed(id)) {
                assertEq(uint256(info.status), uint256(BpmRuntime.InstanceStatus.Completed), "certificate of an unfinished instance");
                assertEq(info.definitionId, handler.certified(), "certificate of a definition that did not ask");
                assertEq(certs.definitionOf(id), handler.certified());
                assertTrue(participants.isParticipant(certs.ownerOf(id)), "a certificate held by an outsider");
                held++;
            }
        }
        assertEq(held, handler.claims(), "an instance certified twice");
        uint256 balances;
        for (uint256 k; k < 4; ++k) {
            balances += certs.balanceOf(handler.cast(k));
        }
        assertEq(balances, held, "certificates outside the claimed instances");
    }

    function invariant_noTransferToAnOutsider() public view {
        assertEq(handler.outsiderTransfers(), 0);
        assertEq(certs.balanceOf(mallory), 0);
    }
}
