#pragma once
/// \file Selection by a witness: a variable-index array read and a multiplexer over index bits.
///
/// Costs (docs/CIRCUITS.md; n entries):
///  - select_index(table, index): a one-hot selector, n booleans, its sum 1 and its weighted sum
///    the index (2 linear constraints), then n - 1 products for a table of wires (none for a
///    table of constants): 2n + 1 and n + 2. An index outside 0..n-1 has no satisfying witness.
///  - mux(bits, table), table of 2^k entries: a binary tree of selections, 2^k - 1 constraints,
///    the first level free for a constant table (2^(k-1) - 1 then); bits not yet known boolean
///    are asserted (one constraint each).

#include <span>

#include "circuit/builder.hpp"

namespace pm::gadgets {

using circuit::Builder;
using circuit::Expr;
using ff::Fr;

/// table[index]; 0 <= index < table.size() is a constraint ("index within the table").
Expr select_index(Builder& b, std::span<const Expr> table, const Expr& index);

/// table[sum 2^i bits[i]]; table.size() must be 2^bits.size() (1..2^20 entries).
Expr mux(Builder& b, std::span<const Expr> bits, std::span<const Expr> table);

}  // namespace pm::gadgets
