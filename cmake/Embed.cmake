# Embeds files in the binary as a table of {name, bytes, length}, sorted by name.
function(cw_embed_files output symbol)
  set(files ${ARGN})
  list(SORT files)
  # A CMake list would be split into separate arguments: pass it with '|'.
  string(REPLACE ";" "|" joined "${files}")
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} -DSYMBOL=${symbol}
            "-DFILES=${joined}" -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmbedRun.cmake
    DEPENDS ${files} ${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmbedRun.cmake
    COMMENT "Embedding ${symbol}"
    VERBATIM)
endfunction()
