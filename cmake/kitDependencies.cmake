# The third-party libraries that kit's libraries link, found the same way by kit's own build
# (KitDeps.cmake) and by a consumer's find_package(kit) (kitConfig.cmake, which installs this
# file beside itself): the static libraries name them, so whoever links those needs them too.
# kit_find_dependency(...) is find_package(... REQUIRED) in the build and find_dependency in
# kitConfig.cmake; _kit_static is KIT_STATIC_DEPS as the libraries were built.

# kit_pkg_dependency(NAME module [SHARED]): PkgConfig::NAME, from the archives pkg-config lists
# for a static link when _kit_static (libical brings ICU's three) unless SHARED.
function(kit_pkg_dependency name module)
  if(TARGET PkgConfig::${name})
    return()
  endif()
  if(NOT _kit_static OR "SHARED" IN_LIST ARGN)
    pkg_check_modules(${name} REQUIRED IMPORTED_TARGET GLOBAL ${module})
    return()
  endif()
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

kit_find_dependency(Threads)
kit_find_dependency(tl-expected)
kit_find_dependency(nlohmann_json 3)
kit_find_dependency(fmt 9)
# Header-only; Debian's libfast-float-dev gives FastFloat::fast_float.
kit_find_dependency(FastFloat 3)
kit_find_dependency(PkgConfig)
# Boost.Asio, header-only (kit::net); Boost.System is header-only since 1.69.
kit_find_dependency(Boost 1.74)

set(_kit_saved_suffixes ${CMAKE_FIND_LIBRARY_SUFFIXES})
if(_kit_static)
  set(ZLIB_USE_STATIC_LIBS ON)
  set(OPENSSL_USE_STATIC_LIBS ON)
  # SQLiteCpp's config looks for sqlite3 with find_library: archives first.
  set(CMAKE_FIND_LIBRARY_SUFFIXES .a ${CMAKE_FIND_LIBRARY_SUFFIXES})
endif()
kit_find_dependency(ZLIB)
kit_find_dependency(OpenSSL 3)
kit_find_dependency(SQLiteCpp)
set(CMAKE_FIND_LIBRARY_SUFFIXES ${_kit_saved_suffixes})
unset(_kit_saved_suffixes)

# libxxhash stays shared: its archive lacks the AVX2/AVX-512 dispatch.
kit_pkg_dependency(LIBXXHASH libxxhash SHARED)
kit_pkg_dependency(LIBICAL libical)
# ICU's case mapping: python_upper in kit::net (libical links ICU already).
kit_pkg_dependency(ICU icu-uc)
kit_pkg_dependency(LIBB2 libb2)
