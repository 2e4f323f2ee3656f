// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// A parts catalogue; only authorized assemblers may consume stock.
contract Parts {
    address public immutable owner;
    mapping(address => bool) public authorized;
    mapping(bytes32 => uint256) public stock;

    event Stocked(bytes32 indexed part, uint256 quantity);
    error NotAuthorized(address caller);
    error OutOfStock(bytes32 part, uint256 wanted, uint256 available);

    constructor() {
        owner = msg.sender;
    }

    function authorize(address assembler) external {
        if (msg.sender != owner) revert NotAuthorized(msg.sender);
        authorized[assembler] = true;
    }

    function restock(bytes32 part, uint256 quantity) external {
        if (msg.sender != owner) revert NotAuthorized(msg.sender);
        stock[part] += quantity;
        emit Stocked(part, quantity);
    }

    function consume(bytes32 part, uint256 quantity) external {
        if (!authorized[msg.sender]) revert NotAuthorized(msg.sender);
        uint256 available = stock[part];
        if (available < quantity) revert OutOfStock(part, quantity, available);
        stock[part] = available - quantity;
    }
}

/// Builds products out of `Parts`: each build consumes one wheel and one frame.
contract Assembly {
    Parts public immutable parts;
    uint256 public built;

    event Built(uint256 indexed serial, address by);

    constructor(Parts parts_) {
        parts = parts_;
    }

    function build() external returns (uint256 serial) {
        parts.consume("wheel", 1);
        parts.consume("frame", 1);
        serial = ++built;
        emit Built(serial, msg.sender);
    }
}
