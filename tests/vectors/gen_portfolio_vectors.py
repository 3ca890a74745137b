#!/usr/bin/python3
"""Portfolio margin on Paradex's grid from QuantLib, for src/4-circuit/gadgets/portfolio.test.cpp.

  /usr/bin/python3 tests/vectors/gen_portfolio_vectors.py > tests/vectors/portfolio.json

The independent reference: every option re-priced under every scenario by QuantLib's
BlackCalculator (forward S_s e^((r - q) tau), standard deviation max(sigma_s sqrt(tau), 1e-4),
discount e^(-r tau)), and the grid in plain double precision as Paradex publishes it:
S_s = S (1 + spot shock), sigma_s = sigma (1 + vol shock (30 / max(1, DTE))^VP), VP 0.30 below
30 days and 0.13 from 30; SCAN = max(0, max weighted loss); MDR = (2% |net delta| + 1% hedged
delta) S with hedged = (sum |delta| - |net|) / 2 and deltas from QuantLib (1 a perpetual
contract); provision 0.03% of each position's notional; IMR = max(SCAN, MDR) + provision,
MMR = 50% max(SCAN, MDR) + provision; equity = collateral + perpetual PnL less funding + options
at the base price. Seeded random books; the collateral is set so that the outcomes (meets IMR,
MMR only, liquidatable) all occur, away from the boundaries. CI regenerates and compares.
"""
import json
import math
import random

import QuantLib as ql

YEAR, DAY = 31536000, 86400
GRID = [(16, 40, 1), (12, 40, 1), (12, -22, 1), (8, 40, 1), (8, -22, 1), (4, 40, 1), (4, -22, 1),
        (0, 40, 1), (0, -22, 1), (-4, 40, 1), (-4, -22, 1), (-8, 40, 1), (-8, -22, 1), (-12, 40, 1),
        (-12, -22, 1), (-16, 40, 1), (-66, 40, 0.24), (-33, 40, 0.48), (50, 40, 0.32), (100, 40, 0.16),
        (200, 40, 0.08), (300, 40, 0.0533), (400, 40, 0.04), (500, 40, 0.032)]


def price(call, S, K, sigma, r, q, tau):
    fwd = S * math.exp((r - q) * tau)
    bc = ql.BlackCalculator(ql.PlainVanillaPayoff(ql.Option.Call if call else ql.Option.Put, K), fwd,
                            max(sigma * math.sqrt(tau), 1e-4), math.exp(-r * tau))
    return bc.value(), bc.delta(S)


def fmt(x, places):
    return f"{x:.{places}f}".rstrip("0").rstrip(".") if "." in f"{x:.{places}f}" else f"{x:.{places}f}"


def evaluate(c):
    S, r, q, t0 = float(c["spot"]), float(c["rate"]), float(c["yield"]), c["timestamp"]
    taus = [(e - t0) / YEAR for e in c["expiries"]]
    vols = [float(v) for v in c["vols"]]
    scale = []
    for tau in taus:
        dte = tau * 365
        vp = 0.30 if dte < 30 else 0.13
        scale.append((30 / max(1.0, dte)) ** vp)

    def value(dpct, vpct):
        total, deltas = 0.0, []
        Ss = S * (1 + dpct / 100)
        for o in c["options"]:
            e = c["expiries"].index(o["expiry"])
            sig = vols[e] * (1 + vpct / 100 * scale[e])
            p, d = price(o["type"] == "call", Ss, float(o["strike"]), sig, r, q, taus[e])
            total += float(o["size"]) * p
            deltas.append(float(o["size"]) * d)
        for p in c["perpetuals"]:
            total += float(p["size"]) * Ss
            deltas.append(float(p["size"]))
        return total, deltas

    v0, deltas = value(0, 0)
    weighted = [w * (v0 - value(d, v)[0]) for d, v, w in GRID]
    scan = max(0.0, max(weighted))
    net = sum(deltas)
    gross = sum(abs(d) for d in deltas)
    mdr = (0.02 * abs(net) + 0.01 * (gross - abs(net)) / 2) * S
    sizes = sum(abs(float(o["size"])) for o in c["options"]) + sum(abs(float(p["size"])) for p in c["perpetuals"])
    provision = 0.0003 * sizes * S
    imr = max(scan, mdr) + provision
    mmr = 0.5 * max(scan, mdr) + provision
    phi = float(c["funding_index"])
    perp_value = sum(float(p["size"]) * (S - phi - (float(p["entry"]) - float(p["funding"]))) for p in c["perpetuals"])
    opt_value = v0 - sum(float(p["size"]) * S for p in c["perpetuals"])
    return {"weighted_loss": weighted, "scan": scan, "mdr": mdr, "provision": provision, "imr": imr,
            "mmr": mmr, "equity_before_collateral": perp_value + opt_value}


rng = random.Random(20261207)
cases = []
t0 = 1765000000
while len(cases) < 16:
    S = rng.choice([65000.0, 3500.0, 150.0])
    c = {"spot": fmt(S * rng.uniform(0.9, 1.1), 2), "rate": fmt(rng.uniform(0, 0.08), 4),
         "yield": fmt(rng.uniform(0, 0.03), 4), "timestamp": t0,
         "expiries": [t0 + rng.randint(2, 20) * DAY + rng.randint(0, DAY), t0 + rng.randint(31, 200) * DAY],
         "vols": [fmt(rng.uniform(0.3, 1.2), 3), fmt(rng.uniform(0.3, 1.0), 3)],
         "funding_index": fmt(rng.uniform(-50, 50), 3), "options": [], "perpetuals": []}
    S = float(c["spot"])
    for _ in range(rng.randint(1, 6)):
        c["options"].append({"expiry": rng.choice(c["expiries"]), "type": rng.choice(["call", "put"]),
                             "strike": fmt(S * math.exp(rng.uniform(-0.4, 0.4)), 0),
                             "size": fmt(rng.choice([-1, 1]) * rng.uniform(0.1, 20) * 65000 / S, 3)})
    for _ in range(rng.randint(0, 2)):
        c["perpetuals"].append({"size": fmt(rng.choice([-1, 1]) * rng.uniform(0.1, 10) * 65000 / S, 3),
                                "entry": fmt(S * rng.uniform(0.9, 1.1), 2), "funding": fmt(rng.uniform(-50, 50), 3)})
    ref = evaluate(c)
    # Collateral for a target: equity at IMR times k (k > 1 meets IMR; between MMR / IMR and 1
    # maintenance only; below, liquidatable), kept away from both boundaries.
    target = rng.choice([1.4, 0.5 * (1 + ref["mmr"] / ref["imr"]), 0.5 * ref["mmr"] / ref["imr"]])
    collateral = float(fmt(target * ref["imr"] - ref["equity_before_collateral"], 2))
    equity = collateral + ref["equity_before_collateral"]
    if min(abs(equity - ref["imr"]), abs(equity - ref["mmr"])) < 1e-3 * ref["imr"]:
        continue
    outcome = 0 if equity >= ref["imr"] else (1 if equity >= ref["mmr"] else 2)
    c["collateral"] = fmt(collateral, 2)
    c.update({k: v for k, v in ref.items() if k != "equity_before_collateral"})
    c["equity"] = equity
    c["outcome"] = outcome
    cases.append(c)

print(json.dumps({"generator": "tests/vectors/gen_portfolio_vectors.py", "quantlib": ql.__version__,
                  "cases": cases}, indent=1))
