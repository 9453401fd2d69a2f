// A program outside kit's tree that uses the installed kit::calendar and kit::hash.
#include <cstdio>

#include <kit/calendar.hpp>
#include <kit/hash.hpp>

int main() {
  auto digest = kit::hash::digest("sha256", "abc");
  if (!digest) return 1;
  std::printf("leapdays(2000, 2100) = %d\nsha256(abc) = ", kit::calendar::leapdays(2000, 2100));
  for (unsigned char c : *digest) std::printf("%02x", c);
  std::printf("\n");
}
