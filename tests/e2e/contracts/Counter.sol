// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Counter
/// @notice Smoke-test contract of the end-to-end suite: state, a custom error and an event.
contract Counter {
    /// @notice The current count.
    uint256 public count;

    /// @notice Emitted on every change of `count`.
    event Incremented(address indexed by, uint256 amount, uint256 newCount);

    /// @notice Raised when `increment` is called with zero.
    error ZeroAmount();

    /// @notice Adds `amount` (> 0) to `count`.
    function increment(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        count += amount;
        emit Incremented(msg.sender, amount, count);
    }
}
