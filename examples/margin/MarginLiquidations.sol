// SPDX-License-Identifier: MIT
pragma solidity >=0.8.4 <0.9.0;

/// The verifier `proofmill export solidity` writes for the margin_cross key (its dynamic form).
interface IGroth16Verifier {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pubSignals
    ) external view returns (bool);
}

/// @title Liquidation flags from margin proofs (Proofmill's margin_cross and margin_portfolio, see
/// docs/STATEMENTS.md). An example consumer: the venue keeps each account's commitment (the leaf
/// of its private book), the funding index of each market and (cross margin) the hash of its
/// risk tiers here; anyone may submit a proof that accounts are liquidatable, and the contract
/// flags them only if the proof verifies, for this contract's oracle key, risk parameters and
/// funding indices, for snapshots no older than `maxAge` and not from the future, and for the
/// accounts' current commitments. A healthy account's proof flags nothing: its outcome is proven.
/// @dev Public signals of margin_cross with M markets and A accounts:
///   [snapshot[M], outcome[A], oracle_ax, oracle_ay, feed_id[M], timestamp[M], funding[M], risk,
///    account[A]]
/// outcome: 0 healthy, 1 liquidatable, 2 bankrupt (both flagged). Of margin_portfolio (one
/// market, one account, reveal = 0; the grid is in the verifying key, so there is no risk hash):
///   [snapshot, outcome, oracle_ax, oracle_ay, feed_id, timestamp, funding, account]
/// outcome: 0 meets the initial margin, 1 only the maintenance margin, 2 liquidatable (flagged,
/// as 2). Funding indices are fixed point with 48 fractional bits, negative ones as r - |v| (the
/// field element the proof carries).
contract MarginLiquidations {
    IGroth16Verifier public immutable verifier;
    address public immutable venue;
    uint256 public immutable oracleAx;
    uint256 public immutable oracleAy;
    uint256 public immutable markets;
    uint256 public immutable accounts;
    uint256 public immutable maxAge;
    /// The verifier is margin_portfolio's (markets = accounts = 1).
    bool public immutable portfolio;

    /// The hash R of the venue's risk tiers (`proofmill margin input` shows it in the input's `risk`).
    uint256 public risk;
    /// feed id => the market's funding index now, as a field element (0 is a valid index: see `listed`).
    mapping(uint256 => uint256) public funding;
    mapping(uint256 => bool) public listed;
    /// leaf => account id + 1, for the accounts' current commitments (0: not a current leaf).
    mapping(uint256 => uint256) public accountOfLeaf;
    /// account id => its current leaf.
    mapping(uint256 => uint256) public leafOf;
    /// account id => 1 liquidatable, 2 bankrupt (0: not flagged), for its current leaf.
    mapping(uint256 => uint8) public flagged;

    event Flagged(uint256 indexed account, uint256 leaf, uint8 outcome, uint256 snapshotTime);
    event AccountUpdated(uint256 indexed account, uint256 leaf);

    constructor(
        IGroth16Verifier verifier_,
        uint256 oracleAx_,
        uint256 oracleAy_,
        uint256 markets_,
        uint256 accounts_,
        uint256 maxAge_,
        uint256 risk_,
        bool portfolio_
    ) {
        require(!portfolio_ || (markets_ == 1 && accounts_ == 1), "a portfolio proof has one market and one account");
        verifier = verifier_;
        venue = msg.sender;
        oracleAx = oracleAx_;
        oracleAy = oracleAy_;
        markets = markets_;
        accounts = accounts_;
        maxAge = maxAge_;
        risk = risk_;
        portfolio = portfolio_;
    }

    modifier onlyVenue() {
        require(msg.sender == venue, "not the venue");
        _;
    }

    function setRisk(uint256 risk_) external onlyVenue {
        risk = risk_;
    }

    function setFunding(uint256 feedId, uint256 index) external onlyVenue {
        funding[feedId] = index;
        listed[feedId] = true;
    }

    /// A new commitment for an account (after a trade, a deposit, a settlement): its old leaf is
    /// no longer current, so a proof about it no longer flags anything, and a flag is cleared.
    function setAccount(uint256 id, uint256 leaf) external onlyVenue {
        require(accountOfLeaf[leaf] == 0, "leaf already in use");
        uint256 old = leafOf[id];
        if (old != 0) accountOfLeaf[old] = 0;
        leafOf[id] = leaf;
        accountOfLeaf[leaf] = id + 1;
        flagged[id] = 0;
        emit AccountUpdated(id, leaf);
    }

    /// Anyone: flags the accounts a proof shows liquidatable (1) or bankrupt (2); returns how many.
    function flag(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pub
    ) external returns (uint256 count) {
        uint256 m = markets;
        uint256 a = accounts;
        bool p = portfolio;
        require(pub.length == (p ? 8 : 4 * m + 2 * a + 3), "wrong number of public signals");
        uint256 inputs = m + a; // index of oracle_ax
        require(pub[inputs] == oracleAx && pub[inputs + 1] == oracleAy, "not this contract's oracle");
        require(p || pub[inputs + 2 + 3 * m] == risk, "other risk parameters");
        uint256 oldest = type(uint256).max;
        for (uint256 k = 0; k < m; ++k) {
            uint256 feed = pub[inputs + 2 + k];
            require(listed[feed], "market not listed");
            require(pub[inputs + 2 + 2 * m + k] == funding[feed], "not the current funding index");
            uint256 ts = pub[inputs + 2 + m + k];
            require(ts <= block.timestamp, "snapshot from the future");
            require(block.timestamp - ts <= maxAge, "stale snapshot");
            if (ts < oldest) oldest = ts;
        }
        require(verifier.verifyProof(pA, pB, pC, pub), "invalid proof");
        for (uint256 i = 0; i < a; ++i) {
            uint256 leaf = pub[inputs + (p ? 2 : 3) + 3 * m + i];
            uint256 id1 = accountOfLeaf[leaf];
            require(id1 != 0, "not a current account commitment");
            uint256 outcome = pub[m + i];
            if (p ? outcome == 2 : outcome != 0) {
                flagged[id1 - 1] = uint8(outcome);
                emit Flagged(id1 - 1, leaf, uint8(outcome), oldest);
                ++count;
            }
        }
        require(count > 0, "no account is liquidatable");
    }
}
