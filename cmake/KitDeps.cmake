# Third-party libraries. Each is used through one target name whichever way it is linked:
# fmt as kit_fmt, the pkg-config ones as PkgConfig::<NAME>. The libraries' own dependencies are
# found in kitDependencies.cmake, which find_package(kit) runs too; the binary's (CLI11) here.
#
# KIT_STATIC_DEPS links them from their archives (and libstdc++ too) into an executable that is
# not position-independent, as `make release` does: every shared object and every relocated
# pointer costs the dynamic loader page faults, and a page fault on this VM costs ~30 µs. kit's
# start-up went from 16 ms to 7 ms. libxxhash stays shared: its archive lacks the AVX2/AVX-512
# dispatch.
macro(kit_find_dependency)
  find_package(${ARGV} REQUIRED)
endmacro()
set(_kit_static ${KIT_STATIC_DEPS})
include(${CMAKE_CURRENT_LIST_DIR}/kitDependencies.cmake)
find_package(CLI11 REQUIRED)

# Exported (as kit::detail_fmt) because the static libraries link it: fmt's library, or its
# header-only form when KIT_STATIC_DEPS.
add_library(kit_fmt INTERFACE)
set_target_properties(kit_fmt PROPERTIES EXPORT_NAME detail_fmt)
install(TARGETS kit_fmt EXPORT kitTargets)
if(NOT KIT_STATIC_DEPS)
  target_link_libraries(kit_fmt INTERFACE fmt::fmt)
  return()
endif()

target_link_libraries(kit_fmt INTERFACE fmt::fmt-header-only)
# As kitDependencies.cmake found SQLiteCpp: archives first for the rest of the build too.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a ${CMAKE_FIND_LIBRARY_SUFFIXES})
add_link_options(-static-libstdc++ -static-libgcc -no-pie)
