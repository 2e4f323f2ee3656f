// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// A name registry: deployed with CREATE2 at an address known before deployment.
contract Registry {
    mapping(bytes32 => address) public ownerOf;
    event Registered(bytes32 indexed name, address indexed owner);
    error Taken(bytes32 name, address owner);

    function register(bytes32 name, address owner) external {
        if (ownerOf[name] != address(0)) revert Taken(name, ownerOf[name]);
        ownerOf[name] = owner;
        emit Registered(name, owner);
    }
}

/// A counter owned by its deployer, deployed with CREATE.
contract Counter {
    address public immutable owner;
    uint256 public count;
    event Incremented(uint256 newCount);

    constructor() {
        owner = msg.sender;
    }

    function increment() external {
        count += 1;
        emit Incremented(count);
    }
}

/// The slice of Multicall3 (0xcA11bde05977b3631167028862bE2a173976CA11) the script uses.
interface IMulticall3 {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData);
}
