#!/usr/bin/python3
"""Black-Scholes-Merton prices and Greeks from QuantLib, for src/4-circuit/gadgets/bsm.test.cpp.

  /usr/bin/python3 tests/vectors/gen_options_vectors.py > tests/vectors/options.json

QuantLib (Debian's quantlib-python) is the independent reference: BlackCalculator on the forward
S e^((r - q) tau), the standard deviation sigma sqrt(tau) and the discount e^(-r tau) gives the
value, delta(S), gamma(S), vega(tau), theta(S, tau) (per year) and rho(tau), the Greeks of the
European option under BSM with a continuous yield q. CI regenerates the file and compares.

Cases: a grid over the issue's ranges (K/S 0.2 to 5, sigma 1% to 400%, tau one hour to five
years, r -2% to 25%, q 0 to 25%, calls and puts) and seeded random draws over the same ranges,
log-uniform in K/S, sigma and tau. Every case has sigma sqrt(tau) >= 1e-4 (below that the circuit
applies its documented floor). tau is (expiry - timestamp) seconds / 31,536,000 (ACT/365).
"""
import json
import math
import random

import QuantLib as ql

YEAR = 31536000


def case(S, K, sigma, r, q, secs, call, floor=None):
    tau = secs / YEAR
    fwd = S * math.exp((r - q) * tau)
    disc = math.exp(-r * tau)
    payoff = ql.PlainVanillaPayoff(ql.Option.Call if call else ql.Option.Put, K)
    std_dev = sigma * math.sqrt(tau) if floor is None else max(sigma * math.sqrt(tau), floor)
    bc = ql.BlackCalculator(payoff, fwd, std_dev, disc)
    return {
        "S": repr(S), "K": repr(K), "sigma": repr(sigma), "r": repr(r), "q": repr(q),
        "tau_seconds": secs, "call": call,
        "price": repr(bc.value()), "delta": repr(bc.delta(S)), "gamma": repr(bc.gamma(S)),
        "vega": repr(bc.vega(tau)), "theta": repr(bc.theta(S, tau)), "rho": repr(bc.rho(tau)),
    }


cases = []
for S in (100.0,):
    for m in (0.2, 0.8, 1.0, 1.25, 5.0):
        for sigma in (0.01, 0.2, 1.0, 4.0):
            for secs in (3600, 7 * 86400, YEAR, 5 * YEAR):
                for r in (-0.02, 0.05, 0.25):
                    for q in (0.0, 0.25):
                        for call in (True, False):
                            cases.append(case(S, S * m, sigma, r, q, secs, call))

rng = random.Random(20261207)
spots = (1.0, 0.35, 100.0, 2500.0, 65000.0)
while len(cases) < 960 + 300:
    S = rng.choice(spots)
    m = math.exp(rng.uniform(math.log(0.2), math.log(5.0)))
    sigma = math.exp(rng.uniform(math.log(0.01), math.log(4.0)))
    secs = int(math.exp(rng.uniform(math.log(3600), math.log(5 * YEAR))))
    if sigma * math.sqrt(secs / YEAR) < 1e-4:
        continue
    r = rng.uniform(-0.02, 0.25)
    q = rng.uniform(0.0, 0.25)
    # Round the draws to 10 significant digits so the circuit's inputs are the same decimals.
    rd = lambda x: float("%.10g" % x)
    cases.append(case(S, rd(S * m), rd(sigma), rd(r), rd(q), secs, rng.random() < 0.5))

# Below the floor: sigma sqrt(tau) < 1e-4 is priced at a standard deviation of 1e-4 (theta, which
# the floor does not define the same way, is left out of these).
floor_cases = []
for secs in (60, 3600):
    for sigma in (0.0001, 0.001):
        for m in (0.99999, 1.0, 1.00001):
            for call in (True, False):
                c = case(100.0, 100.0 * m, sigma, 0.05, 0.01, secs, call, floor=1e-4)
                del c["theta"]
                floor_cases.append(c)

# Implied volatility: QuantLib's price of every fifth case with vega >= 1e-3 S, and QuantLib's
# implied volatility from that price (blackFormulaImpliedStdDev / sqrt(tau)).
iv_cases = []
for c in cases[::5]:
    S, K, tau = float(c["S"]), float(c["K"]), c["tau_seconds"] / YEAR
    if float(c["vega"]) < 1e-3 * S:
        continue
    r, q = float(c["r"]), float(c["q"])
    fwd, disc = S * math.exp((r - q) * tau), math.exp(-r * tau)
    kind = ql.Option.Call if c["call"] else ql.Option.Put
    sd = ql.blackFormulaImpliedStdDev(kind, K, fwd, float(c["price"]), disc, 0.0, 0.3, 1e-15, 10000)
    iv_cases.append({k: c[k] for k in ("S", "K", "sigma", "r", "q", "tau_seconds", "call", "price", "vega")} |
                    {"implied_vol": repr(sd / math.sqrt(tau))})

# SVI slices (Gatheral's raw form, QuantLib's SviSmileSection: a, b, sigma, rho, m on the total
# variance at log-moneyness ln(K / F)): each option's volatility from its expiry's slice, then
# BlackCalculator at that volatility (the Greeks at a fixed sigma, as the circuit computes them).
# Slices are drawn around an ATM volatility of 30% to 150% and kept arbitrage-free in the wings
# (a + b sigma sqrt(1 - rho^2) > 0), with parameters rounded to 10 significant digits.
svi_cases = []
rng = random.Random(20261208)
rd = lambda x: float("%.10g" % x)
while len(svi_cases) < 240:
    S = rng.choice(spots)
    secs = int(math.exp(rng.uniform(math.log(86400), math.log(2 * YEAR))))
    tau = secs / YEAR
    r, q = rd(rng.uniform(-0.02, 0.25)), rd(rng.uniform(0.0, 0.25))
    atm = rng.uniform(0.3, 1.5)
    b = rd(rng.uniform(0.05, 0.6) * math.sqrt(tau))
    rho = rd(rng.uniform(-0.8, 0.5))
    m = rd(rng.uniform(-0.2, 0.2))
    sig = rd(rng.uniform(0.05, 0.5))
    a = rd(atm * atm * tau - b * (-rho * m + math.sqrt(m * m + sig * sig)))
    if a + b * sig * math.sqrt(1 - rho * rho) <= 1e-6:
        continue
    fwd = S * math.exp((r - q) * tau)
    smile = ql.SviSmileSection(tau, fwd, [a, b, sig, rho, m])
    K = rd(S * math.exp(rng.uniform(math.log(0.3), math.log(3.0))))
    vol = smile.volatility(K)
    if vol * math.sqrt(tau) < 1e-4:
        continue
    c = case(S, K, vol, r, q, secs, rng.random() < 0.5)
    c["sigma"] = repr(vol)
    c["svi"] = {"a": repr(a), "b": repr(b), "rho": repr(rho), "m": repr(m), "sigma": repr(sig)}
    svi_cases.append(c)

out = ['{"generator": "tests/vectors/gen_options_vectors.py (QuantLib %s)",' % ql.__version__,
       '"year_seconds": %d,' % YEAR, '"cases": [']
out.append(",\n".join(json.dumps(c) for c in cases))
out.append('], "floor_cases": [')
out.append(",\n".join(json.dumps(c) for c in floor_cases))
out.append('], "iv_cases": [')
out.append(",\n".join(json.dumps(c) for c in iv_cases))
out.append('], "svi_cases": [')
out.append(",\n".join(json.dumps(c) for c in svi_cases))
out.append("]}")
print("\n".join(out))
