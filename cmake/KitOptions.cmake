# Compiler flags shared by every kit target, applied through the kit_options interface target.
include(GNUInstallDirs)
add_library(kit_options INTERFACE)
target_compile_options(kit_options INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual)
if(KIT_WERROR)
  target_compile_options(kit_options INTERFACE -Werror)
endif()
if(KIT_FUZZ)
  # Coverage feedback from the libraries too, not only from the fuzz target's own file.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  set(KIT_SANITIZER_LINK_OPTIONS -fsanitize=address,undefined)
endif()
if(KIT_SANITIZE)
  # One sanitizer build runs every test (DESIGN.md, Tests).
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 with ASan at -O2 reports std::variant<…, std::string> returned through
    # tl::expected as "maybe uninitialized" (a known false positive); ASan itself checks reads.
    target_compile_options(kit_options INTERFACE -Wno-maybe-uninitialized)
  endif()
  add_link_options(-fsanitize=address,undefined)
  set(KIT_SANITIZER_LINK_OPTIONS -fsanitize=address,undefined)
  # Executables not position-independent: the dynamic loader's relocation of a 150 MB PIE took
  # most of each sanitized kit's start (0.35 s against 0.15 s), and the tests start kit
  # thousands of times.
  add_link_options(-no-pie)
endif()

# kit_module(<name> SOURCES... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# Declares the library target kit_<name> with its alias kit::<name>, installed and exported as
# kit::<name> (kitConfig.cmake): a new module is installable by being declared here.
# kit_options stays in the build: a consumer does not get kit's warning flags.
function(kit_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(kit_${name} STATIC ${ARG_SOURCES})
  add_library(kit::${name} ALIAS kit_${name})
  set_target_properties(kit_${name} PROPERTIES EXPORT_NAME ${name})
  target_include_directories(kit_${name}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(kit_${name} PUBLIC ${ARG_PUBLIC_DEPS}
    PRIVATE $<BUILD_INTERFACE:kit_options> ${ARG_PRIVATE_DEPS})
  if(KIT_SANITIZER_LINK_OPTIONS)
    # Instrumented objects call the sanitizers' runtimes: whoever links them links those.
    target_link_options(kit_${name} INTERFACE $<INSTALL_INTERFACE:${KIT_SANITIZER_LINK_OPTIONS}>)
  endif()
  install(TARGETS kit_${name} EXPORT kitTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  set_property(GLOBAL APPEND PROPERTY KIT_MODULES kit_${name})
endfunction()
