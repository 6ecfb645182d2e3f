# embed.cmake - turn each asset file into a C string constant named after it (station.css -> station_css),
# as hex escapes so that any byte is safe. Run by CMake at build time (cmake -DDIR=assets -DOUT=x.h -P embed.cmake).
set(text "/* generated from src/station/assets by embed.cmake: do not edit */\n")
foreach(f ${DIR}/station.css ${DIR}/station.js)
  get_filename_component(name ${f} NAME)
  string(REPLACE "." "_" var ${name})
  file(READ ${f} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" esc "${hex}")
  string(REGEX REPLACE "((\\\\x[0-9a-f][0-9a-f]){32})" "\\1\"\n\"" esc "${esc}")
  string(APPEND text "static const char ${var}[] = \"${esc}\";\n")
endforeach()
file(WRITE ${OUT} "${text}")
