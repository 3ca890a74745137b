// SPDX-License-Identifier: MIT
// A proof-of-solvency record on chain (docs/STATEMENTS.md, "Solvency"): the exchange submits each
// batch proof of a round (solvency_batch: one public signal, the batch commitment), then the top
// proof (solvency_top); the round's root of all users, per-asset totals, price hash and reserves
// are stored once the top proof verifies against exactly the submitted batches.
//
// The binding of the top to the batches: the contract keeps a hash chain of the batch
// commitments it verified; publish() takes the commitments again, checks them against the chain,
// derives z = sha256(exchange, round, root, c_0, ..., c_{n-1}) mod r and the digest
// ((c_0 z + c_1) z + ...) + c_{n-1}, and passes both to the top verifier: the top proof holds
// only for batch commitments equal to these (its digest is a polynomial in z of degree n - 1
// fixed before z is known, since z hashes the root that commits to the batch roots).
//
// Deployment: the two verifiers (`proofmill export solidity` of each zkey), the exchange's id
// (the statements' `exchange` field), the number of assets, and the custodians whose attestations
// the top proof counts (their public keys; a round's proof must use exactly these).
pragma solidity >=0.8.4 <0.9.0;

interface IGroth16Verifier {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[] calldata pubSignals
    ) external view returns (bool);
}

contract SolvencyRounds {
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    IGroth16Verifier public immutable batchVerifier;
    IGroth16Verifier public immutable topVerifier;
    address public immutable operator;
    uint256 public immutable exchangeId;
    uint256 public immutable assets;
    uint256[] public custodianX;
    uint256[] public custodianY;

    struct Pending {
        bytes32 chain; // keccak chain of the verified batch commitments, in order
        uint256 count;
    }
    struct Round {
        uint256 root;
        uint256 priceHash;
        uint256 batches;
        uint256 publishedAt;
    }
    mapping(uint256 => Pending) public pending;
    mapping(uint256 => Round) public rounds;
    mapping(uint256 => uint256[]) internal amountsOf;
    uint256 public latestRound;

    event BatchVerified(uint256 indexed round, uint256 index, uint256 commitment);
    event RoundPublished(uint256 indexed round, uint256 root, uint256 priceHash, uint256 batches);

    constructor(
        IGroth16Verifier batchVerifier_,
        IGroth16Verifier topVerifier_,
        uint256 exchangeId_,
        uint256 assets_,
        uint256[] memory custodianX_,
        uint256[] memory custodianY_
    ) {
        require(custodianX_.length == custodianY_.length, "custodian keys: x and y differ in length");
        batchVerifier = batchVerifier_;
        topVerifier = topVerifier_;
        operator = msg.sender;
        exchangeId = exchangeId_;
        assets = assets_;
        custodianX = custodianX_;
        custodianY = custodianY_;
    }

    modifier onlyOperator() {
        require(msg.sender == operator, "not the operator");
        _;
    }

    /// A batch proof of `round`, in order: its one public signal is the batch commitment.
    /// `proof` is (A.x, A.y, B.x1, B.x0, B.y1, B.y0, C.x, C.y), the verifier's argument order.
    function submitBatch(uint256 round, uint256 commitment, uint256[8] calldata proof) external onlyOperator {
        require(rounds[round].publishedAt == 0, "round already published");
        require(commitment < R, "commitment out of range");
        uint256[] memory pub = new uint256[](1);
        pub[0] = commitment;
        require(_verify(batchVerifier, proof, pub), "invalid batch proof");
        Pending storage p = pending[round];
        emit BatchVerified(round, p.count, commitment);
        p.chain = keccak256(abi.encode(p.chain, commitment));
        p.count += 1;
    }

    /// The top proof of `round` over the submitted batches (their commitments, in order).
    /// `amounts` is users' equity per asset, then users' debt, then on-chain reserves (3 A values).
    function publish(
        uint256 round,
        uint256 root,
        uint256 priceHash,
        uint256[] calldata amounts,
        uint256[] calldata commitments,
        uint256[8] calldata proof
    ) external onlyOperator {
        require(rounds[round].publishedAt == 0, "round already published");
        require(round > latestRound, "rounds must increase");
        require(amounts.length == 3 * assets, "equity, debt and reserves: one of each per asset");
        uint256[] memory pub = _signals(round, root, priceHash, amounts);
        _bind(pub, round, root, commitments);
        require(_verify(topVerifier, proof, pub), "invalid top proof");
        rounds[round] = Round(root, priceHash, commitments.length, block.timestamp);
        amountsOf[round] = amounts;
        latestRound = round;
        emit RoundPublished(round, root, priceHash, commitments.length);
    }

    // solvency_top's public signals: root, equity[A], debt[A], digest, exchange, round, price hash,
    // z, batches, onchain[A], custodian x[K], custodian y[K]; digest, z and batches set by _bind.
    function _signals(uint256 round, uint256 root, uint256 priceHash, uint256[] calldata amounts)
        internal
        view
        returns (uint256[] memory pub)
    {
        uint256 a = assets;
        uint256 k = custodianX.length;
        pub = new uint256[](3 * a + 7 + 2 * k);
        pub[0] = root;
        for (uint256 i = 0; i < a; ++i) {
            pub[1 + i] = amounts[i];
            pub[1 + a + i] = amounts[a + i];
            pub[2 * a + 7 + i] = amounts[2 * a + i];
        }
        pub[2 * a + 2] = exchangeId;
        pub[2 * a + 3] = round;
        pub[2 * a + 4] = priceHash;
        for (uint256 i = 0; i < k; ++i) {
            pub[3 * a + 7 + i] = custodianX[i];
            pub[3 * a + 7 + k + i] = custodianY[i];
        }
    }

    // Checks the commitments against the verified batches, then derives z and the digest.
    function _bind(uint256[] memory pub, uint256 round, uint256 root, uint256[] calldata commitments) internal view {
        uint256 n = commitments.length;
        Pending storage p = pending[round];
        require(n > 0 && n == p.count, "not the submitted batches");
        uint256 z = uint256(sha256(abi.encodePacked(exchangeId, round, root, commitments))) % R;
        bytes32 chain;
        uint256 digest;
        for (uint256 i = 0; i < n; ++i) {
            chain = keccak256(abi.encode(chain, commitments[i]));
            digest = addmod(mulmod(digest, z, R), commitments[i], R);
        }
        require(chain == p.chain, "not the submitted batches");
        uint256 a = assets;
        pub[2 * a + 1] = digest;
        pub[2 * a + 5] = z;
        pub[2 * a + 6] = n;
    }

    function _verify(IGroth16Verifier v, uint256[8] calldata proof, uint256[] memory pub) internal view returns (bool) {
        return v.verifyProof(
            [proof[0], proof[1]], [[proof[2], proof[3]], [proof[4], proof[5]]], [proof[6], proof[7]], pub
        );
    }

    /// A published round's amounts: users' equity per asset, users' debt, on-chain reserves.
    function amounts(uint256 round) external view returns (uint256[] memory) {
        return amountsOf[round];
    }
}
