# Turns files into a C array of {name, data, size} so the binary carries them.
#
# vigil_embed(OUT SYMBOL BASEDIR FILE...) writes OUT at build time, defining
#   const struct embed_file SYMBOL[];   (terminated by a {NULL, NULL, 0} entry)
# where each name is the file's path relative to BASEDIR.

set(VIGIL_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_run.cmake)

function(vigil_embed out symbol basedir)
  set(files ${ARGN})
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol}
            -DBASEDIR=${basedir} "-DFILES=${files}" -P ${VIGIL_EMBED_SCRIPT}
    DEPENDS ${files} ${VIGIL_EMBED_SCRIPT}
    COMMENT "Embedding ${symbol}"
    VERBATIM)
endfunction()
