// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title Marking
/// @notice Helpers for the 256-bit bitmaps the engine uses for markings (places of a scope),
/// pending messages and sets of scopes.
library Marking {
    /// @notice The bitmap with only bit `i` set.
    function bit(uint256 i) internal pure returns (uint256) {
        return uint256(1) << i;
    }

    /// @notice True when bit `i` of `map` is set.
    function has(uint256 map, uint256 i) internal pure returns (bool) {
        return (map >> i) & 1 == 1;
    }

    /// @notice Index of the lowest set bit of `map`; `map` must not be 0.
    function lowest(uint256 map) internal pure returns (uint256) {
        unchecked {
            return Math.log2(map & (~map + 1));
        }
    }
}
