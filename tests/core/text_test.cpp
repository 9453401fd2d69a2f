#include "kit/core/text.hpp"
#include "kit/core/file.hpp"

#include <gtest/gtest.h>

namespace {

using kit::core::base64_encode;
using kit::core::is_valid_utf8;
using kit::core::parse_int;

TEST(Utf8, AcceptsWellFormed) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));      // euro sign
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));  // emoji
}

TEST(Utf8, RejectsMalformed) {
  EXPECT_FALSE(is_valid_utf8("\xc3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("ok\x80"));
}

TEST(Base64, MatchesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string_view("\xff\x00", 2)), "/wA=");
}

TEST(ToHex, AsPythonBytesHex) {
  using kit::core::to_hex;
  EXPECT_EQ(to_hex(""), "");
  EXPECT_EQ(to_hex("", ":"), "");
  EXPECT_EQ(to_hex("\x01\xab", ":"), "01:ab");
  EXPECT_EQ(to_hex("\x01\xab"), "01ab");
  EXPECT_EQ(to_hex("\x01", " - "), "01");
  EXPECT_EQ(to_hex(std::string_view("\x00\x7f\x80\xff", 4), " - "), "00 - 7f - 80 - ff");
  std::string every_byte, expected;
  for (int c = 0; c < 256; ++c) {
    every_byte += static_cast<char>(c);
    expected += "0123456789abcdef"[c / 16];
    expected += "0123456789abcdef"[c % 16];
  }
  EXPECT_EQ(to_hex(every_byte), expected);
}

TEST(ParseInt, AcceptsWholeIntegers) {
  EXPECT_EQ(*parse_int("2026"), 2026);
  EXPECT_EQ(*parse_int("-1"), -1);
  EXPECT_EQ(*parse_int("+7"), 7);
}

TEST(ParseInt, RejectsEverythingElse) {
  for (const char* bad : {"", "-", "+", "abc", "12x", " 12", "1.5", "--1", "+-1"}) {
    auto r = parse_int(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "core.bad_integer");
  }
  EXPECT_FALSE(parse_int("99999999999999999999999"));
}

TEST(SplitLines, HandlesLfCrlfAndNoFinalNewline) {
  auto lines = kit::core::split_lines("a\r\nb\n\nc");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "b");
  EXPECT_EQ(lines[2], "");
  EXPECT_EQ(lines[3], "c");
  EXPECT_TRUE(kit::core::split_lines("").empty());
}

TEST(HtmlEscape, EscapesMarkup) {
  EXPECT_EQ(kit::core::html_escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#x27;s&lt;/a&gt;");
}

TEST(ReadFile, MissingFileIsAnIoError) {
  auto r = kit::core::read_file("/nonexistent/kit-test-file");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, kit::ErrorKind::io);
  EXPECT_EQ(r.error().message,
            "cannot open '/nonexistent/kit-test-file': No such file or directory");
}

}  // namespace

// Expected values are what coreutils 9.1 prints under LC_ALL=C (gnulib's quotef).
TEST(QuoteShell, AsGnuToolsQuoteNames) {
  using kit::core::quote_shell;
  EXPECT_EQ(quote_shell("nope"), "nope");
  EXPECT_EQ(quote_shell("x~"), "x~");
  EXPECT_EQ(quote_shell("x#"), "x#");
  EXPECT_EQ(quote_shell("sp ace2"), "'sp ace2'");
  EXPECT_EQ(quote_shell("back\\x"), "'back\\x'");
  EXPECT_EQ(quote_shell("$x"), "'$x'");
  EXPECT_EQ(quote_shell("~x"), "'~x'");
  EXPECT_EQ(quote_shell("#x"), "'#x'");
  EXPECT_EQ(quote_shell("a\"b"), "'a\"b'");
  EXPECT_EQ(quote_shell(""), "''");
  EXPECT_EQ(quote_shell("a:b"), "'a:b'");
  EXPECT_EQ(quote_shell("it's"), "\"it's\"");
  EXPECT_EQ(quote_shell("a'b c"), "\"a'b c\"");
  EXPECT_EQ(quote_shell("nl\nx"), "'nl'$'\\n''x'");
  EXPECT_EQ(quote_shell("t\tab"), "'t'$'\\t''ab'");
  EXPECT_EQ(quote_shell("a\r"), "'a'$'\\r'");
  EXPECT_EQ(quote_shell("\xff"), "''$'\\377'");
  EXPECT_EQ(quote_shell("\xc3\xbcn\xc3\xafx"), "''$'\\303\\274''n'$'\\303\\257''x'");
  EXPECT_EQ(quote_shell("\xc3\xbcn\xc3\xafx", /*utf8=*/true), "\xc3\xbcn\xc3\xafx");
  EXPECT_EQ(quote_shell("a'$b"), "'a'\\''$b'");
  EXPECT_EQ(quote_shell("\n'"), "''$'\\n'\\'''");
  EXPECT_EQ(quote_shell("a\x01"
                        "b"),
            "'a'$'\\001''b'");
  EXPECT_EQ(quote_shell("x{y}"), "x{y}");
  EXPECT_EQ(quote_shell("{"), "'{'");
  EXPECT_EQ(quote_shell("a=b"), "'a=b'");
  EXPECT_EQ(quote_shell("a?b"), "'a?b'");
}

using kit::core::split_words;

TEST(SplitWords, BlanksSeparateAndQuotesJoin) {
  using Words = std::vector<std::string>;
  EXPECT_EQ(*split_words("sleep 0.01"), (Words{"sleep", "0.01"}));
  EXPECT_EQ(*split_words("  a\t b\n\nc  "), (Words{"a", "b", "c"}));
  EXPECT_EQ(*split_words(""), Words{});
  EXPECT_EQ(*split_words(" \t\n"), Words{});
  EXPECT_EQ(*split_words("sh -c 'exit 5'"), (Words{"sh", "-c", "exit 5"}));
  EXPECT_EQ(*split_words("a'b c'd\"e f\"g"), (Words{"ab cde fg"}));
  // An empty quote is a word of its own; adjacent quotes are one word.
  EXPECT_EQ(*split_words("printf '' \"\" x"), (Words{"printf", "", "", "x"}));
  EXPECT_EQ(*split_words("''\"\""), Words{""});
  // Nothing is expanded: $, *, ~, |, > and ; are plain text.
  EXPECT_EQ(*split_words("echo $HOME * ~ | > ;"),
            (Words{"echo", "$HOME", "*", "~", "|", ">", ";"}));
  // Single quotes keep everything literally, backslashes included.
  EXPECT_EQ(*split_words(R"('a\b' 'it"s')"), (Words{R"(a\b)", R"(it"s)"}));
}

TEST(SplitWords, BackslashesAsShDoes) {
  using Words = std::vector<std::string>;
  // Outside quotes a backslash takes the next character, blanks and quotes included.
  EXPECT_EQ(*split_words(R"(exit\ 6)"), Words{"exit 6"});
  EXPECT_EQ(*split_words(R"(\'a\" \\)"), (Words{R"('a")", R"(\)"}));
  EXPECT_EQ(*split_words("a\\\nb"), Words{"a\nb"});
  // A backslash at the very end stays as it is.
  EXPECT_EQ(*split_words(R"(a\)"), Words{R"(a\)"});
  // In double quotes it escapes only $ ` " \ and a newline; before anything else it stays.
  EXPECT_EQ(*split_words(R"("\$ \` \" \\")"), Words{R"($ ` " \)"});
  EXPECT_EQ(*split_words("\"a\\\nb\""), Words{"a\nb"});
  EXPECT_EQ(*split_words(R"("\a \n")"), Words{R"(\a \n)"});
}

TEST(SplitWords, AnOpenQuoteIsAnError) {
  for (const char* open : {"echo 'open", "echo \"open", "'", "a \"b\\\"", "x 'y''"}) {
    auto words = split_words(open);
    ASSERT_FALSE(words) << open;
    EXPECT_EQ(words.error().code, "core.open_quote");
    EXPECT_EQ(words.error().kind, kit::ErrorKind::invalid_argument);
  }
  EXPECT_EQ(split_words("echo 'open").error().message, "unterminated quote in 'echo 'open'");
}
