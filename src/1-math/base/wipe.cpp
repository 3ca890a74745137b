#include "base/wipe.hpp"

#include <string.h>  // explicit_bzero

namespace pm {

void wipe_bytes(void* p, std::size_t n) {
  if (n != 0) explicit_bzero(p, n);
}

}  // namespace pm
