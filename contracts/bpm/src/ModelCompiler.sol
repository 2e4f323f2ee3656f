// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BpmnModel} from "./BpmnModel.sol";
import {BpmCore, BpmLimits} from "./generated/BpmCore.sol";
import {BpmRuntime} from "./BpmRuntime.sol";
import {ConditionVM} from "./ConditionVM.sol";
import {Marking} from "./Marking.sol";
import {DefinitionStorage} from "./DefinitionStorage.sol";
import {IProcessDefinitionRegistry} from "./IProcessDefinitionRegistry.sol";
import {IRollup} from "./IRollup.sol";
import {RuntimeImageWriter} from "./RuntimeImageWriter.sol";

/// @title ModelCompiler
/// @notice Publish-time validation and compilation of a Draft's records into the Petri-net runtime
/// tables (pre-/post-sets, join modes, automatic consumers per place, start events, roles, nested
/// scopes). Deployed by `ProcessDefinitionRegistry` in its constructor and only ever run in the
/// registry's context through DELEGATECALL (it is a separate contract only to keep the registry
/// under the EIP-170 size limit); it reverts with the registry's errors.
contract ModelCompiler {
    using Marking for uint256;

    /// @notice `compile` was called directly instead of through the registry's DELEGATECALL.
    error OnlyDelegateCall();

    address private immutable _self;

    /// @dev Memory scratch of `compile`.
    struct Work {
        uint256 nPools;
        uint256 nLanes;
        uint256 nScopes;
        uint256 nElements;
        uint256 nTriggers;
        uint256 nVars;
        uint256[] pre;
        uint256[] post;
        uint256[] hasDefault;
        uint256[] scopePool;
        uint256[] usedPlaces;
        uint256[] autoPlaces;
        uint256 topLevel; // bitmap of top-level scopes
    }

    constructor() {
        _self = address(this);
    }

    /// @notice Validates definition `definitionId`, writes its runtime tables and deploys its
    /// runtime image (`RuntimeImageWriter`, read by the engine); then, when
    /// `rollup` is not the zero address, registers the definition with the rollup precompile
    /// (which reverts when the model is beyond the circuit's limits).
    /// @return startRole role of the definition's start event.
    function compile(uint256 definitionId, IRollup rollup) external returns (bytes32 startRole) {
        if (address(this) == _self) revert OnlyDelegateCall();
        DefinitionStorage.Layout storage l = DefinitionStorage.layout();
        DefinitionStorage.Model storage m = l.models[definitionId];
        DefinitionStorage.Compiled storage c = l.compiled[definitionId];
        Work memory w;
        w.nPools = m.pools.length;
        w.nLanes = m.swimlanes.length;
        w.nScopes = m.subprocesses.length;
        w.nElements = m.elements.length;
        w.nTriggers = m.triggers.length;
        w.nVars = m.variables.length;
        w.pre = new uint256[](w.nElements);
        w.post = new uint256[](w.nElements);
        w.hasDefault = new uint256[](w.nElements);
        w.scopePool = new uint256[](w.nScopes);
        w.usedPlaces = new uint256[](w.nScopes);
        w.autoPlaces = new uint256[](w.nScopes);

        _scopes(m, c, w);
        _elements(m, c, w);
        _activityFlows(m, w);
        _gatewayFlows(m, c, w);
        _triggers(m, w);
        _places(c, w);
        startRole = _starts(c, w);
        _verifications(definitionId, c, w);

        c.elementCount = uint16(w.nElements);
        c.scopeCount = uint16(w.nScopes);
        c.triggerCount = uint16(w.nTriggers);
        c.variableCount = uint16(w.nVars);
        c.image = RuntimeImageWriter.write(definitionId, startRole);
        if (address(rollup) != address(0)) _register(definitionId, rollup);
    }

    /// @dev Sends the stored tables to the rollup precompile, re-decoded as `IRollup`'s structs
    /// (same fields, order and ABI types as `BpmnModel`'s).
    function _register(uint256 definitionId, IRollup rollup) private {
        DefinitionStorage.Model memory model = DefinitionStorage.layout().models[definitionId];
        rollup.registerDefinition(definitionId, abi.decode(abi.encode(model), (IRollup.Model)));
    }

    /// @dev Checks scopes (pool, parent sub-process, one process per pool) and computes nested-scope bitmaps.
    function _scopes(DefinitionStorage.Model storage m, DefinitionStorage.Compiled storage c, Work memory w) private {
        if (w.nScopes == 0) revert IProcessDefinitionRegistry.NoStartEvent();
        uint256 poolsWithProcess;
        for (uint256 s; s < w.nScopes; ++s) {
            BpmnModel.Subprocess storage sc = m.subprocesses[s];
            uint256 p = sc.pool;
            if (p >= w.nPools) _bad(BpmRuntime.RecordType.Subprocess, s, BpmRuntime.Violation.PoolOutOfRange);
            if (!m.pools[p].executable) {
                _bad(BpmRuntime.RecordType.Subprocess, s, BpmRuntime.Violation.PoolNotExecutable);
            }
            w.scopePool[s] = p;
            uint256 pe = sc.parentElement;
            if (pe == 0) {
                if (poolsWithProcess.has(p)) {
                    _bad(BpmRuntime.RecordType.Subprocess, s, BpmRuntime.Violation.SecondProcessOfPool);
                }
                poolsWithProcess |= Marking.bit(p);
                w.topLevel |= Marking.bit(s);
            } else {
                if (pe > w.nElements) _bad(BpmRuntime.RecordType.Subprocess, s, BpmRuntime.Violation.ParentOutOfRange);
                BpmnModel.Element storage parent = m.elements[pe - 1];
                if (parent.kind != BpmCore.ElementKind.SubProcess || parent.childScope != s) {
                    _bad(BpmRuntime.RecordType.Subprocess, s, BpmRuntime.Violation.ParentIsNotItsSubProcess);
                }
                if (parent.scope >= w.nScopes || m.subprocesses[parent.scope].pool != p) {
                    _bad(BpmRuntime.RecordType.Subprocess, s, BpmRuntime.Violation.PoolDiffersFromParents);
                }
            }
            // forge-lint: disable-next-line(unsafe-typecast)
            c.scopes[s].parentElement = uint16(pe); // pe <= nElements <= 65,535
            // forge-lint: disable-next-line(unsafe-typecast)
            c.scopes[s].pool = uint8(p); // p < nPools <= 256
        }
        // descendants: walk each scope up to its top-level scope (a cycle never gets there)
        for (uint256 s; s < w.nScopes; ++s) {
            uint256 cur = s;
            uint256 steps;
            c.scopes[s].descendants |= Marking.bit(s);
            while (!w.topLevel.has(cur)) {
                if (++steps > w.nScopes) _bad(BpmRuntime.RecordType.Subprocess, s, BpmRuntime.Violation.ScopeCycle);
                cur = m.elements[m.subprocesses[cur].parentElement - 1].scope;
                c.scopes[cur].descendants |= Marking.bit(s);
            }
        }
    }

    /// @dev Checks elements and writes their packed runtime slot (kind, scope, role, messages, child scope); collects start events and person tasks.
    function _elements(DefinitionStorage.Model storage m, DefinitionStorage.Compiled storage c, Work memory w) private {
        for (uint256 e; e < w.nElements; ++e) {
            BpmnModel.Element storage el = m.elements[e];
            BpmCore.ElementKind kind = el.kind;
            uint256 scope = el.scope;
            if (scope >= w.nScopes) _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.ScopeOutOfRange);
            DefinitionStorage.ElementSlot storage slot = c.elements[e];
            slot.kind = kind;
            // forge-lint: disable-next-line(unsafe-typecast)
            slot.scope = uint8(scope); // scope < nScopes <= 256
            slot.joinAll = kind == BpmCore.ElementKind.ParallelGateway;
            slot.role = _role(m, w, e, el.lane, scope);
            _messages(m, w, slot, e, kind, el.messageIn, el.messageOut);
            if (kind == BpmCore.ElementKind.SubProcess) {
                uint256 child = el.childScope;
                if (child >= w.nScopes || m.subprocesses[child].parentElement != e + 1) {
                    _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.BadChildScope);
                }
                // forge-lint: disable-next-line(unsafe-typecast)
                slot.childScope = uint8(child); // child < nScopes <= 256
            } else if (el.childScope != 0) {
                _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.ChildScopeOnNonSubProcess);
            }
            if (kind == BpmCore.ElementKind.CallActivity && el.calledProcess == bytes32(0)) {
                _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.NoCalledProcess);
            }
            if (kind == BpmCore.ElementKind.StartEvent) {
                // forge-lint: disable-next-line(unsafe-typecast)
                c.scopeStarts[scope].push(uint16(e)); // e < nElements <= 65,535
                // forge-lint: disable-next-line(unsafe-typecast)
                if (w.topLevel.has(scope)) c.startElements.push(uint16(e));
            } else if (kind == BpmCore.ElementKind.MessageStartEvent && !w.topLevel.has(scope)) {
                _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.MessageStartInSubProcess);
            }
            // forge-lint: disable-next-line(unsafe-typecast)
            if (BpmRuntime.isPersonTask(kind)) c.personTasks.push(uint16(e));
        }
    }

    /// @dev Role of an element: its lane's role, else its pool's.
    function _role(DefinitionStorage.Model storage m, Work memory w, uint256 e, uint256 lane, uint256 scope)
        private
        view
        returns (bytes32)
    {
        if (lane == 0) return m.pools[w.scopePool[scope]].role;
        if (lane > w.nLanes) _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.LaneOutOfRange);
        BpmnModel.Swimlane storage sl = m.swimlanes[lane - 1];
        if (sl.pool != w.scopePool[scope]) {
            _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.LaneOfAnotherPool);
        }
        return sl.role;
    }

    /// @dev Checks `messageIn` (receiving kinds only, pointing at a flow that targets the element) and `messageOut` (own flows only).
    function _messages(
        DefinitionStorage.Model storage m,
        Work memory w,
        DefinitionStorage.ElementSlot storage slot,
        uint256 e,
        BpmCore.ElementKind kind,
        uint256 mIn,
        uint256 mOut
    ) private {
        if (BpmRuntime.isReceiving(kind)) {
            if (mIn == 0 || mIn > w.nTriggers || m.triggers[mIn - 1].target != e) {
                _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.BadMessageIn);
            }
            // forge-lint: disable-next-line(unsafe-typecast)
            slot.messageIn = uint16(mIn); // mIn <= nTriggers <= 256
        } else if (mIn != 0) {
            _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.MessageInOnNonReceivingKind);
        }
        if (mOut == 0) return;
        if (
            BpmRuntime.isGateway(kind) || kind == BpmCore.ElementKind.SubProcess
                || kind == BpmCore.ElementKind.CallActivity
        ) _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.MessageOutOnNonSendingKind);
        if (w.nTriggers < 256 && mOut >> w.nTriggers != 0) {
            _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.MessageOutOutOfRange);
        }
        for (uint256 bits = mOut; bits != 0; bits &= bits - 1) {
            if (m.triggers[bits.lowest()].sourceElement != e + 1) {
                _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.MessageOutOfAnotherSender);
            }
        }
        slot.sends = true;
    }

    /// @dev Checks activity/event flows and accumulates pre-/post-sets; each place is used once per scope.
    function _activityFlows(DefinitionStorage.Model storage m, Work memory w) private view {
        uint256 n = m.activityFlows.length;
        for (uint256 f; f < n; ++f) {
            BpmnModel.ActivitySequenceFlow storage fl = m.activityFlows[f];
            uint256 source = fl.source;
            uint256 target = fl.target;
            uint256 place = fl.place;
            if (source >= w.nElements || target >= w.nElements) {
                _bad(BpmRuntime.RecordType.ActivitySequenceFlow, f, BpmRuntime.Violation.ElementOutOfRange);
            }
            BpmCore.ElementKind sk = m.elements[source].kind;
            if (BpmRuntime.isGateway(sk) || BpmRuntime.isEnd(sk)) {
                _bad(BpmRuntime.RecordType.ActivitySequenceFlow, f, BpmRuntime.Violation.SourceIsAGatewayOrEndEvent);
            }
            uint256 scope = _flowScope(m, BpmRuntime.RecordType.ActivitySequenceFlow, f, source, target);
            if (w.usedPlaces[scope].has(place)) {
                _bad(BpmRuntime.RecordType.ActivitySequenceFlow, f, BpmRuntime.Violation.PlaceUsedTwice);
            }
            w.usedPlaces[scope] |= Marking.bit(place);
            w.post[source] |= Marking.bit(place);
            w.pre[target] |= Marking.bit(place);
        }
    }

    /// @dev Checks gateway flows, accumulates pre-/post-sets and the per-gateway flow lists; the flows of an event-based gateway share one place.
    function _gatewayFlows(DefinitionStorage.Model storage m, DefinitionStorage.Compiled storage c, Work memory w)
        private
    {
        uint256 n = m.gatewayFlows.length;
        for (uint256 f; f < n; ++f) {
            BpmnModel.GatewaySequenceFlow storage fl = m.gatewayFlows[f];
            uint256 gw = fl.gateway;
            uint256 target = fl.target;
            uint256 place = fl.place;
            if (gw >= w.nElements || target >= w.nElements) {
                _bad(BpmRuntime.RecordType.GatewaySequenceFlow, f, BpmRuntime.Violation.ElementOutOfRange);
            }
            BpmCore.ElementKind gk = m.elements[gw].kind;
            if (!BpmRuntime.isGateway(gk)) {
                _bad(BpmRuntime.RecordType.GatewaySequenceFlow, f, BpmRuntime.Violation.SourceNotAGateway);
            }
            uint256 scope = _flowScope(m, BpmRuntime.RecordType.GatewaySequenceFlow, f, gw, target);
            _branchRules(m, w, fl, f, gw, gk);
            bool shared;
            if (gk == BpmCore.ElementKind.EventBasedGateway) {
                BpmCore.ElementKind tk = m.elements[target].kind;
                if (
                    tk != BpmCore.ElementKind.MessageIntermediateCatchEvent && tk != BpmCore.ElementKind.ReceiveTask
                ) {
                    _bad(
                        BpmRuntime.RecordType.GatewaySequenceFlow,
                        f,
                        BpmRuntime.Violation.EventBasedTargetNotAMessageCatch
                    );
                }
                // all outgoing flows of an event-based gateway share one place (deferred choice)
                if (w.post[gw] != 0) {
                    if (w.post[gw] != Marking.bit(place)) {
                        _bad(
                            BpmRuntime.RecordType.GatewaySequenceFlow,
                            f,
                            BpmRuntime.Violation.EventBasedFlowsNotSharingAPlace
                        );
                    }
                    shared = true;
                }
            }
            if (!shared) {
                if (w.usedPlaces[scope].has(place)) {
                    _bad(BpmRuntime.RecordType.GatewaySequenceFlow, f, BpmRuntime.Violation.PlaceUsedTwice);
                }
                w.usedPlaces[scope] |= Marking.bit(place);
            }
            w.post[gw] |= Marking.bit(place);
            w.pre[target] |= Marking.bit(place);
            // forge-lint: disable-next-line(unsafe-typecast)
            c.gatewayFlows[gw].push(uint16(f)); // f < MAX_SEQUENCE_FLOWS = 65,535
        }
    }

    /// @dev Conditions and default flows: exclusive gateways only, one default without condition, well-formed conditions.
    function _branchRules(
        DefinitionStorage.Model storage,
        Work memory w,
        BpmnModel.GatewaySequenceFlow storage fl,
        uint256 f,
        uint256 gw,
        BpmCore.ElementKind gk
    ) private view {
        bytes storage cond = fl.condition;
        if (gk == BpmCore.ElementKind.ExclusiveGateway) {
            if (fl.isDefault) {
                if (w.hasDefault[gw] != 0) {
                    _bad(BpmRuntime.RecordType.GatewaySequenceFlow, f, BpmRuntime.Violation.SecondDefault);
                }
                if (cond.length != 0) {
                    _bad(BpmRuntime.RecordType.GatewaySequenceFlow, f, BpmRuntime.Violation.DefaultWithCondition);
                }
                w.hasDefault[gw] = 1;
            } else if (cond.length != 0) {
                (bool ok, uint256 pc) = ConditionVM.validate(cond, w.nVars);
                if (!ok) revert IProcessDefinitionRegistry.InvalidCondition(f, pc);
            }
        } else if (fl.isDefault || cond.length != 0) {
            _bad(
                BpmRuntime.RecordType.GatewaySequenceFlow, f, BpmRuntime.Violation.ConditionOrDefaultOffExclusiveGateway
            );
        }
    }

    /// @dev Scope of a flow: both endpoints in one scope, the target not a start event.
    function _flowScope(
        DefinitionStorage.Model storage m,
        BpmRuntime.RecordType rt,
        uint256 f,
        uint256 source,
        uint256 target
    ) private view returns (uint256 scope) {
        scope = m.elements[source].scope;
        if (m.elements[target].scope != scope) _bad(rt, f, BpmRuntime.Violation.EndpointsInDifferentScopes);
        if (BpmRuntime.isStart(m.elements[target].kind)) _bad(rt, f, BpmRuntime.Violation.TargetIsAStartEvent);
    }

    /// @dev Checks message flows: pools and targets in range, a sending element lists the flow in its `messageOut` and lives in `sourcePool`.
    function _triggers(DefinitionStorage.Model storage m, Work memory w) private view {
        for (uint256 t; t < w.nTriggers; ++t) {
            BpmnModel.EventTrigger storage tr = m.triggers[t];
            uint256 src = tr.sourceElement;
            uint256 p = tr.sourcePool;
            if (p >= w.nPools) _bad(BpmRuntime.RecordType.EventTrigger, t, BpmRuntime.Violation.PoolOutOfRange);
            if (tr.target >= w.nElements) {
                _bad(BpmRuntime.RecordType.EventTrigger, t, BpmRuntime.Violation.TargetOutOfRange);
            }
            if (src != 0) {
                if (src > w.nElements || !m.elements[src - 1].messageOut.has(t)) {
                    _bad(BpmRuntime.RecordType.EventTrigger, t, BpmRuntime.Violation.SourceDoesNotSendIt);
                }
                if (w.scopePool[m.elements[src - 1].scope] != p) {
                    _bad(BpmRuntime.RecordType.EventTrigger, t, BpmRuntime.Violation.SourceNotInSourcePool);
                }
            }
        }
    }

    /// @dev Writes pre-/post-sets, checks incoming/outgoing flows, indexes the automatic consumers of each place and sets `autoAfter`.
    function _places(DefinitionStorage.Compiled storage c, Work memory w) private {
        // pre-/post-sets, incoming/outgoing checks, automatic consumers per place
        for (uint256 e; e < w.nElements; ++e) {
            DefinitionStorage.ElementSlot storage slot = c.elements[e];
            BpmCore.ElementKind kind = slot.kind;
            uint256 pre = w.pre[e];
            if (!BpmRuntime.isStart(kind) && pre == 0) {
                _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.NoIncomingFlow);
            }
            if (BpmRuntime.isGateway(kind) && w.post[e] == 0) {
                _bad(BpmRuntime.RecordType.Element, e, BpmRuntime.Violation.GatewayWithoutOutgoingFlow);
            }
            slot.preset = pre;
            slot.postset = w.post[e];
            if (BpmRuntime.isAutomatic(kind)) {
                uint256 scope = slot.scope;
                w.autoPlaces[scope] |= pre;
                for (uint256 bits = pre; bits != 0; bits &= bits - 1) {
                    // forge-lint: disable-next-line(unsafe-typecast)
                    c.autoConsumers[(scope << 8) | bits.lowest()].push(uint16(e)); // e <= 65,535
                }
            }
        }
        for (uint256 e; e < w.nElements; ++e) {
            DefinitionStorage.ElementSlot storage slot = c.elements[e];
            if (w.post[e] & w.autoPlaces[slot.scope] != 0) slot.autoAfter = true;
        }
        for (uint256 s; s < w.nScopes; ++s) {
            if (!w.topLevel.has(s) && c.scopeStarts[s].length == 0) {
                _bad(BpmRuntime.RecordType.Subprocess, s, BpmRuntime.Violation.SubProcessWithoutNoneStartEvent);
            }
        }
    }

    /// @dev The start role: role of the first none start event of the lowest-index executable pool.
    function _starts(DefinitionStorage.Compiled storage c, Work memory w) private view returns (bytes32 startRole) {
        uint16[] storage starts = c.startElements;
        if (starts.length == 0) revert IProcessDefinitionRegistry.NoStartEvent();
        // the start role: role of the first start event of the lowest-index executable pool
        uint256 bestPool = type(uint256).max;
        for (uint256 i; i < starts.length; ++i) {
            DefinitionStorage.ElementSlot storage slot = c.elements[starts[i]];
            uint256 p = w.scopePool[slot.scope];
            if (p < bestPool) {
                bestPool = p;
                startRole = slot.role;
            }
        }
    }

    /// @dev Reverts `InvalidRecord`.
    /// @dev Checks the verified tasks: a task completed by a person, a verifier role that is
    /// neither zero nor the task's own role (four eyes), one record per task, a reward within
    /// `MAX_REWARD_UNITS` and only once the registry has a `RewardUnits` contract to mint it on.
    function _verifications(uint256 definitionId, DefinitionStorage.Compiled storage c, Work memory w) private view {
        BpmnModel.TaskVerification[] storage vs = DefinitionStorage.layout().verifications[definitionId];
        uint256[] memory seen = new uint256[]((w.nElements + 255) / 256);
        for (uint256 i; i < vs.length; ++i) {
            uint256 e = vs[i].element;
            if (e >= w.nElements) _bad(BpmRuntime.RecordType.TaskVerification, i, BpmRuntime.Violation.ElementOutOfRange);
            DefinitionStorage.ElementSlot storage slot = c.elements[e];
            if (!BpmRuntime.isPersonTask(slot.kind)) {
                _bad(BpmRuntime.RecordType.TaskVerification, i, BpmRuntime.Violation.VerifiedElementNotAPersonTask);
            }
            bytes32 role = vs[i].verifierRole;
            if (role == bytes32(0) || role == slot.role) {
                _bad(BpmRuntime.RecordType.TaskVerification, i, BpmRuntime.Violation.VerifierIsTheTaskRole);
            }
            if (seen[e >> 8] & (1 << (e & 255)) != 0) {
                _bad(BpmRuntime.RecordType.TaskVerification, i, BpmRuntime.Violation.SecondVerification);
            }
            seen[e >> 8] |= 1 << (e & 255);
            uint64 reward = vs[i].reward;
            if (reward > BpmLimits.MAX_REWARD_UNITS) {
                _bad(BpmRuntime.RecordType.TaskVerification, i, BpmRuntime.Violation.RewardTooLarge);
            }
            if (reward != 0 && DefinitionStorage.layout().rewardUnits == address(0)) {
                _bad(BpmRuntime.RecordType.TaskVerification, i, BpmRuntime.Violation.RewardUnitsNotSet);
            }
        }
    }

    function _bad(BpmRuntime.RecordType rt, uint256 index, BpmRuntime.Violation violation) private pure {
        revert IProcessDefinitionRegistry.InvalidRecord(rt, index, violation);
    }
}
