// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {BpmnModel} from "../src/BpmnModel.sol";
import {BpmCore} from "../src/generated/BpmCore.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {ModelCompiler} from "../src/ModelCompiler.sol";
import {ProcessDefinitionRegistry} from "../src/ProcessDefinitionRegistry.sol";
import {IProcessDefinitionRegistry} from "../src/IProcessDefinitionRegistry.sol";
import {IRollup} from "../src/IRollup.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract ProcessDefinitionRegistryTest is Models {
    event DefinitionCreated(
        uint256 indexed definitionId, bytes32 indexed processKey, address indexed owner, string name
    );
    event RecordsAdded(
        uint256 indexed definitionId, BpmRuntime.RecordType indexed recordType, uint256 from, uint256 count
    );
    event DefinitionPublished(
        uint256 indexed definitionId, bytes32 indexed processKey, uint32 version, bytes32 startRole
    );
    event DefinitionSourceAttached(uint256 indexed definitionId, uint32 part, bytes32 sourceHash, bytes data);

    BpmRuntime.RecordType internal constant R_SUBPROCESS = BpmRuntime.RecordType.Subprocess;
    BpmRuntime.RecordType internal constant R_ELEMENT = BpmRuntime.RecordType.Element;
    BpmRuntime.RecordType internal constant R_AFLOW = BpmRuntime.RecordType.ActivitySequenceFlow;
    BpmRuntime.RecordType internal constant R_GFLOW = BpmRuntime.RecordType.GatewaySequenceFlow;
    BpmRuntime.RecordType internal constant R_TRIGGER = BpmRuntime.RecordType.EventTrigger;

    address internal deployer2 = address(0xD2);

    // ================================================================ drafting and access

    function testCreateDefinition() public {
        bytes32 key = keccak256("seq");
        vm.expectEmit(address(registry));
        emit DefinitionCreated(1, key, address(this), "Sequence");
        uint256 id = registry.createDefinition(key, "Sequence");
        assertEq(id, 1);
        assertEq(registry.definitionCount(), 1);
        BpmRuntime.DefinitionInfo memory d = registry.definition(id);
        assertEq(d.processKey, key);
        assertEq(d.name, "Sequence");
        assertEq(uint256(d.status), uint256(BpmRuntime.DefinitionStatus.Draft));
        assertEq(d.owner, address(this));
        assertEq(uint256(d.version), 0);
        assertEq(d.elementCount, 0);
    }

    function testCreateRequiresDeployerRoleAndKey() public {
        bytes32 role = registry.DEPLOYER_ROLE();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, role));
        registry.createDefinition(keccak256("x"), "x");
        vm.expectRevert(IProcessDefinitionRegistry.InvalidProcessKey.selector);
        registry.createDefinition(bytes32(0), "x");
        registry.grantRole(role, deployer2);
        vm.prank(deployer2);
        uint256 id = registry.createDefinition(keccak256("x"), "x");
        assertEq(registry.definition(id).owner, deployer2);
    }

    function testOnlyOwnerAddsAndPublishes() public {
        buildSequence();
        uint256 id = upload("seq");
        registry.grantRole(registry.DEPLOYER_ROLE(), deployer2);
        bytes memory err = abi.encodeWithSelector(IProcessDefinitionRegistry.NotDefinitionOwner.selector, id, deployer2);
        vm.startPrank(deployer2);
        vm.expectRevert(err);
        registry.addPools(id, bPools);
        vm.expectRevert(err);
        registry.addSwimlanes(id, bLanes);
        vm.expectRevert(err);
        registry.addSubprocesses(id, bScopes);
        vm.expectRevert(err);
        registry.addActivities(id, new BpmnModel.Element[](0));
        vm.expectRevert(err);
        registry.addEvents(id, new BpmnModel.Element[](0));
        vm.expectRevert(err);
        registry.addGateways(id, new BpmnModel.Element[](0));
        vm.expectRevert(err);
        registry.addActivitySequenceFlows(id, bAFlows);
        vm.expectRevert(err);
        registry.addGatewaySequenceFlows(id, bGFlows);
        vm.expectRevert(err);
        registry.addEventTriggers(id, bTriggers);
        vm.expectRevert(err);
        registry.addVariables(id, bVars);
        vm.expectRevert(err);
        registry.publish(id);
        vm.stopPrank();
    }

    /// The BPMN source travels in parts, each logged; the registry keeps the hash chain over them,
    /// so a reader of the logs can check the file it rebuilds. Only the Draft's owner attaches,
    /// and a published version's source is frozen.
    function testSourceIsLoggedInPartsUnderAHashChain() public {
        buildSequence();
        uint256 id = upload("seq");
        assertEq(registry.definition(id).sourceHash, bytes32(0));
        assertEq(registry.definition(id).sourceParts, 0);
        bytes memory a = bytes("<?xml version=\"1.0\"?><definitions>");
        bytes memory b = bytes("</definitions>");
        bytes32 h1 = keccak256(abi.encodePacked(bytes32(0), a));
        bytes32 h2 = keccak256(abi.encodePacked(h1, b));
        vm.expectEmit(address(registry));
        emit DefinitionSourceAttached(id, 0, h1, a);
        assertEq(registry.attachSource(id, a), h1);
        vm.expectEmit(address(registry));
        emit DefinitionSourceAttached(id, 1, h2, b);
        assertEq(registry.attachSource(id, b), h2);
        // the chain depends on the order and on where the file was cut
        assertTrue(h2 != keccak256(abi.encodePacked(keccak256(abi.encodePacked(bytes32(0), b)), a)));
        assertTrue(h2 != keccak256(abi.encodePacked(bytes32(0), bytes.concat(a, b))));

        registry.grantRole(registry.DEPLOYER_ROLE(), deployer2);
        vm.prank(deployer2);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.NotDefinitionOwner.selector, id, deployer2));
        registry.attachSource(id, a);

        registry.publish(id);
        assertEq(registry.definition(id).sourceHash, h2);
        assertEq(registry.definition(id).sourceParts, 2);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.DefinitionNotDraft.selector, id));
        registry.attachSource(id, b);
    }

    function testUnknownDefinition() public {
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.UnknownDefinition.selector, 5));
        registry.addPools(5, bPools);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.UnknownDefinition.selector, 5));
        registry.publish(5);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.UnknownDefinition.selector, 5));
        registry.definition(5);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.UnknownDefinition.selector, 5));
        registry.pool(5, 0);
    }

    function testRecordsAddedEventsAndAppendOrder() public {
        buildSequence();
        uint256 id = registry.createDefinition(keccak256("seq"), "seq");
        vm.expectEmit(address(registry));
        emit RecordsAdded(id, BpmRuntime.RecordType.Pool, 0, 1);
        registry.addPools(id, bPools);
        // elements from three calls share one index space, in call order
        BpmnModel.Element[] memory evs = new BpmnModel.Element[](1);
        evs[0] = bElements[seqStart];
        BpmnModel.Element[] memory acts = new BpmnModel.Element[](2);
        acts[0] = bElements[seqReview];
        acts[1] = bElements[seqApprove];
        vm.expectEmit(address(registry));
        emit RecordsAdded(id, BpmRuntime.RecordType.Element, 0, 1);
        registry.addEvents(id, evs);
        vm.expectEmit(address(registry));
        emit RecordsAdded(id, BpmRuntime.RecordType.Element, 1, 2);
        registry.addActivities(id, acts);
        assertEq(registry.element(id, 0).name, "start");
        assertEq(registry.element(id, 2).name, "Approve");
        assertEq(registry.definition(id).elementCount, 3);
    }

    function testWrongElementKinds() public {
        uint256 id = registry.createDefinition(keccak256("k"), "k");
        BpmnModel.Element[] memory one = new BpmnModel.Element[](1);
        one[0].kind = START;
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.WrongElementKind.selector, 0, START));
        registry.addActivities(id, one);
        one[0].kind = XOR;
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.WrongElementKind.selector, 0, XOR));
        registry.addEvents(id, one);
        one[0].kind = CALL_ACTIVITY;
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.WrongElementKind.selector, 0, CALL_ACTIVITY));
        registry.addGateways(id, one);
        one[0].kind = MSG_CATCH;
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.WrongElementKind.selector, 0, MSG_CATCH));
        registry.addActivities(id, one);
        one[0].kind = EVENT_GW;
        registry.addGateways(id, one);
        one[0].kind = MSG_CATCH;
        registry.addEvents(id, one);
        one[0].kind = CALL_ACTIVITY;
        registry.addActivities(id, one);
        assertEq(registry.definition(id).elementCount, 3);
    }

    function testLimits() public {
        uint256 id = registry.createDefinition(keccak256("big"), "big");
        BpmnModel.Pool[] memory pools = new BpmnModel.Pool[](257);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.LimitExceeded.selector, BpmRuntime.RecordType.Pool, 257, 256
            )
        );
        registry.addPools(id, pools);
        BpmnModel.Variable[] memory vars = new BpmnModel.Variable[](200);
        registry.addVariables(id, vars);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.LimitExceeded.selector, BpmRuntime.RecordType.Variable, 400, 256
            )
        );
        registry.addVariables(id, vars);
        BpmnModel.Subprocess[] memory scopes = new BpmnModel.Subprocess[](257);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.LimitExceeded.selector, BpmRuntime.RecordType.Subprocess, 257, 256
            )
        );
        registry.addSubprocesses(id, scopes);
        BpmnModel.EventTrigger[] memory triggers = new BpmnModel.EventTrigger[](257);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.LimitExceeded.selector, BpmRuntime.RecordType.EventTrigger, 257, 256
            )
        );
        registry.addEventTriggers(id, triggers);
        assertEq(registry.MAX_ELEMENTS(), 65_535);
        assertEq(registry.MAX_SWIMLANES(), 65_535);
        assertEq(registry.MAX_SEQUENCE_FLOWS(), 65_535);
    }

    // ================================================================ publish, versions, freeze

    function testPublishComputesTablesAndVersions() public {
        buildSequence();
        uint256 id = upload("seq");
        assertEq(registry.latestVersion(keccak256("seq")), 0);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.DefinitionNotPublished.selector, id));
        registry.preset(id, 0);
        vm.expectEmit(address(registry));
        emit DefinitionPublished(id, keccak256("seq"), 1, CLERK);
        assertEq(uint256(registry.publish(id)), 1);

        BpmRuntime.DefinitionInfo memory d = registry.definition(id);
        assertEq(uint256(d.status), uint256(BpmRuntime.DefinitionStatus.Published));
        assertEq(uint256(d.version), 1);
        assertEq(d.startRole, CLERK);
        assertEq(d.poolCount, 1);
        assertEq(d.swimlaneCount, 2);
        assertEq(d.subprocessCount, 1);
        assertEq(d.elementCount, 4);
        assertEq(d.activitySequenceFlowCount, 3);
        assertEq(registry.latestVersion(keccak256("seq")), 1);
        assertEq(registry.definitionOf(keccak256("seq"), 1), id);
        assertEq(registry.definitionOf(keccak256("seq"), 2), 0);

        assertEq(registry.preset(id, seqStart), 0);
        assertEq(registry.postset(id, seqStart), 1 << 0);
        assertEq(registry.preset(id, seqReview), 1 << 0);
        assertEq(registry.postset(id, seqReview), 1 << 1);
        assertEq(registry.preset(id, seqEnd), 1 << 2);
        assertEq(registry.postset(id, seqEnd), 0);
        assertEq(registry.roleOf(id, seqReview), CLERK);
        assertEq(registry.roleOf(id, seqApprove), MANAGER);
        assertEq(registry.startElementIndexes(id), u16(seqStart));
        assertEq(registry.scopeStartEventIndexes(id, 0), u16(seqStart));
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.ElementOutOfRange.selector, id, 4));
        registry.preset(id, 4);

        // frozen
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.DefinitionNotDraft.selector, id));
        registry.addPools(id, bPools);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.DefinitionNotDraft.selector, id));
        registry.addActivities(id, new BpmnModel.Element[](0));
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.DefinitionNotDraft.selector, id));
        registry.publish(id);

        // the next publication of the key is version 2; another key starts at 1
        uint256 id2 = deploy("seq");
        assertEq(uint256(registry.definition(id2).version), 2);
        assertEq(registry.latestVersion(keccak256("seq")), 2);
        assertEq(registry.definitionOf(keccak256("seq"), 2), id2);
        uint256 id3 = deploy("other");
        assertEq(uint256(registry.definition(id3).version), 1);
    }

    function testReadBackRecords() public {
        buildEventBased();
        uint256 id = deploy("offer");
        BpmnModel.Pool memory p = registry.pool(id, 1);
        assertEq(p.name, "Customer");
        assertFalse(p.executable);
        assertEq(p.role, CUSTOMER);
        BpmnModel.Swimlane memory l = registry.swimlane(id, 0);
        assertEq(l.name, "Clerk");
        assertEq(l.role, CLERK);
        BpmnModel.Subprocess memory s = registry.subprocess(id, 0);
        assertEq(uint256(s.parentElement), 0);
        BpmnModel.Element memory e = registry.element(id, eAcceptCatch);
        assertEq(uint256(e.kind), uint256(MSG_CATCH));
        assertEq(uint256(e.messageIn), eAcceptMsg + 1);
        BpmnModel.ActivitySequenceFlow memory af = registry.activitySequenceFlow(id, 0);
        assertEq(uint256(af.target), eOffer);
        BpmnModel.GatewaySequenceFlow memory gf = registry.gatewaySequenceFlow(id, 1);
        assertEq(uint256(gf.target), eRejectCatch);
        BpmnModel.EventTrigger memory t = registry.eventTrigger(id, eRejectMsg);
        assertEq(uint256(t.sourceElement), 0);
        assertEq(uint256(t.sourcePool), 1);
        BpmnModel.Variable memory v = registry.variable(id, 0);
        assertEq(v.name, "reason");
        assertEq(uint256(v.varType), uint256(BpmCore.VariableType.Int));

        // the two outgoing flows of the event-based gateway share one place
        assertEq(registry.postset(id, eGateway), registry.preset(id, eAcceptCatch));
        assertEq(registry.postset(id, eGateway), registry.preset(id, eRejectCatch));
        assertEq(registry.gatewayFlowsOf(id, eGateway), u16(0, 1));

        vm.expectRevert(
            abi.encodeWithSelector(IProcessDefinitionRegistry.IndexOutOfRange.selector, BpmRuntime.RecordType.Pool, 2)
        );
        registry.pool(id, 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.IndexOutOfRange.selector, BpmRuntime.RecordType.Swimlane, 1
            )
        );
        registry.swimlane(id, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.IndexOutOfRange.selector, BpmRuntime.RecordType.Subprocess, 1
            )
        );
        registry.subprocess(id, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.IndexOutOfRange.selector, BpmRuntime.RecordType.Element, 99
            )
        );
        registry.element(id, 99);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.IndexOutOfRange.selector, BpmRuntime.RecordType.ActivitySequenceFlow, 99
            )
        );
        registry.activitySequenceFlow(id, 99);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.IndexOutOfRange.selector, BpmRuntime.RecordType.GatewaySequenceFlow, 2
            )
        );
        registry.gatewaySequenceFlow(id, 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.IndexOutOfRange.selector, BpmRuntime.RecordType.EventTrigger, 2
            )
        );
        registry.eventTrigger(id, 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.IndexOutOfRange.selector, BpmRuntime.RecordType.Variable, 1
            )
        );
        registry.variable(id, 1);
    }

    function testRuntimeViews() public {
        buildExclusive(true);
        uint256 id = deploy("xor");
        BpmRuntime.RuntimeHeader memory h = registry.runtimeHeader(id);
        assertEq(uint256(h.status), uint256(BpmRuntime.DefinitionStatus.Published));
        assertEq(uint256(h.elementCount), 9);
        assertEq(uint256(h.scopeCount), 1);
        assertEq(uint256(h.variableCount), 3);
        assertEq(h.startRole, CLERK);
        assertEq(uint256(registry.runtimeHeader(99).status), 0);

        BpmRuntime.RuntimeElement memory g = registry.runtimeElement(id, xGateway);
        assertEq(uint256(g.kind), uint256(XOR));
        assertFalse(g.joinAll);
        assertFalse(g.autoAfter); // Big, Vip, Small are person tasks
        assertEq(g.role, bytes32(0)); // only tasks carry a role
        BpmRuntime.RuntimeElement memory enter = registry.runtimeElement(id, xEnter);
        assertTrue(enter.autoAfter); // the gateway consumes its place
        assertEq(enter.role, CLERK);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.ElementOutOfRange.selector, id, 9));
        registry.runtimeElement(id, 9);

        BpmRuntime.RuntimeElement[] memory cons = registry.automaticConsumers(id, 0, enter.postset);
        assertEq(cons.length, 1);
        assertEq(uint256(cons[0].index), xGateway);
        assertEq(registry.automaticConsumers(id, 0, g.postset).length, 0);

        BpmRuntime.Branch[] memory br = registry.gatewayBranches(id, xGateway);
        assertEq(br.length, 3);
        assertFalse(br[0].isDefault);
        assertTrue(br[2].isDefault);
        assertEq(br[1].condition, cLoad(xVipVar));

        BpmRuntime.RuntimeElement[] memory tasks = registry.personTasks(id);
        assertEq(tasks.length, 4);
        assertEq(registry.startElements(id).length, 1);
        (bool exists, BpmCore.VariableType vt) = registry.variableType(id, xVipVar);
        assertTrue(exists);
        assertEq(uint256(vt), uint256(BpmCore.VariableType.Bool));
        (exists,) = registry.variableType(id, 3);
        assertFalse(exists);
        BpmRuntime.ScopeRuntime memory sr = registry.scopeRuntime(id, 0);
        assertEq(uint256(sr.parentElement), 0);
        assertEq(sr.descendants, 1);
    }

    function testRuntimeViewsOfMessagesAndScopes() public {
        buildCollaboration();
        uint256 id = deploy("collab");
        BpmRuntime.RuntimeElement[] memory t = registry.messageTargets(id, 1 << mOrderMsg | 1 << mConfirmMsg);
        assertEq(t.length, 2);
        assertEq(uint256(t[0].index), mSellerStart);
        assertEq(uint256(t[1].index), mConfirm);
        (uint16 src, bytes32 role) = registry.triggerRuntime(id, mOrderMsg);
        assertEq(uint256(src), mOrder + 1);
        assertEq(role, keccak256("Buyer"));
        vm.expectRevert(
            abi.encodeWithSelector(
                IProcessDefinitionRegistry.IndexOutOfRange.selector, BpmRuntime.RecordType.EventTrigger, 2
            )
        );
        registry.triggerRuntime(id, 2);
        BpmRuntime.RuntimeElement memory order = registry.runtimeElement(id, mOrder);
        assertEq(order.messageOut, 1 << mOrderMsg);

        buildSubProcess();
        uint256 sp = deploy("sp");
        assertEq(registry.scopeRuntime(sp, 0).descendants, (1 << 0) | (1 << spScope));
        assertEq(uint256(registry.scopeRuntime(sp, spScope).parentElement), spElement + 1);
        assertEq(registry.scopeStartEvents(sp, spScope).length, 1);
        assertEq(uint256(registry.runtimeElement(sp, spElement).childScope), spScope);

        buildOrder();
        uint256 order2 = deploy("order");
        assertEq(registry.runtimeElement(order2, caCall).calledProcess, keccak256("payment"));
    }

    function testParallelJoinMode() public {
        buildParallel();
        uint256 id = deploy("par");
        assertTrue(registry.runtimeElement(id, pJoin).joinAll);
        assertTrue(registry.runtimeElement(id, pSplit).joinAll);
        assertEq(registry.preset(id, pJoin), (1 << 3) | (1 << 4));
        assertEq(registry.postset(id, pSplit), (1 << 1) | (1 << 2));
    }

    function testStartRoleIsFirstExecutablePools() public {
        // pool 0 black box, pool 1 "Supplier" (its start event comes later in element order), pool 2 "Org"
        newModel();
        pool("Customer", false);
        uint8 sup = pool("Supplier", true);
        uint8 org = pool("Org", true);
        uint8 so = process(org);
        uint8 ss = process(sup);
        uint16 a = el(START, so, 0, "org start");
        flow(a, el(END, so, 0, "org end"));
        uint16 b = el(START, ss, 0, "supplier start");
        flow(b, el(END, ss, 0, "supplier end"));
        uint256 id = deploy("roles");
        assertEq(registry.definition(id).startRole, SUPPLIER);
        assertEq(registry.startElementIndexes(id), u16(a, b));
    }

    function testCompilerOnlyThroughDelegateCall() public {
        ModelCompiler c = ModelCompiler(registry.compiler());
        vm.expectRevert(ModelCompiler.OnlyDelegateCall.selector);
        c.compile(1, IRollup(address(0)));
    }

    // ================================================================ validation at publish

    function expectInvalid(BpmRuntime.RecordType rt, uint256 index, BpmRuntime.Violation v) internal {
        uint256 id = upload("bad");
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.InvalidRecord.selector, rt, index, v));
        registry.publish(id);
        assertEq(uint256(registry.definition(id).status), uint256(BpmRuntime.DefinitionStatus.Draft));
    }

    function testNoStartEvent() public {
        newModel();
        pool("Org", true);
        uint256 id = upload("empty");
        vm.expectRevert(IProcessDefinitionRegistry.NoStartEvent.selector);
        registry.publish(id);
        // a pool started only by a message is not enough
        newModel();
        uint8 p = pool("Org", true);
        uint8 c = pool("Customer", false);
        uint8 s = process(p);
        uint16 ms = el(MSG_START, s, 0, "ms");
        flow(ms, el(END, s, 0, "end"));
        externalMessage(c, ms);
        id = upload("msgonly");
        vm.expectRevert(IProcessDefinitionRegistry.NoStartEvent.selector);
        registry.publish(id);
    }

    function testInvalidScopePool() public {
        buildSequence();
        bScopes[0].pool = 3;
        expectInvalid(R_SUBPROCESS, 0, BpmRuntime.Violation.PoolOutOfRange);
        buildSequence();
        bPools[0].executable = false;
        expectInvalid(R_SUBPROCESS, 0, BpmRuntime.Violation.PoolNotExecutable);
        buildSequence();
        process(0);
        expectInvalid(R_SUBPROCESS, 1, BpmRuntime.Violation.SecondProcessOfPool);
    }

    function testInvalidScopeParent() public {
        buildSequence();
        bScopes.push(BpmnModel.Subprocess({bpmnId: "x", parentElement: 99, pool: 0}));
        expectInvalid(R_SUBPROCESS, 1, BpmRuntime.Violation.ParentOutOfRange);
        buildSequence();
        bScopes.push(BpmnModel.Subprocess({bpmnId: "x", parentElement: seqReview + 1, pool: 0}));
        expectInvalid(R_SUBPROCESS, 1, BpmRuntime.Violation.ParentIsNotItsSubProcess);
    }

    function testInvalidScopePoolDiffersFromParent() public {
        buildSubProcess();
        pool("Other", true);
        bScopes[spScope].pool = 1;
        expectInvalid(R_SUBPROCESS, spScope, BpmRuntime.Violation.PoolDiffersFromParents);
    }

    function testInvalidScopeCycle() public {
        newModel();
        uint8 p = pool("Org", true);
        uint8 s = process(p);
        flow(el(START, s, 0, "start"), el(END, s, 0, "end"));
        (uint16 x, uint8 s1) = subProcess(s, 0, "X");
        (, uint8 s2) = subProcess(s1, 0, "Y");
        bElements[x].scope = s2; // X lives in the scope Y opens, Y lives in the scope X opens
        expectInvalid(R_SUBPROCESS, s1, BpmRuntime.Violation.ScopeCycle);
    }

    function testInvalidElementReferences() public {
        buildSequence();
        bElements[seqReview].scope = 4;
        expectInvalid(R_ELEMENT, seqReview, BpmRuntime.Violation.ScopeOutOfRange);
        buildSequence();
        bElements[seqReview].lane = 3;
        expectInvalid(R_ELEMENT, seqReview, BpmRuntime.Violation.LaneOutOfRange);
        buildSequence();
        uint8 other = pool("Other", true);
        uint16 foreign = lane(other, "Foreign");
        bElements[seqReview].lane = foreign;
        expectInvalid(R_ELEMENT, seqReview, BpmRuntime.Violation.LaneOfAnotherPool);
        buildSequence();
        bElements[seqReview].kind = CALL_ACTIVITY;
        expectInvalid(R_ELEMENT, seqReview, BpmRuntime.Violation.NoCalledProcess);
        buildSequence();
        bElements[seqReview].childScope = 1;
        expectInvalid(R_ELEMENT, seqReview, BpmRuntime.Violation.ChildScopeOnNonSubProcess);
        buildSequence();
        bElements[seqReview].kind = SUB_PROCESS; // opens no scope
        expectInvalid(R_ELEMENT, seqReview, BpmRuntime.Violation.BadChildScope);
    }

    function testInvalidMessageFields() public {
        buildEventBased();
        bElements[eAcceptCatch].messageIn = 0;
        expectInvalid(R_ELEMENT, eAcceptCatch, BpmRuntime.Violation.BadMessageIn);
        buildEventBased();
        bElements[eAcceptCatch].messageIn = eRejectMsg + 1; // that flow targets the other catch
        expectInvalid(R_ELEMENT, eAcceptCatch, BpmRuntime.Violation.BadMessageIn);
        buildEventBased();
        bElements[eShip].messageIn = 1;
        expectInvalid(R_ELEMENT, eShip, BpmRuntime.Violation.MessageInOnNonReceivingKind);
        buildEventBased();
        bElements[eGateway].messageOut = 1;
        expectInvalid(R_ELEMENT, eGateway, BpmRuntime.Violation.MessageOutOnNonSendingKind);
        buildEventBased();
        bElements[eShip].messageOut = 1 << 2;
        expectInvalid(R_ELEMENT, eShip, BpmRuntime.Violation.MessageOutOutOfRange);
        buildEventBased();
        bElements[eShip].messageOut = 1 << eAcceptMsg; // sent by the Customer pool, not by Ship
        expectInvalid(R_ELEMENT, eShip, BpmRuntime.Violation.MessageOutOfAnotherSender);
    }

    function testInvalidMessageStartInSubProcess() public {
        buildSubProcess();
        uint8 c = pool("Customer", false);
        uint16 ms = el(MSG_START, spScope, 0, "ms");
        flow(ms, el(END, spScope, 0, "e"));
        externalMessage(c, ms);
        expectInvalid(R_ELEMENT, ms, BpmRuntime.Violation.MessageStartInSubProcess);
    }

    function testInvalidActivityFlows() public {
        buildSequence();
        bAFlows[1].target = 77;
        expectInvalid(R_AFLOW, 1, BpmRuntime.Violation.ElementOutOfRange);
        buildSequence();
        bAFlows.push(BpmnModel.ActivitySequenceFlow({bpmnId: "f", source: seqEnd, target: seqReview, place: 9}));
        expectInvalid(R_AFLOW, 3, BpmRuntime.Violation.SourceIsAGatewayOrEndEvent);
        buildSequence();
        bAFlows[2].place = 0;
        expectInvalid(R_AFLOW, 2, BpmRuntime.Violation.PlaceUsedTwice);
        buildSequence();
        bAFlows[0].target = seqStart;
        expectInvalid(R_AFLOW, 0, BpmRuntime.Violation.TargetIsAStartEvent);
        buildSubProcess();
        uint256 f1 = activityFlowOf("f1");
        bAFlows[f1].target = spCheck; // from the top-level start into the sub-process
        expectInvalid(R_AFLOW, f1, BpmRuntime.Violation.EndpointsInDifferentScopes);
    }

    function testInvalidGatewayFlows() public {
        buildExclusive(true);
        bGFlows[0].target = 300;
        expectInvalid(R_GFLOW, 0, BpmRuntime.Violation.ElementOutOfRange);
        buildExclusive(true);
        bGFlows[0].gateway = xEnter;
        expectInvalid(R_GFLOW, 0, BpmRuntime.Violation.SourceNotAGateway);
        buildExclusive(true);
        bGFlows[1].isDefault = true;
        bGFlows[1].condition = "";
        expectInvalid(R_GFLOW, 2, BpmRuntime.Violation.SecondDefault);
        buildExclusive(true);
        bGFlows[2].condition = C_TRUE;
        expectInvalid(R_GFLOW, 2, BpmRuntime.Violation.DefaultWithCondition);
        buildExclusive(true);
        bGFlows[2].place = bGFlows[0].place;
        expectInvalid(R_GFLOW, 2, BpmRuntime.Violation.PlaceUsedTwice);
        buildParallel();
        bGFlows[0].condition = C_TRUE;
        expectInvalid(R_GFLOW, 0, BpmRuntime.Violation.ConditionOrDefaultOffExclusiveGateway);
        buildParallel();
        bGFlows[1].isDefault = true;
        expectInvalid(R_GFLOW, 1, BpmRuntime.Violation.ConditionOrDefaultOffExclusiveGateway);
        buildEventBased();
        bGFlows[1].target = eShip;
        expectInvalid(R_GFLOW, 1, BpmRuntime.Violation.EventBasedTargetNotAMessageCatch);
        buildEventBased();
        bGFlows[1].place = 7;
        expectInvalid(R_GFLOW, 1, BpmRuntime.Violation.EventBasedFlowsNotSharingAPlace);
        buildEventBased();
        bGFlows[0].place = 0; // the place of start -> Offer
        expectInvalid(R_GFLOW, 0, BpmRuntime.Violation.PlaceUsedTwice);
    }

    function testInvalidConditions() public {
        buildExclusive(true);
        bGFlows[1].condition = hex"0202";
        uint256 id = upload("bad");
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.InvalidCondition.selector, 1, 2));
        registry.publish(id);
        buildExclusive(true);
        bGFlows[0].condition = bytes.concat(cLoad(3), cOp(0x22)); // 3 variables: index 3 is unknown
        id = upload("bad");
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.InvalidCondition.selector, 0, 0));
        registry.publish(id);
    }

    function testInvalidTriggers() public {
        buildEventBased();
        bTriggers[0].sourcePool = 9;
        expectInvalid(R_TRIGGER, 0, BpmRuntime.Violation.PoolOutOfRange);
        buildEventBased();
        bTriggers.push(BpmnModel.EventTrigger({bpmnId: "m", name: "m", sourceElement: 0, sourcePool: 1, target: 99}));
        expectInvalid(R_TRIGGER, 2, BpmRuntime.Violation.TargetOutOfRange);
        buildCollaboration();
        // a flow naming Accept as its sender, which Accept's messageOut does not list
        bTriggers.push(
            BpmnModel.EventTrigger({
                bpmnId: "m", name: "m", sourceElement: mAccept + 1, sourcePool: 1, target: mConfirm
            })
        );
        expectInvalid(R_TRIGGER, 2, BpmRuntime.Violation.SourceDoesNotSendIt);
        buildCollaboration();
        bTriggers[0].sourcePool = 1;
        expectInvalid(R_TRIGGER, 0, BpmRuntime.Violation.SourceNotInSourcePool);
    }

    function testInvalidStructure() public {
        buildSequence();
        el(TASK, 0, 1, "orphan");
        expectInvalid(R_ELEMENT, 4, BpmRuntime.Violation.NoIncomingFlow);
        buildSequence();
        uint16 g = el(XOR, 0, 1, "dead end");
        bAFlows[2].target = g; // Approve -> gateway, which has no outgoing flow
        flow(seqApprove, seqEnd); // End keeps an incoming flow
        expectInvalid(R_ELEMENT, g, BpmRuntime.Violation.GatewayWithoutOutgoingFlow);
        buildSubProcess();
        uint16 innerStart = elementOf("innerStart");
        bElements[innerStart].kind = BpmCore.ElementKind.ManualTask; // no none start event left
        // give the ex-start an incoming flow so that only the missing start event is wrong
        bAFlows.push(BpmnModel.ActivitySequenceFlow({bpmnId: "loop", source: spCheck, target: innerStart, place: 9}));
        expectInvalid(R_SUBPROCESS, spScope, BpmRuntime.Violation.SubProcessWithoutNoneStartEvent);
    }
}
