# Warning flags for every target of the project; CI turns them into errors.
function(cw_enable_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes
    -Wshadow -Wformat=2 -Wcast-align -Wpointer-arith -Wvla
    -Wundef -Wwrite-strings -fno-common -fstack-protector-strong)
  if(CW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
