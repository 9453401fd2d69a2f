# Third-party libraries. Each is used through one target name whichever way it is linked:
# fmt as kit_fmt, the pkg-config ones as PkgConfig::<NAME>.
#
# KIT_STATIC_DEPS links them from their archives (and libstdc++ too) into an executable that is
# not position-independent, as `make release` does: every shared object and every relocated
# pointer costs the dynamic loader page faults, and a page fault on this VM costs ~30 µs. kit's
# start-up went from 16 ms to 7 ms. libxxhash stays shared: its archive lacks the AVX2/AVX-512
# dispatch.
find_package(fmt 9 REQUIRED)
find_package(tl-expected REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBXXHASH REQUIRED IMPORTED_TARGET libxxhash)

add_library(kit_fmt INTERFACE)
if(NOT KIT_STATIC_DEPS)
  target_link_libraries(kit_fmt INTERFACE fmt::fmt)
  find_package(ZLIB REQUIRED)
  find_package(OpenSSL 3 REQUIRED)
  pkg_check_modules(LIBICAL REQUIRED IMPORTED_TARGET libical)
  pkg_check_modules(LIBB2 REQUIRED IMPORTED_TARGET libb2)
  return()
endif()

target_link_libraries(kit_fmt INTERFACE fmt::fmt-header-only)
set(ZLIB_USE_STATIC_LIBS ON)
set(OPENSSL_USE_STATIC_LIBS ON)
find_package(ZLIB REQUIRED)
find_package(OpenSSL 3 REQUIRED)
# SQLiteCpp's config looks for sqlite3 with find_library: archives first.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a ${CMAKE_FIND_LIBRARY_SUFFIXES})
add_link_options(-static-libstdc++ -static-libgcc -no-pie)

# kit_static_pkg(NAME module): PkgConfig::NAME from the archives pkg-config lists for a static
# link (libical brings ICU's three).
function(kit_static_pkg name module)
  pkg_check_modules(${name} REQUIRED ${module})
  add_library(PkgConfig::${name} INTERFACE IMPORTED GLOBAL)
  target_include_directories(PkgConfig::${name} INTERFACE ${${name}_STATIC_INCLUDE_DIRS})
  foreach(lib IN LISTS ${name}_STATIC_LIBRARIES)
    if(lib MATCHES "^(pthread|m|dl)$")
      target_link_libraries(PkgConfig::${name} INTERFACE ${lib})
      continue()
    endif()
    find_library(KIT_ARCHIVE_${lib} NAMES lib${lib}.a HINTS ${${name}_STATIC_LIBRARY_DIRS} REQUIRED)
    target_link_libraries(PkgConfig::${name} INTERFACE ${KIT_ARCHIVE_${lib}})
  endforeach()
  target_link_libraries(PkgConfig::${name} INTERFACE ${CMAKE_DL_LIBS})
endfunction()
kit_static_pkg(LIBICAL libical)
kit_static_pkg(LIBB2 libb2)
