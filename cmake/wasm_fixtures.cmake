# Building WebAssembly from sources at build time: .wat with wabt's wat2wasm,
# C with clang-19 for wasm32-wasi. Never commit the .wasm files these produce.
find_program(AW_WAT2WASM wat2wasm)
find_program(AW_WASM_CC NAMES clang-19)
set(AW_WASM_OUT ${CMAKE_BINARY_DIR}/wasm CACHE INTERNAL "where built .wasm files go")
file(MAKE_DIRECTORY ${AW_WASM_OUT})

# aw_wat_modules(<target> <file.wat>...): builds each file into
# ${AW_WASM_OUT}/<stem>.wasm when <target> is built (part of ALL).
function(aw_wat_modules target)
  if(NOT AW_WAT2WASM)
    message(FATAL_ERROR "wat2wasm not found: install Debian's wabt (make deps)")
  endif()
  set(outs)
  foreach(src ${ARGN})
    get_filename_component(stem ${src} NAME_WE)
    get_filename_component(abs ${src} ABSOLUTE)
    set(out ${AW_WASM_OUT}/${stem}.wasm)
    add_custom_command(OUTPUT ${out}
      COMMAND ${AW_WAT2WASM} --enable-all --no-check -o ${out} ${abs}
      DEPENDS ${abs} COMMENT "wat2wasm ${stem}.wat" VERBATIM)
    list(APPEND outs ${out})
  endforeach()
  add_custom_target(${target} ALL DEPENDS ${outs})
endfunction()

# aw_wasm_c_module(<name> SOURCES <c>... [FLAGS <flag>...]): compiles C for
# wasm32-wasi into ${AW_WASM_OUT}/<name>.wasm (reactor model by default).
function(aw_wasm_c_module name)
  cmake_parse_arguments(W "" "" "SOURCES;FLAGS;DEPENDS" ${ARGN})
  if(NOT AW_WASM_CC)
    message(FATAL_ERROR "clang-19 not found: install Debian's clang-19, lld-19, "
      "libclang-rt-19-dev-wasm32 and wasi-libc (make deps)")
  endif()
  set(abs_sources)
  foreach(src ${W_SOURCES})
    get_filename_component(abs ${src} ABSOLUTE)
    list(APPEND abs_sources ${abs})
  endforeach()
  set(out ${AW_WASM_OUT}/${name}.wasm)
  add_custom_command(OUTPUT ${out}
    COMMAND ${AW_WASM_CC} --target=wasm32-wasi -O2 -mexec-model=reactor
      -I${CMAKE_SOURCE_DIR}/include ${W_FLAGS} -o ${out} ${abs_sources}
    DEPENDS ${abs_sources} ${W_DEPENDS} COMMENT "clang-19 wasm32 ${name}" VERBATIM)
  add_custom_target(wasm_${name} ALL DEPENDS ${out})
endfunction()
