#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kit/binary.hpp"

namespace {

namespace bin = kit::binary;
using bin::Value;

std::string packed_hex(std::string_view format, std::vector<Value> values) {
  auto s = bin::Struct::compile(format);
  EXPECT_TRUE(s) << format;
  auto bytes = s->pack(values);
  EXPECT_TRUE(bytes) << (bytes ? "" : bytes.error().message);
  return bytes ? bin::to_hex(*bytes) : "";
}

TEST(Struct, TutorialRecord) {
  // The tutorial's 10 bytes are the standard-size layout; native IHf pads H to 4 (12 bytes).
  EXPECT_EQ(packed_hex("<IHf", {Value{std::int64_t{1000}}, Value{std::int64_t{42}}, Value{3.14}}),
            "e80300002a00c3f54840");
  EXPECT_EQ(*bin::calcsize("IHf"), 12u);
  EXPECT_EQ(*bin::calcsize("<IHf"), 10u);
  auto s = bin::Struct::compile("<IHf");
  auto values = s->unpack(*bin::from_hex("e80300002a00c3f54840"));
  ASSERT_TRUE(values);
  EXPECT_EQ(bin::repr(*values), "(1000, 42, 3.140000104904175)");
}

TEST(Struct, ByteOrder) {
  EXPECT_EQ(packed_hex("<I", {Value{std::int64_t{0x01020304}}}), "04030201");
  EXPECT_EQ(packed_hex(">I", {Value{std::int64_t{0x01020304}}}), "01020304");
  EXPECT_EQ(packed_hex("!h", {Value{std::int64_t{-2}}}), "fffe");
  EXPECT_EQ(packed_hex("=q", {Value{std::int64_t{-1}}}), "ffffffffffffffff");
}

TEST(Struct, NativeAlignmentButNoTrailingPadding) {
  EXPECT_EQ(*bin::calcsize("cI"), 8u);
  EXPECT_EQ(*bin::calcsize("Ic"), 5u);
  EXPECT_EQ(*bin::calcsize("c0l"), 8u);  // a zero count still aligns
  EXPECT_EQ(*bin::calcsize("<c0l"), 1u);
  EXPECT_EQ(*bin::calcsize("@lLnNP"), 40u);
  EXPECT_EQ(*bin::calcsize("<lL"), 8u);
  EXPECT_EQ(*bin::calcsize("3x2s 5p"), 10u);
  EXPECT_EQ(*bin::calcsize(""), 0u);
}

TEST(Struct, FormatErrors) {
  for (const char* bad : {"Z", "<n", ">P", "!N", "3", "i3", "2 h", "<@i"}) {
    auto s = bin::Struct::compile(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code, "binary.bad_format") << bad;
  }
  EXPECT_EQ(bin::Struct::compile("99999999999999999999q").error().message,
            "total struct size too long");
}

TEST(Struct, StringsArePaddedOrCut) {
  EXPECT_EQ(packed_hex("5s", {Value{std::string("ab")}}), "6162000000");
  EXPECT_EQ(packed_hex("2s", {Value{std::string("abcdef")}}), "6162");
  EXPECT_EQ(packed_hex("4p", {Value{std::string("abcdef")}}), "03616263");
  auto s = bin::Struct::compile("4p");
  EXPECT_EQ(bin::repr(*s->unpack(std::string("\x09xyz", 4))), "(b'xyz',)");  // length byte capped
}

TEST(Struct, IntegerRanges) {
  auto s = bin::Struct::compile("b");
  EXPECT_TRUE(s->pack({Value{std::int64_t{-128}}}));
  auto over = s->pack({Value{std::int64_t{128}}});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().message, "item 1: 'b' format requires -128 <= number <= 127");
  auto q = bin::Struct::compile("Q");
  EXPECT_EQ(bin::to_hex(*q->pack({Value{std::uint64_t{18446744073709551615ULL}}})),
            "ffffffffffffffff");
  EXPECT_FALSE(q->pack({Value{std::int64_t{-1}}}));
  EXPECT_FALSE(s->pack({Value{1.5}}));                    // not an integer
  EXPECT_EQ(packed_hex("i", {Value{true}}), "01000000");  // bool is an int, as in Python
}

TEST(Struct, CountAndBufferSize) {
  auto s = bin::Struct::compile("hh");
  EXPECT_EQ(s->pack({Value{std::int64_t{1}}}).error().message,
            "pack expected 2 items for packing (got 1)");
  EXPECT_EQ(s->unpack("abc").error().message, "unpack requires a buffer of 4 bytes (got 3)");
  EXPECT_TRUE(s->unpack_from("xxabcd", 2));
  EXPECT_FALSE(s->unpack_from("xxabc", 2));
  EXPECT_FALSE(s->unpack_from("ab", 9));
}

TEST(Struct, HalfFloatsRoundLikeCPython) {
  auto e = bin::Struct::compile("<e");
  auto hex = [&](double x) { return bin::to_hex(*e->pack({Value{x}})); };
  EXPECT_EQ(hex(1.0), "003c");
  EXPECT_EQ(hex(65504.0), "ff7b");
  EXPECT_FALSE(e->pack({Value{65520.0}}));             // rounds up to infinity: an error
  EXPECT_EQ(hex(std::ldexp(1.0, -24)), "0100");        // smallest subnormal
  EXPECT_EQ(hex(std::ldexp(1.0, -25)), "0000");        // half of it rounds to even (zero)
  EXPECT_EQ(hex(1.0 + std::ldexp(1.0, -11)), "003c");  // a tie rounds to even
  EXPECT_EQ(hex(std::numeric_limits<double>::infinity()), "007c");
  EXPECT_EQ(hex(-0.0), "0080");
  EXPECT_EQ(bin::repr(*e->unpack(*bin::from_hex("007e"))), "(nan,)");
}

TEST(Struct, FloatTooLargeForF) {
  // CPython 3.11 calls it an error for standard sizes, and casts to infinity natively.
  auto standard = bin::Struct::compile("<f");
  EXPECT_FALSE(standard->pack({Value{1e300}}));
  EXPECT_TRUE(standard->pack({Value{std::numeric_limits<double>::infinity()}}));
  EXPECT_TRUE(standard->pack({Value{3.4028235e38}}));  // rounds down to FLT_MAX
  auto native = bin::Struct::compile("f");
  EXPECT_EQ(bin::to_hex(*native->pack({Value{1e300}})), "0000807f");
}

TEST(Struct, HugeCountsCostNothingUntilPacked) {
  EXPECT_EQ(*bin::calcsize("1152921504606846975q"), 9223372036854775800u);
  EXPECT_EQ(*bin::calcsize("9223372036854775807x"), 9223372036854775807u);
  EXPECT_FALSE(bin::calcsize("9223372036854775808x"));
}

TEST(Struct, IterUnpackIsLazyAndChecksTheSize) {
  auto s = bin::Struct::compile("<HB");
  const std::string data = *bin::from_hex("010002 020003 030004");
  auto records = s->iter_unpack(data);
  ASSERT_TRUE(records);
  EXPECT_EQ(records->size(), 3u);
  std::vector<std::string> seen;
  for (const auto& r : *records) seen.push_back(bin::repr(r));
  EXPECT_EQ(seen, (std::vector<std::string>{"(1, 2)", "(2, 3)", "(3, 4)"}));
  EXPECT_FALSE(s->iter_unpack(data.substr(1)));
  EXPECT_FALSE(bin::Struct::compile("")->iter_unpack(""));
}

TEST(Repr, FloatsAsPython) {
  EXPECT_EQ(bin::float_repr(1.0), "1.0");
  EXPECT_EQ(bin::float_repr(0.1), "0.1");
  EXPECT_EQ(bin::float_repr(1e16), "1e+16");
  EXPECT_EQ(bin::float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(bin::float_repr(0.0001), "0.0001");
  EXPECT_EQ(bin::float_repr(0.00001), "1e-05");
  EXPECT_EQ(bin::float_repr(-0.0), "-0.0");
  EXPECT_EQ(bin::float_repr(1.5e-300), "1.5e-300");
  EXPECT_EQ(bin::float_repr(123456789.125), "123456789.125");
  EXPECT_EQ(bin::float_repr(-std::numeric_limits<double>::infinity()), "-inf");
}

// pack_plain(line) must pack exactly what the general path (parse_literal, then pack_into)
// packs, or decline: every line below goes through both.
TEST(Struct, PackPlainAgreesWithTheGeneralPathOrDeclines) {
  struct Line {
    const char* format;
    std::string text;
    bool plain;  // whether the fast path takes it
  };
  const std::vector<Line> lines = {
      {"<IHff", "3280387012,33432,-38.2081298828125,76.09624481201172", true},
      {"<IHff", "0,0,0,1e-05", true},
      {">bBhHiIqQ",
       "-128,255,-32768,65535,-2147483648,4294967295,-999999999999999999,"
       "999999999999999999",
       true},
      {"@bqd", "1,2,3.5\r\n", true},  // native alignment: pad bytes are zero
      {"<e", "65504", true},
      {"<fd", "nan,-inf", true},
      {"<d", "12345678901234567890", true},  // for floats, any decimal text reads the same
      {"<d", "-0", false},                   // the int 0, so +0.0
      {"<d", "007", true},
      {"<q", "1000000000000000000", false},  // 19 digits: the general path
      {"<i", "007", false},
      {"<i", "+5", false},
      {"<i", " 5", false},
      {"<i", "0x10", false},
      {"<i", "1_000", false},
      {"<b", "128", false},  // out of range: the general path explains
      {"<B", "-1", false},
      {"<f", "1e39", false},
      {"<d", "1e400", true},                        // inf, as float() reads it
      {"<d", "-1" + std::string(400, '0'), false},  // an int too large for a float: an error
      {"<e", "9" + std::string(310, '9'), false},
      {"<i", "5\r", true},  // a CR before the end of text is a line end
      {"<i", "5\rx", false},
      {"<ii", "1,", false},
      {"<ii", "1", false},
      {"<ii", "1,2,3", false},
      {"<?", "1", false},  // bools, bytes and pointers: never plain
      {"<4s", "61626364", false},
      {"<i", "True", false},
      {"<i", "\"5\"", false},
  };
  for (const Line& line : lines) {
    auto s = bin::Struct::compile(line.format);
    ASSERT_TRUE(s) << line.format;
    std::string fast(s->size(), '\x55');
    const std::size_t read = s->pack_plain(line.text, fast.data());
    EXPECT_EQ(read != 0, line.plain) << line.format << " " << line.text;
    if (read == 0) continue;
    EXPECT_EQ(read, line.text.size()) << line.text;
    std::string body = line.text.substr(0, line.text.find_first_of("\r\n"));
    std::vector<Value> values;
    for (std::size_t at = 0, i = 0; at <= body.size(); ++i) {
      const std::size_t comma = std::min(body.find(',', at), body.size());
      auto v = bin::parse_literal(body.substr(at, comma - at), s->code_at(i));
      ASSERT_TRUE(v) << body;
      values.push_back(*v);
      at = comma + 1;
    }
    auto general = s->pack(values);
    ASSERT_TRUE(general) << body;
    EXPECT_EQ(bin::to_hex(fast), bin::to_hex(*general)) << line.format << " " << body;
  }
  // The fuzzer's find: digits past the largest double were packed as -inf by the fast path,
  // while the general path says the int is too large to convert to float.
  auto e = bin::Struct::compile(">e");
  const std::string huge = "-000" + std::string(360, '8');
  char half[2];
  EXPECT_EQ(e->pack_plain(huge, half), 0u);
  auto literal = bin::parse_literal(huge, 'e');
  ASSERT_FALSE(literal);
  EXPECT_NE(literal.error().message.find("too large to convert to float"), std::string::npos);
  // Only the first line of the text is read: the count includes its line end.
  auto s = bin::Struct::compile("<i");
  char out[4];
  EXPECT_EQ(s->pack_plain("7\n8\n", out), 2u);
  EXPECT_EQ(s->pack_plain("7\r\n8\n", out), 3u);
}

TEST(Repr, BytesAndTuples) {
  EXPECT_EQ(bin::repr(Value{std::string("a'b")}), "b\"a'b\"");
  EXPECT_EQ(bin::repr(Value{std::string("a'\"b")}), "b'a\\'\"b'");
  EXPECT_EQ(bin::repr(Value{std::string("\x00\t\n\r\\\x7f\xff", 7)}),
            "b'\\x00\\t\\n\\r\\\\\\x7f\\xff'");
  EXPECT_EQ(bin::repr(std::vector<Value>{}), "()");
  EXPECT_EQ(bin::repr(std::vector<Value>{Value{true}}), "(True,)");
}

TEST(Literal, AsPythonReadsThem) {
  EXPECT_EQ(std::get<std::int64_t>(*bin::parse_literal("1_000", 'i')), 1000);
  EXPECT_EQ(std::get<std::int64_t>(*bin::parse_literal("-0x1f", 'i')), -31);
  EXPECT_EQ(std::get<std::int64_t>(*bin::parse_literal("0b101", 'B')), 5);
  EXPECT_EQ(std::get<std::uint64_t>(*bin::parse_literal("18446744073709551615", 'Q')),
            18446744073709551615ULL);
  EXPECT_EQ(std::get<bool>(*bin::parse_literal("True", 'i')), true);
  EXPECT_EQ(std::get<double>(*bin::parse_literal("1e-3", 'd')), 1e-3);
  EXPECT_TRUE(std::isinf(std::get<double>(*bin::parse_literal("-inf", 'f'))));
  EXPECT_EQ(std::get<std::string>(*bin::parse_literal("b'a\\x00\\n'", 's')),
            std::string("a\0\n", 3));
  EXPECT_EQ(std::get<std::string>(*bin::parse_literal("6162", 's')), "ab");
  EXPECT_EQ(std::get<std::int64_t>(*bin::parse_literal("-0", 'd')), 0);  // the int 0: +0.0
  EXPECT_EQ(std::get<double>(*bin::parse_literal("0x400000000000000000", 'd')), 0x1p70);
  EXPECT_EQ(std::get<double>(*bin::parse_literal("100000000000000000000000", 'd')), 1e23);
  for (auto [text, code] :
       std::vector<std::pair<const char*, char>>{{"1.5", 'i'},
                                                 {"abc", 'i'},
                                                 {"1__0", 'i'},
                                                 {"_1", 'i'},
                                                 {"0x", 'i'},
                                                 {"b'\\x4'", 's'},
                                                 {"b'unterminated", 's'},
                                                 {"xyz", 's'},
                                                 {"1e", 'd'},
                                                 {"99999999999999999999999", 'q'}})
    EXPECT_FALSE(bin::parse_literal(text, code)) << text;
}

TEST(Bytes, HexBothWays) {
  EXPECT_EQ(*bin::from_hex(" 01 ab\n"), "\x01\xab");
  EXPECT_FALSE(bin::from_hex("0"));
  EXPECT_FALSE(bin::from_hex("0 1"));  // whitespace only between bytes
  EXPECT_FALSE(bin::from_hex("zz"));
}

TEST(Bytes, IntegersToAndFromBytes) {
  EXPECT_EQ(bin::to_hex(*bin::to_bytes(Value{std::int64_t{1024}}, 2, bin::ByteOrder::big, false)),
            "0400");
  EXPECT_EQ(bin::to_hex(*bin::to_bytes(Value{std::int64_t{-1}}, 2, bin::ByteOrder::little, true)),
            "ffff");
  EXPECT_FALSE(bin::to_bytes(Value{std::int64_t{256}}, 1, bin::ByteOrder::big, false));
  EXPECT_FALSE(bin::to_bytes(Value{std::int64_t{-1}}, 4, bin::ByteOrder::big, false));
  EXPECT_EQ(std::get<std::int64_t>(*bin::from_bytes("\xff\xfe", bin::ByteOrder::big, true)), -2);
  EXPECT_EQ(std::get<std::uint64_t>(*bin::from_bytes("\xff\xfe", bin::ByteOrder::little, false)),
            0xfeffu);
}

TEST(Bytes, HexdumpLikeXxd) {
  EXPECT_EQ(bin::hexdump("Hello, world!\n"),
            "00000000: 4865 6c6c 6f2c 2077 6f72 6c64 210a       Hello, world!.\n");
}

}  // namespace
