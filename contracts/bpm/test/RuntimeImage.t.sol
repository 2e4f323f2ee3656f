// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {BpmCore} from "../src/generated/BpmCore.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {RuntimeImage} from "../src/RuntimeImage.sol";

/// @notice Exposes the `RuntimeImage` reader (internal library functions) to the tests.
contract ImageReader {
    function open(address base) external view returns (RuntimeImage.Image memory) {
        return RuntimeImage.open(base);
    }

    function node(address base, uint256 e) external view returns (RuntimeImage.Node memory) {
        return RuntimeImage.node(RuntimeImage.open(base), e);
    }

    function consumers(address base, uint256 e, uint256 places) external view returns (RuntimeImage.Node[] memory) {
        RuntimeImage.Image memory im = RuntimeImage.open(base);
        return RuntimeImage.consumers(im, RuntimeImage.node(im, e), places);
    }

    function branches(address base, uint256 e)
        external
        view
        returns (RuntimeImage.Branch[] memory out, bytes[] memory conditions)
    {
        RuntimeImage.Image memory im = RuntimeImage.open(base);
        out = RuntimeImage.branches(im, RuntimeImage.node(im, e));
        conditions = new bytes[](out.length);
        for (uint256 i; i < out.length; ++i) {
            conditions[i] = RuntimeImage.condition(im, out[i]);
        }
    }

    function scope(address base, uint256 s) external view returns (RuntimeImage.Scope memory sc, RuntimeImage.Node[] memory starts) {
        RuntimeImage.Image memory im = RuntimeImage.open(base);
        sc = RuntimeImage.scope(im, s);
        starts = RuntimeImage.nodes(im, sc.startsOff, sc.startsLen);
    }

    function trigger(address base, uint256 t) external view returns (uint16, uint16, bool, bytes32) {
        return RuntimeImage.trigger(RuntimeImage.open(base), t);
    }

    function variableType(address base, uint256 v) external view returns (BpmCore.VariableType) {
        return RuntimeImage.variableType(RuntimeImage.open(base), v);
    }

    function lists(address base) external view returns (RuntimeImage.Node[] memory starts, RuntimeImage.Node[] memory tasks) {
        RuntimeImage.Image memory im = RuntimeImage.open(base);
        starts = RuntimeImage.nodes(im, im.startsOff, im.startsLen);
        tasks = RuntimeImage.nodes(im, im.tasksOff, im.tasksLen);
    }
}

/// @notice The runtime image written at publish says exactly what the registry's runtime views say
/// (the tables `ModelCompiler` computed), for every test model and for a model whose image spans
/// several chunk contracts; an image is inert code and exists only for published definitions.
contract RuntimeImageTest is Models {
    ImageReader internal reader;

    function setUp() public override {
        super.setUp();
        reader = new ImageReader();
    }

    function testImageMatchesRegistryForEveryModel() public {
        string[9] memory names = [
            "sequence",
            "exclusive",
            "exclusive-no-default",
            "parallel",
            "event-based",
            "sub-process",
            "payment",
            "order",
            "collaboration"
        ];
        for (uint256 i; i < names.length; ++i) {
            loadModel(names[i]);
            _checkImage(deploy(names[i]), names[i]);
        }
    }

    function testImageOfALongModelSpansSeveralChunks() public {
        uint256 n = 160; // 160 flow nodes of 192 bytes: over one chunk of 24,575 bytes
        newModel();
        uint8 p = pool("Org", true);
        uint8 s = process(p);
        uint16 prev = el(START, s, 0, "start");
        for (uint256 i; i < n; ++i) {
            uint16 t = el(TASK, s, 0, string.concat("t", _str(i)));
            flow(prev, t);
            prev = t;
        }
        flow(prev, el(END, s, 0, "end"));
        uint256 def = deploy("long");
        RuntimeImage.Image memory im = reader.open(registry.runtimeImage(def));
        assertTrue(im.chunkCount >= 2, "a 162-node image spans more than one chunk");
        _checkImage(def, "long");
        // the engine runs it end to end, reading nodes from every chunk
        uint256 id = start(alice, def, noBindings());
        for (uint256 i; i < n; ++i) {
            complete(alice, id, uint16(1 + i));
        }
        assertStatus(id, BpmRuntime.InstanceStatus.Completed);
    }

    function testImageIsInertAndOnlyForPublishedDefinitions() public {
        buildSequence();
        uint256 draft = upload("seq");
        assertTrue(registry.runtimeImage(draft) == address(0), "a Draft has no image");
        assertTrue(registry.runtimeImage(999) == address(0), "an unknown definition has no image");
        registry.publish(draft);
        address image = registry.runtimeImage(draft);
        assertTrue(image != address(0), "a published definition has an image");
        assertEq(uint8(image.code[0]), 0, "the image code starts with STOP");
        (bool ok, bytes memory ret) = image.call(abi.encodeWithSignature("anything()"));
        assertTrue(ok && ret.length == 0, "calling an image does nothing");
    }

    /// @dev Compares every table of the image of `def` with the registry's runtime views.
    function _checkImage(uint256 def, string memory name) internal view {
        address base = registry.runtimeImage(def);
        RuntimeImage.Image memory im = reader.open(base);
        BpmRuntime.RuntimeHeader memory h = registry.runtimeHeader(def);
        assertEq(im.elementCount, h.elementCount, string.concat(name, ": elementCount"));
        assertEq(im.scopeCount, h.scopeCount, string.concat(name, ": scopeCount"));
        assertEq(im.triggerCount, h.triggerCount, string.concat(name, ": triggerCount"));
        assertEq(im.variableCount, h.variableCount, string.concat(name, ": variableCount"));
        assertEq(im.startRole, h.startRole, string.concat(name, ": startRole"));
        for (uint256 e; e < h.elementCount; ++e) {
            BpmRuntime.RuntimeElement memory want = registry.runtimeElement(def, e);
            RuntimeImage.Node memory got = reader.node(base, e);
            string memory at = string.concat(name, ": element ", _str(e));
            assertEq(keccak256(abi.encode(_asElement(got))), keccak256(abi.encode(want)), at);
            _sameList(
                reader.consumers(base, e, want.postset),
                registry.automaticConsumers(def, want.scope, want.autoAfter ? want.postset : 0),
                string.concat(at, " consumers")
            );
            if (want.kind == BpmCore.ElementKind.ExclusiveGateway) {
                (RuntimeImage.Branch[] memory gotB, bytes[] memory gotC) = reader.branches(base, e);
                BpmRuntime.Branch[] memory wantB = registry.gatewayBranches(def, e);
                assertEq(gotB.length, wantB.length, string.concat(at, " branches"));
                for (uint256 i; i < gotB.length; ++i) {
                    assertEq(gotB[i].place, wantB[i].place, string.concat(at, " branch place"));
                    assertEq(gotB[i].isDefault, wantB[i].isDefault, string.concat(at, " branch default"));
                    assertEq(gotC[i], wantB[i].condition, string.concat(at, " branch condition"));
                }
            }
        }
        for (uint256 s; s < h.scopeCount; ++s) {
            (RuntimeImage.Scope memory sc, RuntimeImage.Node[] memory starts) = reader.scope(base, s);
            BpmRuntime.ScopeRuntime memory want = registry.scopeRuntime(def, s);
            string memory at = string.concat(name, ": scope ", _str(s));
            assertEq(sc.parentElement, want.parentElement, at);
            assertEq(sc.pool, want.pool, at);
            assertEq(sc.descendants, want.descendants, at);
            _sameList(starts, registry.scopeStartEvents(def, s), string.concat(at, " start events"));
        }
        for (uint256 t; t < h.triggerCount; ++t) {
            (uint16 source, uint16 target, bool waits, bytes32 role) = reader.trigger(base, t);
            (uint16 wantSource, bytes32 wantRole) = registry.triggerRuntime(def, t);
            BpmRuntime.RuntimeElement[] memory targets = registry.messageTargets(def, uint256(1) << t);
            string memory at = string.concat(name, ": message flow ", _str(t));
            assertEq(source, wantSource, at);
            assertEq(role, wantRole, at);
            assertEq(waits, targets.length == 1, string.concat(at, " waits"));
            if (waits) assertEq(target, targets[0].index, string.concat(at, " target"));
        }
        for (uint256 v; v < h.variableCount; ++v) {
            (, BpmCore.VariableType want) = registry.variableType(def, v);
            assertEq(uint8(reader.variableType(base, v)), uint8(want), string.concat(name, ": variable ", _str(v)));
        }
        (RuntimeImage.Node[] memory gotStarts, RuntimeImage.Node[] memory gotTasks) = reader.lists(base);
        _sameList(gotStarts, registry.startElements(def), string.concat(name, ": start elements"));
        _sameList(gotTasks, registry.personTasks(def), string.concat(name, ": person tasks"));
    }

    function _asElement(RuntimeImage.Node memory n) internal pure returns (BpmRuntime.RuntimeElement memory r) {
        r.index = n.index;
        r.kind = n.kind;
        r.scope = n.scope;
        r.childScope = n.childScope;
        r.joinAll = n.joinAll;
        r.autoAfter = n.autoAfter;
        r.messageIn = n.messageIn;
        r.role = n.role;
        r.preset = n.preset;
        r.postset = n.postset;
        r.messageOut = n.messageOut;
        r.calledProcess = n.calledProcess;
    }

    function _sameList(RuntimeImage.Node[] memory got, BpmRuntime.RuntimeElement[] memory want, string memory at)
        internal
        pure
    {
        assertEq(got.length, want.length, at);
        for (uint256 i; i < got.length; ++i) {
            assertEq(got[i].index, want[i].index, at);
        }
    }
}
