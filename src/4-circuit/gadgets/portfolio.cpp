#include "gadgets/portfolio.hpp"

#include <string>

#include "base/error.hpp"
#include "ff/signed.hpp"
#include "gadgets/bsm.hpp"

namespace pm::gadgets::portfolio {
namespace {

using fixed::Format;
namespace bsm = gadgets::bsm;

constexpr unsigned kF = 48;
constexpr Format kUnit = bsm::kUnit;    // {48, 16}
constexpr Format kMoney = bsm::kMoney;  // {48, 48}
constexpr Format kTotal = bsm::kTotal;  // {48, 52}
constexpr Format kSize{kF, 31};

Fr pow2(unsigned k) { return Fr::from_canonical_reduced(ff::pow2_u256(k)); }
Fixed dec(const char* text, const Format& f = kUnit) { return fixed::constant_decimal(text, f); }
std::string pct(int p) {  // a percentage as a decimal fraction: 16 -> "0.16", -4 -> "-0.04"
  const int a = p < 0 ? -p : p;
  std::string s = std::to_string(a / 100) + "." + (a % 100 < 10 ? "0" : "") + std::to_string(a % 100);
  return (p < 0 ? "-" : "") + s;
}

// table[k] for one-hot sel (all zero: the last entry), as a chain of selections.
Fixed pick(std::span<const Expr> sel, std::span<const Fixed> table) {
  Fixed out = table.back();
  for (std::size_t k = table.size() - 1; k-- > 0;) out = fixed::select(sel[k], table[k], out);
  return out;
}

}  // namespace

const std::vector<Grid>& grids() {
  static const std::vector<Grid> g = {
      {"paradex",
       {{16, 40, "1", "0.148420005118273277981753365909"},
        {12, 40, "1", "0.113328685307003174738298319907"},
        {12, -22, "1", "0.113328685307003174738298319907"},
        {8, 40, "1", "0.076961041136128324984214704315"},
        {8, -22, "1", "0.076961041136128324984214704315"},
        {4, 40, "1", "0.039220713153281296269200896571"},
        {4, -22, "1", "0.039220713153281296269200896571"},
        {0, 40, "1", "0"},
        {0, -22, "1", "0"},
        {-4, 40, "1", "-0.040821994520255129554577065155"},
        {-4, -22, "1", "-0.040821994520255129554577065155"},
        {-8, 40, "1", "-0.083381608939051058394765834642"},
        {-8, -22, "1", "-0.083381608939051058394765834642"},
        {-12, 40, "1", "-0.127833371509884895722342967029"},
        {-12, -22, "1", "-0.127833371509884895722342967029"},
        {-16, 40, "1", "-0.174353387144777752700920686087"},
        {-66, 40, "0.24", "-1.078809661371929978369216170037"},
        {-33, 40, "0.48", "-0.400477566597125308365910913005"},
        {50, 40, "0.32", "0.405465108108164381978013115464"},
        {100, 40, "0.16", "0.693147180559945309417232121458"},
        {200, 40, "0.08", "1.098612288668109691395245236923"},
        {300, 40, "0.0533", "1.386294361119890618834464242916"},
        {400, 40, "0.04", "1.609437912434100374600759333226"},
        {500, 40, "0.032", "1.791759469228055000812477358381"}},
       "0.30",
       "0.13",
       "0.5",
       "0.02",
       "0.01",
       "0.0003"},
  };
  return g;
}

OptionSlot decode_option(Builder& b, const Expr& w, const Expr& feed, std::span<const Expr> expiries) {
  auto sc = b.scope("option slot");
  const std::size_t ne = expiries.size();
  // w' = low + 2^82 market + 2^114 expiry, low = u + 2^80 used + 2^81 call in 82 bits.
  auto fields = b.hint("option slot fields", std::span<const Expr>(&w, 1), 2,
                       [](std::span<const Fr> in, std::span<Fr> out) {
                         const ff::u256 v = in[0].to_canonical();
                         const ff::u256 rest = ff::udiv(v, ff::pow2_u256(82));
                         ff::u256 market{};
                         const ff::u256 expiry = ff::udiv(rest, ff::pow2_u256(32), &market);
                         out[0] = Fr::from_canonical_reduced(market);
                         out[1] = Fr::from_canonical_reduced(expiry);
                       });
  const Expr& market = fields[0];
  const Expr& expiry = fields[1];
  auto bits = b.to_bits(w - market * pow2(82) - expiry * pow2(114), 82, "option slot decodes");
  Expr u;
  Fr p = Fr::one();
  for (unsigned k = 0; k < 80; ++k, p += p) u += bits[k] * p;
  OptionSlot slot;
  slot.used = bits[80];
  slot.call = bits[81];
  b.assert_product(1 - slot.used, u + slot.call * pow2(80), Expr(0), "empty slot is zero");
  b.assert_equal(b.mul(slot.used, feed, "option market is the proof's market"), market,
                 "option market is the proof's market");
  std::vector<Expr> in(expiries.begin(), expiries.end());
  in.push_back(expiry);
  in.push_back(slot.used);
  slot.sigma = b.hint("option slot expiry", in, ne, [ne](std::span<const Fr> v, std::span<Fr> out) {
    for (std::size_t e = 0; e < ne; ++e)
      out[e] = (!v[ne + 1].is_zero() && v[e] == v[ne]) ? Fr::one() : Fr::zero();
  });
  Expr sum, named;
  for (std::size_t e = 0; e < ne; ++e) {
    b.assert_boolean(slot.sigma[e], "option expiry is one of the snapshot's");
    sum += slot.sigma[e];
    named += b.mul(slot.sigma[e], expiries[e], "option expiry is one of the snapshot's");
  }
  b.assert_equal(sum, slot.used, "option expiry is one of the snapshot's");
  b.assert_equal(named, expiry, "option expiry is one of the snapshot's");
  slot.size = u - slot.used * pow2(79);
  return slot;
}

Result portfolio_margin(Builder& b, const Inputs& in, const Grid& grid, unsigned cdf_bits) {
  auto sc = b.scope("portfolio margin");
  const std::size_t ne = in.expiries.size(), np = in.account.perp_word.size(),
                    no = in.account.option_word.size();
  if (ne == 0 || in.vols.size() != ne)
    throw Error(Errc::invalid_argument, "portfolio: one volatility an expiry");
  if (cdf_bits < 16 || cdf_bits > 40) throw Error(Errc::invalid_argument, "portfolio: cdf_bits in 16..40");
  const Format kCdf{cdf_bits, 24};                   // d1, d2 and N at cdf_bits
  const std::size_t ns = grid.scenarios.size() + 1;  // the base (0, 0) first, then the grid's
  auto spot_pct = [&](std::size_t s) { return s == 0 ? 0 : grid.scenarios[s - 1].spot_pct; };
  auto vol_pct = [&](std::size_t s) { return s == 0 ? 0 : grid.scenarios[s - 1].vol_pct; };

  // -- The market (bsm_options' formats: 0 < S < 2^40, |r|, |q| < 2^16).
  bsm::Market m = bsm::market(b, in.spot, in.rate, in.yield);
  Fixed funding = fixed::from_raw(b, in.funding, Format{kF, 40});

  // -- Per expiry: tau, discount factors, sd = sigma sqrt(tau), and Paradex's volatility
  // scaling g = (30 / max(1, DTE))^VP. Then per expiry and scenario the shocked v and 1 / v.
  std::vector<Fixed> carry, sdq, disc_r, disc_q;
  std::vector<std::vector<Fixed>> inv_v(ne), v48(ne), v_cdf(ne);
  for (std::size_t e = 0; e < ne; ++e) {
    auto se = b.scope("portfolio expiry");
    Fixed tau = bsm::years_between(b, in.timestamp, in.expiries[e]);
    bsm::Expiry ex = bsm::expiry(b, m, tau);
    b.assert_equal(ex.expired, Expr(0), "option expiry after the snapshot");
    Fixed sigma = fixed::from_raw(b, in.vols[e], kUnit);
    b.assert_equal(fixed::less_than(dec("0"), sigma), Expr(1), "volatility is positive");
    Fixed sd = sigma * ex.sqrt_tau;
    Fixed dte = fixed::narrow(b, fixed::mul_int(ex.tau, 365), Format{kF, 26});
    Expr short_dated = fixed::less_than(dte, dec("30", Format{kF, 26}));
    Fixed vp = fixed::select(short_dated, dec(grid.vp_short), dec(grid.vp_long));
    Fixed dte1 = fixed::max(dte, dec("1", Format{kF, 26}));
    Fixed ln_dte = fixed::ln(b, dte1, kUnit);
    Fixed power = vp * (dec("3.40119738166215537541323669160688") - ln_dte);
    Fixed g = fixed::exp(power);
    Fixed sdg = sd * g;
    carry.push_back(ex.carry);
    sdq.push_back(ex.s_disc_q);
    disc_r.push_back(ex.disc_r);
    disc_q.push_back(ex.disc_q);
    for (std::size_t s = 0; s < ns; ++s) {
      Fixed shocked = vol_pct(s) == 0 ? sd
                                      : sd + fixed::mul(b, sdg, dec(pct(vol_pct(s)).c_str()), kUnit,
                                                        "shocked volatility");
      // A volatility shocked to 0 or below prices at the floor, as bsm_options floors sd.
      Fixed v = fixed::max(shocked, dec(bsm::kVolFloor));
      inv_v[e].push_back(fixed::div(b, dec("1"), v, kUnit));
      v48[e].push_back(v);
      v_cdf[e].push_back(fixed::rescale(b, v, Format{cdf_bits, 16}));
    }
  }

  // -- Perpetuals: the linear book. Value at the base, its notional S sum s, deltas.
  const margin::AccountInputs& a = in.account;
  Fixed collateral = fixed::from_raw(b, a.collateral, kTotal);
  std::vector<Fixed> perp_size, perp_price, deltas, abs_sizes;
  const Expr feeds[1] = {in.feed};
  for (std::size_t i = 0; i < np; ++i) {
    auto sp = b.scope("portfolio perpetual");
    margin::PerpetualSlot slot = margin::decode_perpetual(b, a.perp_word[i], feeds);
    Fixed size = fixed::from_raw(b, slot.size, kSize);
    Fixed basis = fixed::from_raw(b, a.perp_entry[i] - a.perp_funding[i], Format{kF, 41});
    perp_size.push_back(size);
    perp_price.push_back(m.spot - funding - basis);
    deltas.push_back(size);
    abs_sizes.push_back(fixed::abs(size));
  }

  // -- Options, once each: the expiry's terms by the slot's selector, ln K, and the sums the
  // scenario prices are weighted by.
  std::vector<Fixed> ax, bx, x0, put_a, put_b, size_dq;
  std::vector<std::vector<Expr>> sel;
  std::vector<Expr> puts;
  std::vector<Fixed> opt_size;
  for (std::size_t i = 0; i < no; ++i) {
    auto so = b.scope("portfolio option");
    OptionSlot slot = decode_option(b, a.option_word[i], in.feed, in.expiries);
    Fixed size = fixed::from_raw(b, slot.size, kSize);
    // An empty slot's strike is 0: it is priced at K = S (ln needs K > 0), at size 0.
    Expr k_raw = a.option_strike[i] + b.mul(1 - slot.used, m.spot.raw(), "empty slot strike");
    Fixed strike = fixed::from_raw(b, k_raw, kMoney);
    Fixed ln_k = fixed::ln(b, strike, kUnit);
    Fixed carry_i = pick(slot.sigma, carry), sdq_i = pick(slot.sigma, sdq);
    Fixed d_i = pick(slot.sigma, disc_r), dq_i = pick(slot.sigma, disc_q);
    Fixed kd = fixed::mul(b, strike, d_i, kMoney);
    x0.push_back(m.ln_spot - ln_k + carry_i);
    ax.push_back(fixed::mul(b, size, sdq_i, kTotal));
    bx.push_back(fixed::mul(b, size, kd, kTotal));
    Expr put = slot.used - slot.call;  // (1 - used) call = 0: a put is used and not a call
    puts.push_back(put);
    put_a.push_back(fixed::select(put, ax.back(), dec("0", kTotal)));
    put_b.push_back(fixed::select(put, bx.back(), dec("0", kTotal)));
    size_dq.push_back(fixed::mul(b, size, dq_i, kTotal));
    sel.push_back(slot.sigma);
    opt_size.push_back(size);
    abs_sizes.push_back(fixed::abs(size));
  }
  Fixed sum_put_a = dec("0", kTotal), sum_put_b = dec("0", kTotal);
  for (std::size_t i = 0; i < no; ++i) sum_put_a = sum_put_a + put_a[i], sum_put_b = sum_put_b + put_b[i];

  // -- Per scenario: every option re-priced, the book's value, the weighted loss.
  Fixed perp_notional = dec("0", kTotal);
  if (np > 0) {
    Fixed net_size = perp_size[0];
    for (std::size_t i = 1; i < np; ++i) net_size = net_size + perp_size[i];
    perp_notional = fixed::mul(b, fixed::narrow(b, net_size, Format{kF, 37}), m.spot, kTotal);
  }
  const Fixed half = dec("0.5");
  std::vector<Fixed> option_value, weighted;
  std::vector<Fixed> base_n1;
  for (std::size_t s = 0; s < ns; ++s) {
    auto ss = b.scope("portfolio scenario");
    std::vector<Fixed> n1, n2;
    for (std::size_t i = 0; i < no; ++i) {
      std::vector<Fixed> iv, vv, vc;
      for (std::size_t e = 0; e < ne; ++e)
        iv.push_back(inv_v[e][s]), vv.push_back(v48[e][s]), vc.push_back(v_cdf[e][s]);
      Fixed inv = pick(sel[i], iv), v = pick(sel[i], vv), vcdf = pick(sel[i], vc);
      // d1 = (ln(S_s / K) + carry) / v + v / 2, rounded once to cdf_bits.
      Fixed x = s == 0 || spot_pct(s) == 0 ? x0[i] : x0[i] + dec(grid.scenarios[s - 1].ln_spot);
      const Fixed xs[2] = {x, v}, ys[2] = {inv, half};
      Fixed d1 = fixed::dot_to(b, xs, ys, kCdf);
      Fixed d2 = d1 - vcdf;
      n1.push_back(fixed::normal_cdf(b, d1, kCdf));
      n2.push_back(fixed::normal_cdf(b, d2, kCdf));
    }
    if (s == 0) base_n1 = n1;
    // sum size price = c (sum size S Dq N1 - puts' size S Dq) - (sum size K D N2 - puts' size K D),
    // c = 1 + delta_s (put-call parity: a put is the call less S_s Dq - K D).
    Fixed value = dec("0", kTotal);
    if (no > 0) {
      Fixed calls_s = fixed::dot_to(b, ax, n1, kTotal) - sum_put_a;
      Fixed calls_k = fixed::dot_to(b, bx, n2, kTotal) - sum_put_b;
      if (spot_pct(s) != 0)
        calls_s = fixed::mul(b, calls_s, dec(pct(100 + spot_pct(s)).c_str(), kUnit), kTotal);
      value = fixed::narrow(b, calls_s - calls_k, kTotal);
    }
    option_value.push_back(value);
    if (s == 0) continue;
    const Scenario& sn = grid.scenarios[s - 1];
    // Loss: options V_0 - V_s; perpetuals sum s (S - S_s) = -delta_s sum s S.
    Fixed loss = option_value[0] - value;
    if (np > 0 && sn.spot_pct != 0)
      loss = loss - fixed::mul(b, perp_notional, dec(pct(sn.spot_pct).c_str()), kTotal);
    loss = fixed::narrow(b, loss, kTotal);
    if (std::string(sn.weight) != "1") loss = fixed::mul(b, loss, dec(sn.weight), kTotal);
    weighted.push_back(loss);
  }

  // -- SCAN: the largest weighted loss, a hinted index proven to be the maximum.
  std::vector<Expr> raws;
  for (const Fixed& w : weighted) raws.push_back(w.raw());
  const std::size_t nw = weighted.size();
  auto onehot = b.hint("scenario max", raws, nw, [nw](std::span<const Fr> v, std::span<Fr> out) {
    std::size_t k = 0;
    for (std::size_t s = 1; s < nw; ++s) {
      const ff::SignedInt cand = ff::to_signed(v[s]), best = ff::to_signed(v[k]);
      const bool greater = cand.neg != best.neg
                               ? !cand.neg
                               : (cand.neg ? ff::lt(cand.mag, best.mag) : ff::lt(best.mag, cand.mag));
      if (greater) k = s;
    }
    for (std::size_t s = 0; s < nw; ++s) out[s] = s == k ? Fr::one() : Fr::zero();
  });
  Expr count;
  for (const Expr& o : onehot) {
    b.assert_boolean(o, "exactly one scenario is the maximum");
    count += o;
  }
  b.assert_equal(count, Expr(1), "exactly one scenario is the maximum");
  Fixed worst = pick(onehot, weighted);
  for (const Fixed& w : weighted)
    b.assert_equal(fixed::less_or_equal(w, worst), Expr(1), "scenario loss at most the margin");
  const Fixed scan = fixed::max(worst, dec("0", kTotal));

  // -- Minimum delta requirement: option deltas at the base, Dq (N(d1) - put).
  for (std::size_t i = 0; i < no; ++i) {
    Fixed n = fixed::select(puts[i], base_n1[i] - dec("1", Format{cdf_bits, 2}), base_n1[i]);
    deltas.push_back(fixed::mul_to(b, size_dq[i], n, kTotal));
  }
  Fixed net = dec("0", kTotal), gross = dec("0", kTotal);
  for (const Fixed& d : deltas) net = net + d, gross = gross + fixed::abs(d);
  net = fixed::narrow(b, net, Format{kF, 44}), gross = fixed::narrow(b, gross, Format{kF, 44});
  // (mdr_net |net| + mdr_hedged (gross - |net|) / 2) S
  Fixed abs_net = fixed::abs(net);
  Fixed per_unit =
      fixed::mul(b, abs_net, dec(grid.mdr_net), Format{kF, 44}) +
      fixed::mul(b, fixed::narrow(b, gross - abs_net, Format{kF, 45}), dec(grid.mdr_hedged), Format{kF, 44}) *
          half;
  const Fixed mdr = fixed::mul(b, fixed::narrow(b, per_unit, Format{kF, 44}), m.spot, kTotal);
  // -- Provision: a fraction of the notional of every position.
  Fixed sizes = dec("0", Format{kF, 37});
  for (const Fixed& s : abs_sizes) sizes = sizes + s;
  const Fixed provision = fixed::mul(
      b, fixed::mul(b, fixed::narrow(b, sizes, Format{kF, 37}), m.spot, kTotal), dec(grid.provision), kTotal);
  Fixed net_imr = fixed::max(scan, mdr);
  const Fixed imr = fixed::narrow(b, net_imr + provision, kTotal);
  const Fixed mmr = fixed::narrow(b, fixed::mul(b, net_imr, dec(grid.mm), kTotal) + provision, kTotal);

  // -- Equity: collateral, perpetual PnL less funding owed, options at the model's base value.
  Fixed equity = collateral + option_value[0];
  if (np > 0) equity = equity + fixed::dot(b, perp_size, perp_price, kTotal);
  equity = fixed::narrow(b, equity, kTotal);
  Expr below_im = margin::sign_bit(b, (equity - imr).raw(), kTotal.int_bits + kF + 1, "initial margin sign",
                                   "initial margin sign");
  Expr below_mm = margin::sign_bit(b, (equity - mmr).raw(), kTotal.int_bits + kF + 1,
                                   "maintenance margin sign", "maintenance margin sign");
  return {below_im + below_mm, equity, imr, mmr, scan, mdr, provision, weighted};
}

}  // namespace pm::gadgets::portfolio
