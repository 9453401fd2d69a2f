// ELF: the identification bytes and the file header (class, byte order, type, machine).
#include <fmt/core.h>

#include "kit/binary/inspect.hpp"
#include "reader.hpp"

namespace kit::binary {

using detail::ByteReader;
using detail::fits;
using detail::problem;

namespace {

constexpr std::uint32_t pt_dynamic = 2;
constexpr std::int64_t dt_flags_1 = 0x6ffffffb;
constexpr std::uint64_t df_1_pie = 0x08000000;

struct Header {
  std::uint64_t phoff = 0, shoff = 0;
  std::uint16_t phentsize = 0, shentsize = 0;
};

// is_pie(bytes, info, header): whether a DYN file is a position-independent executable, as
// readelf decides it: its dynamic section has DT_FLAGS_1 with DF_1_PIE.
bool is_pie(std::string_view bytes, const ElfInfo& info, const Header& h) {
  bool wide = info.elf_class == 2;
  for (std::uint16_t i = 0; i < info.program_headers; ++i) {
    ByteReader r(bytes, info.little_endian, h.phoff + std::uint64_t{i} * h.phentsize);
    auto type = r.get<std::uint32_t>();
    if (!type || *type != pt_dynamic) continue;
    std::optional<std::uint64_t> offset, size;
    if (wide) {
      r.skip(4);
      offset = r.get<std::uint64_t>();
      r.skip(16);
      size = r.get<std::uint64_t>();
    } else {
      offset = r.get<std::uint32_t>();
      r.skip(8);
      size = r.get<std::uint32_t>();
    }
    if (!offset || !size || !fits(bytes, *offset, *size)) return false;
    ByteReader d(bytes.substr(*offset, *size), info.little_endian);
    while (true) {
      std::optional<std::int64_t> tag;
      std::optional<std::uint64_t> value;
      if (wide) {
        tag = d.get<std::int64_t>();
        value = d.get<std::uint64_t>();
      } else {
        tag = d.get<std::int32_t>();
        value = d.get<std::uint32_t>();
      }
      if (!tag || !value || *tag == 0) return false;
      if (*tag == dt_flags_1) return (*value & df_1_pie) != 0;
    }
  }
  return false;
}

}  // namespace

std::string_view ElfInfo::class_name() const {
  return elf_class == 2 ? "ELF64" : "ELF32";
}

std::string_view ElfInfo::data_name() const {
  return little_endian ? "little endian" : "big endian";
}

std::string ElfInfo::os_abi_name() const {
  switch (os_abi) {
    case 0:
      return "UNIX - System V";
    case 3:
      return "UNIX - GNU";
    case 6:
      return "UNIX - Solaris";
    case 9:
      return "UNIX - FreeBSD";
    case 12:
      return "UNIX - OpenBSD";
    default:
      return fmt::format("<unknown: {:x}>", os_abi);
  }
}

std::string ElfInfo::type_name() const {
  switch (type) {
    case 0:
      return "NONE (None)";
    case 1:
      return "REL (Relocatable file)";
    case 2:
      return "EXEC (Executable file)";
    case 3:
      return pie ? "DYN (Position-Independent Executable file)" : "DYN (Shared object file)";
    case 4:
      return "CORE (Core file)";
    default:
      if (type >= 0xfe00 && type <= 0xfeff) return fmt::format("OS Specific: ({:x})", type);
      if (type >= 0xff00) return fmt::format("Processor Specific: ({:x})", type);
      return fmt::format("<unknown>: {:x}", type);
  }
}

std::string ElfInfo::machine_name() const {
  switch (machine) {
    case 0:
      return "None";
    case 2:
      return "Sparc";
    case 3:
      return "Intel 80386";
    case 4:
      return "MC68000";
    case 8:
      return "MIPS R3000";
    case 18:
      return "Sparc v8+";
    case 20:
      return "PowerPC";
    case 21:
      return "PowerPC64";
    case 22:
      return "IBM S/390";
    case 40:
      return "ARM";
    case 42:
      return "Renesas / SuperH SH";
    case 43:
      return "Sparc v9";
    case 50:
      return "Intel IA-64";
    case 62:
      return "Advanced Micro Devices X86-64";
    case 183:
      return "AArch64";
    case 243:
      return "RISC-V";
    case 247:
      return "Linux BPF";
    case 258:
      return "LoongArch";
    default:
      return fmt::format("<unknown>: 0x{:x}", machine);
  }
}

Result<ElfInfo> inspect_elf(std::string_view bytes) {
  if (bytes.substr(0, 4) !=
      "\x7F"
      "ELF")
    return tl::unexpected(problem("elf.bad_signature", 0, "not an ELF signature"));
  if (!fits(bytes, 0, 16))
    return tl::unexpected(
        problem("elf.truncated", bytes.size(), "the file ends inside the ELF identification"));
  ElfInfo info;
  info.elf_class = static_cast<std::uint8_t>(bytes[4]);
  auto data = static_cast<std::uint8_t>(bytes[5]);
  info.os_abi = static_cast<std::uint8_t>(bytes[7]);
  if (info.elf_class != 1 && info.elf_class != 2)
    return tl::unexpected(
        problem("elf.bad_class", 4, "ELF class {} is neither 32- nor 64-bit", info.elf_class));
  if (data != 1 && data != 2)
    return tl::unexpected(problem("elf.bad_data", 5,
                                  "ELF data encoding {} is neither little- "
                                  "nor big-endian",
                                  data));
  info.little_endian = data == 1;
  bool wide = info.elf_class == 2;
  std::size_t header_size = wide ? 64 : 52;
  if (!fits(bytes, 0, header_size))
    return tl::unexpected(problem("elf.truncated", bytes.size(),
                                  "the file ends inside the {}-byte ELF header", header_size));

  ByteReader r(bytes, info.little_endian, 16);
  Header h;
  info.type = *r.get<std::uint16_t>();
  info.machine = *r.get<std::uint16_t>();
  r.skip(4);  // e_version
  if (wide) {
    info.entry = *r.get<std::uint64_t>();
    h.phoff = *r.get<std::uint64_t>();
    h.shoff = *r.get<std::uint64_t>();
  } else {
    info.entry = *r.get<std::uint32_t>();
    h.phoff = *r.get<std::uint32_t>();
    h.shoff = *r.get<std::uint32_t>();
  }
  r.skip(6);  // e_flags, e_ehsize
  h.phentsize = *r.get<std::uint16_t>();
  info.program_headers = *r.get<std::uint16_t>();
  h.shentsize = *r.get<std::uint16_t>();
  info.section_headers = *r.get<std::uint16_t>();

  // A table that does not fit is reported at the header field that places it (e_phoff,
  // e_shoff), never at the offset that field holds: that may lie anywhere, past the end too.
  const std::uint64_t phoff_field = wide ? 32 : 28, shoff_field = wide ? 40 : 32;
  bool tables_fit = true;
  if (info.program_headers != 0 &&
      !fits(bytes, h.phoff, std::uint64_t{info.program_headers} * h.phentsize)) {
    tables_fit = false;
    info.problems.push_back(problem("elf.truncated", phoff_field,
                                    "the {} program headers ({} bytes at byte {}) do not fit in "
                                    "the file",
                                    info.program_headers,
                                    std::uint64_t{info.program_headers} * h.phentsize, h.phoff));
  }
  if (info.section_headers != 0 &&
      !fits(bytes, h.shoff, std::uint64_t{info.section_headers} * h.shentsize)) {
    info.problems.push_back(problem("elf.truncated", shoff_field,
                                    "the {} section headers ({} bytes at byte {}) do not fit in "
                                    "the file",
                                    info.section_headers,
                                    std::uint64_t{info.section_headers} * h.shentsize, h.shoff));
  }
  if (info.type == 3 && tables_fit) info.pie = is_pie(bytes, info, h);
  return info;
}

}  // namespace kit::binary
