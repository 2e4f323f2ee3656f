// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {Vm} from "alstra-test/Vm.sol";
import {BpmCore} from "../src/generated/BpmCore.sol";
import {BpmnModel} from "../src/BpmnModel.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {InstanceStore} from "../src/InstanceStore.sol";
import {ProcessExecution} from "../src/ProcessExecution.sol";
import {IProcessDefinitionRegistry} from "../src/IProcessDefinitionRegistry.sol";
import {IOracleEngine, OracleGateway} from "../src/OracleGateway.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/// @notice Integration (spec 5.19): service tasks and partner messages completed through the
/// OracleGateway with results that registered oracles signed (EIP-712). Models: test/models/
/// payment.bpmn with its task `Pay` made a service task writing `paidAmount` (Int), and
/// test/models/event-based.bpmn, whose black-box Customer sends `acceptFlow` / `rejectFlow`.
contract OracleGatewayTest is Models {
    OracleGateway internal gateway;
    uint256 internal constant ORACLE_KEY = 0x0A11CE5EC2E7;
    uint256 internal constant OTHER_KEY = 0xBADBAD;
    address internal oracle;
    uint16 internal pay;
    uint8 internal paidAmount;
    uint256 internal def;

    function setUp() public override {
        super.setUp();
        gateway = new OracleGateway(
            address(this), IOracleEngine(address(engine)), IProcessDefinitionRegistry(address(registry))
        );
        oracle = vm.addr(ORACLE_KEY);
        gateway.registerOracle(oracle);
        // the gateway is the participant that plays the service's role (Clerk) and the Customer
        participants.registerParticipant(address(gateway), "Payment service", roles2(CLERK, CUSTOMER));

        buildPayment();
        pay = caPay;
        bElements[pay].kind = BpmCore.ElementKind.ServiceTask;
        paidAmount = uint8(bVars.length);
        bVars.push(BpmnModel.Variable({name: "paidAmount", varType: BpmCore.VariableType.Int}));
        def = deploy("payment-service");
    }

    function outputs(int256 amount) internal view returns (BpmRuntime.VariableAssignment[] memory o) {
        o = setVar(paidAmount, amount);
    }

    function result(uint256 id, uint16 element, int256 amount, uint256 nonce, uint64 deadline)
        internal
        view
        returns (OracleGateway.ServiceResult memory)
    {
        return OracleGateway.ServiceResult({
            instanceId: id, element: element, outputs: outputs(amount), nonce: nonce, deadline: deadline
        });
    }

    function sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function signed(uint256 key, OracleGateway.ServiceResult memory r) internal view returns (bytes memory) {
        return sign(key, gateway.serviceResultDigest(r));
    }

    function later() internal view returns (uint64) {
        return uint64(block.timestamp + 1 hours);
    }

    function startServed() internal returns (uint256 id) {
        id = start(alice, def, bind(CLERK, address(gateway)));
    }

    function testASignedResultCompletesTheServiceTaskAndTheTrailNamesTheOracle() public {
        uint256 id = startServed();
        OracleGateway.ServiceResult memory r = result(id, pay, 1250, 1, later());
        bytes memory sig = signed(ORACLE_KEY, r);
        vm.recordLogs();
        vm.prank(mallory); // anyone may relay a signed result
        gateway.completeServiceTask(r, sig);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertStatus(id, BpmRuntime.InstanceStatus.Completed);
        assertEq(engine.variable(id, paidAmount), 1250);
        // VariableSet and ElementFired by the gateway, ..., then the gateway's own record
        Vm.Log memory last = logs[logs.length - 1];
        assertEq(last.emitter, address(gateway));
        assertEq(last.topics[0], OracleGateway.ServiceTaskCompletedByOracle.selector);
        assertEq(last.topics[3], bytes32(uint256(uint160(oracle))));
        assertTrue(gateway.nonceUsed(oracle, 1));
    }

    function testTheDigestIsEip712OfTheTypedResult() public {
        uint256 id = startServed();
        OracleGateway.ServiceResult memory r = result(id, pay, -3, 9, 1234);
        bytes32 assignment = keccak256(abi.encode(gateway.ASSIGNMENT_TYPEHASH(), paidAmount, int256(-3)));
        bytes32 structHash = keccak256(
            abi.encode(
                gateway.SERVICE_RESULT_TYPEHASH(),
                id,
                pay,
                keccak256(abi.encodePacked(assignment)),
                uint256(9),
                uint64(1234)
            )
        );
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("AlstraNet OracleGateway"),
                keccak256("1"),
                block.chainid,
                address(gateway)
            )
        );
        assertEq(gateway.serviceResultDigest(r), keccak256(abi.encodePacked("\x19\x01", domain, structHash)));
    }

    function testAForgedSignatureIsRefused() public {
        uint256 id = startServed();
        OracleGateway.ServiceResult memory r = result(id, pay, 1250, 1, later());
        bytes memory sigOfStranger = signed(OTHER_KEY, r);
        vm.expectRevert(abi.encodeWithSelector(OracleGateway.NotAnOracle.selector, vm.addr(OTHER_KEY)));
        gateway.completeServiceTask(r, sigOfStranger);
        // a signature of other values: its signer is someone else, not the oracle
        OracleGateway.ServiceResult memory other = result(id, pay, 99, 1, later());
        bytes memory sigOfOther = signed(ORACLE_KEY, other);
        vm.expectPartialRevert(OracleGateway.NotAnOracle.selector);
        gateway.completeServiceTask(r, sigOfOther);
        assertStatus(id, BpmRuntime.InstanceStatus.Active);
    }

    function testAReplayedResultIsRefused() public {
        uint256 id = startServed();
        OracleGateway.ServiceResult memory r = result(id, pay, 1250, 7, later());
        bytes memory sig = signed(ORACLE_KEY, r);
        gateway.completeServiceTask(r, sig);
        uint256 id2 = startServed();
        // the same nonce for another instance: refused before the engine is asked
        OracleGateway.ServiceResult memory r2 = result(id2, pay, 1250, 7, later());
        bytes memory sig2 = signed(ORACLE_KEY, r2);
        vm.expectRevert(abi.encodeWithSelector(OracleGateway.NonceAlreadyUsed.selector, oracle, 7));
        gateway.completeServiceTask(r2, sig2);
        vm.expectRevert(abi.encodeWithSelector(OracleGateway.NonceAlreadyUsed.selector, oracle, 7));
        gateway.completeServiceTask(r, sig);
    }

    function testAnExpiredResultIsRefused() public {
        uint256 id = startServed();
        uint64 past = uint64(block.timestamp - 1);
        OracleGateway.ServiceResult memory r = result(id, pay, 1250, 1, past);
        bytes memory sig = signed(ORACLE_KEY, r);
        vm.expectRevert(abi.encodeWithSelector(OracleGateway.ResultExpired.selector, past, block.timestamp));
        gateway.completeServiceTask(r, sig);
        assertFalse(gateway.nonceUsed(oracle, 1));
    }

    function testOnlyTasksASystemPerformsAreCompleted() public {
        buildSequence(); // Review (Clerk): a user task
        uint256 seqDef = deploy("sequence");
        uint256 id = start(alice, seqDef, bind(CLERK, address(gateway)));
        OracleGateway.ServiceResult memory r = result(id, seqReview, 0, 1, later());
        r.outputs = noVars();
        bytes memory sig = signed(ORACLE_KEY, r);
        vm.expectRevert(
            abi.encodeWithSelector(OracleGateway.NotAServiceTask.selector, id, seqReview, BpmCore.ElementKind.UserTask)
        );
        gateway.completeServiceTask(r, sig);
    }

    function testTheEngineStillChecksTheBindingAndANonceIsKeptWhenItRefuses() public {
        // the gateway is not bound to Clerk in this instance: the engine refuses, nothing is used
        uint256 id = start(alice, def, noBindings());
        OracleGateway.ServiceResult memory r = result(id, pay, 1250, 3, later());
        bytes memory sig = signed(ORACLE_KEY, r);
        vm.expectRevert(abi.encodeWithSelector(InstanceStore.MissingRole.selector, id, CLERK, address(gateway)));
        gateway.completeServiceTask(r, sig);
        assertFalse(gateway.nonceUsed(oracle, 3), "the refused transaction used no nonce");
        // alice, a Clerk, can still do it herself
        vm.prank(alice);
        engine.completeTask(id, pay, outputs(1));
        assertStatus(id, BpmRuntime.InstanceStatus.Completed);
    }

    function testARemovedOracleIsRefusedAndOnlyTheAdminManagesOracles() public {
        uint256 id = startServed();
        OracleGateway.ServiceResult memory r = result(id, pay, 1250, 1, later());
        bytes memory sig = signed(ORACLE_KEY, r);
        bytes32 adminRole = gateway.ORACLE_ADMIN_ROLE();
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, mallory, adminRole));
        gateway.removeOracle(oracle);
        gateway.removeOracle(oracle);
        vm.expectRevert(abi.encodeWithSelector(OracleGateway.NotAnOracle.selector, oracle));
        gateway.completeServiceTask(r, sig);
        vm.expectRevert(abi.encodeWithSelector(OracleGateway.OracleStatusUnchanged.selector, oracle, false));
        gateway.removeOracle(oracle);
    }

    function testAPartnerMessageSignedByAnOracleIsDelivered() public {
        buildEventBased();
        uint256 offer = deploy("offer");
        uint256 id = start(alice, offer, bind(CUSTOMER, address(gateway)));
        complete(alice, id, eOffer);
        OracleGateway.PartnerMessage memory m = OracleGateway.PartnerMessage({
            instanceId: id, messageFlow: eAcceptMsg, payload: setVar(eReason, 7), nonce: 1, deadline: later()
        });
        bytes memory sig = sign(ORACLE_KEY, gateway.partnerMessageDigest(m));
        gateway.deliverMessage(m, sig);
        assertEq(engine.enabledTasks(id), u16(eShip));
        assertEq(engine.variable(id, eReason), 7);
        vm.expectRevert(abi.encodeWithSelector(OracleGateway.NonceAlreadyUsed.selector, oracle, 1));
        gateway.deliverMessage(m, sig);
    }

    /// Any change to a signed result (instance, element, an output, the nonce, the deadline)
    /// makes its signature a stranger's.
    function testFuzzAnyTamperedFieldInvalidatesTheSignature(uint8 field, int256 delta) public {
        vm.assume(delta != 0);
        uint256 id = startServed();
        OracleGateway.ServiceResult memory r = result(id, pay, 1250, 5, later());
        bytes memory sig = signed(ORACLE_KEY, r);
        field = field % 5;
        if (field == 0) r.instanceId += 1;
        else if (field == 1) r.element ^= 1;
        else if (field == 2) r.outputs[0].value = 1250 ^ delta;
        else if (field == 3) r.nonce += 1;
        else r.deadline += 1;
        vm.expectPartialRevert(OracleGateway.NotAnOracle.selector);
        gateway.completeServiceTask(r, sig);
    }
}

/// @notice Drives the gateway with random signed results: valid ones, replays of a used nonce,
/// expired ones and forgeries, on random instances, while time moves on. Ghost counters record
/// every result the gateway accepted, by kind.
contract OracleHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    OracleGateway public immutable gateway;
    ProcessExecution public immutable engine;
    address internal immutable starter;
    uint256 internal immutable def;
    uint16 internal immutable task;
    uint8 internal immutable paid;
    uint256 internal immutable oracleKey;
    uint256 internal immutable otherKey;

    uint256[] public instances;
    mapping(uint256 nonce => uint256) public acceptedWithNonce; // ghost
    mapping(uint256 instanceId => uint256) public completions; // ghost: accepted results per instance
    uint256 public accepted;
    uint256 public acceptedExpired; // ghost: must stay 0
    uint256 public acceptedForged; // ghost: must stay 0
    uint256 public acceptedReplays; // ghost: must stay 0
    uint256 public maxNonce;

    constructor(
        OracleGateway g,
        ProcessExecution e,
        address startedBy,
        uint256 definition,
        uint16 serviceTask,
        uint8 paidAmount,
        uint256[2] memory keys
    ) {
        (gateway, engine, starter, def, task, paid) = (g, e, startedBy, definition, serviceTask, paidAmount);
        (oracleKey, otherKey) = (keys[0], keys[1]);
    }

    function instanceCount() external view returns (uint256) {
        return instances.length;
    }

    /// Starts an instance whose service task the gateway performs (as `starter`, a Clerk).
    function start() external {
        if (instances.length >= 6) return;
        BpmRuntime.RoleBinding[] memory b = new BpmRuntime.RoleBinding[](1);
        b[0] = BpmRuntime.RoleBinding({role: keccak256("Clerk"), account: address(gateway)});
        vm.prank(starter);
        instances.push(engine.startInstance(def, b, new BpmRuntime.VariableAssignment[](0)));
    }

    /// Lets time pass (up to two hours), so that results signed earlier expire.
    function wait(uint256 secondsToWait) external {
        vm.warp(block.timestamp + (secondsToWait % 2 hours));
    }

    /// Sends a result: `seed` picks the instance, the nonce (a small range, so nonces repeat),
    /// the deadline (past or future), the signer (the oracle or a stranger) and the amount.
    function submit(uint256 seed) external {
        if (instances.length == 0) return;
        uint256 id = instances[seed % instances.length];
        uint256 nonce = (seed >> 8) % 8;
        bool expired = (seed >> 16) % 4 == 0;
        bool forged = (seed >> 24) % 4 == 0;
        uint64 deadline = expired ? uint64(block.timestamp - 1) : uint64(block.timestamp + 1 hours);
        BpmRuntime.VariableAssignment[] memory outputs = new BpmRuntime.VariableAssignment[](1);
        outputs[0] = BpmRuntime.VariableAssignment({index: paid, value: int256(seed >> 32) % 1e9});
        OracleGateway.ServiceResult memory r =
            OracleGateway.ServiceResult({instanceId: id, element: task, outputs: outputs, nonce: nonce, deadline: deadline});
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(forged ? otherKey : oracleKey, gateway.serviceResultDigest(r));
        bool usedBefore = acceptedWithNonce[nonce] > 0;
        try gateway.completeServiceTask(r, abi.encodePacked(rr, s, v)) {
            accepted++;
            acceptedWithNonce[nonce]++;
            completions[id]++;
            if (nonce > maxNonce) maxNonce = nonce;
            if (expired) acceptedExpired++;
            if (forged) acceptedForged++;
            if (usedBefore) acceptedReplays++;
        } catch {}
    }
}

/// @notice Invariants of the OracleGateway (spec 5.19) under random results: a nonce is accepted
/// at most once and is then marked used, expired and forged results are never accepted, a
/// service task completes at most once, and every accepted result completed its instance.
contract OracleInvariantTest is Models {
    OracleHandler internal handler;
    OracleGateway internal gateway;
    address internal oracle;

    function setUp() public override {
        super.setUp();
        gateway = new OracleGateway(address(this), IOracleEngine(address(engine)), IProcessDefinitionRegistry(address(registry)));
        oracle = vm.addr(0x0A11CE5EC2E7);
        gateway.registerOracle(oracle);
        participants.registerParticipant(address(gateway), "Payment service", roles1(CLERK));
        buildPayment();
        uint16 pay = caPay;
        bElements[pay].kind = BpmCore.ElementKind.ServiceTask;
        uint8 paidAmount = uint8(bVars.length);
        bVars.push(BpmnModel.Variable({name: "paidAmount", varType: BpmCore.VariableType.Int}));
        uint256 def = deploy("payment-service");
        // the handler starts instances as alice (a Clerk, the start role)
        handler = new OracleHandler(gateway, engine, alice, def, pay, paidAmount, [uint256(0x0A11CE5EC2E7), 0xBADBAD]);
        targetContract(address(handler));
    }

    function invariant_noExpiredForgedOrReplayedResultIsAccepted() public view {
        assertEq(handler.acceptedExpired(), 0, "an expired result was accepted");
        assertEq(handler.acceptedForged(), 0, "a result signed by a stranger was accepted");
        assertEq(handler.acceptedReplays(), 0, "a used nonce was accepted again");
    }

    function invariant_acceptedNoncesAreUsedAndTasksCompleteOnce() public view {
        uint256 sum;
        for (uint256 n; n < 8; ++n) {
            uint256 a = handler.acceptedWithNonce(n);
            assertTrue(a <= 1, "a nonce accepted twice");
            assertEq(gateway.nonceUsed(oracle, n), a == 1, "nonceUsed disagrees with the accepted results");
            sum += a;
        }
        assertEq(sum, handler.accepted());
        for (uint256 i; i < handler.instanceCount(); ++i) {
            uint256 id = handler.instances(i);
            uint256 c = handler.completions(id);
            assertTrue(c <= 1, "a service task completed twice");
            assertEq(
                uint256(engine.instance(id).status),
                uint256(c == 1 ? BpmRuntime.InstanceStatus.Completed : BpmRuntime.InstanceStatus.Active),
                "the instance's status disagrees with the accepted results"
            );
        }
    }
}
