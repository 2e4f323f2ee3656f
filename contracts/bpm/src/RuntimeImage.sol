// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BpmCore} from "./generated/BpmCore.sol";

/// @title RuntimeImage
/// @notice Reader of a published definition's *runtime image*: the tables the engine needs on its
/// hot path (flow nodes, scopes, message flows, variable types, start events, automatic consumers,
/// gateway branches), written once at publish by `RuntimeImageWriter` as the code of data-only
/// contracts (SSTORE2-style) and read by the engine with `EXTCODECOPY`. One cold `EXTCODECOPY`
/// (2,600 gas, EIP-2929) plus 3 gas per word replaces a cross-contract call and one cold `SLOAD`
/// (2,100 gas) per word of a storage table (docs/bpm-engine.md, "Runtime image").
/// @dev Layout, in *virtual* byte offsets: the image is cut into chunks of `CHUNK` bytes, chunk k
/// is the code of one contract (a `0x00` STOP byte, so that a call to it does nothing, then
/// bytes [k*CHUNK, (k+1)*CHUNK) of the image; EIP-170 caps code at 24,576 bytes). Chunk 0 holds
/// the header and the addresses of the other chunks. All integers are big-endian.
///
/// | offset | size | content |
/// |---|---|---|
/// | 0 | 32 | counts: elementCount u16, scopeCount u16, triggerCount u16, variableCount u16, chunkCount u16, startsOff u32, startsLen u16, tasksOff u32, tasksLen u16 |
/// | 32 | 32 | section offsets: elements u32, scopes u32, triggers u32, variables u32 |
/// | 64 | 32 | start role |
/// | 96 | 20 * (chunkCount - 1) | addresses of chunks 1.. |
/// | elements | 192 * elementCount | per flow node: packed word (`node`: kind u8, scope u8, childScope u8, flags u8 — bit 0 joinAll, bit 1 autoAfter, bit 2 evidenceRequired —, messageIn u16, consumers u32+u16, branches u32+u16, reward u64 — verified tasks —), role (person tasks only), pre-set, post-set, messageOut, calledProcess (call activities) or verifier role (verified tasks) |
/// | scopes | 64 * scopeCount | parentElement u16, pool u8, startsOff u32, startsLen u16; descendants bitmap |
/// | triggers | 64 * triggerCount | sourceElement u16, target u16, targetWaits u8; role of the source pool |
/// | variables | variableCount | `BpmCore.VariableType` per variable |
/// | lists | | u16 element lists (top-level start events, scope start events, person tasks), automatic consumers (place u8, element u16 per entry), gateway branches (place u8, isDefault u8, conditionOff u32, conditionLen u16 per entry), condition bytecode |
library RuntimeImage {
    /// @notice Image bytes per chunk contract: the EIP-170 code limit (24,576) less the STOP byte.
    uint256 internal constant CHUNK = 24_575;
    /// @notice Maximum chunks of one image (a chunk-0 directory of 63 addresses): about 1.5 MB.
    uint256 internal constant MAX_CHUNKS = 64;
    /// @notice Byte offset of the chunk directory in the image.
    uint256 internal constant DIRECTORY = 96;
    /// @notice Bytes of a flow-node record.
    uint256 internal constant NODE_BYTES = 192;
    /// @notice Bytes of a scope record.
    uint256 internal constant SCOPE_BYTES = 64;
    /// @notice Bytes of a message-flow record.
    uint256 internal constant TRIGGER_BYTES = 64;
    /// @notice Bytes of an automatic-consumer entry (place u8, element u16).
    uint256 internal constant CONSUMER_BYTES = 3;
    /// @notice Bytes of a gateway-branch entry (place u8, isDefault u8, conditionOff u32, conditionLen u16).
    uint256 internal constant BRANCH_BYTES = 8;

    /// @notice The image of one definition, with its header decoded.
    struct Image {
        address base; // chunk 0
        uint16 elementCount;
        uint16 scopeCount;
        uint16 triggerCount;
        uint16 variableCount;
        uint16 chunkCount;
        uint32 startsOff;
        uint16 startsLen;
        uint32 tasksOff;
        uint16 tasksLen;
        uint32 elementsOff;
        uint32 scopesOff;
        uint32 triggersOff;
        uint32 variablesOff;
        bytes32 startRole;
    }

    /// @notice A flow node as the engine uses it (the fields of `BpmRuntime.RuntimeElement` and
    /// where its automatic consumers and gateway branches are).
    /// @param consumersOff image offset of its automatic consumers: (place, element) for each place
    ///        of its post-set consumed by an automatic element, in place then element order.
    /// @param branchesOff ExclusiveGateway: image offset of its outgoing flows in document order.
    struct Node {
        uint16 index;
        BpmCore.ElementKind kind;
        uint8 scope;
        uint8 childScope;
        bool joinAll;
        bool autoAfter;
        uint16 messageIn;
        bytes32 role;
        uint256 preset;
        uint256 postset;
        uint256 messageOut;
        bytes32 calledProcess;
        uint32 consumersOff;
        uint16 consumersLen;
        uint32 branchesOff;
        uint16 branchesLen;
        bytes32 verifierRole; // person task: who verifies its submissions (`BpmnModel.TaskVerification`), 0: none
        bool evidenceRequired; // a verified task's submissions carry an evidence hash
        uint64 reward; // a verified task's reward rule: units minted to the performer per approval
    }

    /// @notice A scope as the engine uses it.
    struct Scope {
        uint16 parentElement; // index + 1 of the SubProcess opening it, 0 for a pool's process
        uint8 pool;
        uint32 startsOff; // its none start events (u16 list)
        uint16 startsLen;
        uint256 descendants; // bitmap of the scope and every scope nested in it
    }

    /// @notice An outgoing flow of an exclusive gateway; its condition is read on demand (`condition`).
    struct Branch {
        uint8 place;
        bool isDefault;
        uint32 conditionOff; // image offset of its condition bytecode
        uint16 conditionLen; // 0: unconditional
    }

    /// @notice Opens the image whose chunk 0 is `base` (reads its 96-byte header).
    function open(address base) internal view returns (Image memory im) {
        load(im, base);
    }

    /// @notice Reads the header of the image whose chunk 0 is `base` into `im`.
    function load(Image memory im, address base) internal view {
        im.base = base;
        uint256 w0;
        uint256 w1;
        bytes32 role;
        assembly ("memory-safe") {
            let tmp := mload(0x40) // scratch past the free memory pointer, not kept
            extcodecopy(base, tmp, 1, 96)
            w0 := mload(tmp)
            w1 := mload(add(tmp, 32))
            role := mload(add(tmp, 64))
        }
        im.elementCount = uint16(w0 >> 240);
        im.scopeCount = uint16(w0 >> 224);
        im.triggerCount = uint16(w0 >> 208);
        im.variableCount = uint16(w0 >> 192);
        im.chunkCount = uint16(w0 >> 176);
        im.startsOff = uint32(w0 >> 144);
        im.startsLen = uint16(w0 >> 128);
        im.tasksOff = uint32(w0 >> 96);
        im.tasksLen = uint16(w0 >> 80);
        im.elementsOff = uint32(w1 >> 224);
        im.scopesOff = uint32(w1 >> 192);
        im.triggersOff = uint32(w1 >> 160);
        im.variablesOff = uint32(w1 >> 128);
        im.startRole = role;
    }

    /// @notice Flow node `e` (`e < elementCount`, checked by the caller).
    function node(Image memory im, uint256 e) internal view returns (Node memory n) {
        uint256 tmp;
        assembly ("memory-safe") {
            tmp := mload(0x40) // scratch past the free memory pointer, not kept
        }
        _copy(im, im.elementsOff + e * NODE_BYTES, NODE_BYTES, tmp);
        assembly ("memory-safe") {
            let w0 := mload(tmp)
            mstore(n, e) // index
            mstore(add(n, 0x20), shr(248, w0)) // kind
            mstore(add(n, 0x40), and(shr(240, w0), 0xff)) // scope
            mstore(add(n, 0x60), and(shr(232, w0), 0xff)) // childScope
            mstore(add(n, 0x80), and(shr(224, w0), 1)) // joinAll
            mstore(add(n, 0xa0), and(shr(225, w0), 1)) // autoAfter
            mstore(add(n, 0xc0), and(shr(208, w0), 0xffff)) // messageIn
            mstore(add(n, 0xe0), mload(add(tmp, 0x20))) // role
            mstore(add(n, 0x100), mload(add(tmp, 0x40))) // preset
            mstore(add(n, 0x120), mload(add(tmp, 0x60))) // postset
            mstore(add(n, 0x140), mload(add(tmp, 0x80))) // messageOut
            mstore(add(n, 0x160), mload(add(tmp, 0xa0))) // calledProcess
            mstore(add(n, 0x180), and(shr(176, w0), 0xffffffff)) // consumersOff
            mstore(add(n, 0x1a0), and(shr(160, w0), 0xffff)) // consumersLen
            mstore(add(n, 0x1c0), and(shr(128, w0), 0xffffffff)) // branchesOff
            mstore(add(n, 0x1e0), and(shr(112, w0), 0xffff)) // branchesLen
            if lt(shr(248, w0), 8) {
                // a task kind (< SubProcess): the sixth word is its verifier role
                mstore(add(n, 0x200), mload(add(tmp, 0xa0))) // verifierRole
            }
            mstore(add(n, 0x220), and(shr(226, w0), 1)) // evidenceRequired
            mstore(add(n, 0x240), and(shr(48, w0), 0xffffffffffffffff)) // reward
        }
    }

    /// @notice The flow nodes of a u16 list at `off` (`len` entries).
    function nodes(Image memory im, uint256 off, uint256 len) internal view returns (Node[] memory out) {
        bytes memory b = read(im, off, len * 2);
        out = _nodes(len);
        for (uint256 i; i < len; ++i) {
            out[i] = node(im, (uint256(uint8(b[2 * i])) << 8) | uint8(b[2 * i + 1]));
        }
    }

    /// @notice The automatic consumers of the places `places` of `producer`'s post-set.
    function consumers(Image memory im, Node memory producer, uint256 places) internal view returns (Node[] memory out) {
        uint256 len = producer.consumersLen;
        bytes memory b = read(im, producer.consumersOff, len * CONSUMER_BYTES);
        out = _nodes(len);
        uint256 n;
        for (uint256 i; i < len; ++i) {
            uint256 at = i * CONSUMER_BYTES;
            if ((places >> uint8(b[at])) & 1 == 0) continue;
            out[n++] = node(im, (uint256(uint8(b[at + 1])) << 8) | uint8(b[at + 2]));
        }
        assembly ("memory-safe") {
            mstore(out, n)
        }
    }

    /// @notice The outgoing flows of exclusive gateway `gateway`, in document order.
    function branches(Image memory im, Node memory gateway) internal view returns (Branch[] memory out) {
        uint256 len = gateway.branchesLen;
        bytes memory b = read(im, gateway.branchesOff, len * BRANCH_BYTES);
        out = new Branch[](len);
        for (uint256 i; i < len; ++i) {
            uint256 w = _w(b, i * BRANCH_BYTES); // only the entry's 8 leading bytes are used
            out[i].place = uint8(w >> 248);
            out[i].isDefault = uint8(w >> 240) != 0;
            out[i].conditionOff = uint32(w >> 208);
            out[i].conditionLen = uint16(w >> 192);
        }
    }

    /// @notice The condition bytecode of a branch (`ConditionVM`); empty for an unconditional flow.
    function condition(Image memory im, Branch memory b) internal view returns (bytes memory) {
        return read(im, b.conditionOff, b.conditionLen);
    }

    /// @dev A memory array of `n` node pointers, not initialised (callers write entries before
    /// reading them and shorten the array to what they wrote).
    function _nodes(uint256 n) private pure returns (Node[] memory a) {
        assembly ("memory-safe") {
            a := mload(0x40)
            mstore(a, n)
            mstore(0x40, add(a, mul(add(n, 1), 32)))
        }
    }

    /// @notice Scope `s` (`s < scopeCount`, checked by the caller).
    function scope(Image memory im, uint256 s) internal view returns (Scope memory sc) {
        bytes memory b = read(im, im.scopesOff + s * SCOPE_BYTES, SCOPE_BYTES);
        uint256 w0 = _w(b, 0);
        sc.parentElement = uint16(w0 >> 240);
        sc.pool = uint8(w0 >> 232);
        sc.startsOff = uint32(w0 >> 200);
        sc.startsLen = uint16(w0 >> 184);
        sc.descendants = _w(b, 32);
    }

    /// @notice Message flow `t` (`t < triggerCount`, checked by the caller): its sending element
    /// (index + 1, 0 for a black-box pool), its target, whether the target waits for it, and the
    /// role of its sending pool.
    function trigger(Image memory im, uint256 t)
        internal
        view
        returns (uint16 sourceElement, uint16 target, bool targetWaits, bytes32 sourceRole)
    {
        bytes memory b = read(im, im.triggersOff + t * TRIGGER_BYTES, TRIGGER_BYTES);
        uint256 w0 = _w(b, 0);
        sourceElement = uint16(w0 >> 240);
        target = uint16(w0 >> 224);
        targetWaits = uint8(w0 >> 216) != 0;
        sourceRole = bytes32(_w(b, 32));
    }

    /// @notice Type of variable `index` (`index < variableCount`, checked by the caller).
    function variableType(Image memory im, uint256 index) internal view returns (BpmCore.VariableType) {
        return BpmCore.VariableType(uint8(read(im, im.variablesOff + index, 1)[0]));
    }

    /// @notice `len` bytes of the image from virtual offset `off`, across chunks.
    function read(Image memory im, uint256 off, uint256 len) internal view returns (bytes memory out) {
        uint256 dest;
        assembly ("memory-safe") {
            out := mload(0x40)
            mstore(out, len)
            dest := add(out, 32)
            mstore(0x40, and(add(add(dest, len), 31), not(31)))
        }
        _copy(im, off, len, dest);
    }

    /// @dev Copies `len` bytes of the image from virtual offset `off` to memory at `dest` (one
    /// EXTCODECOPY when they lie in one chunk). Allocates nothing.
    function _copy(Image memory im, uint256 off, uint256 len, uint256 dest) private view {
        address base = im.base;
        if (off + len <= CHUNK) {
            assembly ("memory-safe") {
                extcodecopy(base, dest, add(off, 1), len)
            }
            return;
        }
        unchecked {
            while (len != 0) {
                uint256 k = off / CHUNK;
                uint256 local = off - k * CHUNK;
                uint256 n = CHUNK - local;
                if (n > len) n = len;
                address chunk = k == 0 ? base : _chunk(base, k);
                assembly ("memory-safe") {
                    extcodecopy(chunk, dest, add(local, 1), n)
                }
                dest += n;
                off += n;
                len -= n;
            }
        }
    }

    /// @dev Address of chunk `k >= 1`, from chunk 0's directory (read through the scratch space).
    function _chunk(address base, uint256 k) private view returns (address a) {
        assembly ("memory-safe") {
            extcodecopy(base, 0, add(1, add(96, mul(20, sub(k, 1)))), 20)
            a := shr(96, mload(0))
        }
    }

    /// @dev The 32-byte word of `b` at byte `at`. Bytes past the end of `b` are whatever memory
    /// follows it: callers only use the bytes of the word that lie inside `b`.
    function _w(bytes memory b, uint256 at) private pure returns (uint256 w) {
        assembly ("memory-safe") {
            w := mload(add(add(b, 32), at))
        }
    }
}
