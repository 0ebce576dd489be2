# The warning set of CONVENTIONS.md rule 20, errors unless AW_WERROR is off.
function(aw_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes -Wmissing-prototypes)
  if(AW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
