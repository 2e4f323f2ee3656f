// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BpmnModel} from "./BpmnModel.sol";
import {BpmCore} from "./generated/BpmCore.sol";
import {BpmRuntime} from "./BpmRuntime.sol";
import {DefinitionStorage} from "./DefinitionStorage.sol";
import {IProcessDefinitionRegistry} from "./IProcessDefinitionRegistry.sol";
import {Marking} from "./Marking.sol";
import {RuntimeImage} from "./RuntimeImage.sol";

/// @title RuntimeImageWriter
/// @notice Writes a definition's runtime image (layout: `RuntimeImage`) from the tables
/// `ModelCompiler` computed, as the code of data-only contracts created by the registry. Runs at
/// publish, in the registry's context.
library RuntimeImageWriter {
    using Marking for uint256;

    /// @dev The image being built: its bytes, its section offsets and the lists' write cursor.
    struct Cursor {
        bytes img;
        uint256 chunks;
        uint256 elements;
        uint256 scopes;
        uint256 triggers;
        uint256 variables;
        uint256 list; // next free offset of the lists section
    }

    /// @notice Builds the image of `definitionId` (compiled, with start role `startRole`) and
    /// deploys it; returns chunk 0's address. Reverts `RuntimeImageTooLarge` (with the image's
    /// size and the maximum, in bytes) or `RuntimeImageCreationFailed` (with the chunk's index).
    function write(uint256 definitionId, bytes32 startRole) internal returns (address) {
        DefinitionStorage.Layout storage l = DefinitionStorage.layout();
        DefinitionStorage.Model storage m = l.models[definitionId];
        DefinitionStorage.Compiled storage c = l.compiled[definitionId];
        Cursor memory cur = _allocate(m, c);
        _header(cur, m, c, startRole);
        for (uint256 e; e < m.elements.length; ++e) {
            _node(cur, m, c, e, cur.elements + e * RuntimeImage.NODE_BYTES);
        }
        // verified tasks: the verifier role in the task's sixth word (a call activity's
        // calledProcess), the evidence flag in bit 2 of its flags byte (byte 3 of the first word),
        // the reward (u64) in bytes 18..25 of the first word
        BpmnModel.TaskVerification[] storage vs = l.verifications[definitionId];
        for (uint256 i; i < vs.length; ++i) {
            uint256 at = cur.elements + uint256(vs[i].element) * RuntimeImage.NODE_BYTES;
            _put(cur.img, at + 160, uint256(vs[i].verifierRole));
            if (vs[i].evidenceRequired) cur.img[at + 3] |= bytes1(uint8(4));
            uint64 reward = vs[i].reward;
            for (uint256 k; k < 8; ++k) {
                cur.img[at + 25 - k] = bytes1(uint8(reward >> (8 * k)));
            }
        }
        for (uint256 s; s < m.subprocesses.length; ++s) {
            DefinitionStorage.ScopeSlot storage ss = c.scopes[s];
            (uint256 off, uint256 len) = _u16List(cur, c.scopeStarts[s]);
            uint256 at = cur.scopes + s * RuntimeImage.SCOPE_BYTES;
            _put(cur.img, at, (uint256(ss.parentElement) << 240) | (uint256(ss.pool) << 232) | (off << 200) | (len << 184));
            _put(cur.img, at + 32, ss.descendants);
        }
        for (uint256 t; t < m.triggers.length; ++t) {
            BpmnModel.EventTrigger storage tr = m.triggers[t];
            uint256 waits = c.elements[tr.target].messageIn == t + 1 ? 1 : 0;
            uint256 at = cur.triggers + t * RuntimeImage.TRIGGER_BYTES;
            _put(cur.img, at, (uint256(tr.sourceElement) << 240) | (uint256(tr.target) << 224) | (waits << 216));
            _put(cur.img, at + 32, uint256(m.pools[tr.sourcePool].role));
        }
        for (uint256 v; v < m.variables.length; ++v) {
            cur.img[cur.variables + v] = bytes1(uint8(m.variables[v].varType));
        }
        return _deploy(cur.img, cur.chunks);
    }

    /// @dev Sizes the image (fixed sections, lists, chunk directory) and allocates it.
    function _allocate(DefinitionStorage.Model storage m, DefinitionStorage.Compiled storage c)
        private
        view
        returns (Cursor memory cur)
    {
        uint256 nE = m.elements.length;
        uint256 nS = m.subprocesses.length;
        uint256 fixedLen = RuntimeImage.DIRECTORY + nE * RuntimeImage.NODE_BYTES + nS * RuntimeImage.SCOPE_BYTES
            + m.triggers.length * RuntimeImage.TRIGGER_BYTES + m.variables.length;
        uint256 size = fixedLen + _listsLength(m, c, nE, nS);
        uint256 k = (size + RuntimeImage.CHUNK - 1) / RuntimeImage.CHUNK;
        while ((size + 20 * (k - 1) + RuntimeImage.CHUNK - 1) / RuntimeImage.CHUNK > k) {
            ++k;
        }
        size += 20 * (k - 1);
        if (k > RuntimeImage.MAX_CHUNKS) {
            revert IProcessDefinitionRegistry.RuntimeImageTooLarge(size, RuntimeImage.MAX_CHUNKS * RuntimeImage.CHUNK);
        }
        cur.img = new bytes(size);
        cur.chunks = k;
        cur.elements = RuntimeImage.DIRECTORY + 20 * (k - 1);
        cur.scopes = cur.elements + nE * RuntimeImage.NODE_BYTES;
        cur.triggers = cur.scopes + nS * RuntimeImage.SCOPE_BYTES;
        cur.variables = cur.triggers + m.triggers.length * RuntimeImage.TRIGGER_BYTES;
        cur.list = cur.variables + m.variables.length;
    }

    /// @dev Writes the header words and the start-event and person-task lists.
    function _header(
        Cursor memory cur,
        DefinitionStorage.Model storage m,
        DefinitionStorage.Compiled storage c,
        bytes32 startRole
    ) private view {
        (uint256 startsOff, uint256 startsLen) = _u16List(cur, c.startElements);
        (uint256 tasksOff, uint256 tasksLen) = _u16List(cur, c.personTasks);
        uint256 counts = (m.elements.length << 240) | (m.subprocesses.length << 224) | (m.triggers.length << 208)
            | (m.variables.length << 192) | (cur.chunks << 176);
        _put(cur.img, 0, counts | (startsOff << 144) | (startsLen << 128) | (tasksOff << 96) | (tasksLen << 80));
        _put(cur.img, 32, (cur.elements << 224) | (cur.scopes << 192) | (cur.triggers << 160) | (cur.variables << 128));
        _put(cur.img, 64, uint256(startRole));
    }

    /// @dev Bytes of the lists section (see `RuntimeImage`).
    function _listsLength(DefinitionStorage.Model storage m, DefinitionStorage.Compiled storage c, uint256 nE, uint256 nS)
        private
        view
        returns (uint256 n)
    {
        n = 2 * (c.startElements.length + c.personTasks.length);
        for (uint256 s; s < nS; ++s) {
            n += 2 * c.scopeStarts[s].length;
        }
        for (uint256 e; e < nE; ++e) {
            DefinitionStorage.ElementSlot storage slot = c.elements[e];
            if (slot.autoAfter) {
                uint256 scopeKey = uint256(slot.scope) << 8;
                for (uint256 bits = slot.postset; bits != 0; bits &= bits - 1) {
                    n += RuntimeImage.CONSUMER_BYTES * c.autoConsumers[scopeKey | bits.lowest()].length;
                }
            }
            uint16[] storage flows = c.gatewayFlows[e];
            for (uint256 i; i < flows.length; ++i) {
                n += RuntimeImage.BRANCH_BYTES + m.gatewayFlows[flows[i]].condition.length;
            }
        }
    }

    /// @dev Writes the record of flow node `e` at `at`, and its consumers and branches in the lists.
    function _node(
        Cursor memory cur,
        DefinitionStorage.Model storage m,
        DefinitionStorage.Compiled storage c,
        uint256 e,
        uint256 at
    ) private view {
        DefinitionStorage.ElementSlot storage slot = c.elements[e];
        uint256 w0 = (uint256(uint8(slot.kind)) << 248) | (uint256(slot.scope) << 240)
            | (uint256(slot.childScope) << 232) | ((slot.joinAll ? uint256(1) : 0) << 224)
            | ((slot.autoAfter ? uint256(2) : 0) << 224) | (uint256(slot.messageIn) << 208);
        {
            (uint256 consumersOff, uint256 consumersLen) = _consumers(cur, c, slot);
            w0 |= (consumersOff << 176) | (consumersLen << 160);
        }
        uint16[] storage flows = c.gatewayFlows[e];
        w0 |= (_branches(cur, m, flows) << 128) | (flows.length << 112);
        _put(cur.img, at, w0);
        if (BpmRuntime.isPersonTask(slot.kind)) _put(cur.img, at + 32, uint256(slot.role));
        _put(cur.img, at + 64, slot.preset);
        _put(cur.img, at + 96, slot.postset);
        if (slot.sends) _put(cur.img, at + 128, m.elements[e].messageOut);
        if (slot.kind == BpmCore.ElementKind.CallActivity) {
            _put(cur.img, at + 160, uint256(m.elements[e].calledProcess));
        }
    }

    /// @dev Appends the automatic consumers of an element's post-set (place, element), by place
    /// then element; returns their offset and number.
    function _consumers(Cursor memory cur, DefinitionStorage.Compiled storage c, DefinitionStorage.ElementSlot storage slot)
        private
        view
        returns (uint256 off, uint256 len)
    {
        off = cur.list;
        if (!slot.autoAfter) return (off, 0);
        uint256 scopeKey = uint256(slot.scope) << 8;
        for (uint256 bits = slot.postset; bits != 0; bits &= bits - 1) {
            uint256 place = bits.lowest();
            uint16[] storage list = c.autoConsumers[scopeKey | place];
            for (uint256 i; i < list.length; ++i) {
                uint256 consumer = list[i];
                cur.img[cur.list] = bytes1(uint8(place));
                cur.img[cur.list + 1] = bytes1(uint8(consumer >> 8));
                cur.img[cur.list + 2] = bytes1(uint8(consumer));
                cur.list += RuntimeImage.CONSUMER_BYTES;
            }
        }
        len = (cur.list - off) / RuntimeImage.CONSUMER_BYTES;
    }

    /// @dev Appends the branch entries of a gateway's outgoing flows, then their conditions; returns the entries' offset.
    function _branches(Cursor memory cur, DefinitionStorage.Model storage m, uint16[] storage flows)
        private
        view
        returns (uint256 off)
    {
        off = cur.list;
        cur.list += flows.length * RuntimeImage.BRANCH_BYTES;
        for (uint256 i; i < flows.length; ++i) {
            BpmnModel.GatewaySequenceFlow storage fl = m.gatewayFlows[flows[i]];
            bytes memory cond = fl.condition;
            uint256 entry = (uint256(fl.place) << 56) | ((fl.isDefault ? uint256(1) : 0) << 48)
                | (cond.length == 0 ? 0 : cur.list << 16) | cond.length;
            for (uint256 j; j < RuntimeImage.BRANCH_BYTES; ++j) {
                cur.img[off + i * RuntimeImage.BRANCH_BYTES + j] = bytes1(uint8(entry >> (56 - 8 * j)));
            }
            for (uint256 j; j < cond.length; ++j) {
                cur.img[cur.list + j] = cond[j];
            }
            cur.list += cond.length;
        }
    }

    /// @dev Appends a u16 list to the lists section; returns its offset and length.
    function _u16List(Cursor memory cur, uint16[] storage list) private view returns (uint256 off, uint256 len) {
        off = cur.list;
        len = list.length;
        for (uint256 i; i < len; ++i) {
            uint16 v = list[i];
            cur.img[cur.list] = bytes1(uint8(v >> 8));
            cur.img[cur.list + 1] = bytes1(uint8(v));
            cur.list += 2;
        }
    }

    /// @dev Writes the 32-byte word `w` at byte `at` of `b` (`at + 32 <= b.length`).
    function _put(bytes memory b, uint256 at, uint256 w) private pure {
        assembly ("memory-safe") {
            mstore(add(add(b, 32), at), w)
        }
    }

    /// @dev Creates chunks k-1 .. 1, writes their addresses into chunk 0's directory, creates chunk 0.
    function _deploy(bytes memory img, uint256 k) private returns (address base) {
        for (uint256 i = k - 1; i >= 1; --i) {
            address a = _create(img, i * RuntimeImage.CHUNK, i);
            uint256 at = RuntimeImage.DIRECTORY + 20 * (i - 1);
            for (uint256 j; j < 20; ++j) {
                img[at + j] = bytes1(uint8(uint160(a) >> (152 - 8 * j)));
            }
        }
        base = _create(img, 0, 0);
    }

    /// @dev Creates a contract whose code is 0x00 followed by `img[from .. from + CHUNK)` (or to
    /// the end). Init code (10 bytes, as Solady's SSTORE2): PUSH2 size, DUP1, PUSH1 10,
    /// RETURNDATASIZE, CODECOPY, RETURNDATASIZE, RETURN.
    function _create(bytes memory img, uint256 from, uint256 chunk) private returns (address a) {
        uint256 len = img.length - from;
        if (len > RuntimeImage.CHUNK) len = RuntimeImage.CHUNK;
        uint256 size = len + 1;
        bytes memory init = new bytes(10 + size);
        uint256 prefix = (uint256(0x61) << 72) | (size << 56) | (uint256(0x80600a3d393df3) << 0);
        assembly ("memory-safe") {
            // the 10 prefix bytes (right-aligned in `prefix`), then STOP, then the data
            mstore(add(init, 32), shl(176, prefix))
            mstore8(add(init, 42), 0)
            mcopy(add(init, 43), add(add(img, 32), from), len)
            a := create(0, add(init, 32), mload(init))
        }
        if (a == address(0)) revert IProcessDefinitionRegistry.RuntimeImageCreationFailed(chunk);
    }
}
