// SPDX-License-Identifier: MIT
pragma solidity >=0.8.4 <0.9.0;

/// The verifier `proofmill export solidity` writes for the bsm_options key (its dynamic form).
interface IGroth16Verifier {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pubSignals
    ) external view returns (bool);
}

/// @title Option marks proven from an oracle-signed snapshot (Proofmill's bsm_options, see
/// docs/STATEMENTS.md). An example consumer: it accepts a proof only for its oracle key and feed,
/// only for a snapshot no older than `maxAge` and newer than the last one it accepted (so neither
/// a stale nor a replayed snapshot is taken), and stores each option's price and Greeks (or, for a
/// key in commitment mode, the commitment to them) and the book's size-weighted totals.
/// @dev Public signals of bsm_options with E expiries and P options each (n = E P):
///   commit=0: [snapshot, price[n], delta[n], gamma[n], vega[n], theta[n], rho[n], totals[6],
///              oracle_ax, oracle_ay, feed_id, timestamp, expiry[E], strike[n], call[n], size[n]]
///   commit=1: [snapshot, results, totals[6], oracle_ax, oracle_ay, feed_id, timestamp, expiry[E]]
/// totals: value, delta, gamma, vega, theta, rho of the positions (sizes times the per-contract
/// values). Values are fixed point with 48 fractional bits, negative ones as r - |v|. In
/// commitment mode the per-option values travel off chain beside the proof and `results` binds
/// them (`proofmill options decode --values` checks them against it). The proof shows the numbers
/// are right for the book it priced, not that it is the venue's book: only `submitter` (the
/// account that deployed the contract) may submit, so no one else can replace the totals with
/// those of another book priced on the same snapshot.
contract OptionMarks {
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    struct Mark {
        int256 price;
        int256 delta;
        int256 gamma;
        int256 vega;
        int256 theta;
        int256 rho;
        uint64 timestamp;
    }

    IGroth16Verifier public immutable verifier;
    address public immutable submitter;
    uint256 public immutable oracleAx;
    uint256 public immutable oracleAy;
    uint256 public immutable feedId;
    uint256 public immutable expiries;
    uint256 public immutable perExpiry;
    uint256 public immutable maxAge;
    /// The key proves in commitment mode (bsm_options -p commit=1).
    bool public immutable committed;

    /// The timestamp of the last snapshot accepted: a later proof must be for a newer one.
    uint256 public latestTimestamp;
    /// keccak256(abi.encode(expiry, strike, isCall)) => the latest mark.
    mapping(bytes32 => Mark) public marks;
    /// The latest snapshot's totals: value, delta, gamma, vega, theta, rho.
    int256[6] public totals;
    /// Commitment mode: the latest snapshot's commitment to its options and results.
    uint256 public resultsCommitment;

    event Marked(uint256 indexed snapshot, uint256 timestamp, uint256 options);

    constructor(
        IGroth16Verifier verifier_,
        uint256 oracleAx_,
        uint256 oracleAy_,
        uint256 feedId_,
        uint256 expiries_,
        uint256 perExpiry_,
        uint256 maxAge_,
        bool committed_
    ) {
        verifier = verifier_;
        submitter = msg.sender;
        oracleAx = oracleAx_;
        oracleAy = oracleAy_;
        feedId = feedId_;
        expiries = expiries_;
        perExpiry = perExpiry_;
        maxAge = maxAge_;
        committed = committed_;
    }

    function markKey(uint256 expiry, uint256 strike, bool isCall) public pure returns (bytes32) {
        return keccak256(abi.encode(expiry, strike, isCall));
    }

    function submit(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pub
    ) external {
        require(msg.sender == submitter, "not the submitter");
        uint256 n = expiries * perExpiry;
        uint256 outputs = committed ? 8 : 1 + 6 * n + 6; // index of the first public input
        uint256 inputs = outputs + 4 + expiries + (committed ? 0 : 3 * n);
        require(pub.length == inputs, "wrong number of public signals");
        require(pub[outputs] == oracleAx && pub[outputs + 1] == oracleAy, "not this contract's oracle");
        require(pub[outputs + 2] == feedId, "another feed");
        uint256 ts = pub[outputs + 3];
        require(ts <= block.timestamp, "snapshot from the future");
        require(block.timestamp - ts <= maxAge, "stale snapshot");
        require(ts > latestTimestamp, "replayed or older snapshot");
        require(verifier.verifyProof(pA, pB, pC, pub), "invalid proof");
        latestTimestamp = ts;
        for (uint256 k = 0; k < 6; ++k) {
            totals[k] = _signed(pub[outputs - 6 + k]);
        }
        if (committed) {
            resultsCommitment = pub[1];
        } else {
            for (uint256 i = 0; i < n; ++i) {
                uint256 expiry = pub[outputs + 4 + i / perExpiry];
                uint256 strike = pub[outputs + 4 + expiries + i];
                bool isCall = pub[outputs + 4 + expiries + n + i] == 1;
                marks[markKey(expiry, strike, isCall)] = Mark(
                    _signed(pub[1 + i]),
                    _signed(pub[1 + n + i]),
                    _signed(pub[1 + 2 * n + i]),
                    _signed(pub[1 + 3 * n + i]),
                    _signed(pub[1 + 4 * n + i]),
                    _signed(pub[1 + 5 * n + i]),
                    uint64(ts)
                );
            }
        }
        emit Marked(pub[0], ts, n);
    }

    function _signed(uint256 v) internal pure returns (int256) {
        return v > R / 2 ? -int256(R - v) : int256(v);
    }
}
