// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {L1Messages} from "./generated/L1Messages.sol";

/// @title The AlstraNet validators as seen from Ethereum
/// @notice Keeps the consortium's current validator set (one Ethereum address per validator: the
/// attestation key in its keystore) and checks that a supermajority of it signed an EIP-712
/// message. The set is registered at deployment and replaced only by a handover signed by a
/// supermajority of the current set (`changeValidators`), after the council changed the
/// validators on AlstraNet; from then on the old set's signatures count for nothing.
/// @dev Supermajority = GRANDPA's threshold, `n - floor((n - 1) / 3)` of `n` validators (more
/// than 2/3: 3 of 4, 5 of 7, 1 of 1), so that what L1 accepts needs the same quorum as
/// AlstraNet's finality (a committee-signed bridge, as Snowbridge's BEEFY light client).
/// Signatures are 65-byte `r || s || v`, OpenZeppelin `ECDSA` (no malleable `s`), sorted by
/// strictly increasing signer address so that no validator counts twice.
abstract contract ValidatorCommittee is EIP712 {
    /// @notice Largest validator set (bounds the handover's gas).
    uint256 public constant MAX_VALIDATORS = 100;

    /// @notice EIP-712 type of a validator-set handover.
    bytes32 public constant VALIDATOR_SET_CHANGE_TYPEHASH = L1Messages.VALIDATOR_SET_CHANGE_TYPEHASH;

    /// @notice Number of the current set (AlstraNet's committee id: as given at deployment, +1 per
    /// handover).
    uint64 public validatorSetId;
    address[] private _validators;
    /// @dev validator address => 1 + id of the latest set it belongs to (0: never a validator).
    mapping(address => uint64) private _memberOf;

    /// @notice The validator set `setId` took over (also at deployment).
    event ValidatorSetChanged(uint64 indexed setId, address[] validators);

    /// @notice A validator set must have 1..MAX_VALIDATORS members.
    error ValidatorSetSize(uint256 size);
    /// @notice A validator set must list distinct non-zero addresses.
    error InvalidValidator(address validator);
    /// @notice A handover must carry the next set id.
    error WrongValidatorSetId(uint64 expected, uint64 setId);
    /// @notice Signature `index` is not a valid 65-byte ECDSA signature.
    error InvalidSignature(uint256 index);
    /// @notice Signer of signature `index` is not in the current set.
    error SignerNotValidator(uint256 index, address signer);
    /// @notice Signers must be sorted by strictly increasing address (no duplicates).
    error SignersNotSorted(uint256 index, address signer);
    /// @notice Fewer current validators signed than the supermajority.
    error NotEnoughSignatures(uint256 signed, uint256 required);

    /// @param setId_ the initial set's id: AlstraNet's committee id at deployment (0 for a chain's
    /// genesis committee; `pallet_attestation::CurrentCommittee` later), so that later handovers
    /// carry the chain's committee ids
    /// @param validators_ the initial set
    constructor(uint64 setId_, address[] memory validators_) {
        _setValidators(setId_, validators_);
    }

    /// @notice The current validator set.
    function validators() external view returns (address[] memory) {
        return _validators;
    }

    /// @notice Whether `who` is in the current set.
    function isValidator(address who) public view returns (bool) {
        return _memberOf[who] == validatorSetId + 1;
    }

    /// @notice Signatures of current validators needed: `n - floor((n - 1) / 3)`.
    function threshold() public view returns (uint256) {
        uint256 n = _validators.length;
        return n - (n - 1) / 3;
    }

    /// @notice EIP-712 digest that the current set signs to hand over to `validators_` as set
    /// `setId` (which must be `validatorSetId + 1`).
    function hashValidatorSetChange(uint64 setId, address[] calldata validators_) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(VALIDATOR_SET_CHANGE_TYPEHASH, setId, keccak256(abi.encodePacked(validators_))))
        );
    }

    /// @notice Replaces the validator set: signed by a supermajority of the current set. Anyone
    /// may send it (a relayer does, after the council's change of validators on AlstraNet).
    /// @param setId `validatorSetId + 1`
    /// @param validators_ the new set (distinct, non-zero, 1..MAX_VALIDATORS)
    /// @param signatures of current validators over `hashValidatorSetChange(setId, validators_)`
    function changeValidators(uint64 setId, address[] calldata validators_, bytes[] calldata signatures) external {
        if (setId != validatorSetId + 1) revert WrongValidatorSetId(validatorSetId + 1, setId);
        requireSupermajority(hashValidatorSetChange(setId, validators_), signatures);
        _setValidators(setId, validators_);
    }

    /// @notice Reverts unless a supermajority of the current set signed `digest`.
    /// @param digest an EIP-712 digest of this contract's domain
    /// @param signatures 65-byte signatures, sorted by strictly increasing signer address
    function requireSupermajority(bytes32 digest, bytes[] calldata signatures) public view {
        uint256 required = threshold();
        if (signatures.length < required) revert NotEnoughSignatures(signatures.length, required);
        address previous = address(0);
        uint64 member = validatorSetId + 1;
        for (uint256 i = 0; i < signatures.length; ++i) {
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, signatures[i]);
            if (err != ECDSA.RecoverError.NoError) revert InvalidSignature(i);
            if (signer <= previous) revert SignersNotSorted(i, signer);
            if (_memberOf[signer] != member) revert SignerNotValidator(i, signer);
            previous = signer;
        }
    }

    function _setValidators(uint64 setId, address[] memory validators_) private {
        uint256 n = validators_.length;
        if (n == 0 || n > MAX_VALIDATORS) revert ValidatorSetSize(n);
        for (uint256 i = 0; i < n; ++i) {
            address v = validators_[i];
            if (v == address(0) || _memberOf[v] == setId + 1) revert InvalidValidator(v);
            _memberOf[v] = setId + 1;
        }
        validatorSetId = setId;
        _validators = validators_;
        emit ValidatorSetChanged(setId, validators_);
    }
}
