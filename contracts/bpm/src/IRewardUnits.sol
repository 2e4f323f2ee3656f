// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IRewardUnits
/// @notice What the engine calls on `RewardUnits` when it approves a verified task with a reward
/// rule (AlstraNet specification 5.13 Token and 5.15 Reward).
interface IRewardUnits {
    /// @notice Mints `units` to `performer` for the approved task `element` of `instanceId`.
    /// Only the engine may call it.
    function mint(address performer, uint64 units, uint256 instanceId, uint16 element) external;
}
