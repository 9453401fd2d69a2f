# cmake -DKIT=<kit> -DDIR=<folder> -P KitCompletion.cmake: writes `kit completion <shell>` for
# each shell into DIR as kit.bash, _kit (zsh) and kit.fish.
foreach(pair IN ITEMS "bash=kit.bash" "zsh=_kit" "fish=kit.fish")
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 shell)
  list(GET pair 1 file)
  execute_process(COMMAND ${KIT} completion ${shell} OUTPUT_FILE ${DIR}/${file}.tmp
    RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${KIT} completion ${shell} failed: ${status}")
  endif()
  file(RENAME ${DIR}/${file}.tmp ${DIR}/${file})
endforeach()
