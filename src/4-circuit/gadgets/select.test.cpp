// select_index and mux against plain array indexing, their costs, and malicious selectors.
#include "gadgets/select.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "circuit/testing.hpp"

namespace pm::gadgets {
namespace {

using json = nlohmann::ordered_json;
using circuit::SolveOptions;
using circuit::testing::expect_rejected;
using circuit::testing::run_circuit;

const std::vector<std::uint64_t> kTable{101, 202, 303, 404, 505};

circuit::Circuit index_circuit(bool constant_table) {
  Builder b("select_index");
  std::vector<Expr> table;
  if (constant_table) {
    for (auto v : kTable) table.emplace_back(static_cast<std::int64_t>(v));
  } else {
    table = b.private_inputs("table", kTable.size());
  }
  Expr index = b.private_input("index");
  b.public_output("out", select_index(b, table, index));
  return b.compile();
}

json index_input(bool constant_table, std::int64_t index) {
  json in;
  if (!constant_table) in["table"] = kTable;
  in["index"] = index;
  return in;
}

TEST(SelectIndex, ReadsEveryEntryAndNothingElse) {
  for (bool constant_table : {false, true}) {
    SCOPED_TRACE(constant_table ? "constant table" : "table of wires");
    auto c = index_circuit(constant_table);
    for (std::size_t i = 0; i < kTable.size(); ++i) {
      std::vector<Fr> expect{Fr::from_u64(kTable[i])};
      run_circuit(c, index_input(constant_table, static_cast<std::int64_t>(i)), expect, {.prove = i == 2});
    }
    for (std::int64_t bad : {5, 6, -1}) EXPECT_THROW((void)c.solve(index_input(constant_table, bad)), Error);
    // Malicious selectors: two entries (sum 2), a non-boolean pair that sums to 1, and a one-hot
    // vector at another position than the index.
    SolveOptions two;
    two.hint_overrides["one-hot index"] = [](std::span<const Fr>, std::span<Fr> out) {
      for (auto& o : out) o = Fr::zero();
      out[1] = out[2] = Fr::one();  // weighted sum 3
    };
    expect_rejected(c, index_input(constant_table, 3), two, "exactly one entry selected");
    SolveOptions split;
    split.hint_overrides["one-hot index"] = [](std::span<const Fr>, std::span<Fr> out) {
      for (auto& o : out) o = Fr::zero();
      out[0] = -Fr::one();  // -1 * 0 + 2 * 1 ... weighted sum 2 with entries summing to 1
      out[1] = Fr::from_u64(2);
    };
    expect_rejected(c, index_input(constant_table, 2), split, "selector is boolean");
    SolveOptions moved;
    moved.hint_overrides["one-hot index"] = [](std::span<const Fr>, std::span<Fr> out) {
      for (auto& o : out) o = Fr::zero();
      out[4] = Fr::one();
    };
    expect_rejected(c, index_input(constant_table, 7), moved, "index within the table");
  }
}

TEST(SelectIndex, CostsAsDocumented) {
  for (std::size_t n : {3u, 8u, 100u}) {
    Builder b("cost");
    auto table = b.private_inputs("t", n);
    Expr index = b.private_input("i");
    (void)select_index(b, table, index);
    EXPECT_EQ(b.num_constraints(), 2 * n + 1) << n;
    std::vector<Expr> consts;
    for (std::size_t i = 0; i < n; ++i) consts.emplace_back(static_cast<std::int64_t>(i * i));
    Builder c("cost");
    (void)select_index(c, consts, c.private_input("i"));
    EXPECT_EQ(c.num_constraints(), n + 2) << n;
  }
  Builder b("const index");
  auto table = b.private_inputs("t", 4);
  EXPECT_EQ(select_index(b, table, Expr(2)).as_wire(), table[2].as_wire());
  EXPECT_THROW((void)select_index(b, table, Expr(4)), Error);
  EXPECT_EQ(b.num_constraints(), 0u);
}

TEST(Mux, SelectsByBitsWithTreeCost) {
  for (bool constant_table : {false, true}) {
    Builder b("mux");
    Expr index = b.private_input("index");
    auto bits = b.to_bits(index, 3);
    std::vector<Expr> table;
    if (constant_table) {
      for (int i = 0; i < 8; ++i) table.emplace_back(1000 + i * i * 7);  // not affine in the bits
    } else {
      table = b.private_inputs("table", 8);
    }
    const auto before = b.num_constraints();
    b.public_output("out", mux(b, bits, table));
    EXPECT_EQ(b.num_constraints() - before, constant_table ? 3u : 7u);
    auto c = b.compile();
    for (int i = 0; i < 8; ++i) {
      json in{{"index", i}};
      if (!constant_table) in["table"] = std::vector<int>{1000, 1007, 1028, 1063, 1112, 1175, 1252, 1343};
      std::vector<Fr> expect{Fr::from_u64(1000 + static_cast<std::uint64_t>(i * i) * 7)};
      run_circuit(c, in, expect, {.prove = i == 5});
    }
  }
  // Bits not known boolean are asserted by the selections: a "bit" of 2 is rejected.
  Builder b("mux");
  auto bits = b.private_inputs("bits", 2);
  std::vector<Expr> table{Expr(5), Expr(6), Expr(7), Expr(8)};
  b.public_output("out", mux(b, bits, table));
  auto c = b.compile();
  expect_rejected(c, json{{"bits", {2, 0}}}, {}, "mux selection");
  EXPECT_THROW((void)mux(b, bits, std::vector<Expr>{Expr(1), Expr(2), Expr(3)}), Error);
}

}  // namespace
}  // namespace pm::gadgets
