// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {Vm} from "alstra-test/Vm.sol";
import {BpmCore} from "../src/generated/BpmCore.sol";
import {BpmnModel} from "../src/BpmnModel.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {InstanceStore} from "../src/InstanceStore.sol";
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
